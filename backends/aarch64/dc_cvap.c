/*
 * dc-cvap -- AArch64 with DCPoP (ARMv8.2): DC CVAP cleans each line to the
 * Point of Persistence, the point where a write survives power loss; the
 * drain's DSB waits until every clean issued before it has completed
 * (docs/durability.md, "AArch64").
 */
#include "backend_build.h"
#include "flush_lines.h"

static void flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_dc_cvap);
}

static void drain(void)
{
	pm_dsb();
}

PMEM_BACKEND_DESCRIPTOR(dc_cvap) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "dc-cvap",
	.description = "DC CVAP each line (clean to PoP), DSB to drain",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = pmem_backend_probe_cpu_needs,
	.flush = flush,
	.drain = drain,
	.cpu_needs = PMEM_CPU_DCPOP,
};
