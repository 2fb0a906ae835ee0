/*
 * clflush -- write back with CLFLUSH, available on every x86-64.  On Intel
 * each CLFLUSH is ordered with later writes (SDM vol. 3A, memory ordering),
 * so it is durable in program order and the library skips drain; AMD's APM
 * orders CLFLUSH only with MFENCE, so there drain is an MFENCE
 * (docs/durability.md).
 */
#include "backend_build.h"
#include "flush_lines.h"

#define FC_FLUSH_LINE(p) pm_clflush(p)
#include "flush_copy.h"

static void flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_clflush);
}

/* Only reached where CLFLUSH is not ordered with later writes (AMD): the
 * APM names MFENCE as the one instruction that orders CLFLUSH.  Where it
 * is ordered (Intel) the library calls no drain at all (ORDERED_FLUSH). */
static void drain(void)
{
	pm_mfence();
}

PMEM_BACKEND_DESCRIPTOR(clflush) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "clflush",
	.description = "CLFLUSH each line, no drain on Intel, MFENCE on AMD (slowest)",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = pmem_backend_probe_cpu_needs,
	.flush = flush,
	.drain = drain,
	.memmove_flush = memmove_flush,
	.memset_flush = memset_flush,
	.cpu_needs = PMEM_CPU_CLFLUSH,
	.caps = PMEM_BACKEND_CAP_ORDERED_FLUSH,
};
