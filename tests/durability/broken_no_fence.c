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
	return broken_first_line(dst, len, line, st, CHECK_FLUSHING);
}

const struct broken broken_no_fence_clwb = {
	.name = "no-fence-clwb",
	.bug = "CLWB without SFENCE",
	.needs_clwb = 1,
	.flush = flush_clwb,
	.drain = no_drain,
	.expect = expect_clwb,
};

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
	BROKEN_NT(nt_simple_move_right, nt_simple_set_right),
	.expect = expect_nt,
};
