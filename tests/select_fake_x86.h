/*
 * select_fake_x86.h -- the x86-64 descriptors' facts as fakes (after
 * select_fake.h), and the CPU feature sets the x86 choice tests build
 * their fake CPUs from: shared by test_select.c and test_profile.c.
 */
#ifndef SELECT_FAKE_X86_H
#define SELECT_FAKE_X86_H 1

#include "select_fake.h"

#define BASE (PMEM_CPU_SSE2 | PMEM_CPU_CLFLUSH)
#define AVX2 (PMEM_CPU_AVX | PMEM_CPU_AVX2)
#define AVX512 (PMEM_CPU_AVX512F | PMEM_CPU_AVX512BW | PMEM_CPU_AVX512VL)
#define FLUSHES (PMEM_CPU_CLFLUSHOPT | PMEM_CPU_CLWB)

/* In the order configure.py links them in. */
static const struct pmem_backend fake[] = {
	FAKE_FLUSH("clflush", PMEM_CPU_CLFLUSH, PMEM_BACKEND_CAP_ORDERED_FLUSH),
	FAKE_FLUSH("clflushopt", PMEM_CPU_CLFLUSHOPT, 0),
	FAKE_FLUSH("clwb", PMEM_CPU_CLWB, 0),
	FAKE_MSYNC_FALLBACK,
	FAKE_NOP,
	FAKE_COPY("nt-sse2", PMEM_CPU_SSE2),
	FAKE_COPY("nt-avx", AVX2),
	FAKE_COPY("nt-avx512", AVX512),
};
static const struct pmem_backend *const all[] = {
	&fake[0], &fake[1], &fake[2], &fake[3], &fake[4], &fake[5], &fake[6],
	&fake[7], NULL,
};

#endif
