/*
 * test_deep_flush.c -- pmem_deep_flush writes back every line even when
 * the chosen flush backend writes back none (nop under PMEM_NO_FLUSH=1 or
 * eADR, msync-fallback): after pmem_deep_flush + pmem_drain the model must
 * see every line durable with the platform's caches NOT persistent.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "check.h"
#include "ops.h"
#include "select.h"

#define LEN (8 * 4096)

static const struct pmem_backend *linked(const char *name)
{
	for (unsigned i = 0; pmem_static_backends[i]; i++)
		if (strcmp(pmem_static_backends[i]->name, name) == 0)
			return pmem_static_backends[i];
	cr_skip_test("%s not linked in", name);
	return NULL;
}

static void deep_flush_under(const char *flush_name)
{
	const struct pmem_backend *chosen = linked(flush_name);
	struct pmem_ops saved = pmem_ops;
	char *buf = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(buf != MAP_FAILED);

	pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
		.flush = chosen, .cpu = pmem_backend_get_cpu(),
		.movnt_threshold = SIZE_MAX,
	});
	cr_assert(pmem_ops.deep_flush != chosen->flush || strcmp(flush_name,
			"nop") != 0, "deep flush of nop is nop");

	for (size_t off = 0; off < 200; off += 13) {
		size_t len = LEN - 2 * off;
		check_reset();
		check_track(buf, LEN);
		/* temporal stores, not flushed: every line DIRTY */
		pmem_memset(buf + off, (int)off, len,
				PMEM_F_MEM_TEMPORAL | PMEM_F_MEM_NOFLUSH);
		cr_assert_not_null(check_durable(buf + off, len));
		pmem_deep_flush(buf + off, len);
		pmem_drain();
		const char *why = check_durable(buf + off, len);
		cr_assert_null(why, "%s: deep flush left %s", flush_name, why);
	}
	check_reset();
	pmem_ops = saved;
	munmap(buf, LEN);
}

Test(deep_flush, writes_back_under_nop)
{
	deep_flush_under("nop");
}

Test(deep_flush, writes_back_under_msync_fallback)
{
	deep_flush_under("msync-fallback");
}

Test(deep_flush, writes_back_under_clflush)
{
	deep_flush_under("clflush");
}
