/*
 * test_win_checkasm.c -- the backend matrix of check/pmem-check/matrix.c (the
 * engine of tests/test_checkasm.c, which needs Criterion) on Windows:
 * every flush backend through pmem_persist and pmem_flush + pmem_drain,
 * every flush x copy pair through the copy backend and the public
 * functions, for each one this CPU runs; the others are skipped with a
 * SKIP line, as there.  One test per pair and group.
 */
#include <stdio.h>
#include <string.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "select.h"
#include "checkasm.h"
#include "matrix.h"
#include "checkasm_pair.h"
#include "wtest.h"

#define MAX_FAILS 10

static void report(void *ctx, const char *msg)
{
	(void)ctx;
	printf("FAIL %s\n", msg);
}

/* One pair and group: 1 ran and passed, 0 failed, -1 skipped. */
static int run(const struct pmem_backend *f, const struct pmem_backend *c,
		enum matrix_group g)
{
	struct matrix m = { .fail = report, .max_fails = MAX_FAILS };
	char name[64], need[160];

	checkasm_pair_name(name, sizeof(name), f, c);
	const char *why = checkasm_pair_prepare(&m, f, c, g, need,
			sizeof(need));
	if (why) {
		printf("SKIP %s %s: %s\n", name, matrix_group_names[g], why);
		return -1;
	}
	int ok = matrix_run(&m, g) == 0 && m.fails == 0 && m.cases > 0;
	printf("%s %-24s %-19s %9lu cases\n", ok ? "ok  " : "FAIL", name,
			matrix_group_names[g], m.cases);
	return ok;
}

static void count(int r)
{
	if (r < 0)
		wt_skipped++;
	else if (r)
		wt_passed++;
	else
		wt_failed++;
}

int main(void)
{
	const struct pmem_backend *f, *c;
	int nflush = 0, ncopy = 0;
	for (unsigned i = 0; (f = pmem_backend_get_static(i)); i++) {
		if (f->kind != PMEM_BACKEND_FLUSH) {
			ncopy++;
			continue;
		}
		nflush++;
		count(run(f, NULL, MATRIX_PERSIST_FLUSH_DRAIN));
		for (unsigned k = 0; (c = pmem_backend_get_static(k)); k++) {
			if (c->kind != PMEM_BACKEND_COPY)
				continue;
			for (int g = MATRIX_MEMMOVE_NT; g < MATRIX_NGROUPS; g++)
				count(run(f, c, (enum matrix_group)g));
		}
	}
	/* Every linked-in backend took part: the table is the whole set. */
	wt_name = "matrix_is_complete";
	if (nflush == 0 || ncopy == 0 || wt_passed + wt_failed + wt_skipped !=
			nflush * (1 + ncopy * (MATRIX_NGROUPS - 1))) {
		printf("FAIL matrix incomplete: %d flush, %d copy\n", nflush,
				ncopy);
		wt_failed++;
	}
	return wt_summary();
}
