/* clflush_sfence.c -- CLFLUSH to flush, SFENCE to drain, no claim of
 * ORDERED_FLUSH: right on Intel (CLFLUSH is ordered with later stores),
 * but on AMD only MFENCE orders CLFLUSH, so lines are not yet durable
 * when the drain returns.  pmem-check must fail it on an Intel machine as
 * well (the AMD rule is run everywhere). */
#include "../plugin.h"
#include "flush_lines.h"
#include "pm_prims.h"

static void flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_clflush);
}

static void drain(void)
{
	pm_sfence();
}

BROKEN_PLUGIN = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "broken-clflush-sfence",
	.description = "CLFLUSH drained with SFENCE",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe_any,	/* cpu_needs says CLFLUSH */
	.flush = flush,
	.drain = drain,
	.cpu_needs = PMEM_CPU_CLFLUSH,
};
