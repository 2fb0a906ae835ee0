/*
 * nt_copy.h -- the copy logic of the nt-* backends, written once and
 * instantiated per vector width.  The including file defines:
 *
 *   NT_VEC          the vector type (__m128i, __m256i, __m512i)
 *   NT_W            its width in bytes: 16, 32 or 64
 *   NT_LOADU(p)     unaligned load of one vector from p
 *   NT_STORE(p, v)  non-temporal store of v to NT_W-aligned p (pm_nt_storeN)
 *   NT_SET1(c)      a vector of the byte (unsigned char)c
 *   NT_LOOP_PREFETCH (optional) how far ahead a forward copy's main loop
 *                   prefetches its source, in bytes
 *
 * and gets the static functions memmove_nt() and memset_nt() of
 * libpmem_backend.h.
 *
 * Shape: the destination is split at 64-byte boundaries.  Whole lines are
 * written with non-temporal stores, four lines (256 bytes) per loop
 * iteration with all loads before the stores, then single lines.  The
 * partial line at each end is stored temporally and passed to `flush`:
 * a partial NT line would leave a half-filled write-combining buffer, and
 * the bytes around it are not ours to write.  A range holding no whole line
 * is stored temporally and flushed as a whole.  Exception: a partial line
 * of at most 32 bytes whose address and length are multiples of 4 takes NT
 * stores of 4, 8 and 16 bytes: on AMD Zen 3 a temporal store to a line no
 * cache holds reads the line first and was the slower way
 * (docs/performance.md, "Non-temporal threshold: 64 would be faster for
 * whole lines on Zen 3"), while on Intel family 6 model 0xa7 longer NT
 * pieces made 3000-byte copies and fills slower than PMDK
 * (docs/performance.md, "NT pieces capped at 32 bytes").
 */
#ifndef PMEM_NT_COPY_H
#define PMEM_NT_COPY_H 1

#include <stdint.h>
#include "pm_prims.h"

#define NT_BLOCK (4 * PM_LINE)		/* bytes per main-loop iteration */
#define NT_PER_BLOCK (NT_BLOCK / NT_W)	/* vectors per iteration */
#define NT_PER_LINE (PM_LINE / NT_W)

/*
 * The non-temporal stores of a block go out in address order, each line's
 * parts one after the other: the compiler may otherwise interleave the
 * halves of different lines, and on Intel family 6 model 0xa7 a line whose
 * 32- or 16-byte parts were stored apart made reading it back after the
 * fence 2.5-3 times slower (docs/performance.md, "NT stores in address
 * order").  An empty asm with a memory clobber keeps the order and costs
 * no instruction.
 */
#define NT_IN_ORDER() __asm__ volatile("" ::: "memory")

/* Moves n vectors (a compile-time constant) from s to d: all loads, then
 * all stores, so an overlap within the block cannot corrupt it. */
#define NT_MOVE_VECS(d, s, n) do { \
	NT_VEC v_[n]; \
	_Pragma("GCC unroll 32") \
	for (unsigned i_ = 0; i_ < (n); i_++) \
		v_[i_] = NT_LOADU((const char *)(s) + i_ * NT_W); \
	_Pragma("GCC unroll 32") \
	for (unsigned i_ = 0; i_ < (n); i_++) { \
		NT_STORE((char *)(d) + i_ * NT_W, v_[i_]); \
		NT_IN_ORDER(); \
	} \
} while (0)

#define NT_FILL_VECS(d, v, n) do { \
	_Pragma("GCC unroll 16") \
	for (unsigned i_ = 0; i_ < (n); i_++) { \
		NT_STORE((char *)(d) + i_ * NT_W, (v)); \
		NT_IN_ORDER(); \
	} \
} while (0)

#define NT_PIECES_MAX 32
/* A partial line whose address and length are multiples of 4 can be
 * written with NT stores of 4, 8 and 16 bytes, each aligned to its size
 * (movnti, movntdq: any backend can use them). */
static inline int nt_pieces_ok(const char *d, size_t len)
{
	return len <= NT_PIECES_MAX && (((uintptr_t)d | len) & 3) == 0;
}

/* NT stores of the 4-aligned range [d, d+len) from b (b is not in it). */
static inline void nt_pieces(char *d, const char *b, size_t len)
{
	while (len) {
		if (len >= 16 && ((uintptr_t)d & 15) == 0) {
			pm_nt_store16(d, _mm_loadu_si128((const __m128i *)b));
			d += 16, b += 16, len -= 16;
		} else if (len >= 8 && ((uintptr_t)d & 7) == 0) {
			int64_t v;
			memcpy(&v, b, 8);
			pm_nt_store8(d, v);
			d += 8, b += 8, len -= 8;
		} else {
			int32_t v;
			memcpy(&v, b, 4);
			pm_nt_store4(d, v);
			d += 4, b += 4, len -= 4;
		}
	}
}

