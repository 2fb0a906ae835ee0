/*
 * test_checkasm.c -- every flush x copy pair of the linked-in backends
 * (pmem_backend_get_static) that this CPU can run, through the backend
 * matrix of check/pmem-check/matrix.c (the engine pmem-check also runs).
 * Built for every OS (tests/portable/): under Criterion on Linux, under
 * tests/criterion_lite/ on Windows.
 *
 * Five parameterized Criterion tests, one instance per pair (per flush
 * backend for the first):
 *   persist_flush_drain    pmem_persist, pmem_flush + pmem_drain;
 *   memmove_nt, memset_nt  the copy backend called directly, with the flush
 *                          backend's flush for its temporal edges;
 *   api_move, api_set      the public functions after the pair is installed
 *                          in pmem_ops, with each PMEM_F_MEM_* combination
 *                          and the thresholds the library can run the pair
 *                          with (core/select_rules.c decides).
 * A pair the CPU cannot run, or a group the library never runs for the
 * pair, is skipped with a "SKIP ..." line.  CHECKASM_VERBOSE=1 prints the
 * number of cases.
 *
 * Built with PMEM_CHECK (build/check/), every case also asks the
 * durability model (check/check.h) whether every destination byte was
 * stored through the primitives and each line is durable after a
 * persisting call, and on its way after a _nodrain one; the model sees
 * the platform the pair is meant for (matrix_model_for).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "select.h"
#include "checkasm.h"
#include "matrix.h"

#define MAX_FAILS 10	/* failures reported before a test gives up */
#define MAX_PAIRS 64

/* Indices into pmem_backend_get_static(); copy -1 for flush-only tests. */
struct pair_ix {
	int flush, copy;
};

static struct pair_ix pairs[MAX_PAIRS], flushes[MAX_PAIRS];

/* Every flush x copy pair of the linked-in backends, in table order. */
static size_t derive(struct pair_ix *out, int with_copy)
{
	const struct pmem_backend *f, *c;
	size_t n = 0;

	for (int i = 0; (f = pmem_backend_get_static(i)); i++) {
		if (f->kind != PMEM_BACKEND_FLUSH)
			continue;
		if (!with_copy) {
			cr_assert(n < MAX_PAIRS);
			out[n++] = (struct pair_ix){ i, -1 };
			continue;
		}
		for (int k = 0; (c = pmem_backend_get_static(k)); k++)
			if (c->kind == PMEM_BACKEND_COPY) {
				cr_assert(n < MAX_PAIRS);
				out[n++] = (struct pair_ix){ i, k };
			}
	}
	return n;
}

/* "clwb+nt-avx", or "clwb" for a flush group (c NULL). */
static const char *checkasm_pair_name(char *buf, size_t size,
		const struct pmem_backend *f, const struct pmem_backend *c)
{
	snprintf(buf, size, "%s%s%s", f->name, c ? "+" : "", c ? c->name : "");
	return buf;
}

/* Fills m->pair for group g of f (and c); NULL, or why it cannot run
 * here (in why[size] when the CPU lacks what a backend needs). */
static const char *checkasm_pair_prepare(struct matrix *m,
		const struct pmem_backend *f, const struct pmem_backend *c,
		enum matrix_group g, char *why, size_t size)
{
	struct pmem_cpu cpu;
	checkasm_cpu(&cpu);
	if (!pmem_backend_runs(f, &cpu) ||
			(c && !pmem_backend_runs(c, &cpu))) {
		const struct pmem_backend *b = pmem_backend_runs(f, &cpu) ? c : f;
		char nb[96];
		const char *need = pmem_select_needs(b, nb, sizeof(nb));
		snprintf(why, size, "%s: CPU lacks %s", b->name,
				need ? need : "what its probe asks for");
		return why;
	}
	if (!c) {
		m->pair.flush = f;
		m->pair.movnt = 1;
		matrix_model_for(f, &m->pair.eadr, &m->pair.page_cache);
		return NULL;
	}
	const char *r = matrix_pair_as_run(&m->pair, f, c, &cpu);
	return r ? r : matrix_group_skip(&m->pair, g);
}

