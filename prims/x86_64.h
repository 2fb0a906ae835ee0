/*
 * prims/x86_64.h -- the x86-64 primitives: non-temporal stores, CLFLUSH,
 * CLFLUSHOPT, CLWB, SFENCE.  Included by pm_prims.h only.  Widths and
 * flushes that need an instruction set exist only where the including
 * file is compiled with it (-mavx, -mclwb, ...).
 */
#ifndef PM_PRIMS_X86_H
#define PM_PRIMS_X86_H 1

#include <immintrin.h>

/* ---- non-temporal stores ---- */

static inline void pm_nt_store4(void *dst, int32_t v)
{
	_mm_stream_si32((int *)dst, v);
	PM_RECORD(PM_EV_NT_STORE, dst, 4);
}

static inline void pm_nt_store8(void *dst, int64_t v)
{
	_mm_stream_si64((long long *)dst, v);
	PM_RECORD(PM_EV_NT_STORE, dst, 8);
}

static inline void pm_nt_store16(void *dst, __m128i v)
{
	_mm_stream_si128((__m128i *)dst, v);
	PM_RECORD(PM_EV_NT_STORE, dst, 16);
}

#ifdef __AVX__
static inline void pm_nt_store32(void *dst, __m256i v)
{
	_mm256_stream_si256((__m256i *)dst, v);
	PM_RECORD(PM_EV_NT_STORE, dst, 32);
}
#endif

#ifdef __AVX512F__
static inline void pm_nt_store64(void *dst, __m512i v)
{
	_mm512_stream_si512((__m512i *)dst, v);
	PM_RECORD(PM_EV_NT_STORE, dst, 64);
}
#endif

/* ---- cache-line flushes (addr is any byte of the line) ---- */

static inline void pm_clflush(const void *addr)
{
	_mm_clflush(addr);
	PM_RECORD(PM_EV_CLFLUSH, addr, 1);
}

#ifdef __CLFLUSHOPT__
static inline void pm_clflushopt(const void *addr)
{
	_mm_clflushopt((void *)addr);
	PM_RECORD(PM_EV_CLFLUSHOPT, addr, 1);
}
#endif

#ifdef __CLWB__
static inline void pm_clwb(const void *addr)
{
	_mm_clwb((void *)addr);
	PM_RECORD(PM_EV_CLWB, addr, 1);
}
#endif

/* ---- ordering ---- */

static inline void pm_sfence(void)
{
	_mm_sfence();
	PM_RECORD(PM_EV_SFENCE, NULL, 0);
}

/* The only fence the AMD APM orders CLFLUSH with. */
static inline void pm_mfence(void)
{
	_mm_mfence();
	PM_RECORD(PM_EV_MFENCE, NULL, 0);
}

/* ---- what ISA-neutral code calls ---- */

/* The drain's fence: completes NT stores and CLFLUSHOPT/CLWB. */
static inline void pm_drain_fence(void)
{
	pm_sfence();
}

/* A write-back every x86-64 has (the core's built-in flush). */
static inline void pm_flush_line_any(const void *addr)
{
	pm_clflush(addr);
}

/* The drain after it: MFENCE, which both vendors order CLFLUSH with. */
static inline void pm_flush_any_drain(void)
{
	pm_mfence();
}

#define PM_FLUSH_ANY_NAME "builtin-clflush"
#define PM_FLUSH_ANY_DESC "core's CLFLUSH (no flush backend linked in)"
#define PM_FLUSH_ANY_NEEDS PMEM_CPU_CLFLUSH
#define PM_FLUSH_ANY_CAPS PMEM_BACKEND_CAP_ORDERED_FLUSH

#endif /* PM_PRIMS_X86_H */
