/*
 * nt-sse2 -- non-temporal copies with 16-byte MOVNTDQ, on every x86-64.
 * The copy logic is nt_copy.h.
 */
#include "backend_build.h"
#include "pm_prims.h"

#define NT_VEC __m128i
#define NT_W 16
/* With 16-byte loads the hardware prefetcher fell behind on large forward
 * copies: against PMDK's SSE2 path on Zen 3, memcpy_nodrain4 64 KiB-16 MiB
 * went from 0.89-0.98 to 0.95-1.04 with it (two runs).  nt-avx lost 5-20%
 * at 16-64 MiB with the same prefetch, so it has none
 * (docs/performance.md). */
#define NT_LOOP_PREFETCH 4096
#define NT_LOADU(p) _mm_loadu_si128((const __m128i *)(p))
#define NT_STORE(p, v) pm_nt_store16((p), (v))
#define NT_SET1(c) _mm_set1_epi8((char)(c))
#include "nt_copy.h"

PMEM_BACKEND_DESCRIPTOR(nt_sse2) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "nt-sse2",
	.description = "non-temporal 16-byte stores (SSE2)",
	.kind = PMEM_BACKEND_COPY,
	.probe = pmem_backend_probe_cpu_needs,
	.memmove_nt = memmove_nt,
	.memset_nt = memset_nt,
	.cpu_needs = PMEM_CPU_SSE2,
};
