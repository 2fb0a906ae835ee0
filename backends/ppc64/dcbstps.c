/*
 * dcbstps -- POWER with Power ISA 3.1 (POWER10): dcbstps writes each block
 * back to persistent storage and leaves it valid in the cache; the drain's
 * phwsync waits until those writes have reached persistent storage, as the
 * kernel's pmem_wmb() does (docs/durability.md, "ppc64le").
 */
#include "backend_build.h"
#include "flush_lines.h"

static int probe(const struct pmem_cpu *cpu)
{
	return (cpu->features & PMEM_CPU_ARCH_3_1) != 0;
}

static void flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_dcbstps);
}

static void drain(void)
{
	pm_phwsync();
}

PMEM_BACKEND_DESCRIPTOR(dcbstps) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "dcbstps",
	.description = "dcbstps each block (store to persistent storage), "
		"phwsync to drain",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe,
	.flush = flush,
	.drain = drain,
	.cpu_needs = PMEM_CPU_ARCH_3_1,
};
