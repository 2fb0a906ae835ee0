/* Complete, but its probe refuses every CPU: loads, then refused by selection. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "refuses",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe_no,
	.flush = flush_lines,
	.drain = drain_fence,
};
