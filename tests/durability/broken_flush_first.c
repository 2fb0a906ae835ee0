/* broken_flush_first.c -- flushes the range, then stores to it. */
#include "broken.h"
#include "pm_prims.h"

static void *move(void *d, const void *s, size_t n, pmem_flush_fn *flush)
{
	flush(d, n);		/* BUG: before the store */
	pm_store_copy(d, s, n);
	return d;
}

static void *set(void *d, int c, size_t n, pmem_flush_fn *flush)
{
	flush(d, n);
	pm_store_fill(d, c, n);
	return d;
}

static int expect(uintptr_t dst, size_t len, uintptr_t *line,
		enum check_line_state *st)
{
	return broken_first_line(dst, len, line, st, CHECK_DIRTY);
}

const struct broken broken_flush_first = {
	.name = "flush-first",
	.bug = "the flush is issued before the store",
	.flush = good_flush_clflush,
	.drain = good_drain,
	BROKEN_NT(move, set),
	.expect = expect,
};
