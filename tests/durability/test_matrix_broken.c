/*
 * test_matrix_broken.c -- broken backends through the SAME matrix engine
 * and pair set-up as the real ones (check/pmem-check/matrix.c, as used by
 * test_checkasm and pmem-check), expecting failures naming their bug
 * (issue #10 item 3): a mistake in the matrix, such as eADR modelled for
 * every backend or durability never asked, makes these tests fail.
 *
 * Also: a copy backend that writes with plain memmove/memset and reports
 * nothing (item 1), and an msync-fallback that uses CLFLUSH instead of
 * msync (item 2: msync-fallback is checked as it runs, with the page-cache
 * model and every copy temporal).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "libpmem_backend.h"
#include "broken.h"
#include "checkasm.h"
#include "flush_lines.h"
#include "matrix.h"
#include "plain_copy.h"
#include "ops.h"
#include "select.h"
#include "pm_prims.h"

#define MAX_FAILS 4	/* per group: the bug shows at once */

static char seen[64][400];
static unsigned nseen;

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	if (nseen < 64)
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", msg);
}

static const struct pmem_backend *static_named(const char *name)
{
	const struct pmem_backend *b;
	for (unsigned i = 0; (b = pmem_backend_get_static(i)); i++)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

/* The CLFLUSH rule the next run_pair uses: -1 this CPU's, 0 AMD's (only
 * MFENCE orders CLFLUSH), 1 Intel's (ordered with later writes). */
static int clflush_rule = -1;
/* The next run_pair drops the library's SFENCE after NT copies. */
static int drop_nt_fence;

/* Runs every group of the pair as test_checkasm would (quick sizes);
 * returns the number of failed checks, messages in seen[]. */
static unsigned long run_pair(const struct pmem_backend *f,
		const struct pmem_backend *c, struct matrix_pair *pair)
{
	struct matrix m = { .fail = collect, .max_fails = MAX_FAILS,
			    .quick = 1, .broken_no_nt_fence = drop_nt_fence };
	struct pmem_cpu cpu;

	checkasm_cpu(&cpu);
	if (clflush_rule == 0)
		cpu.features &= ~PMEM_CPU_CLFLUSH_ORDERED;
	else if (clflush_rule == 1)
		cpu.features |= PMEM_CPU_CLFLUSH_ORDERED;
	const char *why = matrix_pair_as_run(&m.pair, f, c, &cpu);
	cr_assert_null(why, "%s", why);
	nseen = 0;
	for (int g = 0; g < MATRIX_NGROUPS; g++)
		if (!matrix_group_skip(&m.pair, g))
			cr_assert_eq(matrix_run(&m, g), 0);
	cr_assert_gt(m.cases, 0);
	if (pair)
		*pair = m.pair;
	return m.fails;
}

static void expect_caught(const struct pmem_backend *f,
		const struct pmem_backend *c, const char *text)
{
	unsigned long fails = run_pair(f, c, NULL);
	cr_assert_gt(fails, 0, "%s+%s: the matrix passed a broken backend",
		     f->name, c->name);
	for (unsigned i = 0; i < nseen; i++)
		if (strstr(seen[i], text))
			return;
	cr_assert_fail("%s+%s: %lu failures, none says \"%s\"; first: %s",
		       f->name, c->name, fails, text, seen[0]);
}

static void sfence_drain(void)
{
	pm_sfence();
}

static int any(const struct pmem_cpu *cpu)
{
	(void)cpu;
	return 1;
}

static struct pmem_backend flush_of(const char *name, pmem_flush_fn *flush,
		void (*drain)(void))
{
	return (struct pmem_backend){
		.abi_version = PMEM_BACKEND_ABI_VERSION,
		.size = sizeof(struct pmem_backend), .name = name,
		.description = "broken", .kind = PMEM_BACKEND_FLUSH,
		.probe = any, .flush = flush, .drain = drain,
	};
}

static struct pmem_backend copy_of(const char *name,
		void *(*move)(void *, const void *, size_t, pmem_flush_fn *),
		void *(*set)(void *, int, size_t, pmem_flush_fn *))
{
	return (struct pmem_backend){
		.abi_version = PMEM_BACKEND_ABI_VERSION,
		.size = sizeof(struct pmem_backend), .name = name,
		.description = "broken", .kind = PMEM_BACKEND_COPY,
		.probe = any, .memmove_nt = move, .memset_nt = set,
	};
}

/* A broken.h backend as a flush (+ copy) pair; nt-sse2 copies for the
 * flush-only ones. */
static void broken_pair(const struct broken *b, const char *text)
{
	if (b->needs_clwb && !__builtin_cpu_supports("clwb"))
		cr_skip_test("CPU lacks CLWB");
	struct pmem_backend f = flush_of("broken-flush", b->flush, b->drain);
	struct pmem_backend c = copy_of("broken-copy", b->memmove_nt,
					b->memset_nt);
	const struct pmem_backend *cp = b->memmove_nt ? &c :
		static_named("nt-sse2");
	if (!cp)
		cr_skip_test("nt-sse2 not linked in");
	expect_caught(&f, cp, text);
}

Test(matrix_broken, last_line_not_flushed)
{
	broken_pair(&broken_last_line, "DIRTY");
}

Test(matrix_broken, fence_missing_after_clwb)
{
	broken_pair(&broken_no_fence_clwb, "FLUSHING");
}

/* No drain after CLFLUSH and no SFENCE after the NT stores: the Intel
 * rule is where the missing fence is the only bug. */
Test(matrix_broken, fence_missing_after_nt)
{
	clflush_rule = 1;
	broken_pair(&broken_no_fence_nt, "WC");
}

/* Issue #11 item 4: where CLFLUSH is ordered the library skips drain and
 * the NT copies fence themselves.  Every clflush pair is durable under
 * both manuals' rules, as the library would run it on each vendor ... */
Test(matrix_broken, clflush_pairs_durable_under_both_rules)
{
	const struct pmem_backend *f = static_named("clflush");
	if (!f)
		cr_skip_test("clflush not linked in");
	struct pmem_cpu cpu;
	checkasm_cpu(&cpu);
	unsigned pairs = 0;
	const struct pmem_backend *c;
	for (unsigned i = 0; (c = pmem_backend_get_static(i)); i++) {
		if (c->kind != PMEM_BACKEND_COPY ||
		    (cpu.features & c->cpu_needs) != c->cpu_needs)
			continue;
		for (clflush_rule = 0; clflush_rule <= 1; clflush_rule++) {
			struct matrix_pair p;
			unsigned long fails = run_pair(f, c, &p);
			cr_assert_eq(fails, 0, "clflush+%s, %s rule: %s",
				     c->name, clflush_rule ? "Intel" : "AMD",
				     seen[0]);
			cr_assert(p.movnt, "clflush+%s never ran NT",
				  c->name);
		}
		pairs++;
	}
	cr_assert_gt(pairs, 0);
}

/* ... and dropping that SFENCE is caught (the broken variant) ... */
Test(matrix_broken, library_without_nt_fence_caught_where_ordered)
{
	const struct pmem_backend *f = static_named("clflush");
	const struct pmem_backend *c = static_named("nt-sse2");
	if (!f || !c)
		cr_skip_test("clflush or nt-sse2 not linked in");
	clflush_rule = 1;
	drop_nt_fence = 1;
	expect_caught(f, c, "WC");
}

/* ... as is the drain this library had before: SFENCE after CLFLUSH,
 * which the AMD APM does not order CLFLUSH with. */
Test(matrix_broken, sfence_after_clflush_caught_on_amd)
{
	const struct pmem_backend *c = static_named("nt-sse2");
	if (!c)
		cr_skip_test("nt-sse2 not linked in");
	struct pmem_backend f = flush_of("clflush-sfence", good_flush_clflush,
					 sfence_drain);
	clflush_rule = 0;
	expect_caught(&f, c, "no MFENCE");
}

Test(matrix_broken, flush_before_store)
{
	broken_pair(&broken_flush_first, "DIRTY");
}

Test(matrix_broken, unaligned_tail_unflushed)
{
	broken_pair(&broken_tail, "DIRTY");
}

/* Item 1: right bytes, flushed, but never reported to the model
 * (plain_copy.h). */
Test(matrix_broken, copy_writes_without_reporting)
{
	const struct pmem_backend *f = static_named("clflush");
	struct pmem_backend c = copy_of("plain", plain_move, plain_set);
	if (!f)
		cr_skip_test("clflush not linked in");
	expect_caught(f, &c, "recorded store");
}

/* A flush that does nothing is right only under eADR, which the matrix
 * must not assume for it. */
static void flush_nothing(const void *a, size_t n)
{
	(void)a, (void)n;
}

Test(matrix_broken, flush_does_nothing)
{
	struct pmem_backend f = flush_of("do-nothing", flush_nothing,
					 good_drain);
	const struct pmem_backend *c = static_named("nt-sse2");
	if (!c)
		cr_skip_test("nt-sse2 not linked in");
	expect_caught(&f, c, "DIRTY: stored, never flushed");
}

/*
 * Item 2: an msync-fallback that writes back with CLFLUSH.  It declares
 * msync-fallback's capabilities (the library and the matrix read those,
 * never the name; see matrix_model_for), so it runs with every copy
 * temporal and on storage behind the page cache, where CLFLUSH makes
 * nothing durable.
 */
static void clflush_lines(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_clflush);
}

