/*
 * flush_copy.h -- the temporal copy of the x86-64 flush backends, written
 * once and instantiated per flush instruction.  The including file defines
 *
 *   FC_FLUSH_LINE(p)   its write-back of the line holding p (pm_clwb, ...)
 *
 * and gets the static functions memmove_flush() and memset_flush() of
 * libpmem_backend.h (version 3).
 *
 * Shape: ordinary 16-byte stores, one block of FC_BLOCK bytes of whole
 * destination lines at a time, each block's lines written back right after
 * it, while they are still in L1; the partial line at each end is copied
 * with memmove and written back on its own.  The flush is inlined: called
 * through a pointer per block, the same loop was slower than PMDK's own
 * temporal path, and libc memmove per block slower still (docs/
 * performance.md, "Temporal copies: the flush backend's own loop").
 * SSE2 only, so every x86-64 CPU runs it.
 */
#ifndef PMEM_FLUSH_COPY_H
#define PMEM_FLUSH_COPY_H 1

#include <emmintrin.h>
#include <stdint.h>
#include "pm_prims.h"

#define FC_BLOCK 1024u

/* Forward: safe when dst is below src or apart from it; each vector is
 * loaded before the store that could overwrite it. */
static inline void fc_body_fw(char *d, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i += 16)
		_mm_store_si128((__m128i *)(d + i),
				_mm_loadu_si128((const __m128i *)(s + i)));
	PM_RECORD(PM_EV_STORE, d, len);
}

/* Backward: for dst above an overlapping src. */
static inline void fc_body_bw(char *d, const char *s, size_t len)
{
	for (size_t i = len; i > 0; i -= 16)
		_mm_store_si128((__m128i *)(d + i - 16),
				_mm_loadu_si128((const __m128i *)(s + i - 16)));
	PM_RECORD(PM_EV_STORE, d, len);
}

static inline void fc_flush_block(const char *d, size_t len)
{
	for (size_t i = 0; i < len; i += PM_LINE)
		FC_FLUSH_LINE(d + i);
}

/* Every line overlapping [a, a + len), which need not be aligned. */
static inline void fc_flush_lines(uintptr_t a, size_t len)
{
	for (uintptr_t l = a & ~(uintptr_t)(PM_LINE - 1); l < a + len;
			l += PM_LINE)
		FC_FLUSH_LINE((const void *)l);
}

/* A range within one line: stored, then its line written back. */
static inline void fc_piece(char *d, const char *s, size_t len)
{
	if (len) {
		pm_store_copy(d, s, len);
		FC_FLUSH_LINE(d);
	}
}

static void *memmove_flush(void *dst, const void *src, size_t len)
{
	char *d = dst;
	const char *s = src;
	uintptr_t a = (uintptr_t)d;
	size_t head = (size_t)(-a & (PM_LINE - 1));

	if (len < head + PM_LINE) {	/* no whole line */
		pm_store_copy(d, s, len);
		fc_flush_lines(a, len);
		return dst;
	}
	size_t body = (len - head) & ~(size_t)(PM_LINE - 1);
	size_t tail = len - head - body;

	if (a > (uintptr_t)s && a - (uintptr_t)s < len) {
		fc_piece(d + head + body, s + head + body, tail);
		for (size_t e = head + body; e > head;) {
			size_t n = e - head > FC_BLOCK ? FC_BLOCK : e - head;
			fc_body_bw(d + e - n, s + e - n, n);
			fc_flush_block(d + e - n, n);
			e -= n;
		}
		fc_piece(d, s, head);
		return dst;
	}
	fc_piece(d, s, head);
	for (size_t o = head; o < head + body;) {
		size_t n = head + body - o > FC_BLOCK ? FC_BLOCK :
			head + body - o;
		fc_body_fw(d + o, s + o, n);
		fc_flush_block(d + o, n);
		o += n;
	}
	fc_piece(d + head + body, s + head + body, tail);
	return dst;
}

static void *memset_flush(void *dst, int c, size_t len)
{
	char *d = dst;
	uintptr_t a = (uintptr_t)d;
	size_t head = (size_t)(-a & (PM_LINE - 1));

	if (len < head + PM_LINE) {
		pm_store_fill(d, c, len);
		fc_flush_lines(a, len);
		return dst;
	}
	size_t body = (len - head) & ~(size_t)(PM_LINE - 1);
	size_t tail = len - head - body;
	__m128i v = _mm_set1_epi8((char)c);

	if (head) {
		pm_store_fill(d, c, head);
		FC_FLUSH_LINE(d);
	}
	for (size_t o = head; o < head + body;) {
		size_t n = head + body - o > FC_BLOCK ? FC_BLOCK :
			head + body - o;
		for (size_t i = 0; i < n; i += 16)
			_mm_store_si128((__m128i *)(d + o + i), v);
		PM_RECORD(PM_EV_STORE, d + o, n);
		fc_flush_block(d + o, n);
		o += n;
	}
	if (tail) {
		pm_store_fill(d + head + body, c, tail);
		FC_FLUSH_LINE(d + head + body);
	}
	return dst;
}

#endif
