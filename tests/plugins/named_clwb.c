/* Named "clwb", needs nothing, but its probe refuses: the refusal must
 * say the probe refused, not "needs CLWB". */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "clwb",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe_no,
	.flush = flush_lines,
	.drain = drain_fence,
};
