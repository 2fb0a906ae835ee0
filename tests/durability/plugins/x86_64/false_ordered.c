/* false_ordered.c -- CLWB to flush, SFENCE to drain (right, as clwb.c),
 * but it claims PMEM_BACKEND_CAP_ORDERED_FLUSH, which only a CLFLUSH
 * backend may: on a CPU that orders CLFLUSH (Intel) the library then
 * drops its drain, and CLWB lines are never fenced.  Passes on AMD, loses
 * data on Intel; pmem-check must fail it on both (issue 20 defect 1). */
#include "../plugin.h"
#include "flush_lines.h"
#include "pm_prims.h"

static void flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_clwb);
}

static void drain(void)
{
	pm_sfence();
}

BROKEN_PLUGIN = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "broken-false-ordered",
	.description = "CLWB claiming ORDERED_FLUSH",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe_any,	/* cpu_needs says CLWB */
	.flush = flush,
	.drain = drain,
	.cpu_needs = PMEM_CPU_CLWB,
	.caps = PMEM_BACKEND_CAP_ORDERED_FLUSH,
};
