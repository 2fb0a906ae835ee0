/*
 * memops.c -- the public flush and copy functions: each is a few branches
 * on its flags and one call through pmem_ops.
 */
#include <stdint.h>

#include "libpmem.h"
#include "err.h"
#include "export.h"
#include "ops.h"
#include "pm_prims.h"

/* Used for the temporal parts of a copy under PMEM_F_MEM_NOFLUSH. */
static void flush_none(const void *addr, size_t len)
{
	(void)addr;
	(void)len;
}

/* 1 when a move's two regions share a byte (src NULL: a fill). */
static inline int overlaps(const void *dst, const void *src, size_t len)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
	return src != NULL && (d - s < len || s - d < len);
}

/* The small_nt shape: 4-byte aligned address and length (every byte
 * takes an NT store, none a temporal one) and, for a move, no overlap
 * with the source (NT stores to lines just read from were slower). */
static inline int small_nt_shape(const void *dst, const void *src,
		size_t len)
{
	return (((uintptr_t)dst | len) & 3) == 0 && !overlaps(dst, src, len);
}

/* An overlapping move short enough to stay temporal above the threshold
 * (pmem_ops.overlap_temporal_max, set by pmem_ops_fill). */
static inline int small_overlap(const void *dst, const void *src, size_t len)
{
	return len <= pmem_ops.overlap_temporal_max && overlaps(dst, src, len);
}

static inline int want_nt(void *dst, const void *src, size_t len,
		unsigned flags)
{
	if (pmem_ops.movnt_threshold == SIZE_MAX)	/* PMEM_NO_MOVNT */
		return 0;
	if (flags & (PMEM_F_MEM_NONTEMPORAL | PMEM_F_MEM_WC))
		return 1;
	if (flags & (PMEM_F_MEM_TEMPORAL | PMEM_F_MEM_WB))
		return 0;
	if (len >= pmem_ops.movnt_threshold)
		return !small_overlap(dst, src, len);
	return pmem_ops.small_nt && small_nt_shape(dst, src, len);
}

/*
 * The temporal path (PMEM_NO_MOVNT=1, sizes under the threshold): copied
 * and flushed in chunks, each flushed while its lines are still in L1 and
 * while the next chunk is being copied.  Copying the whole range first and
 * flushing it afterwards ran at 0.68-0.74x PMDK's same path on 4-64 KiB
 * (issue #11).  Chunks end at line boundaries of dst, so no line is flushed
 * twice.  Only for flushes that work line by line (flush_by_line, from
 * the backend's caps): msync-fallback would pay a system call per chunk,
 * and nop gains nothing.
 *
 * Where the flush backend has its own temporal copy (memmove_flush,
 * memset_flush), it does every copy that does not overlap and every fill
 * longer than one chunk: its flush instruction sits in its copy loop, and
 * a random 512-byte write (fio's default) no longer waits for one chunk's
 * write-back before the next chunk's stores.  Overlapping moves shorter
 * than OVERLAP_FLUSH_COPY_MIN (mostly small shifts of data just read) and
 * one chunk or less stay here: libc's wider stores did better on them;
 * longer overlapping moves lost to PMDK in libc chunks (docs/
 * performance.md, "Temporal copies: the flush backend's own loop",
 * "Temporal copies of 257 B-2 KiB", "Long overlapping temporal moves").
 */
#ifndef TEMPORAL_CHUNK
#define TEMPORAL_CHUNK 256u
#endif
#ifndef FLUSH_COPY_MIN
#define FLUSH_COPY_MIN (TEMPORAL_CHUNK + 1)
#endif
#ifndef OVERLAP_FLUSH_COPY_MIN
#define OVERLAP_FLUSH_COPY_MIN 8192u
#endif

static inline int chunked(size_t len, pmem_flush_fn *flush)
{
	return len > TEMPORAL_CHUNK && pmem_ops.flush_by_line &&
		flush != flush_none;
}

/* Front to back, except when dst overlaps src from above: then back to
 * front, so no chunk overwrites source bytes a later chunk still reads. */
static void temporal_move(void *dst, const void *src, size_t len,
		pmem_flush_fn *flush)
{
	if (pmem_ops.memmove_flush && flush != flush_none &&
			len >= FLUSH_COPY_MIN && (len >= OVERLAP_FLUSH_COPY_MIN ||
			!overlaps(dst, src, len))) {
		pmem_ops.memmove_flush(dst, src, len);
		return;
	}
	if (!chunked(len, flush)) {
		pm_store_copy(dst, src, len);
		flush(dst, len);
		return;
	}
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src, end = d + len;
	if (d > s && d - s < len) {
		while (end > d) {
			uintptr_t lo = end - d > TEMPORAL_CHUNK ?
				(end - TEMPORAL_CHUNK + PM_LINE - 1) &
				~(uintptr_t)(PM_LINE - 1) : d;
			pm_store_copy((void *)lo, (const void *)(s + (lo - d)),
				      end - lo);
			flush((const void *)lo, end - lo);
			end = lo;
		}
		return;
	}
	while (d < end) {
		uintptr_t hi = end - d > TEMPORAL_CHUNK ?
			(d + TEMPORAL_CHUNK) & ~(uintptr_t)(PM_LINE - 1) : end;
		pm_store_copy((void *)d, (const void *)s, hi - d);
		flush((const void *)d, hi - d);
		s += hi - d;
		d = hi;
	}
}

