/*
 * checkasm_cpu_ppc64.h -- checkasm_cpu() for 64-bit POWER: the hwcaps read
 * here, independently of core/cpu_ppc64.c, so a bug there cannot hide a
 * backend from its test.  Included by checkasm.h only.
 */
#ifndef PMEM_CHECKASM_CPU_PPC64_H
#define PMEM_CHECKASM_CPU_PPC64_H 1

#include <sys/auxv.h>

static inline void checkasm_cpu(struct pmem_cpu *cpu)
{
	uint64_t f = PMEM_CPU_DCBST;	/* every 64-bit POWER */

	memset(cpu, 0, sizeof(*cpu));
	if (getauxval(AT_HWCAP2) & 0x00040000UL)	/* ARCH_3_1 */
		f |= PMEM_CPU_ARCH_3_1;
	cpu->features = f;
}

#endif
