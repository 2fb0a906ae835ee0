/*
 * checkasm.h -- helpers for checkasm-style backend tests (after FFmpeg's
 * tests/checkasm): the CPU's features read independently of the library
 * (so a bug in core/cpu.c cannot hide a backend from its test), a
 * reproducible random generator, and guarded mmap'd buffers.
 */
#ifndef PMEM_CHECKASM_H
#define PMEM_CHECKASM_H 1

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem_backend.h"

#if defined(__aarch64__)
#include "checkasm_cpu_aarch64.h"
#elif defined(__powerpc64__)
#include "checkasm_cpu_ppc64.h"
#else
#include <cpuid.h>

static inline uint64_t checkasm_xgetbv0(void)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

/* PMEM_CPU_* bits; vector sets only when the OS saves their registers. */
static inline void checkasm_cpu(struct pmem_cpu *cpu)
{
	unsigned a, b, c, d;
	uint64_t f = 0, xcr0 = 0;

	memset(cpu, 0, sizeof(*cpu));
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return;
	if (d & (1u << 26))
		f |= PMEM_CPU_SSE2;
	if (d & (1u << 19))
		f |= PMEM_CPU_CLFLUSH;
	{
		unsigned v[4];	/* vendor: ebx, edx, ecx of leaf 0 */
		__get_cpuid(0, &v[3], &v[0], &v[2], &v[1]);
		/* Intel's SDM orders CLFLUSH with writes; AMD's APM not. */
		if ((f & PMEM_CPU_CLFLUSH) &&
		    memcmp(v, "GenuineIntel", 12) == 0)
			f |= PMEM_CPU_CLFLUSH_ORDERED;
	}
	if (c & (1u << 27))	/* OSXSAVE */
		xcr0 = checkasm_xgetbv0();
	int ymm = (xcr0 & 0x06) == 0x06;	/* SSE and AVX state */
	int zmm = (xcr0 & 0xe6) == 0xe6;	/* + opmask, ZMM0-15, ZMM16-31 */
	if ((c & (1u << 28)) && ymm)
		f |= PMEM_CPU_AVX;
	if (__get_cpuid_max(0, NULL) >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		if ((b & (1u << 5)) && ymm)
			f |= PMEM_CPU_AVX2;
		if ((b & (1u << 16)) && zmm)
			f |= PMEM_CPU_AVX512F;
		if ((b & (1u << 30)) && zmm)
			f |= PMEM_CPU_AVX512BW;
		if ((b & (1u << 31)) && zmm)
			f |= PMEM_CPU_AVX512VL;
		if (b & (1u << 23))
			f |= PMEM_CPU_CLFLUSHOPT;
		if (b & (1u << 24))
			f |= PMEM_CPU_CLWB;
		if (b & (1u << 9))
			f |= PMEM_CPU_ERMS;
		if (d & (1u << 4))
			f |= PMEM_CPU_FSRM;
		if (c & (1u << 28))
			f |= PMEM_CPU_MOVDIR64B;
	}
	cpu->features = f;
}
#endif /* x86-64 */

/* xorshift64*: the same bytes on every run, so a failure reproduces. */
static inline uint64_t checkasm_rand(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline void checkasm_fill_random(void *buf, size_t len, uint64_t seed)
{
	unsigned char *p = buf;
	uint64_t st = seed | 1;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t r = checkasm_rand(&st);
		memcpy(p + i, &r, len - i < 8 ? len - i : 8);
	}
}

/* A shared mapping, so msync applies to it as to a mapped file; NULL on
 * failure. */
static inline void *checkasm_map(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Offset of the first byte where a and b differ, or -1 when equal. */
static inline long checkasm_first_diff(const unsigned char *a,
		const unsigned char *b, size_t len)
{
	if (memcmp(a, b, len) == 0)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return (long)i;
	return -1;
}

#endif
