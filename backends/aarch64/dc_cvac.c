/*
 * dc-cvac -- AArch64 without DCPoP: DC CVAC cleans each line to the Point
 * of Coherency, the memory system beyond all caches; the drain's DSB waits
 * for the cleans to complete.  Durable when the platform's Point of
 * Persistence is at or before the Point of Coherency (memory controller in
 * the power-fail domain), as PMDK also assumes on such CPUs
 * (docs/durability.md, "AArch64").
 */
#include "backend_build.h"
#include "flush_lines.h"

static void flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_dc_cvac);
}

static void drain(void)
{
	pm_dsb();
}

PMEM_BACKEND_DESCRIPTOR(dc_cvac) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "dc-cvac",
	.description = "DC CVAC each line (clean to PoC), DSB to drain",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = pmem_backend_probe_cpu_needs,
	.flush = flush,
	.drain = drain,
	.cpu_needs = PMEM_CPU_DC_CVAC,
};
