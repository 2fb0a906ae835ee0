/*
 * nt-avx -- non-temporal copies with 32-byte VMOVNTDQ.  The copy logic is
 * nt_copy.h.
 */
#include "backend_build.h"
#include "pm_prims.h"

#define NT_VEC __m256i
#define NT_W 32
#define NT_LOADU(p) _mm256_loadu_si256((const __m256i *)(p))
#define NT_STORE(p, v) pm_nt_store32((p), (v))
#define NT_SET1(c) _mm256_set1_epi8((char)(c))
#include "nt_copy.h"

/* The compiler may use every instruction set this file is built with
 * (configure.py adds -mavx2, so a byte broadcast becomes VPBROADCASTB):
 * require all of them. */
#ifdef __AVX2__
#define NEEDS (PMEM_CPU_AVX | PMEM_CPU_AVX2)
#else
#define NEEDS PMEM_CPU_AVX
#endif
PMEM_BACKEND_DESCRIPTOR(nt_avx) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "nt-avx",
	.description = "non-temporal 32-byte stores (AVX)",
	.kind = PMEM_BACKEND_COPY,
	.probe = pmem_backend_probe_cpu_needs,
	.memmove_nt = memmove_nt,
	.memset_nt = memset_nt,
	.cpu_needs = NEEDS,
};
