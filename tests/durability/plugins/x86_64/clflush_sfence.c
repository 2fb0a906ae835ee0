/* clflush_sfence.c -- CLFLUSH to flush, SFENCE to drain, no claim of
 * ORDERED_FLUSH: right on Intel (CLFLUSH is ordered with later stores),
 * but on AMD only MFENCE orders CLFLUSH, so lines are not yet durable
 * when the drain returns.  pmem-check must fail it on an Intel machine as
 * well (the AMD rule is run everywhere). */
#include "../plugin.h"
#include "flush_lines.h"
#include "pm_prims.h"

LINE_FLUSH_AND_DRAIN(pm_clflush, pm_sfence)

BROKEN_PLUGIN = {
	BROKEN_FLUSH("broken-clflush-sfence", "CLFLUSH drained with SFENCE",
			flush, drain),
	.cpu_needs = PMEM_CPU_CLFLUSH,	/* probe_any: cpu_needs says it */
};