/* Largest edge: a range holding no whole line, under 2 lines. */
#define NT_EDGE_MAX (2 * PM_LINE)

/* Temporal store of a partial line (or a small range), then its flush;
 * non-temporal pieces when nt_pieces_ok (the source is read whole before
 * the first store: the ranges may overlap). */
static inline void nt_edge_copy(char *d, const char *s, size_t len,
		pmem_flush_fn *flush)
{
	if (nt_pieces_ok(d, len)) {
		char b[NT_EDGE_MAX];
		memcpy(b, s, len);
		nt_pieces(d, b, len);
		return;
	}
	pm_store_copy(d, s, len);
	flush(d, len);
}

static inline void nt_edge_fill(char *d, int c, size_t len,
		pmem_flush_fn *flush)
{
	if (nt_pieces_ok(d, len)) {
		char b[NT_EDGE_MAX];
		memset(b, c, len);
		nt_pieces(d, b, len);
		return;
	}
	pm_store_fill(d, c, len);
	flush(d, len);
}

/*
 * An overlapping move reads what it is about to overwrite: persistent
 * memory no cache holds.  Asking for the first 4 KiB of the source at once
 * (from its end: a backward copy starts there) puts all those misses in
 * flight together, instead of four lines at a time between NT stores.
 * Measured on Zen 3 against PMDK's SSE2 path: 1 KiB 0.85 -> 1.00,
 * 3000 B 0.91 -> 1.17 (docs/performance.md).  Forward copies are not
 * prefetched: their source is usually warm, and there it cost up to 12%.
 * Nor are backward moves of under two register blocks (nt_bwd_short).
 */
#define NT_PREFETCH_MAX 4096
static inline void nt_prefetch_bwd(const char *se, size_t len)
{
	size_t n = len < NT_PREFETCH_MAX ? len : NT_PREFETCH_MAX;
	for (size_t i = PM_LINE; i <= n; i += PM_LINE)
		_mm_prefetch(se - i, _MM_HINT_T0);
}

/*
 * A backward move shorter than two register blocks (NT_REGS vectors: 16,
 * what every width has) is not prefetched: it is moved in register blocks,
 * each all loads then all stores, then in blocks of halving size, so each
 * block's loads put its misses in flight by themselves.  On AMD family
 * 0x19 model 0x11 the prefetch ahead of them made moves of 600 B-2 KiB
 * slower than PMDK's (docs/performance.md, "Short backward moves").  A
 * backend with more registers may set NT_REGS and NT_SHORT_MAX.
 */
#ifndef NT_REGS
#define NT_REGS 16
#endif
#define NT_REG_BLOCK (NT_REGS * NT_W)
#ifndef NT_SHORT_MAX
#define NT_SHORT_MAX (2 * NT_REG_BLOCK - 1)
#endif
static inline int nt_bwd_short(size_t len)
{
	return len <= NT_SHORT_MAX;
}

/* One block of b bytes (a constant) below de/se, if b fits in registers
 * and in what is left. */
#define NT_BWD_STEP(b) do { \
	if ((b) <= NT_REG_BLOCK && len >= (b)) { \
		de -= (b); \
		se -= (b); \
		len -= (b); \
		NT_MOVE_VECS(de, se, (b) / NT_W); \
	} \
} while (0)

/*
 * The temporal edge a copy stores last waits for its line to be read (a
 * partial line is read before it is written).  Asking for that line first
 * lets the read overlap the NT stores of the body: on AMD family 0x19
 * model 0x11, copies of 3000-4000 bytes with both ends inside a line went
 * from below PMDK to par (docs/performance.md, "Unaligned ends").
 */
static inline int nt_edge_temporal(const char *d, size_t len)
{
	return len && !nt_pieces_ok(d, len);
}
/* (A macro: GCC drops calls to a function whose only effect is a
 * prefetch, taking it for pure.) */
#define NT_EDGE_PREFETCH(d, len) do { \
	if (nt_edge_temporal((d), (len))) \
		_mm_prefetch((const char *)(d), _MM_HINT_T0); \
} while (0)

