/*
 * cpu.c -- names of the PMEM_CPU_* bits, for pmem-info and reasons.  The
 * probe itself is per instruction set: cpu_x86.c (CPUID), cpu_aarch64.c
 * (the kernel's hwcaps).
 */
#include <stdint.h>
#include <stdio.h>

#include "cpu.h"

static const struct {
	uint64_t bit;
	const char *name;
} feature_names[] = {
	{ PMEM_CPU_SSE2, "sse2" },
	{ PMEM_CPU_AVX, "avx" },
	{ PMEM_CPU_AVX2, "avx2" },
	{ PMEM_CPU_AVX512F, "avx512f" },
	{ PMEM_CPU_AVX512BW, "avx512bw" },
	{ PMEM_CPU_AVX512VL, "avx512vl" },
	{ PMEM_CPU_CLFLUSH, "clflush" },
	{ PMEM_CPU_CLFLUSHOPT, "clflushopt" },
	{ PMEM_CPU_CLWB, "clwb" },
	{ PMEM_CPU_MOVDIR64B, "movdir64b" },
	{ PMEM_CPU_ERMS, "erms" },
	{ PMEM_CPU_FSRM, "fsrm" },
	{ PMEM_CPU_DC_CVAC, "dc-cvac" },
	{ PMEM_CPU_DCPOP, "dcpop" },
	{ PMEM_CPU_DCPODP, "dcpodp" },
	{ PMEM_CPU_ASIMD, "asimd" },
};

const char *pmem_cpu_feature_name(uint64_t bit)
{
	for (size_t i = 0; i < sizeof(feature_names) / sizeof(*feature_names);
			i++)
		if (feature_names[i].bit == bit)
			return feature_names[i].name;
	return NULL;
}

char *pmem_cpu_features_str(uint64_t features, char *buf, size_t size)
{
	size_t used = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(feature_names) / sizeof(*feature_names);
			i++) {
		if (!(features & feature_names[i].bit))
			continue;
		int n = snprintf(buf + used, size - used, "%s%s",
				used ? " " : "", feature_names[i].name);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	return buf;
}
