/*
 * ops.h -- the one resolved table every public flush and copy function
 * calls through.  Filled once at start-up (select.c) from one flush and one
 * copy backend; never changed afterwards, so the hot path reads no
 * environment and takes no lock.
 */
#ifndef PMEM_OPS_H
#define PMEM_OPS_H 1

#include <stddef.h>
#include "libpmem_backend.h"

struct pmem_ops {
	pmem_flush_fn *flush;
	void (*drain)(void);
	void *(*memmove_nt)(void *dst, const void *src, size_t len,
			pmem_flush_fn *flush);
	void *(*memset_nt)(void *dst, int c, size_t len, pmem_flush_fn *flush);
	/* What pmem_deep_flush uses: a cache-line write-back even where
	 * `flush` is nop (eADR, PMEM_NO_FLUSH) or msync-fallback. */
	pmem_flush_fn *deep_flush;
	/* Copies of at least this many bytes use memmove_nt/memset_nt;
	 * SIZE_MAX when non-temporal stores are off (PMEM_NO_MOVNT=1). */
	size_t movnt_threshold;
	/* 1: copies under the threshold are NT too when small_nt_shape
	 * (memops.c) holds; set by the CPU's copy row (select_rules.c). */
	int small_nt;
	/* 1 when drain() is empty because the flush is ordered with later
	 * stores (PMEM_BACKEND_CAP_ORDERED_FLUSH on a CPU with
	 * PMEM_CPU_CLFLUSH_ORDERED): every non-temporal copy then ends with
	 * its own SFENCE, as CLFLUSH does not order non-temporal stores. */
	int fence_nt;
};

extern struct pmem_ops pmem_ops;

/* Sets flush, drain and fence_nt for flush backend b on cpu: the one place
 * the ORDERED_FLUSH rule is applied (start-up and the check matrix). */
void pmem_ops_use_flush(struct pmem_ops *ops, const struct pmem_backend *b,
		const struct pmem_cpu *cpu);

#endif