static void fail(void *ctx, const char *msg)
{
	(void)ctx;
	cr_expect_fail("%s", msg);
}

static void skip(const char *pair, const char *group, const char *why)
{
	/* Criterion says nothing about skips unless verbose: tests/run.py
	 * counts this line. */
	fprintf(stderr, "SKIP %s %s: %s\n", pair, group, why);
	cr_skip_test("%s", why);
}

static void run(const struct pair_ix *ix, enum matrix_group g)
{
	const struct pmem_backend *f = pmem_backend_get_static(ix->flush);
	const struct pmem_backend *c = ix->copy < 0 ? NULL :
		pmem_backend_get_static(ix->copy);
	const char *grp = matrix_group_names[g];
	struct matrix m = { .fail = fail, .max_fails = MAX_FAILS };
	char name[64], msg[160];

	checkasm_pair_name(name, sizeof(name), f, c);
	const char *why = checkasm_pair_prepare(&m, f, c, g, msg, sizeof(msg));
	if (why)
		skip(name, grp, why);
	cr_assert_eq(matrix_run(&m, g), 0, "mmap of test buffers failed");
	if (m.max_fails && m.fails >= m.max_fails)
		cr_assert_fail("%s: %lu failures, giving up", name, m.fails);
	if (getenv("CHECKASM_VERBOSE"))
		fprintf(stderr, "checkasm: %-26s %-19s %9lu cases\n", name, grp,
				m.cases);
	cr_assert_gt(m.cases, 0);
}

ParameterizedTestParameters(checkasm, persist_flush_drain)
{
	size_t n = derive(flushes, 0);
	return cr_make_param_array(struct pair_ix, flushes, n);
}

ParameterizedTest(struct pair_ix *ix, checkasm, persist_flush_drain)
{
	run(ix, MATRIX_PERSIST_FLUSH_DRAIN);
}

#define PAIR_TEST(group, id) \
	ParameterizedTestParameters(checkasm, group) \
	{ \
		size_t n = derive(pairs, 1); \
		return cr_make_param_array(struct pair_ix, pairs, n); \
	} \
	ParameterizedTest(struct pair_ix *ix, checkasm, group) \
	{ \
		run(ix, id); \
	}

PAIR_TEST(memmove_nt, MATRIX_MEMMOVE_NT)
PAIR_TEST(memset_nt, MATRIX_MEMSET_NT)
PAIR_TEST(api_move, MATRIX_API_MOVE)
PAIR_TEST(api_set, MATRIX_API_SET)

/*
 * None missing (issue #10 item 4): every linked-in backend is in the
 * matrix, as flush or copy, every flush x copy pair once, and the table
 * the library walks is the one configure.py generated.
 */
Test(checkasm, every_linked_in_backend_is_in_the_matrix)
{
	struct pair_ix p[MAX_PAIRS], fl[MAX_PAIRS];
	size_t np = derive(p, 1), nf = derive(fl, 0), ncopy = 0, nback = 0;

	for (unsigned i = 0; pmem_static_backends[i]; i++) {
		const struct pmem_backend *b = pmem_static_backends[i];
		cr_assert_eq(pmem_backend_get_static(i), b);
		cr_assert(b->kind == PMEM_BACKEND_FLUSH ||
			  b->kind == PMEM_BACKEND_COPY, "%s: kind %u", b->name,
			  b->kind);
		int in_pairs = 0, in_flush = 0;
		for (size_t k = 0; k < np; k++)
			in_pairs += p[k].flush == (int)i || p[k].copy == (int)i;
		for (size_t k = 0; k < nf; k++)
			in_flush += fl[k].flush == (int)i;
		if (b->kind == PMEM_BACKEND_COPY) {
			ncopy++;
			cr_assert_eq(in_pairs, (int)nf, "%s missing", b->name);
		} else {
			cr_assert_eq(in_flush, 1, "%s missing", b->name);
		}
		nback++;
	}
	cr_assert_null(pmem_backend_get_static(nback));
	/* Else every pair group would pass with no instance at all. */
	cr_assert(nf > 0 && ncopy > 0, "matrix empty: %zu flush and %zu copy "
		  "backends linked in", nf, ncopy);
	cr_assert_eq(np, nf * ncopy);
	cr_assert_eq(nf + ncopy, nback);
	for (size_t a = 0; a < np; a++)
		for (size_t b = a + 1; b < np; b++)
			cr_assert(p[a].flush != p[b].flush ||
				  p[a].copy != p[b].copy, "pair twice");
}

