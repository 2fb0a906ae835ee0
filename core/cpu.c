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
	const char *name;	/* as /proc/cpuinfo */
	const char *label;	/* as the vendors' manuals */
} feature_names[] = {
	{ PMEM_CPU_SSE2, "sse2", "SSE2" },
	{ PMEM_CPU_AVX, "avx", "AVX" },
	{ PMEM_CPU_AVX2, "avx2", "AVX2" },
	{ PMEM_CPU_AVX512F, "avx512f", "AVX-512F" },
	{ PMEM_CPU_AVX512BW, "avx512bw", "AVX-512BW" },
	{ PMEM_CPU_AVX512VL, "avx512vl", "AVX-512VL" },
	{ PMEM_CPU_CLFLUSH, "clflush", "CLFLUSH" },
	{ PMEM_CPU_CLFLUSHOPT, "clflushopt", "CLFLUSHOPT" },
	{ PMEM_CPU_CLWB, "clwb", "CLWB" },
	{ PMEM_CPU_MOVDIR64B, "movdir64b", "MOVDIR64B" },
	{ PMEM_CPU_ERMS, "erms", "ERMS" },
	{ PMEM_CPU_FSRM, "fsrm", "FSRM" },
	{ PMEM_CPU_CLFLUSH_ORDERED, "clflush-ordered",
		"CLFLUSH ordered with writes" },
	/* AArch64: as the kernel's hwcap names (/proc/cpuinfo Features) */
	{ PMEM_CPU_DC_CVAC, "dc-cvac", "DC CVAC" },
	{ PMEM_CPU_DCPOP, "dcpop", "DCPoP (DC CVAP)" },
	{ PMEM_CPU_DCPODP, "dcpodp", "DCPoDP (DC CVADP)" },
	{ PMEM_CPU_ASIMD, "asimd", "ASIMD" },
	/* 64-bit POWER: arch_3_1 as the kernel names its AT_HWCAP2 bit
	 * (LD_SHOW_AUXV); dcbst, which every POWER has */
	{ PMEM_CPU_DCBST, "dcbst", "dcbst" },
	{ PMEM_CPU_ARCH_3_1, "arch_3_1", "Power ISA 3.1 (dcbstps)" },
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

char *pmem_cpu_features_label(uint64_t features, char *buf, size_t size)
{
	size_t used = 0;
	if (size)
		buf[0] = '\0';
	for (int i = 0; i < 64; i++) {
		uint64_t bit = 1ULL << i;
		if (!(features & bit))
			continue;
		const char *label = NULL;
		for (size_t k = 0; k < sizeof(feature_names) /
				sizeof(*feature_names); k++)
			if (feature_names[k].bit == bit)
				label = feature_names[k].label;
		char unknown[32];
		if (label == NULL) {
			snprintf(unknown, sizeof(unknown), "bit %d", i);
			label = unknown;
		}
		int n = snprintf(buf + used, size - used, "%s%s",
				used ? "+" : "", label);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	return buf;
}
