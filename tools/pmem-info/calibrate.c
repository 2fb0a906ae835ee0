/*
 * calibrate.c -- `pmem-info --calibrate`: measures, on this machine, every
 * flush,copy pair of backends this CPU runs and a few non-temporal
 * thresholds, and prints which is fastest next to the automatic choice.
 *
 * Method as in bench/pmembench.c: each candidate is installed in the
 * library's own table (pmem_ops, this program links libpmem.a) and timed
 * through the public pmem_mem*_persist functions; batches in thread CPU
 * time; after a warm-up batch of each, rounds run the candidates in order
 * and in reverse (A B B A), every candidate writing the same addresses in a
 * round; the score of a cell is the median over rounds of the per-round
 * speed ratio against the automatic choice, measured twice to give the
 * noise.  It changes nothing: the table is put back, nothing is written.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "ops.h"
#include "calibrate.h"
#include "pm_prims.h"

#define MAX_CAND 24
#define MAX_ROUNDS 15
#define REGION (512ul << 20)
#define NOPS 4

struct cand {
	const struct pmem_backend *flush, *copy;
	size_t thr;
	int small_nt;		/* small aligned copies NT (pmem_ops.small_nt) */
	char label[56];
};

static const char *const op_names[NOPS] = {
	"memcpy", "memmove", "memset", "cpy_nd4",
};

static char *region;
static size_t pos;
static int rounds = 9;
static double batch_ns = 1.5e6;

static uint64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void install(const struct cand *c)
{
	pmem_ops.flush = c->flush->flush;
	pmem_ops.drain = c->flush->drain;
	pmem_ops.deep_flush = c->flush->flush;	/* a cache-line flush */
	pmem_ops.memmove_nt = c->copy->memmove_nt;
	pmem_ops.memset_nt = c->copy->memset_nt;
	pmem_ops.movnt_threshold = c->thr;
	pmem_ops.small_nt = c->small_nt;
}

/* One batch of one operation: the destination walks the region, 64-byte
 * aligned; the source is a warm window at its end. */
static uint64_t batch(int op, size_t n, size_t iters)
{
	size_t span = ((op == 1 ? n + n / 2 : op == 3 ? 4 * n : n) + 63) & ~63ul;
	const char *src = region + REGION - (32ul << 20);
	uint64_t t0 = cpu_ns();
	for (size_t i = 0; i < iters; i++) {
		if (pos + span > REGION - (32ul << 20))
			pos = 0;
		char *d = region + pos;
		pos += span;
		switch (op) {
		case 0: pmem_memcpy_persist(d, src, n); break;
		case 1: pmem_memmove_persist(d + n / 2, d, n); break;
		case 2: pmem_memset_persist(d, (int)i, n); break;
		default:
			for (int k = 0; k < 4; k++)
				pmem_memcpy_nodrain(d + k * n, src, n);
			pmem_drain();
		}
	}
	return cpu_ns() - t0;
}

/* Untimed: writes back what a batch left, so the next starts alike. */
static void scrub(size_t a, size_t b)
{
	for (size_t o = a & ~63ul; o < b; o += 64)
		pm_flush_line_any(region + o);	/* CLFLUSH, DC CVAC */
	pm_flush_any_drain();
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_d);
	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Times candidates c[0..nc) on op at size n; c[0] is the reference.
 * score[k] = median over rounds of time(c[0]) / time(c[k]), > 1 faster.
 */
static void measure_cell(const struct cand *c, int nc, int op, size_t n,
		double *score)
{
	static double t[MAX_CAND][MAX_ROUNDS];
	size_t iters = 1;
	install(&c[0]);
	for (;;) {
		double e = (double)batch(op, n, iters);
		if (e >= batch_ns || iters >= (1u << 22))
			break;
		iters = e < batch_ns / 16 ? iters * 16
			: (size_t)(iters * batch_ns / e * 1.1) + 1;
	}
	for (int r = -1; r < rounds; r++) {
		size_t p0 = pos, p1 = pos;
		for (int k = 0; k < nc; k++) {
			int v = (r & 1) ? nc - 1 - k : k;
			pos = p0;
			install(&c[v]);
			uint64_t e = batch(op, n, iters);
			p1 = pos;
			scrub(p0, p1 > p0 ? p1 : REGION);
			if (r >= 0)
				t[v][r] = (double)e;
		}
		pos = p1;
	}
	for (int k = 0; k < nc; k++) {
		double rr[MAX_ROUNDS];
		for (int r = 0; r < rounds; r++)
			rr[r] = t[0][r] / t[k][r];
		score[k] = median(rr, rounds);
	}
}

/*
 * Runs every op at every size for the candidates; geo[k][op] is the
 * geometric mean of the cell scores per op, geo[k][NOPS] over all cells.
 * Returns the noise: the largest |score - 1| of c[1] (c[0] again).
 */