/* Ascending addresses: right when dst does not lie inside (src, src+len). */
static void nt_copy_fwd(char *d, const char *s, size_t len,
		pmem_flush_fn *flush)
{
	size_t head = (size_t)(-(uintptr_t)d & (PM_LINE - 1));

	if (len < head + PM_LINE) {
		nt_edge_copy(d, s, len, flush);
		return;
	}
	size_t tail = (size_t)((uintptr_t)(d + len) & (PM_LINE - 1));
	NT_EDGE_PREFETCH(d + len - tail, tail);
	if (head) {
		nt_edge_copy(d, s, head, flush);
		d += head;
		s += head;
		len -= head;
	}
	for (; len >= NT_BLOCK; len -= NT_BLOCK, d += NT_BLOCK, s += NT_BLOCK) {
#ifdef NT_LOOP_PREFETCH
		_Pragma("GCC unroll 4")
		for (unsigned i_ = 0; i_ < NT_BLOCK; i_ += PM_LINE)
			_mm_prefetch(s + NT_LOOP_PREFETCH + i_, _MM_HINT_T0);
#endif
		NT_MOVE_VECS(d, s, NT_PER_BLOCK);
	}
	for (; len >= PM_LINE; len -= PM_LINE, d += PM_LINE, s += PM_LINE)
		NT_MOVE_VECS(d, s, NT_PER_LINE);
	if (len)
		nt_edge_copy(d, s, len, flush);
}

/* Descending addresses, for dst inside (src, src+len): every block is
 * loaded before the stores that could overwrite its source. */
static void nt_copy_bwd(char *d, const char *s, size_t len,
		pmem_flush_fn *flush)
{
	char *de = d + len;
	const char *se = s + len;
	size_t tail = (size_t)((uintptr_t)de & (PM_LINE - 1));

	if (len < tail + PM_LINE) {
		nt_edge_copy(d, s, len, flush);
		return;
	}
	int short_move = nt_bwd_short(len);
	if (!short_move)
		nt_prefetch_bwd(se, len);
	NT_EDGE_PREFETCH(d, (size_t)(-(uintptr_t)d & (PM_LINE - 1)));
	if (tail) {
		de -= tail;
		se -= tail;
		len -= tail;
		nt_edge_copy(de, se, tail, flush);
	}
	if (short_move) {
		while (len >= NT_REG_BLOCK) {
			de -= NT_REG_BLOCK;
			se -= NT_REG_BLOCK;
			len -= NT_REG_BLOCK;
			NT_MOVE_VECS(de, se, NT_REGS);
		}
		/* len < NT_REG_BLOCK: each step runs at most once. */
		NT_BWD_STEP(1024);
		NT_BWD_STEP(512);
		NT_BWD_STEP(256);
		NT_BWD_STEP(128);
		NT_BWD_STEP(64);
	}
	for (; len >= NT_BLOCK; len -= NT_BLOCK) {
		de -= NT_BLOCK;
		se -= NT_BLOCK;
		NT_MOVE_VECS(de, se, NT_PER_BLOCK);
	}
	for (; len >= PM_LINE; len -= PM_LINE) {
		de -= PM_LINE;
		se -= PM_LINE;
		NT_MOVE_VECS(de, se, NT_PER_LINE);
	}
	if (len)
		nt_edge_copy(d, s, len, flush);
}

static void *memmove_nt(void *dst, const void *src, size_t len,
		pmem_flush_fn *flush)
{
	/* One unsigned compare: src <= dst < src + len. */
	if ((uintptr_t)dst - (uintptr_t)src < len)
		nt_copy_bwd(dst, src, len, flush);
	else
		nt_copy_fwd(dst, src, len, flush);
	return dst;
}

static void *memset_nt(void *dst, int c, size_t len, pmem_flush_fn *flush)
{
	char *d = dst;
	size_t head = (size_t)(-(uintptr_t)d & (PM_LINE - 1));

	if (len < head + PM_LINE) {
		nt_edge_fill(d, c, len, flush);
		return dst;
	}
	if (head) {
		nt_edge_fill(d, c, head, flush);
		d += head;
		len -= head;
	}
	NT_VEC v = NT_SET1(c);
	for (; len >= NT_BLOCK; len -= NT_BLOCK, d += NT_BLOCK)
		NT_FILL_VECS(d, v, NT_PER_BLOCK);
	for (; len >= PM_LINE; len -= PM_LINE, d += PM_LINE)
		NT_FILL_VECS(d, v, NT_PER_LINE);
	if (len)
		nt_edge_fill(d, c, len, flush);
	return dst;
}

#endif
