/* Declares a CPU need no CPU has (bit 63) and a probe that would say yes:
 * the library must not run the probe's answer past cpu_needs. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "needs_missing",
	FLUSH_FIELDS,
	.cpu_needs = PMEM_CPU_CLFLUSH | (1ULL << 63),
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
