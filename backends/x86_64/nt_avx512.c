/*
 * nt-avx512 -- non-temporal copies with 64-byte VMOVNTDQ on ZMM registers:
 * one store per cache line.  The copy logic is nt_copy.h.
 */
#include "backend_build.h"
#include "pm_prims.h"

#define NT_VEC __m512i
#define NT_W 64
#define NT_LOADU(p) _mm512_loadu_si512((const void *)(p))
#define NT_STORE(p, v) pm_nt_store64((p), (v))
#define NT_SET1(c) _mm512_set1_epi8((char)(c))
/* The source 4 KiB ahead, as nt-sse2: on Intel family 6 model 0xa7,
 * memcpy_persist of 16-64 MiB 0.87-0.91 -> 0.98-1.02 of PMDK
 * (docs/performance.md). */
#define NT_LOOP_PREFETCH 4096
/* ZMM0-31 hold a 2 KiB block: a backward move of up to 2 KiB is one
 * register block without the prefetch; longer ones keep it (on AMD family
 * 0x19 model 0x11 they lost without it: docs/performance.md, "Short
 * backward moves"). */
#define NT_REGS 32
#define NT_SHORT_MAX NT_REG_BLOCK
#include "nt_copy.h"

/* Require every AVX-512 subset this file is compiled with: the compiler
 * may use any of them. */
#define NEEDS (PMEM_CPU_AVX512F | NEEDS_BW | NEEDS_VL)
#ifdef __AVX512BW__
#define NEEDS_BW PMEM_CPU_AVX512BW
#else
#define NEEDS_BW 0
#endif
#ifdef __AVX512VL__
#define NEEDS_VL PMEM_CPU_AVX512VL
#else
#define NEEDS_VL 0
#endif
PMEM_BACKEND_DESCRIPTOR(nt_avx512) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "nt-avx512",
	.description = "non-temporal 64-byte stores (AVX-512F)",
	.kind = PMEM_BACKEND_COPY,
	.probe = pmem_backend_probe_cpu_needs,
	.memmove_nt = memmove_nt,
	.memset_nt = memset_nt,
	.cpu_needs = NEEDS,
};