static double measure(const struct cand *c, int nc, const size_t *sizes,
		int nsizes, double geo[][NOPS + 1])
{
	double sum[MAX_CAND][NOPS + 1] = { { 0 } }, noise = 0;
	double score[MAX_CAND];
	for (int op = 0; op < NOPS; op++)
		for (int si = 0; si < nsizes; si++) {
			measure_cell(c, nc, op, sizes[si], score);
			for (int k = 0; k < nc; k++) {
				sum[k][op] += log(score[k]);
				sum[k][NOPS] += log(score[k]);
			}
			if (fabs(score[1] - 1) > noise)
				noise = fabs(score[1] - 1);
		}
	for (int k = 0; k < nc; k++) {
		for (int op = 0; op < NOPS; op++)
			geo[k][op] = exp(sum[k][op] / nsizes);
		geo[k][NOPS] = exp(sum[k][NOPS] / (nsizes * NOPS));
	}
	return noise;
}

static void print_table(const char *title, const struct cand *c, int nc,
		double geo[][NOPS + 1], const size_t *sizes, int nsizes)
{
	printf("\n%s\n  sizes:", title);
	for (int i = 0; i < nsizes; i++)
		printf(" %zu", sizes[i]);
	printf("; speed vs the automatic choice, geomean over sizes (>1 "
	       "faster)\n  %-38s", "candidate");
	for (int op = 0; op < NOPS; op++)
		printf(" %8s", op_names[op]);
	printf(" %8s\n", "all");
	for (int k = 0; k < nc; k++) {
		printf("  %-38s", c[k].label);
		for (int op = 0; op <= NOPS; op++)
			printf(" %8.3f", geo[k][op]);
		printf("\n");
	}
}

/* A CPU strategy: one that needs CPU features (nop and msync-fallback
 * run anywhere and are not what this measures). */
static int cpu_strategy(const struct pmem_backend *b,
		const struct pmem_cpu *cpu)
{
	return pmem_backend_runs(b, cpu) && b->cpu_needs != 0;
}

static void set_label(struct cand *c, const char *extra)
{
	snprintf(c->label, sizeof(c->label), "%s,%s thr %zu%s%s",
		 c->flush->name, c->copy->name, c->thr,
		 c->small_nt ? "+small" : "", extra);
}

