/*
 * arch/aarch64/cpu.c -- struct pmem_cpu from the kernel's hwcaps (built for
 * AArch64 only: configure.py compiles arch/<isa>/ for the
 * host ISA).
 *
 * The kernel says what EL0 may execute; the library never guesses from
 * MIDR part numbers and never tries an instruction to see if it traps.
 * An emulator may advertise more than it runs (qemu 7.2 user mode with
 * -cpu max sets HWCAP_DCPOP but kills DC CVAP with SIGILL): that is the
 * emulator's bug, and docs/testing.md says which CPU model to use.
 */
#include <string.h>
#include <sys/auxv.h>

#include "cpu.h"

/* Linux's arch/arm64 uapi hwcap bits, here so that an old libc's
 * <asm/hwcap.h> without them still builds. */
#define AARCH64_HWCAP_ASIMD	(1UL << 1)
#define AARCH64_HWCAP_DCPOP	(1UL << 16)
#define AARCH64_HWCAP2_DCPODP	(1UL << 0)

void pmem_cpu_detect(struct pmem_cpu *cpu)
{
	unsigned long hwcap = getauxval(AT_HWCAP);
	unsigned long hwcap2 = getauxval(AT_HWCAP2);
	uint64_t f = 0;

	memset(cpu, 0, sizeof(*cpu));
	/* Linux sets SCTLR_EL1.UCI: DC CVAC is allowed at EL0 on every
	 * ARMv8-A CPU it runs on. */
	f |= PMEM_CPU_DC_CVAC;
	if (hwcap & AARCH64_HWCAP_ASIMD)
		f |= PMEM_CPU_ASIMD;
	if (hwcap & AARCH64_HWCAP_DCPOP)
		f |= PMEM_CPU_DCPOP;
	if (hwcap2 & AARCH64_HWCAP2_DCPODP)
		f |= PMEM_CPU_DCPODP;
	cpu->features = f;
}

/* MIDR_EL1's revision is read through the kernel's emulation or sysfs,
 * neither of which the probe uses: the signature has features only. */
unsigned pmem_cpu_stepping(void)
{
	return 0;
}
