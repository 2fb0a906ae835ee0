/*
 * clwb -- write back with CLWB: like CLFLUSHOPT (ordered only by fences,
 * durable after the drain's SFENCE) but the line may stay valid in the
 * cache, so data read again soon does not miss (Intel SDM vol. 2A, CLWB).
 */
#include "backend_build.h"
#include "flush_lines.h"

#define FC_FLUSH_LINE(p) pm_clwb(p)
#include "flush_copy.h"

static void flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_clwb);
}

static void drain(void)
{
	pm_sfence();
}

PMEM_BACKEND_DESCRIPTOR(clwb) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "clwb",
	.description = "CLWB each line (keeps it cached), SFENCE to drain",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = pmem_backend_probe_cpu_needs,
	.flush = flush,
	.drain = drain,
	.memmove_flush = memmove_flush,
	.memset_flush = memset_flush,
	.cpu_needs = PMEM_CPU_CLWB,
};
