/*
 * ops.c -- pmem_ops_fill, the one writer of a pmem_ops table.
 */
#include <stdint.h>

#include "ops.h"
#include "select.h"

/*
 * An overlapping move of at most OVERLAP_TEMPORAL_MAX bytes stays
 * temporal even above the NT threshold: its NT stores would evict the
 * lines it has just read as its source, and a program that shifts a few
 * bytes (an insert into a sorted array) reads them again soon
 * (docs/performance.md, "Small-shift moves").  Not under an ordered flush:
 * there every line's flush waits for the stores before it, which cost
 * more than the NT stores save (docs/performance.md, "Overlapping moves
 * under an ordered CLFLUSH").
 */
#define OVERLAP_TEMPORAL_MAX 512u

void pmem_ops_fill(struct pmem_ops *ops, const struct pmem_ops_spec *spec)
{
	const struct pmem_backend *f = spec->flush, *c = spec->copy;
	int ordered = (f->caps & PMEM_BACKEND_CAP_ORDERED_FLUSH) &&
		(spec->cpu->features & PMEM_CPU_CLFLUSH_ORDERED);

	ops->flush = f->flush;
	/* An ordered flush needs no drain, but then nothing orders the
	 * non-temporal stores: each NT copy fences them itself. */
	ops->drain = ordered ? pmem_drain_ordered_fn : f->drain;
	ops->flush_by_line = !(f->caps & PMEM_BACKEND_CAP_NO_WRITEBACK);
	ops->memmove_flush = f->memmove_flush;
	ops->memset_flush = f->memset_flush;
	ops->deep_flush = pmem_select_deep_flush(f, spec->cpu);
	ops->memmove_nt_unfenced = c ? c->memmove_nt : pmem_builtin_memmove_fn;
	ops->memset_nt_unfenced = c ? c->memset_nt : pmem_builtin_memset_fn;
	ops->memmove_nt = ordered ? pmem_fenced_memmove_fn :
		ops->memmove_nt_unfenced;
	ops->memset_nt = ordered ? pmem_fenced_memset_fn :
		ops->memset_nt_unfenced;
	ops->movnt_threshold = c ? spec->movnt_threshold : SIZE_MAX;
	ops->small_nt = ops->movnt_threshold != SIZE_MAX && spec->small_nt;
	ops->overlap_temporal_max = ordered ? 0 : OVERLAP_TEMPORAL_MAX;
}
