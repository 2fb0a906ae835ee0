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

static inline void *nt_simple_move(void *dst, const void *src, size_t len,
		pmem_flush_fn *flush, int tail_bug)
{
	char *d = dst;
	const char *s = src;
	size_t head = (size_t)(-(uintptr_t)d & (PM_LINE - 1));

	if (len < head + PM_LINE) {
		pm_store_copy(d, s, len);
		flush(d, len);
		return dst;
	}
	if (head) {
		pm_store_copy(d, s, head);
		flush(d, head);
		d += head;
		s += head;
		len -= head;
	}
	for (; len >= PM_LINE; len -= PM_LINE, d += PM_LINE, s += PM_LINE)
		for (unsigned i = 0; i < PM_LINE; i += 16)
			pm_nt_store16(d + i,
				_mm_loadu_si128((const __m128i *)(s + i)));
	if (len) {
		pm_store_copy(d, s, len);
		if (!tail_bug)
			flush(d, len);
	}
	return dst;
}

static inline void *nt_simple_set(void *dst, int c, size_t len,
		pmem_flush_fn *flush, int tail_bug)
{
	char *d = dst;
	size_t head = (size_t)(-(uintptr_t)d & (PM_LINE - 1));
	__m128i v = _mm_set1_epi8((char)c);

	if (len < head + PM_LINE) {
		pm_store_fill(d, c, len);
		flush(d, len);
		return dst;
	}
	if (head) {
		pm_store_fill(d, c, head);
		flush(d, head);
		d += head;
		len -= head;
	}
	for (; len >= PM_LINE; len -= PM_LINE, d += PM_LINE)
		for (unsigned i = 0; i < PM_LINE; i += 16)
			pm_nt_store16(d + i, v);
	if (len) {
		pm_store_fill(d, c, len);
		if (!tail_bug)
			flush(d, len);
	}
	return dst;
}

#endif
