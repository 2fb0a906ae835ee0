/*
 * pm_prims.h -- the only way backends (and the core's temporal path) touch
 * persistent memory.
 *
 * Every store aimed at pmem, every cache-line flush and every fence goes
 * through one of these.  In the normal build each is the bare instruction.
 * In the check build (PMEM_CHECK defined, build/check/) each also reports an
 * event to pmem_check_record(), which feeds the shadow cache model that
 * proves durability (docs/durability.md).  Widths that need an instruction
 * set exist only where the including file is compiled with it.
 */
#ifndef PM_PRIMS_H
#define PM_PRIMS_H 1

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <immintrin.h>

enum pm_event {
	PM_EV_STORE,		/* temporal store: lines become dirty */
	PM_EV_NT_STORE,		/* non-temporal store: pending in WC buffer */
	PM_EV_CLFLUSH,		/* durable in program order where the CPU
				 * orders it (Intel), else at the next MFENCE */
	PM_EV_CLFLUSHOPT,	/* durable after the next sfence */
	PM_EV_CLWB,		/* durable after the next sfence */
	PM_EV_SFENCE,		/* completes pending NT stores and flushes */
	PM_EV_MSYNC,		/* pages of the range durable */
	PM_EV_MFENCE,		/* as SFENCE, and completes CLFLUSH on AMD */
};

#ifdef PMEM_CHECK
void pmem_check_record(enum pm_event ev, const void *addr, size_t len);
#define PM_RECORD(ev, addr, len) pmem_check_record((ev), (addr), (len))
#else
#define PM_RECORD(ev, addr, len) ((void)0)
#endif

#define PM_LINE 64u

/* ---- temporal stores ---- */

static inline void pm_store_copy(void *dst, const void *src, size_t len)
{
	memmove(dst, src, len);
	PM_RECORD(PM_EV_STORE, dst, len);
}

static inline void pm_store_fill(void *dst, int c, size_t len)
{
	memset(dst, c, len);
	PM_RECORD(PM_EV_STORE, dst, len);
}

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

/* msync of the pages covering the range; returns msync's result. */
static inline int pm_msync(const void *addr, size_t len)
{
	uintptr_t page = 4096;	/* x86-64 base page */
	uintptr_t start = (uintptr_t)addr & ~(page - 1);
	uintptr_t end = ((uintptr_t)addr + len + page - 1) & ~(page - 1);
	int ret = len ? msync((void *)start, end - start, MS_SYNC) : 0;
#ifdef PMEM_CHECK
	int saved_errno = errno;	/* the caller reports msync's errno */
	PM_RECORD(PM_EV_MSYNC, addr, len);
	errno = saved_errno;
#endif
	return ret;
}

#endif /* PM_PRIMS_H */