int pmem_info_calibrate(int argc, char **argv)
{
	int quick = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = 1;
		} else {
			fprintf(stderr, "pmem-info: --calibrate [--quick]\n");
			return 2;
		}
	}
	if (quick) {	/* a check that it works, not a measurement */
		rounds = 3;
		batch_ns = 1e5;
	}
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	const struct pmem_backend_choice *ch = pmem_backend_get_choice();
	if (!ch->movnt) {
		fprintf(stderr, "pmem-info: --calibrate: non-temporal stores are "
			"off (PMEM_NO_MOVNT=1 or msync-fallback); unset them "
			"to calibrate\n");
		return 2;
	}
	region = mmap(NULL, REGION, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED) {
		perror("pmem-info: mmap");
		return 2;
	}
	madvise(region, REGION, MADV_HUGEPAGE);
	memset(region, 1, REGION);
	struct pmem_ops saved = pmem_ops;
	struct timespec w0;
	clock_gettime(CLOCK_MONOTONIC, &w0);

	printf("calibrate: %s family 0x%x model 0x%x; %d rounds of >= %.1f ms "
	       "batches per cell, A B B A after a warm-up, median of per-round "
	       "ratios (thread CPU time)%s\n", cpu->vendor, cpu->family,
	       cpu->model, rounds, batch_ns / 1e6,
	       quick ? "; --quick: too short to trust" : "");

	/* 1: every pair at the automatic threshold. */
	struct cand c[MAX_CAND];
	int nc = 0;
	c[nc] = (struct cand){ ch->flush, ch->copy, ch->movnt_threshold,
			       ch->small_nt, "" };
	set_label(&c[nc++], " (automatic)");
	c[nc] = c[0];
	set_label(&c[nc++], " (automatic again)");
	const struct pmem_backend *b, *fl[8], *cp[8];
	int nf = 0, ncp = 0;
	for (unsigned i = 0; (b = pmem_backend_get_static(i)); i++) {
		if (!cpu_strategy(b, cpu))
			continue;
		if (b->kind == PMEM_BACKEND_FLUSH && nf < 8)
			fl[nf++] = b;
		else if (b->kind == PMEM_BACKEND_COPY && ncp < 8)
			cp[ncp++] = b;
	}
	for (int i = 0; i < nf; i++)
		for (int j = 0; j < ncp && nc < MAX_CAND; j++) {
			if (fl[i] == ch->flush && cp[j] == ch->copy)
				continue;
			c[nc] = (struct cand){ fl[i], cp[j],
					       ch->movnt_threshold,
					       ch->small_nt, "" };
			set_label(&c[nc++], "");
		}
	static const size_t big[] = { 256, 1024, 4096, 65536, 1 << 20,
				      8 << 20 };
	double geo[MAX_CAND][NOPS + 1];
	int nbig = quick ? 3 : 6;
	double noise = measure(c, nc, big, nbig, geo);
	print_table("pairs:", c, nc, geo, big, nbig);
	int best = 0;
	for (int k = 2; k < nc; k++)
		if (geo[k][NOPS] > geo[best][NOPS])
			best = k;
	/* Only a win larger than the noise replaces the automatic pair. */
	if (geo[best][NOPS] < 1 + noise)
		best = 0;
	/* The copy backends in order of their best score: the row's list. */
	const struct pmem_backend *order[8];
	double top[8];
	for (int j = 0; j < ncp; j++) {
		order[j] = cp[j];
		top[j] = 0;
		for (int k = 0; k < nc; k++)
			if (c[k].copy == cp[j] && geo[k][NOPS] > top[j])
				top[j] = geo[k][NOPS];
	}
	for (int i = 0; i < ncp; i++)
		for (int j = i + 1; j < ncp; j++)
			if (top[j] > top[i]) {
				double t = top[i];
				const struct pmem_backend *o = order[i];
				top[i] = top[j], order[i] = order[j];
				top[j] = t, order[j] = o;
			}

	/* 2: thresholds for the best pair, sizes around them, each as
	 * PMEM_MOVNT_THRESHOLD alone sets it (small aligned copies NT off). */
	struct cand t[MAX_CAND];
	int nt = 0;
	t[nt++] = c[0];
	t[nt++] = c[1];
	t[nt] = c[best];	/* the pair at its threshold: the reference */
	set_label(&t[nt++], "");
	/* The small-aligned-copies rule flipped, at the pair's threshold:
	 * measured whether this CPU's row has it or not. */
	if (!c[best].small_nt) {
		t[nt] = c[best];
		t[nt].small_nt = 1;
		set_label(&t[nt++], "");
	}
	static const size_t thrs[] = { 64, 128, 256, 512, 1024, 2048 };
	for (size_t i = 0; i < sizeof(thrs) / sizeof(thrs[0]); i++) {
		if (thrs[i] == c[best].thr && !c[best].small_nt)
			continue;
		t[nt] = (struct cand){ c[best].flush, c[best].copy, thrs[i], 0,
				       "" };
		set_label(&t[nt++], "");
	}
	static const size_t small[] = { 64, 128, 256, 512, 1024, 2048, 4096 };
	int nsmall = quick ? 3 : 7;
	double geo2[MAX_CAND][NOPS + 1];
	double noise2 = measure(t, nt, small, nsmall, geo2);
	print_table("thresholds:", t, nt, geo2, small, nsmall);
	/* Another threshold only when it beats the pair's by the noise. */
	int bt_best = 2;
	for (int k = 3; k < nt; k++)
		if (geo2[k][NOPS] > geo2[bt_best][NOPS] * (1 + noise2) &&
		    geo2[k][NOPS] > geo2[2][NOPS] * (1 + noise2))
			bt_best = k;
	struct cand win = t[bt_best];

	/* 3: the winner against the automatic choice on every size. */
	struct cand f[3] = { c[0], c[1], win };
	set_label(&f[2], " (best)");
	static const size_t all[] = { 64, 256, 1024, 4096, 65536, 1 << 20 };
	int nall = quick ? 2 : 6;
	double geo3[3][NOPS + 1];
	double noise3 = measure(f, 3, all, nall, geo3);
	print_table("best against automatic:", f, 3, geo3, all, nall);

	pmem_ops = saved;
	munmap(region, REGION);
	struct timespec w1;
	clock_gettime(CLOCK_MONOTONIC, &w1);
	double noise_all = noise > noise2 ? noise : noise2;
	if (noise3 > noise_all)
		noise_all = noise3;
	printf("\nnoise (the automatic choice against itself, worst cell): "
	       "%.3f; took %.1f s\n", noise_all,
	       (double)(w1.tv_sec - w0.tv_sec) +
	       (double)(w1.tv_nsec - w0.tv_nsec) / 1e9);
	printf("suggested preference row for core/select_rules.c (a "
	       "suggestion from one run: nothing was changed):\n"
	       "  { \"%s\", 0x%02x, 0x00, 0xff, {", cpu->vendor, cpu->family);
	for (int j = 0; j < ncp; j++)
		printf("%s \"%s\"", j ? "," : "", order[j]->name);
	printf(" }, \"docs/performance.md#(the section with this run)\", %s }\n",
	       win.small_nt ? "\"small aligned copies NT (...)\"" : "NULL");
	printf("reproduce: PMEM_BACKEND=%s,%s PMEM_MOVNT_THRESHOLD=%zu "
	       "PMEM_MOVNT_SMALL=%d\n", win.flush->name, win.copy->name,
	       win.thr, win.small_nt);
	printf("best: %s,%s threshold %zu (automatic: %s,%s threshold %zu, "
	       "speed ratio %.3f)\n", win.flush->name, win.copy->name,
	       win.thr, ch->flush->name, ch->copy->name, ch->movnt_threshold,
	       geo3[2][NOPS]);
	return 0;
}
