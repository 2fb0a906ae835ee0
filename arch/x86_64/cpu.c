/*
 * arch/x86_64/cpu.c -- CPUID and XGETBV into struct pmem_cpu (built for x86-64
 * only: configure.py compiles arch/<isa>/ for the host ISA).
 *
 * A vector extension counts only if the OS saves its registers on a
 * context switch (XCR0): a CPU may have AVX-512 while the kernel or a
 * hypervisor has it off, and using it then raises #UD.
 */
#include <cpuid.h>
#include <stdint.h>
#include <string.h>

#include "cpu.h"

/* XCR0 bits: the state components the OS saves. */
#define XCR0_SSE	(1u << 1)
#define XCR0_AVX	(1u << 2)
#define XCR0_OPMASK	(1u << 5)
#define XCR0_ZMM_HI256	(1u << 6)
#define XCR0_HI16_ZMM	(1u << 7)
#define XCR0_AVX_STATE	(XCR0_SSE | XCR0_AVX)
#define XCR0_AVX512_STATE (XCR0_AVX_STATE | XCR0_OPMASK | XCR0_ZMM_HI256 | \
		XCR0_HI16_ZMM)

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;
	/* The mnemonic needs no -mxsave; only reached when OSXSAVE is set. */
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

void pmem_cpu_detect(struct pmem_cpu *cpu)
{
	unsigned a, b, c, d;
	memset(cpu, 0, sizeof(*cpu));
	if (!__get_cpuid(0, &a, &b, &c, &d))
		return;
	unsigned max_leaf = a;
	memcpy(cpu->vendor + 0, &b, 4);
	memcpy(cpu->vendor + 4, &d, 4);
	memcpy(cpu->vendor + 8, &c, 4);
	cpu->vendor[12] = '\0';

	__cpuid(1, a, b, c, d);
	unsigned base_family = (a >> 8) & 0xf;
	unsigned base_model = (a >> 4) & 0xf;
	cpu->family = base_family;
	cpu->model = base_model;
	if (base_family == 0xf)
		cpu->family += (a >> 20) & 0xff;
	if (base_family == 0x6 || base_family == 0xf)
		cpu->model += ((a >> 16) & 0xf) << 4;

	uint64_t f = 0;
	if (d & bit_SSE2)
		f |= PMEM_CPU_SSE2;
	if (d & (1u << 19))	/* CLFSH */
		f |= PMEM_CPU_CLFLUSH;
	if ((f & PMEM_CPU_CLFLUSH) && strcmp(cpu->vendor, "GenuineIntel") == 0)
		f |= PMEM_CPU_CLFLUSH_ORDERED;

	uint64_t xcr0 = (c & bit_OSXSAVE) ? xgetbv0() : 0;
	int avx_os = (xcr0 & XCR0_AVX_STATE) == XCR0_AVX_STATE;
	int avx512_os = (xcr0 & XCR0_AVX512_STATE) == XCR0_AVX512_STATE;
	if ((c & bit_AVX) && avx_os)
		f |= PMEM_CPU_AVX;

	if (max_leaf >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		if ((b & bit_AVX2) && (f & PMEM_CPU_AVX))
			f |= PMEM_CPU_AVX2;
		if ((b & bit_AVX512F) && avx512_os) {
			f |= PMEM_CPU_AVX512F;
			if (b & bit_AVX512BW)
				f |= PMEM_CPU_AVX512BW;
			if (b & bit_AVX512VL)
				f |= PMEM_CPU_AVX512VL;
		}
		if (b & bit_CLFLUSHOPT)
			f |= PMEM_CPU_CLFLUSHOPT;
		if (b & bit_CLWB)
			f |= PMEM_CPU_CLWB;
		if (b & (1u << 9))	/* enhanced REP MOVSB/STOSB */
			f |= PMEM_CPU_ERMS;
		if (c & (1u << 28))	/* MOVDIR64B */
			f |= PMEM_CPU_MOVDIR64B;
		if (d & (1u << 4))	/* fast short REP MOV */
			f |= PMEM_CPU_FSRM;
	}
	cpu->features = f;
}

unsigned pmem_cpu_stepping(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	return a & 0xf;
}
