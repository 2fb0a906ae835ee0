/* A complete copy plugin (temporal copy plus flush): must be accepted. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "good_copy",
	.description = "test plugin: memmove plus flush",
	.kind = PMEM_BACKEND_COPY,
	.probe = probe_yes,
	.memmove_nt = copy_plain,
	.memset_nt = set_plain,
};
