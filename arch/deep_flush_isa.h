/*
 * deep_flush_isa.h -- the instruction set's own deep write-back, if it has
 * one beyond its normal flush: DC CVADP (clean to the Point of Deep
 * Persistence) on AArch64 with DCPoDP; none on x86-64, where the deep part
 * is the region's deep_flush file (deep_flush.c).  One implementation per
 * instruction set: arch/<isa>/deep_flush.c.
 */
#ifndef PMEM_DEEP_FLUSH_ISA_H
#define PMEM_DEEP_FLUSH_ISA_H 1

#include "libpmem_backend.h"

/* The flush pmem_deep_flush should use on this CPU whatever the chosen
 * flush backend is, or NULL to let select.c decide. */
pmem_flush_fn *pmem_isa_deep_flush(const struct pmem_cpu *cpu);

#endif
