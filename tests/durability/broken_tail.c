/* broken_tail.c -- a non-temporal copy whose unaligned tail is stored
 * temporally and never flushed. */
#include "broken.h"
#include "nt_simple.h"

static int expect(uintptr_t dst, size_t len, uintptr_t *line,
		enum check_line_state *st)
{
	size_t head = (size_t)(-dst & (PM_LINE - 1));
	uintptr_t end = dst + len;

	if (len < head + PM_LINE || !(end & (PM_LINE - 1)))
		return 0;	/* no NT body, or no partial tail */
	*line = end & ~(uintptr_t)(PM_LINE - 1);
	*st = CHECK_DIRTY;
	return 1;
}

const struct broken broken_tail = {
	.name = "tail",
	.bug = "unaligned tail left temporal and unflushed",
	.flush = good_flush_clflush,
	.drain = good_drain,
	BROKEN_NT(nt_simple_move_tail_bug, nt_simple_set_tail_bug),
	.expect = expect,
};