/*
 * A flush backend's own temporal copy (memmove_flush, memset_flush) against
 * memmove/memset, called directly: the library hands it only copies that
 * do not overlap, but the ABI lets it get overlaps both ways, so those are
 * checked too.  Sizes 0 to a few KiB and one large, every misalignment of
 * dst within a line, guard bytes around the destination.
 */
#define FC_BUF (5u << 20)
#define FC_GUARD 64

static void flush_copy_case(const struct pmem_backend *f, unsigned char *buf,
		unsigned char *ref, size_t len, size_t doff, long shift, int set)
{
	size_t soff = (size_t)((long)doff + shift);
	/* The bytes the case may touch, and guard bytes either side. */
	size_t lo = (set || doff < soff ? doff : soff) - FC_GUARD;
	size_t hi = (set || doff > soff ? doff : soff) + len + FC_GUARD;
	checkasm_fill_random(buf + lo, hi - lo, len * 131 + doff);
	memcpy(ref + lo, buf + lo, hi - lo);
	if (set) {
		memset(ref + doff, 0x5a, len);
		cr_assert_eq(f->memset_flush(buf + doff, 0x5a, len), buf + doff);
	} else {
		memmove(ref + doff, ref + soff, len);
		cr_assert_eq(f->memmove_flush(buf + doff, buf + soff, len),
			     buf + doff);
	}
	long at = checkasm_first_diff(buf + lo, ref + lo, hi - lo);
	cr_assert_eq(at, -1, "%s %s len %zu dst+%zu shift %ld: byte %ld of "
		     "the window differs", f->name, set ? "memset_flush" :
		     "memmove_flush", len, doff, shift, at);
}

Test(checkasm, flush_backend_temporal_copy)
{
	static const size_t lens[] = { 0, 1, 15, 63, 64, 65, 127, 200, 1023,
		1024, 1025, 2047, 2048, 2100, 4096, 5000, (2u << 20) + 37 };
	static const long shifts[] = { 1, 8, 17, 64, 192, 1000, 4096 };
	struct pmem_cpu cpu;
	const struct pmem_backend *f;
	unsigned char *buf = checkasm_map(FC_BUF), *ref = malloc(FC_BUF);
	int tested = 0;

	cr_assert(buf && ref);
	checkasm_cpu(&cpu);
	for (int i = 0; (f = pmem_backend_get_static(i)); i++) {
		if (f->kind != PMEM_BACKEND_FLUSH || !f->memmove_flush)
			continue;
		if (!pmem_backend_runs(f, &cpu)) {
			fprintf(stderr, "SKIP %s flush_backend_temporal_copy: "
					"CPU lacks it\n", f->name);
			continue;
		}
		tested++;
		for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
			size_t len = lens[k];
			int big = len > 8192;
			for (size_t a = 0; a < 64; a += big ? 13 : 1) {
				size_t d = FC_GUARD + 8192 + a;
				/* apart: src after dst, at another alignment */
				flush_copy_case(f, buf, ref, len, d,
						(long)(len + FC_GUARD + a % 7), 0);
				flush_copy_case(f, buf, ref, len, d, 0, 1);
				for (size_t s = 0; !(big && a) && s <
						sizeof(shifts) / sizeof(shifts[0]);
						s++) {
					flush_copy_case(f, buf, ref, len, d,
							shifts[s], 0);
					flush_copy_case(f, buf, ref, len, d,
							-shifts[s], 0);
				}
			}
		}
	}
	munmap(buf, FC_BUF);
	free(ref);
	if (!tested)
		cr_skip_test("no linked-in flush backend has its own temporal "
			     "copy, or the CPU runs none");
}