static void temporal_set(void *dst, int c, size_t len, pmem_flush_fn *flush)
{
	if (pmem_ops.memset_flush && flush != flush_none &&
			len >= FLUSH_COPY_MIN) {
		pmem_ops.memset_flush(dst, c, len);
		return;
	}
	if (!chunked(len, flush)) {
		pm_store_fill(dst, c, len);
		flush(dst, len);
		return;
	}
	uintptr_t d = (uintptr_t)dst, end = d + len;
	while (d < end) {
		uintptr_t hi = end - d > TEMPORAL_CHUNK ?
			(d + TEMPORAL_CHUNK) & ~(uintptr_t)(PM_LINE - 1) : end;
		pm_store_fill((void *)d, c, hi - d);
		flush((const void *)d, hi - d);
		d = hi;
	}
}

static void check_flags(unsigned flags)
{
	if (flags & ~PMEM_F_MEM_VALID_FLAGS)
		pmem_err_msg("invalid flags 0x%x", flags & ~PMEM_F_MEM_VALID_FLAGS);
}

/* len 0 stores nothing (and dst, src may be NULL, which memmove and
 * memset must never get) but still drains unless the flags say not to:
 * a _persist call completes earlier _nodrain stores. */
static inline __attribute__((always_inline)) void *
empty(void *dst, unsigned flags)
{
	if (!(flags & (PMEM_F_MEM_NODRAIN | PMEM_F_MEM_NOFLUSH)))
		pmem_ops.drain();
	return dst;
}

static inline __attribute__((always_inline)) void *
do_move(void *dst, const void *src, size_t len, unsigned flags)
{
	if (__builtin_expect(len == 0, 0))
		return empty(dst, flags);
	pmem_flush_fn *flush = (flags & PMEM_F_MEM_NOFLUSH) ? flush_none
							   : pmem_ops.flush;
	if (want_nt(dst, src, len, flags)) {
		pmem_ops.memmove_nt(dst, src, len, flush);
	} else
		temporal_move(dst, src, len, flush);
	if (!(flags & (PMEM_F_MEM_NODRAIN | PMEM_F_MEM_NOFLUSH)))
		pmem_ops.drain();
	return dst;
}

static inline __attribute__((always_inline)) void *
do_set(void *dst, int c, size_t len, unsigned flags)
{
	if (__builtin_expect(len == 0, 0))
		return empty(dst, flags);
	pmem_flush_fn *flush = (flags & PMEM_F_MEM_NOFLUSH) ? flush_none
							   : pmem_ops.flush;
	if (want_nt(dst, NULL, len, flags)) {
		pmem_ops.memset_nt(dst, c, len, flush);
	} else
		temporal_set(dst, c, len, flush);
	if (!(flags & (PMEM_F_MEM_NODRAIN | PMEM_F_MEM_NOFLUSH)))
		pmem_ops.drain();
	return dst;
}

PMEM_EXPORT void pmem_flush(const void *addr, size_t len)
{
	pmem_ops.flush(addr, len);
}

PMEM_EXPORT void pmem_drain(void)
{
	pmem_ops.drain();
}

PMEM_EXPORT void pmem_persist(const void *addr, size_t len)
{
	pmem_ops.flush(addr, len);
	pmem_ops.drain();
}

/* x86 has no hardware drain instruction. */
PMEM_EXPORT int pmem_has_hw_drain(void)
{
	return 0;
}

PMEM_EXPORT void *pmem_memmove_persist(void *dst, const void *src, size_t len)
{
	return do_move(dst, src, len, 0);
}

PMEM_EXPORT void *pmem_memcpy_persist(void *dst, const void *src, size_t len)
{
	return do_move(dst, src, len, 0);
}

PMEM_EXPORT void *pmem_memset_persist(void *dst, int c, size_t len)
{
	return do_set(dst, c, len, 0);
}

PMEM_EXPORT void *pmem_memmove_nodrain(void *dst, const void *src, size_t len)
{
	return do_move(dst, src, len, PMEM_F_MEM_NODRAIN);
}

PMEM_EXPORT void *pmem_memcpy_nodrain(void *dst, const void *src, size_t len)
{
	return do_move(dst, src, len, PMEM_F_MEM_NODRAIN);
}

PMEM_EXPORT void *pmem_memset_nodrain(void *dst, int c, size_t len)
{
	return do_set(dst, c, len, PMEM_F_MEM_NODRAIN);
}

PMEM_EXPORT void *pmem_memmove(void *dst, const void *src, size_t len,
		unsigned flags)
{
	check_flags(flags);
	return do_move(dst, src, len, flags);
}

PMEM_EXPORT void *pmem_memcpy(void *dst, const void *src, size_t len,
		unsigned flags)
{
	check_flags(flags);
	return do_move(dst, src, len, flags);
}

PMEM_EXPORT void *pmem_memset(void *dst, int c, size_t len, unsigned flags)
{
	check_flags(flags);
	return do_set(dst, c, len, flags);
}
