/*
 * clflushopt -- write back with CLFLUSHOPT.  Unlike CLFLUSH it is ordered
 * only by fences (and locked instructions), so many lines are written back
 * in parallel; the drain's SFENCE makes them durable (Intel SDM vol. 2A,
 * CLFLUSHOPT).  It invalidates the line, so a later read misses.
 */
#include "backend_build.h"
#include "flush_lines.h"

#define FC_FLUSH_LINE(p) pm_clflushopt(p)
#include "flush_copy.h"

static void flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_clflushopt);
}

static void drain(void)
{
	pm_sfence();
}

PMEM_BACKEND_DESCRIPTOR(clflushopt) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "clflushopt",
	.description = "CLFLUSHOPT each line, SFENCE to drain",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = pmem_backend_probe_cpu_needs,
	.flush = flush,
	.drain = drain,
	.memmove_flush = memmove_flush,
	.memset_flush = memset_flush,
	.cpu_needs = PMEM_CPU_CLFLUSHOPT,
};
