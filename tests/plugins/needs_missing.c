/* Declares a CPU need no CPU has (bit 63) and a probe that would say yes:
 * the library must not run the probe's answer past cpu_needs. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "needs_missing",
	FLUSH_FIELDS,
	.cpu_needs = PMEM_CPU_CLFLUSH | (1ULL << 63),
};
