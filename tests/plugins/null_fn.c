/* Flush backend without a drain function: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "null_fn",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe_yes,
	.flush = flush_lines,
};
