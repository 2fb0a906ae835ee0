/* broken_common.c -- the correct pieces the broken backends reuse. */
#include <stdint.h>

#include "broken.h"
#include "flush_lines.h"
#include "ops.h"

void good_flush_clflush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_clflush);
}

/* MFENCE, as the real clflush drain where CLFLUSH is not ordered (AMD):
 * right under both CLFLUSH rules of the model. */
void good_drain(void)
{
	pm_mfence();
}

/* The missing fence. */
void no_drain(void)
{
}

int broken_first_line(uintptr_t dst, size_t len, uintptr_t *line,
		enum check_line_state *st, enum check_line_state want)
{
	if (!len)
		return 0;
	*line = dst & ~(uintptr_t)(PM_LINE - 1);
	*st = want;
	return 1;
}

/* A descriptor of this ABI for one of b's halves. */
#define HEAD(nm, k) .abi_version = PMEM_BACKEND_ABI_VERSION, \
	.size = sizeof(struct pmem_backend), .name = nm, .kind = k

void broken_install(const struct broken *b, size_t threshold)
{
	static struct pmem_backend flush, copy;
	flush = (struct pmem_backend){
		HEAD(b->name, PMEM_BACKEND_FLUSH),
		.flush = b->flush,
		.drain = b->drain,
	};
	copy = (struct pmem_backend){
		HEAD(b->name, PMEM_BACKEND_COPY),
		.memmove_nt = b->memmove_nt,
		.memset_nt = b->memset_nt,
	};
	pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
		.flush = &flush,
		.copy = b->memmove_nt ? &copy : NULL,
		.cpu = pmem_backend_get_cpu(),
		.movnt_threshold = threshold,
	});
}
