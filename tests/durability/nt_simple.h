/*
 * nt_simple.h -- a plain non-temporal copy/fill for the broken backends:
 * whole lines with 16-byte NT stores, partial lines at either end stored
 * temporally and flushed.  TAIL_BUG leaves the partial last line unflushed.
 * Forward only: the tests never overlap source and destination.
 */
#ifndef NT_SIMPLE_H
#define NT_SIMPLE_H 1

#include <stdint.h>
#include "pm_prims.h"
#include "libpmem_backend.h"

/* src's bytes, or c where src is NULL: one body for the copy and the fill,
 * so that the two cannot differ in what they flush. */
static inline void nt_simple_part(char *d, const char *s, int c, size_t n)
{
	if (s)
		pm_store_copy(d, s, n);
	else
		pm_store_fill(d, c, n);
}

static inline void *nt_simple_write(void *dst, const void *src, int c,
		size_t len, pmem_flush_fn *flush, int tail_bug)
{
	char *d = dst;
	const char *s = src;
	size_t head = (size_t)(-(uintptr_t)d & (PM_LINE - 1));
	__m128i v = _mm_set1_epi8((char)c);

	if (len < head + PM_LINE) {
		nt_simple_part(d, s, c, len);
		flush(d, len);
		return dst;
	}
	if (head) {
		nt_simple_part(d, s, c, head);
		flush(d, head);
		d += head;
		s = s ? s + head : NULL;
		len -= head;
	}
	for (; len >= PM_LINE; len -= PM_LINE, d += PM_LINE) {
		for (unsigned i = 0; i < PM_LINE; i += 16)
			pm_nt_store16(d + i, s ? _mm_loadu_si128(
					(const __m128i *)(s + i)) : v);
		s = s ? s + PM_LINE : NULL;
	}
	if (len) {
		nt_simple_part(d, s, c, len);
		if (!tail_bug)
			flush(d, len);
	}
	return dst;
}

/* nt_simple_move_<name> and nt_simple_set_<name>, the copy backend's
 * memmove_nt and memset_nt: right (0) or with TAIL_BUG (1). */
#define NT_SIMPLE_PAIR(name, tail_bug) \
	static inline void *nt_simple_move_##name(void *d, const void *s, \
			size_t n, pmem_flush_fn *f) \
	{ \
		return nt_simple_write(d, s, 0, n, f, tail_bug); \
	} \
	static inline void *nt_simple_set_##name(void *d, int c, size_t n, \
			pmem_flush_fn *f) \
	{ \
		return nt_simple_write(d, NULL, c, n, f, tail_bug); \
	}

NT_SIMPLE_PAIR(right, 0)
NT_SIMPLE_PAIR(tail_bug, 1)

#endif
