/*
 * prims/ppc64.h -- the POWER (ppc64le) primitives: the data cache block
 * store to persistent storage (dcbstps, Power ISA 3.1), the flush to
 * persistent storage (dcbfps, 3.1), the data cache block store of every
 * earlier POWER (dcbst), and the barriers that complete them: phwsync
 * (3.1), hwsync (sync 0, every POWER); lwsync only orders.  Included by
 * pm_prims.h only.
 *
 * dcbstps, dcbfps and phwsync are emitted as their encodings (forms of
 * dcbf and sync with a wider L field), so no file needs -mcpu=power10 or
 * an assembler that knows them: a backend the CPU cannot run is refused by
 * its probe (AT_HWCAP2), never by the assembler or by SIGILL.  The operand
 * is printed as a bare register number, as GCC does for ppc64 unless
 * -mregnames is given.  Rules and ISA references: docs/durability.md,
 * "ppc64le".
 */
#ifndef PM_PRIMS_PPC64_H
#define PM_PRIMS_PPC64_H 1

/* dcbf RA=0, RB, L: 0x7c0000ac | L << 21 | RB << 11 */
#define PM_PPC_DCBF_L(l) ".long 0x7c0000ac | (" #l " << 21) | (%0 << 11)"

/* dcbst 0,RB: write the block back to main storage, keep it cached */
static inline void pm_dcbst(const void *addr)
{
	__asm__ volatile("dcbst 0,%0" : : "r"(addr) : "memory");
	PM_RECORD(PM_EV_DCBST, addr, 1);
}

/* dcbstps 0,RB = dcbf 0,RB,6: write back to persistent storage, keep it */
static inline void pm_dcbstps(const void *addr)
{
	__asm__ volatile(PM_PPC_DCBF_L(6) : : "r"(addr) : "memory");
	PM_RECORD(PM_EV_DCBSTPS, addr, 1);
}

/* dcbfps 0,RB = dcbf 0,RB,4: write back to persistent storage and drop
 * the block from the caches.  No backend needs the drop; here for tests
 * and for a vendor's backend. */
static inline void pm_dcbfps(const void *addr)
{
	__asm__ volatile(PM_PPC_DCBF_L(4) : : "r"(addr) : "memory");
	PM_RECORD(PM_EV_DCBFPS, addr, 1);
}

/* hwsync (sync 0): completes every earlier storage access and cache block
 * store before any later one starts. */
static inline void pm_hwsync(void)
{
	__asm__ volatile("sync" : : : "memory");
	PM_RECORD(PM_EV_HWSYNC, NULL, 0);
}

/* phwsync (sync 4): as hwsync, and the writes to persistent storage of
 * earlier dcbstps/dcbfps are complete (ISA 3.1). */
static inline void pm_phwsync(void)
{
	__asm__ volatile(".long 0x7c8004ac" : : : "memory");
	PM_RECORD(PM_EV_PHWSYNC, NULL, 0);
}

/* lwsync orders ordinary accesses and does not wait for cache block
 * stores.  Here so tests can show that a drain made of it is caught. */
static inline void pm_lwsync(void)
{
	__asm__ volatile("lwsync" : : : "memory");
	PM_RECORD(PM_EV_LWSYNC, NULL, 0);
}

/* ---- what ISA-neutral code calls ---- */

static inline void pm_drain_fence(void)
{
	pm_hwsync();
}

/* dcbst: in every 64-bit POWER, allowed in problem state. */
static inline void pm_flush_line_any(const void *addr)
{
	pm_dcbst(addr);
}

static inline void pm_flush_any_drain(void)
{
	pm_hwsync();
}

#define PM_FLUSH_ANY_NAME "builtin-dcbst"
#define PM_FLUSH_ANY_DESC "core's dcbst (no flush backend linked in)"
#define PM_FLUSH_ANY_NEEDS PMEM_CPU_DCBST
#define PM_FLUSH_ANY_CAPS 0u	/* unordered: completed by the hwsync */

#endif /* PM_PRIMS_PPC64_H */
