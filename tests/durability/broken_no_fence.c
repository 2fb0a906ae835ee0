/*
 * broken_no_fence.c -- drains that forget the SFENCE: once after CLWB
 * (lines stay FLUSHING), once after non-temporal stores (lines stay WC).
 */
#include "broken.h"
#include "flush_lines.h"
#include "nt_simple.h"

static void flush_clwb(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_clwb);
}

static int expect_clwb(uintptr_t dst, size_t len, uintptr_t *line,
		enum check_line_state *st)
{
	if (!len)
		return 0;
	*line = dst & ~(uintptr_t)(PM_LINE - 1);
	*st = CHECK_FLUSHING;
	return 1;
}

const struct broken broken_no_fence_clwb = {
	.name = "no-fence-clwb",
	.bug = "CLWB without SFENCE",
	.needs_clwb = 1,
	.flush = flush_clwb,
	.drain = no_drain,
	.expect = expect_clwb,
};

static void *move(void *d, const void *s, size_t n, pmem_flush_fn *f)
{
	return nt_simple_move(d, s, n, f, 0);
}

static void *set(void *d, int c, size_t n, pmem_flush_fn *f)
{
	return nt_simple_set(d, c, n, f, 0);
}

/* Edges go through CLFLUSH and are durable; the first whole line is the
 * first non-temporal one. */
static int expect_nt(uintptr_t dst, size_t len, uintptr_t *line,
		enum check_line_state *st)
{
	size_t head = (size_t)(-dst & (PM_LINE - 1));

	if (len < head + PM_LINE)
		return 0;	/* all temporal: no NT store to fence */
	*line = dst + head;
	*st = CHECK_WC;
	return 1;
}

const struct broken broken_no_fence_nt = {
	.name = "no-fence-nt",
	.bug = "non-temporal stores without SFENCE",
	.flush = good_flush_clflush,
	.drain = no_drain,
	.memmove_nt = move,
	.memset_nt = set,
	.movnt_threshold = 0,
	.expect = expect_nt,
};
