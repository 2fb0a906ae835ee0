/*
 * test_cpu_x86.c -- the x86-64 CPU probe (arch/x86_64/cpu.c), the one CPUID
 * reader the library and its tests use, against the compiler runtime's
 * own reading (__builtin_cpu_supports, which also asks XCR0 for the
 * vector registers).  Built only for x86-64 (*_x86.c).
 */
#include <criterion/criterion.h>

#include "libpmem_backend.h"

Test(cpu_x86, features_match_the_compiler_runtime)
{
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	static const struct {
		uint64_t bit;
		const char *name;
	} f[] = {
#define F(bit, name) { bit, name }
		F(PMEM_CPU_SSE2, "sse2"),
		F(PMEM_CPU_AVX, "avx"),
		F(PMEM_CPU_AVX2, "avx2"),
		F(PMEM_CPU_AVX512F, "avx512f"),
		F(PMEM_CPU_AVX512BW, "avx512bw"),
		F(PMEM_CPU_AVX512VL, "avx512vl"),
		F(PMEM_CPU_CLFLUSHOPT, "clflushopt"),
		F(PMEM_CPU_CLWB, "clwb"),
#undef F
	};
	/* __builtin_cpu_supports takes only string literals */
	int has[] = {
		__builtin_cpu_supports("sse2"),
		__builtin_cpu_supports("avx"),
		__builtin_cpu_supports("avx2"),
		__builtin_cpu_supports("avx512f"),
		__builtin_cpu_supports("avx512bw"),
		__builtin_cpu_supports("avx512vl"),
		__builtin_cpu_supports("clflushopt"),
		__builtin_cpu_supports("clwb"),
	};
	for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		cr_assert_eq((cpu->features & f[i].bit) != 0, has[i] != 0,
				"%s: library %d, compiler runtime %d",
				f[i].name, (cpu->features & f[i].bit) != 0,
				has[i] != 0);
}
