/* tail.c -- a non-temporal copy backend that stores an unaligned tail
 * temporally and never flushes it (tests/durability/nt_simple.h).
 * Overlapping moves take a correct temporal path, so the tail is its
 * only bug. */
#include "../plugin.h"
#include "nt_simple.h"

static void *move(void *d, const void *s, size_t n, pmem_flush_fn *flush)
{
	uintptr_t a = (uintptr_t)d, b = (uintptr_t)s;
	if ((a > b ? a - b : b - a) < n) {
		pm_store_copy(d, s, n);
		flush(d, n);
		return d;
	}
	return nt_simple_move_tail_bug(d, s, n, flush);
}

BROKEN_PLUGIN = {
	BROKEN_COPY("broken-tail", "unaligned tail left temporal and "
			"unflushed", move, nt_simple_set_tail_bug),
};
