/*
 * dcbst -- POWER before ISA 3.1 (POWER8, POWER9): dcbst writes each block
 * back to main storage and leaves it valid; the drain's hwsync (sync 0)
 * waits until every earlier block store has been performed.  Durable where
 * the platform's persistence domain includes main storage's controller, as
 * on the kernel's ISA 2.07 path (docs/durability.md, "ppc64le").
 */
#include "backend_build.h"
#include "flush_lines.h"

static int probe(const struct pmem_cpu *cpu)
{
	return (cpu->features & PMEM_CPU_DCBST) != 0;
}

static void flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_dcbst);
}

static void drain(void)
{
	pm_hwsync();
}

PMEM_BACKEND_DESCRIPTOR(dcbst) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "dcbst",
	.description = "dcbst each block (store to main storage), hwsync to "
		"drain",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe,
	.flush = flush,
	.drain = drain,
	.cpu_needs = PMEM_CPU_DCBST,
};
