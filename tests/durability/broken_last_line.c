/* broken_last_line.c -- flushes every line of the range but the last. */
#include "broken.h"
#include "pm_prims.h"

static void flush(const void *addr, size_t len)
{
	uintptr_t line = (uintptr_t)addr & ~(uintptr_t)(PM_LINE - 1);
	uintptr_t last = ((uintptr_t)addr + len - 1) & ~(uintptr_t)(PM_LINE - 1);

	if (!len)
		return;
	for (; line < last; line += PM_LINE)	/* BUG: should be <= */
		pm_clflush((const void *)line);
}

static int expect(uintptr_t dst, size_t len, uintptr_t *line,
		enum check_line_state *st)
{
	if (!len)
		return 0;
	*line = (dst + len - 1) & ~(uintptr_t)(PM_LINE - 1);
	*st = CHECK_DIRTY;
	return 1;
}

const struct broken broken_last_line = {
	.name = "last-line",
	.bug = "the last line of the range is not flushed",
	.flush = flush,
	.drain = good_drain,
	.expect = expect,
};
