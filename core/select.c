/* select.c -- placeholder start-up selection: first usable of each kind.
 * (Replaced by the full selection of issue #2.) */
#include <stdint.h>
#include <stddef.h>
#include "libpmem_backend.h"
#include "ops.h"

extern const struct pmem_backend *const pmem_static_backends[];

struct pmem_ops pmem_ops;

__attribute__((constructor)) static void pmem_select(void)
{
	struct pmem_cpu cpu = { .features = PMEM_CPU_SSE2 | PMEM_CPU_CLFLUSH };
	for (unsigned i = 0; pmem_static_backends[i]; i++) {
		const struct pmem_backend *b = pmem_static_backends[i];
		if (!b->probe(&cpu))
			continue;
		if (b->kind == PMEM_BACKEND_FLUSH && !pmem_ops.flush) {
			pmem_ops.flush = b->flush;
			pmem_ops.drain = b->drain;
		} else if (b->kind == PMEM_BACKEND_COPY && !pmem_ops.memmove_nt) {
			pmem_ops.memmove_nt = b->memmove_nt;
			pmem_ops.memset_nt = b->memset_nt;
		}
	}
	pmem_ops.movnt_threshold = 256;
}
