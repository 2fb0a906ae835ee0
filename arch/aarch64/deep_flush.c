/*
 * arch/aarch64/deep_flush.c -- pmem_deep_flush with DC CVADP where the kernel
 * reports DCPoDP (ARMv8.5): each line is cleaned to the Point of Deep
 * Persistence, which survives what the Point of Persistence may not (the
 * memory controller's queues).  Completed by the drain's DSB.
 */
#include <stddef.h>

#include "deep_flush_isa.h"
#include "flush_lines.h"
#include "pm_prims.h"

static void deep_flush_cvadp(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_dc_cvadp);
}

pmem_flush_fn *pmem_isa_deep_flush(const struct pmem_cpu *cpu)
{
	return (cpu->features & PMEM_CPU_DCPODP) ? deep_flush_cvadp : NULL;
}
