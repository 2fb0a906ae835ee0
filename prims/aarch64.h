/*
 * prims/aarch64.h -- the AArch64 primitives: data cache clean by
 * virtual address to the Point of Persistence (DC CVAP, ARMv8.2 DCPoP),
 * to the Point of Coherency (DC CVAC, every ARMv8-A) and to the Point of
 * Deep Persistence (DC CVADP, ARMv8.5 DCPoDP), and the DSB that completes
 * them.  Included by pm_prims.h only.
 *
 * The DC operations are written as their SYS encodings so that no file
 * needs -march=armv8.2-a: a backend that the CPU cannot run is refused by
 * its probe (hwcaps), never by the assembler or by SIGILL.
 * Rules and Arm ARM references: docs/durability.md, "AArch64".
 */
#ifndef PM_PRIMS_AARCH64_H
#define PM_PRIMS_AARCH64_H 1

/* DC CVAP, Xt = SYS #3, C7, C12, #1, Xt */
static inline void pm_dc_cvap(const void *addr)
{
	__asm__ volatile("sys #3, c7, c12, #1, %0" : : "r"(addr) : "memory");
	PM_RECORD(PM_EV_DC_CVAP, addr, 1);
}

/* DC CVAC, Xt = SYS #3, C7, C10, #1, Xt */
static inline void pm_dc_cvac(const void *addr)
{
	__asm__ volatile("sys #3, c7, c10, #1, %0" : : "r"(addr) : "memory");
	PM_RECORD(PM_EV_DC_CVAC, addr, 1);
}

/* DC CVADP, Xt = SYS #3, C7, C13, #1, Xt */
static inline void pm_dc_cvadp(const void *addr)
{
	__asm__ volatile("sys #3, c7, c13, #1, %0" : : "r"(addr) : "memory");
	PM_RECORD(PM_EV_DC_CVADP, addr, 1);
}

/* Full-system DSB: waits for every earlier store and cache maintenance
 * instruction to complete. */
static inline void pm_dsb(void)
{
	__asm__ volatile("dsb sy" : : : "memory");
	PM_RECORD(PM_EV_DSB, NULL, 0);
}

/* DMB only orders; it does not wait for DC operations to complete.  Here
 * so tests can show that a drain made of it is caught. */
static inline void pm_dmb(void)
{
	__asm__ volatile("dmb sy" : : : "memory");
	PM_RECORD(PM_EV_DMB, NULL, 0);
}

/* ---- what ISA-neutral code calls ---- */

static inline void pm_drain_fence(void)
{
	pm_dsb();
}

/* DC CVAC: in every ARMv8-A, allowed at EL0 by Linux (SCTLR_EL1.UCI). */
static inline void pm_flush_line_any(const void *addr)
{
	pm_dc_cvac(addr);
}

static inline void pm_flush_any_drain(void)
{
	pm_dsb();
}

#define PM_FLUSH_ANY_NAME "builtin-dc-cvac"
#define PM_FLUSH_ANY_DESC "core's DC CVAC (no flush backend linked in)"
#define PM_FLUSH_ANY_NEEDS PMEM_CPU_DC_CVAC
#define PM_FLUSH_ANY_CAPS 0u	/* unordered: completed by the DSB */

#endif /* PM_PRIMS_AARCH64_H */
