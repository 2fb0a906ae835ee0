/*
 * pm_prims.h -- the only way backends (and the core's temporal path) touch
 * persistent memory.
 *
 * Every store aimed at pmem, every cache-line flush and every fence goes
 * through one of these.  In the normal build each is the bare instruction.
 * In the check build (PMEM_CHECK defined, build/check/) each also reports an
 * event to pmem_check_record(), which feeds the shadow cache model that
 * proves durability (docs/durability.md).
 *
 * This file holds what every instruction set shares (the event list,
 * temporal stores); msync is the OS's (core/msync.c records it); the cache maintenance and fences of each ISA
 * are in pm_prims_<isa>.h, included below.  Each ISA header also defines
 * the two names ISA-neutral code (nop, msync-fallback, the core's
 * built-in flush) uses: pm_drain_fence() and pm_flush_line_any().
 */
#ifndef PM_PRIMS_H
#define PM_PRIMS_H 1

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum pm_event {
	PM_EV_STORE,		/* temporal store: lines become dirty */
	PM_EV_NT_STORE,		/* non-temporal store: pending in WC buffer */
	PM_EV_CLFLUSH,		/* durable in program order where the CPU
				 * orders it (Intel), else at the next MFENCE */
	PM_EV_CLFLUSHOPT,	/* durable after the next sfence */
	PM_EV_CLWB,		/* durable after the next sfence */
	PM_EV_SFENCE,		/* completes pending NT stores and flushes */
	PM_EV_MSYNC,		/* pages of the range durable */
	PM_EV_MFENCE,		/* as SFENCE, and completes CLFLUSH on AMD */
	/* AArch64 (pm_prims_aarch64.h, docs/durability.md "AArch64") */
	PM_EV_DC_CVAP,		/* clean to PoP: durable after the next DSB */
	PM_EV_DC_CVAC,		/* clean to PoC: durable after the next DSB */
	PM_EV_DC_CVADP,		/* clean to PoDP: durable after the next DSB */
	PM_EV_DSB,		/* completes earlier cache maintenance */
	PM_EV_DMB,		/* orders, completes nothing (broken drains) */
	/* ppc64 (pm_prims_ppc64.h, docs/durability.md "ppc64le") */
	PM_EV_DCBST,		/* store block: durable after the next hwsync */
	PM_EV_DCBSTPS,		/* to persistent storage: after the next
				 * hwsync or phwsync */
	PM_EV_DCBFPS,		/* as dcbstps, and drops the block */
	PM_EV_HWSYNC,		/* completes earlier cache block stores */
	PM_EV_PHWSYNC,		/* as hwsync, for persistent storage too */
	PM_EV_LWSYNC,		/* orders, completes nothing (broken drains) */
};

#ifdef PMEM_CHECK
void pmem_check_record(enum pm_event ev, const void *addr, size_t len);
#define PM_RECORD(ev, addr, len) pmem_check_record((ev), (addr), (len))
#else
#define PM_RECORD(ev, addr, len) ((void)0)
#endif

#define PM_LINE 64u

/* ---- temporal stores ---- */

static inline void pm_store_copy(void *dst, const void *src, size_t len)
{
	memmove(dst, src, len);
	PM_RECORD(PM_EV_STORE, dst, len);
}

static inline void pm_store_fill(void *dst, int c, size_t len)
{
	memset(dst, c, len);
	PM_RECORD(PM_EV_STORE, dst, len);
}

/* The instruction set's cache maintenance and fences. */
#if defined(__aarch64__)
#include "aarch64.h"
#elif defined(__powerpc64__)
#include "ppc64.h"
#elif defined(__x86_64__) || defined(__i386__)
#include "x86_64.h"
#else
#error "pm_prims.h: no primitives for this instruction set (add pm_prims_<isa>.h)"
#endif

#endif /* PM_PRIMS_H */
