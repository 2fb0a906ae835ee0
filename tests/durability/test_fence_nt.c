/*
 * test_fence_nt.c -- pmem_ops_fill decides once whether a non-temporal
 * copy fences itself.  With an ORDERED_FLUSH backend (clflush) on a CPU
 * that orders CLFLUSH, drain is empty, so the table's NT copies must end
 * with their own SFENCE: a _nodrain copy already leaves its lines
 * DURABLE.  With a drain that fences (clflush on a CPU without the rule,
 * or clwb) the copy does not: its lines stay WC until pmem_drain.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "check.h"
#include "ops.h"
#include "select.h"
#include "model_util.h"

#define LEN 4096

static char *pm;
static char src[LEN];
static struct pmem_ops saved;

static void setup(void)
{
	saved = pmem_ops;
	pm = model_area(LEN);
	memset(src, 0x5a, sizeof(src));
}

static void teardown(void)
{
	check_reset();
	munmap(pm, LEN);
	pmem_ops = saved;
}

TestSuite(fence_nt, .init = setup, .fini = teardown);

/* Fills the global table with flush + the running copy backend (NT from
 * 0 bytes on) on the running CPU, its CLFLUSH rule set to `ordered`. */
static void fill(const struct pmem_backend *flush, int ordered)
{
	struct pmem_cpu cpu = *pmem_backend_get_cpu();
	const struct pmem_backend *copy = pmem_backend_get_choice()->copy;

	if (!flush || !pmem_backend_runs(flush, &cpu))
		cr_skip_test("SKIP fence_nt: %s not linked in or not on "
				"this CPU", flush ? flush->name : "backend");
	if (!copy || !copy->memmove_nt || copy->memmove_nt ==
			pmem_builtin_memmove_fn)
		cr_skip_test("SKIP fence_nt: no non-temporal copy backend "
				"chosen on this CPU");
	if (ordered)
		cpu.features |= PMEM_CPU_CLFLUSH_ORDERED;
	else
		cpu.features &= ~PMEM_CPU_CLFLUSH_ORDERED;
	pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
		.flush = flush, .copy = copy, .cpu = &cpu,
		.movnt_threshold = 0,
	});
	check_reset();
	check_set_clflush_ordered(ordered);
	check_track(pm, LEN);
}

static void expect_all(enum check_line_state want, const char *what)
{
	for (size_t off = 0; off < LEN; off += 64)
		cr_assert_eq(check_line(pm + off), want,
				"%s: line +0x%zx is %s, expected %s", what, off,
				check_state_name(check_line(pm + off)),
				check_state_name(want));
}

Test(fence_nt, ordered_clflush_fences_each_nt_copy)
{
	fill(linked_backend("clflush"), 1);
	cr_assert(pmem_ops.drain == pmem_drain_ordered_fn);
	cr_assert(pmem_ops.memmove_nt == pmem_fenced_memmove_fn);
	cr_assert(pmem_ops.memset_nt == pmem_fenced_memset_fn);
	pmem_memcpy_nodrain(pm, src, LEN);
	expect_all(CHECK_DURABLE, "memcpy_nodrain");
	check_reset();
	check_set_clflush_ordered(1);
	check_track(pm, LEN);
	pmem_memset_nodrain(pm, 3, LEN);
	expect_all(CHECK_DURABLE, "memset_nodrain");
	check_reset();
	check_set_clflush_ordered(1);
	check_track(pm, LEN);
	pmem_memmove_persist(pm, src, LEN);
	cr_assert_null(check_durable(pm, LEN));
}

static void unordered(const struct pmem_backend *flush, int rule)
{
	fill(flush, rule);
	cr_assert(pmem_ops.memmove_nt == pmem_ops.memmove_nt_unfenced);
	cr_assert(pmem_ops.memset_nt == pmem_ops.memset_nt_unfenced);
	cr_assert(pmem_ops.memmove_nt != pmem_fenced_memmove_fn);
	pmem_memcpy_nodrain(pm, src, LEN);
	expect_all(CHECK_WC, "memcpy_nodrain, no fence of its own");
	pmem_drain();
	expect_all(CHECK_DURABLE, "after pmem_drain");
	pmem_memset_nodrain(pm, 7, LEN);
	expect_all(CHECK_WC, "memset_nodrain, no fence of its own");
	pmem_drain();
	expect_all(CHECK_DURABLE, "after pmem_drain");
}

Test(fence_nt, clflush_unordered_cpu_leaves_fence_to_drain)
{
	unordered(linked_backend("clflush"), 0);
}

Test(fence_nt, clwb_leaves_fence_to_drain)
{
	unordered(linked_backend("clwb"), 1);
}

/* A short overlapping move above the threshold stays temporal (and so is
 * flushed line by line) unless the flush is ordered: there it takes the
 * fenced NT copy, which flushes nothing for whole lines, and is durable
 * at once.  The bytes are memmove's either way. */
static pmem_flush_fn *real_flush;
static int flush_calls;

static void counting_flush(const void *addr, size_t len)
{
	flush_calls++;
	real_flush(addr, len);
}

static int short_overlap_flushes(const struct pmem_backend *flush,
		int ordered)
{
	static char ref[LEN];
	for (size_t i = 0; i < LEN; i++)	/* before fill starts tracking */
		pm[i] = (char)(i * 13 + 5);
	memcpy(ref, pm, LEN);
	fill(flush, ordered);
	memmove(ref + 64, ref, 512);
	real_flush = pmem_ops.flush;
	pmem_ops.flush = counting_flush;
	flush_calls = 0;
	pmem_memmove_persist(pm + 64, pm, 512);
	const char *bad = check_durable(pm, LEN);
	cr_assert_null(bad, "%s, ordered %d: %s", flush->name, ordered, bad);
	cr_assert(memcmp(pm, ref, LEN) == 0, "%s: wrong bytes", flush->name);
	return flush_calls;
}

Test(fence_nt, short_overlaps_are_nt_under_an_ordered_flush)
{
	cr_expect_eq(short_overlap_flushes(linked_backend("clflush"), 1), 0,
			"ordered clflush: the move should be NT");
	cr_expect_gt(short_overlap_flushes(linked_backend("clflush"), 0), 0,
			"clflush, CPU without the rule: temporal");
	cr_expect_gt(short_overlap_flushes(linked_backend("clwb"), 1), 0,
			"clwb: temporal");
}
