/* Copy backend that also sets the flush kind's memset_flush: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "copy_flush_fns",
	.kind = PMEM_BACKEND_COPY,
	.probe = probe_yes,
	.memmove_nt = copy_plain,
	.memset_nt = set_plain,
	.memset_flush = fill_flush_lines,
};
