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

/* Installed as the library installs a flush (pmem_ops_fill), it is also
 * the deep flush, so the core's temporal path flushes front to back in
 * chunks that end on a line boundary (TEMPORAL_CHUNK in core/memops.c):
 * the first line left behind is the last of the first chunk. */
#define CORE_TEMPORAL_CHUNK 256u

static int expect(uintptr_t dst, size_t len, uintptr_t *line,
		enum check_line_state *st)
{
	if (!len)
		return 0;
	uintptr_t end = dst + len;
	if (len > CORE_TEMPORAL_CHUNK)
		end = (dst + CORE_TEMPORAL_CHUNK) & ~(uintptr_t)(PM_LINE - 1);
	*line = (end - 1) & ~(uintptr_t)(PM_LINE - 1);
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
