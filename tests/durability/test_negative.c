/*
 * test_negative.c -- proves the durability check can fail: each broken
 * backend (broken_*.c) is installed into pmem_ops and run over every size
 * 0..1024 (and a few large ones) at every misalignment, for copies and
 * fills; wherever its bug shows, check_durable() must report it and name
 * the first line the bug leaves behind, with its state; wherever it does
 * not show, the check must pass.  The same sweep with a correct backend
 * built from the same pieces passes everywhere (the control).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "ops.h"
#include "check.h"
#include "broken.h"
#include "nt_simple.h"

#define MAXLEN (65536 + 4096)
#define AREA (MAXLEN + 2 * 4096)

static char *area;
static char src[MAXLEN];
static struct pmem_ops saved;

static void setup(void)
{
	area = mmap(NULL, AREA, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(area != MAP_FAILED);
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (char)(i * 7 + 1);
	saved = pmem_ops;
}

static void teardown(void)
{
	pmem_ops = saved;
	check_reset();
	munmap(area, AREA);
}

static void install(const struct broken *b)
{
	broken_install(b, b->movnt_threshold);
}

static const size_t big[] = { 4095, 4096, 4097, 65536 + 17, MAXLEN - 64 };

/* Runs one operation on a freshly tracked window; returns the verdict. */
static const char *one(int fill, size_t off, size_t len)
{
	char *dst = area + 4096 + off;

	check_reset();
	/* The broken backends skip drain fences as the Intel rule allows
	 * after CLFLUSH; under it each bug is the only one. */
	check_set_clflush_ordered(1);
	check_track(area + 4096, off + len + PM_LINE);
	if (fill)
		pmem_memset_persist(dst, 0x5a, len);
	else
		pmem_memcpy_persist(dst, src, len);
	return check_durable(dst, len);
}

/* Sweeps sizes and alignments; returns how many cases were caught. */
static unsigned long sweep(const struct broken *b, unsigned long *ops)
{
	unsigned long caught = 0;

	install(b);
	for (int fill = 0; fill < 2; fill++)
	for (size_t k = 0; k <= 1024 + sizeof(big) / sizeof(big[0]); k++) {
		size_t len = k <= 1024 ? k : big[k - 1025];
		for (size_t off = 0; off < PM_LINE; off++) {
			char *dst = area + 4096 + off;
			const char *v = one(fill, off, len);
			uintptr_t line;
			enum check_line_state st;
			(*ops)++;
			if (!b->expect((uintptr_t)dst, len, &line, &st)) {
				cr_assert_null(v, "%s: %s len %zu off %zu: "
					"false report: %s", b->name,
					fill ? "memset" : "memcpy", len, off, v);
				continue;
			}
			cr_assert_not_null(v, "%s (%s) not caught: %s len %zu "
				"off %zu", b->name, b->bug,
				fill ? "memset" : "memcpy", len, off);
			char want[64];
			snprintf(want, sizeof(want), "line +0x%zx (",
				 (size_t)(line - ((uintptr_t)dst &
						  ~(uintptr_t)(PM_LINE - 1))));
			cr_assert(strstr(v, want) && strstr(v,
					check_state_name(st)),
				"%s: %s len %zu off %zu: wanted %s%s, got \"%s\"",
				b->name, fill ? "memset" : "memcpy", len, off,
				want, check_state_name(st), v);
			cr_assert_eq(check_line((void *)line), st);
			caught++;
		}
	}
	return caught;
}

static void run(const struct broken *b)
{
	if (b->needs_clwb && !__builtin_cpu_supports("clwb"))
		cr_skip_test("CPU lacks CLWB");
	unsigned long ops = 0;
	unsigned long caught = sweep(b, &ops);
	printf("%s: %s: caught in %lu of %lu operations (the rest do not "
	       "show the bug)\n", b->name, b->bug, caught, ops);
	cr_assert_gt(caught, 0);
}

TestSuite(negative, .init = setup, .fini = teardown);

Test(negative, last_line_not_flushed) { run(&broken_last_line); }
Test(negative, fence_missing_after_clwb) { run(&broken_no_fence_clwb); }
Test(negative, fence_missing_after_nt) { run(&broken_no_fence_nt); }
Test(negative, flush_before_store) { run(&broken_flush_first); }
Test(negative, unaligned_tail_unflushed) { run(&broken_tail); }

/* The control: the same pieces without the bugs pass every case. */
static int never(uintptr_t d, size_t n, uintptr_t *l, enum check_line_state *s)
{
	(void)d, (void)n, (void)l, (void)s;
	return 0;
}

Test(negative, control_correct_backends_pass)
{
	const struct broken temporal = {
		.name = "good-temporal", .flush = good_flush_clflush,
		.drain = good_drain, .expect = never,
	};
	const struct broken nt = {
		.name = "good-nt", .flush = good_flush_clflush,
		.drain = good_drain,
		BROKEN_NT(nt_simple_move_right, nt_simple_set_right),
		.expect = never,
	};
	unsigned long ops = 0;
	cr_assert_eq(sweep(&temporal, &ops), 0);
	cr_assert_eq(sweep(&nt, &ops), 0);
	cr_assert_gt(ops, 0);
}

/* The real nop backend is right only where the cache is persistent: under
 * the ADR model (no eADR) its copies must be reported. */
extern const struct pmem_backend *const pmem_static_backends[];

Test(negative, nop_backend_without_eadr)
{
	const struct pmem_backend *nop = NULL;
	for (unsigned i = 0; pmem_static_backends[i]; i++)
		if (strcmp(pmem_static_backends[i]->name, "nop") == 0)
			nop = pmem_static_backends[i];
	if (!nop)
		cr_skip_test("nop backend not linked in");
	pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
		.flush = nop, .cpu = pmem_backend_get_cpu(),
		.movnt_threshold = SIZE_MAX,
	});
	const char *v = one(0, 5, 100);
	cr_assert(v && strstr(v, "line +0x0 ") && strstr(v, "DIRTY"), "%s", v);
	check_reset();
	check_track(area + 4096, 5 + 100 + PM_LINE);
	check_set_eadr(1);
	pmem_memcpy_persist(area + 4096 + 5, src, 100);
	cr_assert_null(check_durable(area + 4096 + 5, 100));
}
