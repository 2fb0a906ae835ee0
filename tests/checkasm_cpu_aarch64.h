/*
 * checkasm_cpu_aarch64.h -- checkasm_cpu() for AArch64: the hwcaps read
 * here, independently of core/cpu_aarch64.c, so a bug there cannot hide a
 * backend from its test.  Included by checkasm.h only.
 */
#ifndef PMEM_CHECKASM_CPU_AARCH64_H
#define PMEM_CHECKASM_CPU_AARCH64_H 1

#include <sys/auxv.h>

static inline void checkasm_cpu(struct pmem_cpu *cpu)
{
	unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
	uint64_t f = PMEM_CPU_DC_CVAC;	/* every ARMv8-A, EL0 under Linux */

	memset(cpu, 0, sizeof(*cpu));
	if (hw & (1UL << 1))
		f |= PMEM_CPU_ASIMD;
	if (hw & (1UL << 16))
		f |= PMEM_CPU_DCPOP;
	if (hw2 & (1UL << 0))
		f |= PMEM_CPU_DCPODP;
	cpu->features = f;
}

#endif
