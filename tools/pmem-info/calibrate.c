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
 * noise.  Each candidate fills the table as start-up does
 * (pmem_ops_fill, core/ops.h), so what is timed is what
 * the library would run.  It changes nothing: the table is put back, and
 * only --save writes a file (the machine profile, core/profile.h), which
 * keeps the automatic choice unless a pair was measured faster beyond
 * the noise.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "cpu.h"
#include "ops.h"
#include "profile.h"
#include "select.h"
#include "calibrate.h"
#include "info_os.h"
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
static const struct pmem_cpu *cpu;

/* Progress on stderr once a run has taken a few seconds. */
static struct {
	const char *step;
	int cell, cells;
	struct timespec start, last;
} prog;

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) +
		(double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void progress(void)
{
	prog.cell++;
	if (since(&prog.start) < 3 || since(&prog.last) < 2)
		return;
	clock_gettime(CLOCK_MONOTONIC, &prog.last);
	fprintf(stderr, "calibrate: %s, cell %d of %d, %.0f s so far\n",
		prog.step, prog.cell, prog.cells, since(&prog.start));
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* As start-up fills the table for this pair: the drain and the fences
 * after NT copies follow the flush backend's caps on this CPU. */
static void install(const struct cand *c)
{
	pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
		.flush = c->flush, .copy = c->copy, .cpu = cpu,
		.movnt_threshold = c->thr, .small_nt = c->small_nt });
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
static double measure(const char *step, const struct cand *c, int nc,
		const size_t *sizes, int nsizes, double geo[][NOPS + 1])
{
	double sum[MAX_CAND][NOPS + 1] = { { 0 } }, noise = 0;
	double score[MAX_CAND];
	prog.step = step;
	prog.cell = 0;
	prog.cells = NOPS * nsizes;
	for (int op = 0; op < NOPS; op++)
		for (int si = 0; si < nsizes; si++) {
			measure_cell(c, nc, op, sizes[si], score);
			progress();
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

/* ---- --save: the machine profile ------------------------------------ */

/* What --save refuses to calibrate under: each changes the choice the
 * run compares with, so the profile would not say what it measured. */
static const char *const choice_vars[] = { "PMEM_BACKEND", "PMEM_NO_FLUSH",
	"PMEM_NO_CLWB", "PMEM_NO_CLFLUSHOPT", "PMEM_NO_MOVNT", "PMEM_AVX",
	"PMEM_AVX512F", "PMEM_MOVNT_THRESHOLD", "PMEM_MOVNT_SMALL" };

static const char *check_text;

/* The profile about to be written, as pmem_os_read_conf would read it. */
static int read_check_text(const char *path, char *buf, size_t size,
		struct pmem_os_conf_file *f)
{
	(void)path;
	size_t n = strlen(check_text);
	memset(f, 0, sizeof(*f));
	if (n >= size) {
		errno = EFBIG;
		return -1;
	}
	memcpy(buf, check_text, n + 1);
	f->len = n;
	f->owner = PMEM_OS_OWNER_SELF;
	f->dir_owner = PMEM_OS_OWNER_SELF;
	return 0;
}

static const char *check_path;	/* what PMEM_PROFILE names in the check */

static const char *check_env(const char *name, void *ctx)
{
	(void)ctx;
	return strcmp(name, "PMEM_PROFILE") == 0 ? check_path : getenv(name);
}

/* 0 when the library, reading text at start-up here, would apply it as
 * the choice k; else -1 with its reason in why.  text NULL: the file at
 * path as written, read as start-up reads it (its owner, its directory). */
static int library_takes(const char *path, const char *text,
		const struct cand *k, char *why, size_t n)
{
	struct pmem_select_in in = {
		.cpu = cpu,
		.env = check_env,
		.backends = pmem_static_backends,
		.auto_flush = pmem_has_auto_flush() == 1,
	};
	static struct pmem_selection sel;
	static struct pmem_profile_state st;
	pmem_select_backends(&in, &sel);
	check_text = text;
	check_path = text ? "(the new profile)" : path;
	struct pmem_profile_in pin = {
		.sel = &in,
		.stepping = pmem_cpu_stepping(),
		.default_path = NULL,
		.read = text ? read_check_text : pmem_os_read_conf,
	};
	pmem_profile_apply(&pin, &sel, &st);
	const struct pmem_backend_choice *c = &sel.choice;
	snprintf(why, n, "%s", st.status);
	return st.applied && c->flush == k->flush && c->copy == k->copy &&
		c->movnt_threshold == k->thr && c->small_nt == k->small_nt ?
		0 : -1;
}

/* Writes the profile for k: 0, or 2 (pmem-info's error status). */
static int save(const char *path, const struct cand *k, double ratio,
		double noise, const char *note)
{
	struct pmem_profile p;
	memset(&p, 0, sizeof(p));
	pmem_profile_sign(&p, cpu, pmem_cpu_stepping());
	snprintf(p.flush, sizeof(p.flush), "%s", k->flush->name);
	snprintf(p.copy, sizeof(p.copy), "%s", k->copy->name);
	p.movnt_threshold = k->thr;
	p.small_nt = k->small_nt;
	time_t now = time(NULL);
	strftime(p.date, sizeof(p.date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	snprintf(p.ratio, sizeof(p.ratio), "%.3f", ratio);
	snprintf(p.noise, sizeof(p.noise), "%.3f", noise);
	char text[PMEM_PROFILE_MAX], why[1024];
	if (pmem_profile_format(&p, note, text, sizeof(text)) < 0) {
		fprintf(stderr, "pmem-info: --save: the profile does not fit "
			"in %d bytes\n", PMEM_PROFILE_MAX);
		return 2;
	}
	if (library_takes(path, text, k, why, sizeof(why)) != 0) {
		fprintf(stderr, "pmem-info: --save: not written, the library "
			"would not apply it: %s\n", why);
		return 2;
	}
	if (info_write_profile(path, text, why, sizeof(why)) != 0) {
		fprintf(stderr, "pmem-info: --save: %s\n", why);
		return 2;
	}
	/* Only the file as written shows its owner and its directory. */
	if (library_takes(path, NULL, k, why, sizeof(why)) != 0) {
		fprintf(stderr, "pmem-info: --save: written, but the library "
			"will not apply it: %s\n", why);
		return 2;
	}
	printf("saved: %s (%s,%s threshold %zu, short copies %s; %s)\n", path,
	       p.flush, p.copy, p.movnt_threshold,
	       p.small_nt ? "non-temporal" : "temporal", note);
	return 0;
}

static int same_choice(const struct cand *a, const struct cand *b)
{
	return a->flush == b->flush && a->copy == b->copy &&
		a->thr == b->thr && a->small_nt == b->small_nt;
}

int pmem_info_calibrate(int argc, char **argv)
{
	int quick = 0;
	const char *save_path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = 1;
		} else if (!strcmp(argv[i], "--save") && !save_path) {
			save_path = PMEM_PROFILE_PATH;
			if (i + 1 < argc && argv[i + 1][0] != '-')
				save_path = argv[++i];
		} else {
			fprintf(stderr, "pmem-info: --calibrate [--quick] "
				"[--save [FILE]]\n");
			return 2;
		}
	}
	if (quick) {	/* a check that it works, not a measurement */
		rounds = 3;
		batch_ns = 1e5;
	}
	cpu = pmem_backend_get_cpu();
	const struct pmem_backend_choice *ch = pmem_backend_get_choice();
	if (!ch->movnt) {
		fprintf(stderr, "pmem-info: --calibrate: non-temporal stores are "
			"off (PMEM_NO_MOVNT=1 or msync-fallback); unset them "
			"to calibrate\n");
		return 2;
	}
	if (pmem_profile_get_state()->applied) {
		fprintf(stderr, "pmem-info: --calibrate: a machine profile is "
			"in use (%s); run with PMEM_PROFILE=0 to measure "
			"against the automatic choice\n",
			pmem_profile_get_state()->status);
		return 2;
	}
	for (size_t i = 0; save_path && i < sizeof(choice_vars) /
			sizeof(*choice_vars); i++)
		if (getenv(choice_vars[i])) {
			fprintf(stderr, "pmem-info: --calibrate --save: %s is "
				"set; unset it, so the profile is measured "
				"against the automatic choice\n",
				choice_vars[i]);
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
	prog.start = prog.last = w0;

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
	double noise = measure("step 1 of 3 (pairs)", c, nc, big, nbig, geo);
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
	double noise2 = measure("step 2 of 3 (thresholds)", t, nt, small,
				nsmall, geo2);
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
	double noise3 = measure("step 3 of 3 (best against automatic)", f, 3,
				all, nall, geo3);
	print_table("best against automatic:", f, 3, geo3, all, nall);

	pmem_ops = saved;
	munmap(region, REGION);
	double noise_all = noise > noise2 ? noise : noise2;
	if (noise3 > noise_all)
		noise_all = noise3;
	/* Only a pair measured faster than the automatic choice beyond
	 * the noise is offered, and saved. */
	int faster = !same_choice(&win, &c[0]) &&
		geo3[2][NOPS] > 1 + noise_all;
	const struct cand *pick = faster ? &win : &c[0];
	printf("\nnoise (the automatic choice against itself, worst cell): "
	       "%.3f; took %.1f s\n", noise_all, since(&w0));
	printf("suggested preference row for core/select_rules.c (a "
	       "suggestion from one run: nothing was changed):\n"
	       "  { \"%s\", 0x%02x, 0x00, 0xff, {", cpu->vendor, cpu->family);
	for (int j = 0; j < ncp; j++)
		printf("%s \"%s\"", j ? "," : "", order[j]->name);
	printf(" }, \"docs/performance.md#(the section with this run)\", %s }\n",
	       win.small_nt ? "\"small aligned copies NT (...)\"" : "NULL");
	printf("automatic: %s,%s threshold %zu, short copies %s\n",
	       ch->flush->name, ch->copy->name, ch->movnt_threshold,
	       ch->small_nt ? "non-temporal" : "temporal");
	printf("fastest measured: %s,%s threshold %zu, short copies %s, "
	       "%.3f times the automatic choice\n", win.flush->name,
	       win.copy->name, win.thr, win.small_nt ? "non-temporal" :
	       "temporal", geo3[2][NOPS]);
	printf("reproduce: PMEM_BACKEND=%s,%s PMEM_MOVNT_THRESHOLD=%zu "
	       "PMEM_MOVNT_SMALL=%d\n", pick->flush->name, pick->copy->name,
	       pick->thr, pick->small_nt);
	if (save_path) {
		int keep = !faster || quick;
		const char *note = !faster ? "no pair beat the automatic "
			"choice beyond the noise: this keeps it" : quick ?
			"--quick is too short to trust: this keeps the "
			"automatic choice" : "measured faster than the "
			"automatic choice beyond the noise";
		int rc = save(save_path, keep ? &c[0] : &win,
			      keep ? geo3[1][NOPS] : geo3[2][NOPS], noise_all,
			      note);
		if (rc)
			return rc;
	}
	if (faster)
		printf("best: %s,%s threshold %zu, short copies %s: %.3f times "
		       "the automatic choice, beyond the noise (%.3f)\n",
		       win.flush->name, win.copy->name, win.thr,
		       win.small_nt ? "non-temporal" : "temporal",
		       geo3[2][NOPS], noise_all);
	else
		printf("no pair beats the automatic choice beyond the noise "
		       "(%.3f): keeping it\n", noise_all);
	return 0;
}