Test(matrix_broken, msync_fallback_using_clflush)
{
	const struct pmem_backend *real = static_named("msync-fallback");
	if (!real)
		cr_skip_test("msync-fallback not linked in");
	struct pmem_backend f = flush_of("clflush-posing-as-msync",
					 clflush_lines, good_drain);
	f.caps = real->caps;
	const struct pmem_backend *c = static_named("nt-sse2");
	struct matrix_pair pair;
	if (!c)
		cr_skip_test("nt-sse2 not linked in");
	expect_caught(&f, c, "DIRTY");
	/* ... and the real one passes the same way, as it runs */
	cr_assert_eq(run_pair(real, c, &pair), 0, "%s", seen[0]);
	cr_assert(pair.page_cache && !pair.eadr && !pair.movnt);
}

static void stale_deep_flush(const void *addr, size_t len)
{
	(void)addr;
	(void)len;
}

/* The matrix installs its pair with the library's one writer of pmem_ops,
 * deep_flush included (it once left start-up's value in place): under
 * nop, pmem_deep_flush must still be the write-back start-up would pick. */
Test(matrix_broken, installs_deep_flush_as_start_up_would)
{
	const struct pmem_backend *nop = static_named("nop");
	cr_assert_not_null(nop);
	struct pmem_ops saved = pmem_ops;
	pmem_ops.deep_flush = stale_deep_flush;
	struct matrix_pair pair;
	run_pair(nop, pmem_backend_get_choice()->copy, &pair);
	pmem_flush_fn *got = pmem_ops.deep_flush;
	pmem_ops = saved;
	cr_assert(got != stale_deep_flush, "matrix left deep_flush as it was");
	cr_assert(got == pmem_select_deep_flush(nop, &pair.cpu));
	cr_assert(got != nop->flush, "deep flush of nop is nop");
}
