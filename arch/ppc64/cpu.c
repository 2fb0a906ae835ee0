/*
 * arch/ppc64/cpu.c -- struct pmem_cpu from the kernel's hwcaps on 64-bit POWER
 * (built for ppc64 only: configure.py compiles arch/<isa>/ for
 * the host ISA).
 *
 * The kernel says which ISA level the CPU implements (AT_HWCAP2's
 * PPC_FEATURE2_ARCH_3_1 on POWER10); the library never guesses from the
 * PVR.  An emulator may advertise more than it runs (qemu 7.2 user mode
 * with -cpu power10 sets ARCH_3_1 but kills dcbstps and phwsync with
 * SIGILL): docs/testing.md says which CPU model the tests use.
 */
#include <string.h>
#include <sys/auxv.h>

#include "cpu.h"

/* Linux's arch/powerpc uapi <asm/cputable.h> bit, here so that an old
 * libc's headers without it still build. */
#define PPC64_FEATURE2_ARCH_3_1	0x00040000UL

void pmem_cpu_detect(struct pmem_cpu *cpu)
{
	unsigned long hwcap2 = getauxval(AT_HWCAP2);
	uint64_t f = 0;

	memset(cpu, 0, sizeof(*cpu));
	/* dcbst is a problem-state instruction of every 64-bit POWER. */
	f |= PMEM_CPU_DCBST;
	if (hwcap2 & PPC64_FEATURE2_ARCH_3_1)
		f |= PMEM_CPU_ARCH_3_1;
	cpu->features = f;
}

/* The PVR's revision is not in the hwcaps: the signature has features
 * only. */
unsigned pmem_cpu_stepping(void)
{
	return 0;
}
