/* flush_copy_tail.c -- CLFLUSH with MFENCE, right as a flush, but its
 * own temporal copy (memmove_flush, memset_flush: ABI version 3) never
 * writes back the last line it stores.  The library hands it long
 * temporal copies, so pmem-check must catch the lost line. */
#include <stdint.h>
#include "../plugin.h"
#include "flush_lines.h"
#include "pm_prims.h"

LINE_FLUSH_AND_DRAIN(pm_clflush, pm_mfence)

/* Every line of [d, d+n) but the last. */
static void flush_but_last(const void *d, size_t n)
{
	uintptr_t last = ((uintptr_t)d + n - 1) & ~(uintptr_t)(PM_LINE - 1);
	if (n && last > (uintptr_t)d)
		flush(d, last - (uintptr_t)d);
}

static void *move_flush(void *d, const void *s, size_t n)
{
	pm_store_copy(d, s, n);
	flush_but_last(d, n);
	return d;
}

static void *set_flush(void *d, int c, size_t n)
{
	pm_store_fill(d, c, n);
	flush_but_last(d, n);
	return d;
}

BROKEN_PLUGIN = {
	BROKEN_FLUSH("broken-flush-copy-tail", "its temporal copy leaves the "
			"last line unflushed", flush, drain),
	.cpu_needs = PMEM_CPU_CLFLUSH,	/* probe_any: cpu_needs says it */
	.memmove_flush = move_flush,
	.memset_flush = set_flush,
};
