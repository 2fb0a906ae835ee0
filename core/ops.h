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
};

extern struct pmem_ops pmem_ops;

#endif
