/*
 * clflush -- write back with CLFLUSH, available on every x86-64.  Each
 * CLFLUSH is ordered with every other store, so it is durable in program
 * order (Intel SDM vol. 2A, CLFLUSH); drain still issues SFENCE because the
 * copy backends' non-temporal stores need it.
 */
#include "backend_build.h"
#include "flush_lines.h"

static int probe(const struct pmem_cpu *cpu)
{
	return (cpu->features & PMEM_CPU_CLFLUSH) != 0;	/* = cpu_needs */
}

static void flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_clflush);
}

static void drain(void)
{
	pm_sfence();
}

PMEM_BACKEND_DESCRIPTOR(clflush) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "clflush",
	.description = "CLFLUSH each line (ordered, slowest)",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe,
	.flush = flush,
	.drain = drain,
	.cpu_needs = PMEM_CPU_CLFLUSH,
};
