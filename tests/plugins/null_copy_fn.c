/* Copy backend without memset_nt: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "null_copy_fn",
	.kind = PMEM_BACKEND_COPY,
	.probe = probe_yes,
	.memmove_nt = copy_plain,
};
