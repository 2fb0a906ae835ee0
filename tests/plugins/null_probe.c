/* Descriptor without a probe: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "null_probe",
	.kind = PMEM_BACKEND_FLUSH,
	.flush = flush_lines,
	.drain = drain_fence,
};
