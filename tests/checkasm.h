/*
 * checkasm.h -- helpers for checkasm-style backend tests (after FFmpeg's
 * tests/checkasm): the CPU's features, a reproducible random generator,
 * and guarded mmap'd buffers.
 */
#ifndef PMEM_CHECKASM_H
#define PMEM_CHECKASM_H 1

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem_backend.h"

/* The CPU as the library read it: the one reader per ISA (arch/<isa>/cpu.c),
 * itself checked against the compiler's runtime (test_cpu_x86.c) and the
 * kernel's hwcaps (test_cpu_aarch64.c). */
static inline void checkasm_cpu(struct pmem_cpu *cpu)
{
	*cpu = *pmem_backend_get_cpu();
}

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
