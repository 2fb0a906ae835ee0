/*
 * ops.h -- the one resolved table every public flush and copy function
 * calls through.  Filled once at start-up (select.c, through pmem_ops_fill)
 * from one flush and one copy backend; never changed afterwards, so the hot
 * path reads no environment and takes no lock.
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
	/* Overlapping moves up to this many bytes stay temporal above the
	 * threshold (memops.c, small_overlap); 0 under an ordered flush. */
	size_t overlap_temporal_max;
	/* The copy backend's own memmove_nt/memset_nt.  The two above are
	 * these, except when drain() is empty because the flush is ordered
	 * with later stores (PMEM_BACKEND_CAP_ORDERED_FLUSH on a CPU with
	 * PMEM_CPU_CLFLUSH_ORDERED): then they are pmem_fenced_memmove_fn/
	 * pmem_fenced_memset_fn, which call these and end with their own
	 * SFENCE, as CLFLUSH does not order non-temporal stores.  Chosen
	 * once here, so no copy tests for it. */
	void *(*memmove_nt_unfenced)(void *dst, const void *src, size_t len,
			pmem_flush_fn *flush);
	void *(*memset_nt_unfenced)(void *dst, int c, size_t len,
			pmem_flush_fn *flush);
	/* 1 when flush writes back cache lines one by one (no
	 * PMEM_BACKEND_CAP_NO_WRITEBACK): only then is the temporal path
	 * flushed chunk by chunk (memops.c). */
	int flush_by_line;
	/* The flush backend's own temporal copy (version 3 descriptors),
	 * NULL where it has none: memops.c then copies and calls flush. */
	void *(*memmove_flush)(void *dst, const void *src, size_t len);
	void *(*memset_flush)(void *dst, int c, size_t len);
};

extern struct pmem_ops pmem_ops;

/* What a table is filled from. */
struct pmem_ops_spec {
	const struct pmem_backend *flush;	/* required */
	const struct pmem_backend *copy;	/* NULL: every copy temporal */
	const struct pmem_cpu *cpu;	/* the CPU the table runs on */
	/* Copies from this size on are non-temporal; SIZE_MAX: none are. */
	size_t movnt_threshold;
	/* The copy row's small aligned copies rule (no effect at SIZE_MAX). */
	int small_nt;
};

/*
 * The one writer of a pmem_ops table (start-up, pmem-check's matrix,
 * calibrate, the tests): every field from spec, so no caller can forget
 * one.  Here the ORDERED_FLUSH rule picks drain and the fenced NT copies, and
 * pmem_select_deep_flush picks deep_flush.
 */
void pmem_ops_fill(struct pmem_ops *ops, const struct pmem_ops_spec *spec);

#endif
