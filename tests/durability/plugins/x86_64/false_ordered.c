/* false_ordered.c -- CLWB to flush, SFENCE to drain (right, as clwb.c),
 * but it claims PMEM_BACKEND_CAP_ORDERED_FLUSH, which only a CLFLUSH
 * backend may: on a CPU that orders CLFLUSH (Intel) the library then
 * drops its drain, and CLWB lines are never fenced.  Passes on AMD, loses
 * data on Intel; pmem-check must fail it on both (issue 20 defect 1). */
#include "../plugin.h"
#include "flush_lines.h"
#include "pm_prims.h"

LINE_FLUSH_AND_DRAIN(pm_clwb, pm_sfence)

BROKEN_PLUGIN = {
	BROKEN_FLUSH("broken-false-ordered", "CLWB claiming ORDERED_FLUSH",
			flush, drain),
	.cpu_needs = PMEM_CPU_CLWB,	/* probe_any: cpu_needs says it */
	.caps = PMEM_BACKEND_CAP_ORDERED_FLUSH,
};
