/* broken_tail.c -- a non-temporal copy whose unaligned tail is stored
 * temporally and never flushed. */
#include "broken.h"
#include "nt_simple.h"

static void *move(void *d, const void *s, size_t n, pmem_flush_fn *f)
{
	return nt_simple_move(d, s, n, f, 1);
}

static void *set(void *d, int c, size_t n, pmem_flush_fn *f)
{
	return nt_simple_set(d, c, n, f, 1);
}

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
	.memmove_nt = move,
	.memset_nt = set,
	.movnt_threshold = 0,
	.expect = expect,
};
