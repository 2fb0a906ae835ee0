/*
 * pmembench -- times every flush and copy operation of our libpmem against
 * PMDK's libpmem, and plain libc memcpy/memset, in one process.
 *
 * Fairness: each library variant is loaded with dlmopen(LM_ID_NEWLM) into a
 * namespace of its own, after the PMEM_* environment of that variant has
 * been set, so its constructor sees exactly that environment (both
 * libraries read it once at load).  All variants then run the same measuring
 * loop on the same buffers, in one process pinned to one CPU, interleaved:
 * after a warm-up batch of each, round r runs the variants in order when r
 * is even and in reverse when r is odd (A B B A ...), so slow drifts of the
 * machine hit every variant alike.  A second copy of the baseline (PMDK's
 * automatic choice) is measured the same way to show the noise.
 *
 * Memory: no persistent memory here, so the destination is 1 GiB of
 * anonymous memory (transparent huge pages asked for), walked sequentially
 * so every operation writes lines no cache holds; sources come from a warm
 * window for small sizes and stream from memory for large ones.
 *
 * Namespaces: glibc has 16 (--max-ns, default 15 besides the main one).
 * When the variants need more, pmembench runs them in groups, one process
 * each (it re-executes itself with -v per variant): every group has the
 * baseline and its second load, and each like-for-like pair sits in the
 * group of our forced variant, so every comparison is measured in one
 * process, in A B B A order, on the same addresses.  A variant that cannot
 * be loaded or verified ends the run with an error: nothing requested is
 * left out.
 *
 * Output: the CPU, a table on stdout, a CSV (--csv) for bench/plot.py.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <cpuid.h>
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libpmem_backend.h"

extern char **environ;

#define KiB (1024ul)
#define MiB (1024ul * KiB)
#define GiB (1024ul * MiB)

#define DST_REGION (1 * GiB)
#define SRC_REGION (512 * MiB)
#define SRC_WARM (4 * MiB)	/* source window for small operations */
#define ND_CALLS 4		/* _nodrain calls per drain */
#define FLUSH_PIECE 32		/* bytes per pmem_flush in the flush op */
#define MAX_VARIANTS 24
#define MAX_SIZES 32
#define MAX_ROUNDS 101

/* ---- the functions measured, one table per variant ---- */

struct fns {
	void *(*memcpy_persist)(void *, const void *, size_t);
	void *(*memmove_persist)(void *, const void *, size_t);
	void *(*memset_persist)(void *, int, size_t);
	void *(*memcpy_nodrain)(void *, const void *, size_t);
	void *(*memset_nodrain)(void *, int, size_t);
	void (*persist)(const void *, size_t);
	void (*flush)(const void *, size_t);
	void (*drain)(void);
};

struct variant {
	char label[32];
	char lib[256];		/* "ours", "pmdk", "plain" or a path */
	char env[160];		/* VAR=VAL[:VAR=VAL...] set before loading */
	char what[192];		/* what it runs, when the library says */
	struct fns f;
	void *handle;
	int is_baseline, is_noise;
};

static void noop_persist(const void *a, size_t n) { (void)a; (void)n; }
static void noop_drain(void) { }

static const struct fns plain_fns = {
	memcpy, memmove, memset, memcpy, memset,
	noop_persist, noop_persist, noop_drain,
};

/* ---- operations ---- */

enum op {
	OP_MEMCPY, OP_MEMMOVE, OP_MEMSET, OP_MEMCPY_ND, OP_MEMSET_ND,
	OP_PERSIST, OP_FLUSH, OP_READBACK,
	/* the shapes users hit (issue #17 item 2) */
	OP_MOVE_UP8, OP_MOVE_DOWN8, OP_MOVE_UP40, OP_MOVE_DOWN40,
	OP_MOVE_UP192, OP_MOVE_DOWN192, OP_CPY_UNAL, OP_SET_UNAL,
	OP_SET_ZERO, OP_CPY_P2P, OP_SET_READBACK, OP_MOVE_READBACK, NOPS
};

/* Start misalignment of the unaligned copies and fills: the start and,
 * for every size, the end fall inside a line. */
#define UNAL_DST 5
#define UNAL_SRC 3

static const struct {
	const char *name;
	const char *what;
} opinfo[NOPS] = {
	{ "memcpy_persist", "pmem_memcpy_persist(dst, src, n)" },
	{ "memmove_persist", "pmem_memmove_persist(p + n/2, p, n), overlapping" },
	{ "memset_persist", "pmem_memset_persist(dst, c, n)" },
	{ "memcpy_nodrain4", "4 x pmem_memcpy_nodrain(dst+i*n, src, n), 1 pmem_drain" },
	{ "memset_nodrain4", "4 x pmem_memset_nodrain(dst+i*n, c, n), 1 pmem_drain" },
	{ "persist_stores", "memset(dst, c, n) then pmem_persist(dst, n)" },
	{ "flush32_drain", "memset(dst, c, n), pmem_flush of each 32 B, pmem_drain" },
	{ "memcpy_readback", "pmem_memcpy_persist(dst, src, n), then one load from each line of dst" },
	{ "memmove_up8", "pmem_memmove_persist(p + 8, p, n): insert into a sorted array" },
	{ "memmove_down8", "pmem_memmove_persist(p, p + 8, n): delete from a sorted array" },
	{ "memmove_up40", "pmem_memmove_persist(p + 40, p, n)" },
	{ "memmove_down40", "pmem_memmove_persist(p, p + 40, n)" },
	{ "memmove_up192", "pmem_memmove_persist(p + 192, p, n): three lines" },
	{ "memmove_down192", "pmem_memmove_persist(p, p + 192, n): three lines" },
	{ "memcpy_unaligned", "pmem_memcpy_persist(dst + 5, src + 3, n)" },
	{ "memset_unaligned", "pmem_memset_persist(dst + 5, c, n)" },
	{ "memset_zero", "pmem_memset_persist(dst, 0, n)" },
	{ "pmem2pmem_copy", "pmem_memcpy_persist(dst, src, n), src in the destination region, not cached" },
	{ "memset_readback", "pmem_memset_persist(dst, c, n), then one load from each line" },
	{ "memmove_readback", "pmem_memmove_persist(p + 8, p, n), then one load from each line of p + 8" },
};

/* The shift of a shifted overlapping move: > 0 moves up (dst above src,
 * copied from the top down), < 0 down; 0 for every other op. */
static long move_shift(enum op op)
{
	switch (op) {
	case OP_MOVE_UP8: case OP_MOVE_READBACK: return 8;
	case OP_MOVE_DOWN8: return -8;
	case OP_MOVE_UP40: return 40;
	case OP_MOVE_DOWN40: return -40;
	case OP_MOVE_UP192: return 192;
	case OP_MOVE_DOWN192: return -192;
	default: return 0;
	}
}

/* Bytes of destination one operation writes. */
static size_t op_bytes(enum op op, size_t n)
{
	return (op == OP_MEMCPY_ND || op == OP_MEMSET_ND) ? ND_CALLS * n : n;
}

/* Bytes of destination one operation covers (the overlapping move spans
 * 1.5 n). */
static size_t op_span(enum op op, size_t n)
{
	long sh = move_shift(op);
	if (sh)
		return n + (size_t)(sh > 0 ? sh : -sh);
	if (op == OP_CPY_UNAL || op == OP_SET_UNAL)
		return n + UNAL_DST;
	return op == OP_MEMMOVE ? n + n / 2 : op_bytes(op, n);
}

static char *dst_base, *src_base;
static size_t dst_pos, src_pos;
static size_t dst_window = DST_REGION;	/* --window: bytes walked */

static inline size_t align64(size_t x) { return (x + 63) & ~(size_t)63; }

/* Next destination: sequential, 64-byte aligned, wrapping in the region. */
static inline char *next_dst(size_t span)
{
	span = align64(span);
	if (dst_pos + span > dst_window)
		dst_pos = 0;
	char *p = dst_base + dst_pos;
	dst_pos += span;
	return p;
}

static inline const char *next_src(size_t span)
{
	span = align64(span);
	size_t win = 4 * span > SRC_WARM ? 4 * span : SRC_WARM;
	if (win > SRC_REGION)
		win = SRC_REGION;
	if (src_pos + span > win)
		src_pos = 0;
	const char *p = src_base + src_pos;
	src_pos += span;
	return p;
}

/*
 * Batches are timed in this thread's CPU time: on a shared 2-core machine
 * a batch is often preempted, and wall time then adds whole time slices of
 * other programs (seen as batches 3x and 5x slower).  --wall uses the
 * monotonic clock instead.
 */
static clockid_t batch_clock = CLOCK_THREAD_CPUTIME_ID;

static inline uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A source in the destination region, as a copy from one place of a
 * pmem pool to another: half the walk behind, written and flushed long
 * ago, so no cache holds it. */
static inline const char *pmem_src(size_t span)
{
	size_t half = dst_window / 2, off = (dst_pos + half) % dst_window;
	off &= ~(size_t)63;
	return dst_base + (off + span > dst_window ? 0 : off);
}

/* What the read-back ops load, so the loads are not optimised away. */
static volatile uint64_t readback_sum;

static inline void read_back(const char *p, size_t n)
{
	uint64_t sum = 0;
	for (size_t o = 0; o < n; o += 64)
		sum += *(volatile const unsigned char *)(p + o);
	readback_sum += sum;
}

/* One batch of `iters` operations; returns elapsed ns. */

static uint64_t run_batch(const struct fns *f, enum op op, size_t n,
		size_t iters)
{
	size_t span = op_span(op, n);
	uint64_t t0 = clock_ns(batch_clock);
	for (size_t it = 0; it < iters; it++) {
		char *d = next_dst(span);
		switch (op) {
		case OP_MEMCPY:
			f->memcpy_persist(d, next_src(n), n);
			break;
		case OP_MEMMOVE:
			f->memmove_persist(d + n / 2, d, n);
			break;
		case OP_MEMSET:
			f->memset_persist(d, (int)(it & 0xff), n);
			break;
		case OP_MEMCPY_ND: {
			const char *s = next_src(n);
			for (int i = 0; i < ND_CALLS; i++)
				f->memcpy_nodrain(d + i * n, s, n);
			f->drain();
			break;
		}
		case OP_MEMSET_ND:
			for (int i = 0; i < ND_CALLS; i++)
				f->memset_nodrain(d + i * n, (int)(it & 0xff), n);
			f->drain();
			break;
		case OP_PERSIST:
			memset(d, (int)(it & 0xff), n);
			f->persist(d, n);
			break;
		case OP_FLUSH:
			memset(d, (int)(it & 0xff), n);
			for (size_t o = 0; o < n; o += FLUSH_PIECE)
				f->flush(d + o, n - o < FLUSH_PIECE ? n - o
								    : FLUSH_PIECE);
			f->drain();
			break;
		case OP_READBACK: {
			/* A program that persists a record and reads it
			 * again soon: NT stores leave the lines uncached,
			 * CLWB keeps them (docs/performance.md). */
			f->memcpy_persist(d, next_src(n), n);
			read_back(d, n);
			break;
		}
		case OP_MOVE_UP8: case OP_MOVE_DOWN8: case OP_MOVE_UP40:
		case OP_MOVE_DOWN40: case OP_MOVE_UP192:
		case OP_MOVE_DOWN192: {
			long sh = move_shift(op);
			size_t a = (size_t)(sh > 0 ? sh : -sh);
			if (sh > 0)
				f->memmove_persist(d + a, d, n);
			else
				f->memmove_persist(d, d + a, n);
			break;
		}
		case OP_CPY_UNAL:
			f->memcpy_persist(d + UNAL_DST,
					  next_src(n + UNAL_SRC) + UNAL_SRC, n);
			break;
		case OP_SET_UNAL:
			f->memset_persist(d + UNAL_DST, (int)(it & 0xff) | 1, n);
			break;
		case OP_SET_ZERO:
			f->memset_persist(d, 0, n);
			break;
		case OP_CPY_P2P:
			f->memcpy_persist(d, pmem_src(n), n);
			break;
		case OP_SET_READBACK:
			f->memset_persist(d, (int)(it & 0xff), n);
			read_back(d, n);
			break;
		case OP_MOVE_READBACK:
			f->memmove_persist(d + 8, d, n);
			read_back(d + 8, n);
			break;
		default:
			break;
		}
	}
	return clock_ns(batch_clock) - t0;
}

/*
 * Untimed, after each batch: write back whatever the batch left dirty in
 * the caches (plain memcpy leaves up to the whole L3 dirty), so its
 * write-back is not charged to the next variant.
 */
static void clflush_range(size_t a, size_t b)
{
	for (size_t o = a & ~(size_t)63; o < b; o += 64)
		__builtin_ia32_clflush(dst_base + o);
}

/* [start, end) of the walk, wrapped when end < start; the last 64 MiB
 * written is more than any cache holds. */
static void scrub(size_t start, size_t end)
{
	const size_t cap = 64 * MiB;
	if (dst_window <= cap)
		clflush_range(0, dst_window);
	else if (end >= start)
		clflush_range(end - start > cap ? end - cap : start, end);
	else if (end >= cap)
		clflush_range(end - cap, end);
	else {
		clflush_range(0, end);
		clflush_range(dst_window - (cap - end), dst_window);
	}
	__builtin_ia32_sfence();
}

/* ---- the CPU, printed at the top of every run and in the CSV ---- */

static char cpu_desc[512];

static void describe_cpu(void)
{
	unsigned a, b, c, d, max;
	char vendor[13] = "?";
	if (!__get_cpuid(0, &max, &b, &c, &d))
		max = 0;
	else {
		memcpy(vendor, &b, 4);
		memcpy(vendor + 4, &d, 4);
		memcpy(vendor + 8, &c, 4);
		vendor[12] = 0;
	}
	unsigned fam = 0, model = 0, step = 0, e1c = 0, e1d = 0, e7b = 0,
		 e7c = 0, e7d = 0;
	if (max >= 1 && __get_cpuid(1, &a, &b, &e1c, &e1d)) {
		unsigned bf = (a >> 8) & 0xf;
		fam = bf == 0xf ? bf + ((a >> 20) & 0xff) : bf;
		model = (a >> 4) & 0xf;
		if (bf == 0x6 || bf == 0xf)
			model |= ((a >> 16) & 0xf) << 4;
		step = a & 0xf;
	}
	if (max >= 7)
		__cpuid_count(7, 0, a, e7b, e7c, e7d);
	char brand[49] = "";
	if (__get_cpuid_max(0x80000000, NULL) >= 0x80000004) {
		unsigned *w = (unsigned *)brand;
		for (unsigned i = 0; i < 3; i++)
			__get_cpuid(0x80000002 + i, &w[4 * i], &w[4 * i + 1],
				    &w[4 * i + 2], &w[4 * i + 3]);
		brand[48] = 0;
	}
	const char *bp = brand;
	while (*bp == ' ')
		bp++;
	int n = snprintf(cpu_desc, sizeof(cpu_desc), "%s family 0x%x model 0x%x"
			 " stepping %u (%s); features:", vendor, fam, model,
			 step, *bp ? bp : "no brand string");
	const struct { const char *name; unsigned reg, bit; } feat[] = {
		{ "sse2", e1d, 26 }, { "avx", e1c, 28 }, { "avx2", e7b, 5 },
		{ "avx512f", e7b, 16 }, { "avx512bw", e7b, 30 },
		{ "avx512vl", e7b, 31 }, { "clflush", e1d, 19 },
		{ "clflushopt", e7b, 23 }, { "clwb", e7b, 24 },
		{ "movdir64b", e7c, 28 }, { "erms", e7b, 9 },
		{ "fsrm", e7d, 4 },
	};
	for (size_t i = 0; i < sizeof(feat) / sizeof(feat[0]); i++)
		if ((feat[i].reg >> feat[i].bit) & 1)
			n += snprintf(cpu_desc + n, sizeof(cpu_desc) - (size_t)n,
				      " %s", feat[i].name);
}

/* ---- loading the variants ---- */

static const char *our_lib = NULL;
static const char *pmdk_lib = "/usr/lib/x86_64-linux-gnu/libpmem.so.1";

/* Removes every PMEM_* variable, then sets the variant's own. */
static void set_variant_env(const char *spec)
{
	char names[64][64];
	int k = 0;
	for (char **e = environ; *e && k < 64; e++) {
		if (strncmp(*e, "PMEM_", 5) != 0)
			continue;
		const char *eq = strchr(*e, '=');
		size_t l = eq ? (size_t)(eq - *e) : strlen(*e);
		if (l >= sizeof(names[0]))
			continue;
		memcpy(names[k], *e, l);
		names[k++][l] = 0;
	}
	for (int i = 0; i < k; i++)
		unsetenv(names[i]);
	char buf[sizeof(((struct variant *)0)->env)];
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *tok = strtok(buf, ":"); tok; tok = strtok(NULL, ":")) {
		char *eq = strchr(tok, '=');
		if (!eq)
			continue;
		*eq = 0;
		setenv(tok, eq + 1, 1);
	}
}

#define SYM(h, name) dlsym((h), (name))

static int load_variant(struct variant *v)
{
	if (strcmp(v->lib, "plain") == 0) {
		v->f = plain_fns;
		snprintf(v->what, sizeof(v->what), "libc memcpy/memset, no flush");
		return 0;
	}
	const char *path = strcmp(v->lib, "ours") == 0 ? our_lib
		: strcmp(v->lib, "pmdk") == 0 ? pmdk_lib : v->lib;
	set_variant_env(v->env);
	void *h = dlmopen(LM_ID_NEWLM, path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		set_variant_env("");
		fprintf(stderr, "pmembench: %s: %s\n", v->label, dlerror());
		return -1;
	}
	/* The namespace's own libc must have seen the variant's variables
	 * (its environ is ours): check through its getenv. */
	char *(*ns_getenv)(const char *) = SYM(h, "getenv");
	char buf[sizeof(v->env)];
	snprintf(buf, sizeof(buf), "%s", v->env);
	for (char *tok = strtok(buf, ":"); tok && ns_getenv;
	     tok = strtok(NULL, ":")) {
		char *eq = strchr(tok, '=');
		if (!eq)
			continue;
		*eq = 0;
		const char *got = ns_getenv(tok);
		if (!got || strcmp(got, eq + 1)) {
			fprintf(stderr, "pmembench: %s: the library did not "
				"see %s\n", v->label, tok);
			set_variant_env("");
			return -1;
		}
	}
	set_variant_env("");
	v->handle = h;
	v->f.memcpy_persist = SYM(h, "pmem_memcpy_persist");
	v->f.memmove_persist = SYM(h, "pmem_memmove_persist");
	v->f.memset_persist = SYM(h, "pmem_memset_persist");
	v->f.memcpy_nodrain = SYM(h, "pmem_memcpy_nodrain");
	v->f.memset_nodrain = SYM(h, "pmem_memset_nodrain");
	v->f.persist = SYM(h, "pmem_persist");
	v->f.flush = SYM(h, "pmem_flush");
	v->f.drain = SYM(h, "pmem_drain");
	void **p = (void **)&v->f;
	for (size_t i = 0; i < sizeof(v->f) / sizeof(void *); i++)
		if (!p[i]) {
			fprintf(stderr, "pmembench: %s: missing symbol\n",
				v->label);
			return -1;
		}
	/* Our library says what it chose; PMDK's cannot. */
	const struct pmem_backend_choice *(*choice)(void) =
		SYM(h, "pmem_backend_get_choice");
	if (choice) {
		const struct pmem_backend_choice *c = choice();
		if (c->refusal) {
			fprintf(stderr, "pmembench: %s: refused: %s\n",
				v->label, c->refusal);
			return -1;
		}
		snprintf(v->what, sizeof(v->what), "%s,%s thr=%zu%s",
			 c->flush ? c->flush->name : "?",
			 c->copy ? c->copy->name : "?",
			 c->movnt_threshold, c->movnt ? "" : " no-movnt");
	} else {
		snprintf(v->what, sizeof(v->what), "%s", v->env[0] ? v->env
								  : "automatic");
	}
	return 0;
}

/* The variant must produce the right bytes before it is timed. */
static int verify_variant(const struct variant *v)
{
	static unsigned char a[8192], b[8192], ref[8192];
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = (unsigned char)(i * 7 + 3);
	const size_t lens[] = { 1, 8, 63, 100, 255, 256, 3000, 4096 + 13 };
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		size_t n = lens[k];
		memset(b, 0, sizeof(b));
		v->f.memcpy_persist(b + 5, a, n);
		if (memcmp(b + 5, a, n) || b[4] || b[5 + n])
			return -1;
		memcpy(ref, b, sizeof(b));
		memmove(ref + 5 + n / 3, ref + 5, n);
		v->f.memmove_persist(b + 5 + n / 3, b + 5, n);
		if (memcmp(b, ref, sizeof(b)))
			return -1;
		v->f.memset_persist(b + 3, 0x5a, n);
		memset(ref + 3, 0x5a, n);
		if (memcmp(b, ref, sizeof(b)))
			return -1;
	}
	return 0;
}

/* Our linked-in backends this CPU can run, queried from a loaded copy. */
static int usable_backends(void *h, int kind, const char **names, int max)
{
	const struct pmem_backend *(*get)(unsigned) =
		SYM(h, "pmem_backend_get_static");
	const struct pmem_cpu *(*cpu)(void) = SYM(h, "pmem_backend_get_cpu");
	int k = 0;
	if (!get || !cpu)
		return 0;
	for (unsigned i = 0; get(i) && k < max; i++) {
		const struct pmem_backend *b = get(i);
		if ((int)b->kind != kind || !pmem_backend_runs(b, cpu()))
			continue;
		/* a flush that writes back no lines (nop, msync-fallback)
		 * is not a CPU flush strategy */
		if (b->caps & PMEM_BACKEND_CAP_NO_WRITEBACK)
			continue;
		names[k++] = b->name;
	}
	return k;
}

/* ---- statistics ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double quantile(const double *v, int n, double q)
{
	double t[MAX_ROUNDS];
	memcpy(t, v, sizeof(double) * (size_t)n);
	qsort(t, (size_t)n, sizeof(double), cmp_double);
	double pos = q * (n - 1);
	int lo = (int)pos;
	double fr = pos - lo;
	return lo + 1 < n ? t[lo] * (1 - fr) + t[lo + 1] * fr : t[lo];
}

/* ---- options ---- */

static struct variant vars[MAX_VARIANTS];
static int nvars;
static size_t sizes[MAX_SIZES];
static int nsizes;
static int ops_on[NOPS];
static int rounds = 5;
static double batch_ms = 2.0;
static const char *csv_path;
static int do_startup = 1;
static int max_ns = 15;		/* --max-ns: dlmopen namespaces per process */
static const char *group_name;	/* --group K/N: this process is one group */
static int csv_skip;		/* --csv-skip K: the first K are guests */
static int show_raw;	/* --raw: every round's ns/op */
static int look_all;	/* --second-look-all: every cell is a suspect */
static const char *startup_prog;

static void add_variant(const char *label, const char *lib, const char *env)
{
	if (nvars == MAX_VARIANTS) {
		fprintf(stderr, "pmembench: too many variants\n");
		exit(2);
	}
	struct variant *v = &vars[nvars++];
	memset(v, 0, sizeof(*v));
	snprintf(v->label, sizeof(v->label), "%s", label);
	snprintf(v->lib, sizeof(v->lib), "%s", lib);
	snprintf(v->env, sizeof(v->env), "%s", env ? env : "");
}

/* LABEL=LIB[:VAR=VAL...] */
static void parse_variant(const char *arg)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", arg);
	char *eq = strchr(buf, '=');
	if (!eq) {
		fprintf(stderr, "pmembench: --variant LABEL=LIB[:VAR=VAL...]\n");
		exit(2);
	}
	*eq = 0;
	char *lib = eq + 1, *env = strchr(lib, ':');
	if (env)
		*env++ = 0;
	add_variant(buf, lib, env);
}

static size_t parse_size(const char *s)
{
	char *end;
	size_t v = strtoull(s, &end, 0);
	if (*end == 'K' || *end == 'k')
		v *= KiB, end++;
	else if (*end == 'M' || *end == 'm')
		v *= MiB, end++;
	else if (*end == 'G' || *end == 'g')
		v *= GiB, end++;
	if (*end == 'i')
		end++;
	if (*end == '+')
		v += strtoull(end + 1, &end, 0);
	if (*end || v == 0 || v > GiB) {
		fprintf(stderr, "pmembench: bad size '%s'\n", s);
		exit(2);
	}
	return v;
}

static void parse_sizes(const char *list)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", list);
	nsizes = 0;
	for (char *t = strtok(buf, ","); t && nsizes < MAX_SIZES;
	     t = strtok(NULL, ","))
		if ((sizes[nsizes++] = parse_size(t)) > 64 * MiB) {
			fprintf(stderr, "pmembench: sizes up to 64Mi\n");
			exit(2);
		}
}

static void parse_ops(const char *list)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", list);
	memset(ops_on, 0, sizeof(ops_on));
	for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
		int found = 0;
		for (int o = 0; o < NOPS; o++)
			if (!strcmp(t, opinfo[o].name) ||
			    !strncmp(opinfo[o].name, t, strlen(t)))
				ops_on[o] = found = 1;
		if (!found) {
			fprintf(stderr, "pmembench: unknown op '%s'\n", t);
			exit(2);
		}
	}
}

static void usage(void)
{
	printf(
"usage: pmembench [--quick | --full] [options]\n"
"  --quick            default: 11 rounds, 2 ms batches, 12 sizes\n"
"  --full             15 rounds, 4 ms batches, 21 sizes (~10-15 min)\n"
"  --rounds N         timed rounds per variant (median over them)\n"
"  --batch-ms MS      minimum length of one timed batch\n"
"  --sizes LIST       e.g. 8,64,1K,3000,1M+13,64M\n"
"  --ops LIST         prefixes of:");
	for (int o = 0; o < NOPS; o++)
		printf(" %s", opinfo[o].name);
	printf("\n"
"  -v, --variant L=LIB[:VAR=VAL...]  replace the default variants (repeatable);\n"
"                     LIB is ours, pmdk, plain or a path; the first one\n"
"                     given is the baseline of the ratios\n"
"  --lib PATH         our libpmem.so.1 (default: next to this program)\n"
"  --pmdk PATH        PMDK's libpmem.so.1 (default %s)\n"
"  --csv PATH         write every result as CSV\n"
"  --no-startup       skip the start-up comparison\n"
"  --startup-prog P   program for the start-up comparison\n"
"  --raw              print every round's ns/op\n"
"  --second-look-all  time every cell a second time, not only suspects\n"
"  --wall             time batches by the wall clock, not thread CPU time\n"
"  --window BYTES     destination bytes walked before wrapping (default\n"
"                     1Gi: never cached; e.g. 64K keeps small ops hot)\n"
"  --max-ns N         dlmopen namespaces per process (2..15, default 15);\n"
"                     more variants run in groups, one process each\n",
	       pmdk_lib);
}

/* ---- start-up: a program that calls pmem_persist once ---- */

static double spawn_ns(const char *prog, const char *libdir)
{
	char ld[600];
	snprintf(ld, sizeof(ld), "LD_LIBRARY_PATH=%s", libdir);
	char *envp[64];
	int k = 0;
	envp[k++] = ld;
	for (char **e = environ; *e && k < 63; e++)
		if (strncmp(*e, "PMEM", 4) && strncmp(*e, "LD_LIBRARY_PATH=", 16)
		    && strncmp(*e, "GLIBC_TUNABLES=", 15))
			envp[k++] = *e;
	envp[k] = NULL;
	char *argv[] = { (char *)prog, NULL };
	pid_t pid;
	uint64_t t0 = now_ns();
	if (posix_spawn(&pid, prog, NULL, NULL, argv, envp) != 0)
		return -1;
	int st;
	waitpid(pid, &st, 0);
	uint64_t t = now_ns() - t0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? (double)t : -1;
}

static void startup_compare(FILE *csv)
{
	char ourdir[512], pmdkdir[512];
	snprintf(ourdir, sizeof(ourdir), "%s", our_lib);
	snprintf(pmdkdir, sizeof(pmdkdir), "%s", pmdk_lib);
	*strrchr(ourdir, '/') = 0;
	*strrchr(pmdkdir, '/') = 0;
	if (access(startup_prog, X_OK) != 0) {
		printf("\nstart-up: SKIP (%s not built)\n", startup_prog);
		return;
	}
	enum { N = 101 };
	double t[2][N];
	for (int w = 0; w < 10; w++) {	/* warm the page cache */
		spawn_ns(startup_prog, ourdir);
		spawn_ns(startup_prog, pmdkdir);
	}
	for (int i = 0; i < N; i++) {
		int first = i & 1;	/* A B B A */
		t[first][i] = spawn_ns(startup_prog, first ? pmdkdir : ourdir);
		t[!first][i] = spawn_ns(startup_prog, first ? ourdir : pmdkdir);
		if (t[0][i] < 0 || t[1][i] < 0) {
			printf("\nstart-up: the program failed\n");
			return;
		}
	}
	double mo = quantile(t[0], N, 0.5), mp = quantile(t[1], N, 0.5);
	printf("\nstart-up (exec of a program calling pmem_persist once, "
	       "median of %d, A B B A):\n"
	       "  ours %.0f us   PMDK %.0f us   PMDK/ours %.3f "
	       "(IQR ours %.0f-%.0f, PMDK %.0f-%.0f us)\n", N, mo / 1e3,
	       mp / 1e3, mp / mo, quantile(t[0], N, .25) / 1e3,
	       quantile(t[0], N, .75) / 1e3, quantile(t[1], N, .25) / 1e3,
	       quantile(t[1], N, .75) / 1e3);
	if (csv) {
		fprintf(csv, "startup,0,ours,ours,,1,1,%d,%.0f,0,%.4f,%.0f,%.0f\n",
			N, mo, mp / mo, quantile(t[0], N, .25),
			quantile(t[0], N, .75));
		fprintf(csv, "startup,0,pmdk,pmdk,,1,1,%d,%.0f,0,1,%.0f,%.0f\n",
			N, mp, quantile(t[1], N, .25), quantile(t[1], N, .75));
	}
}

/* ---- the run ---- */

/* ---- the tables ---- */

/*
 * Times variants vs[0..nv) of one cell: the batch length calibrated on
 * vs[0], a warm-up, then nr rounds.  In one round every variant writes the
 * same addresses (memory is not uniform in a VM: some regions are slower),
 * from the same cache state (scrub); rounds move on through the region.
 * Order A B .. B A, rotated by one every two rounds: the variant that runs
 * twice in a row at a joint is a different one each time.  t[k][r] is
 * variant vs[k]'s ns per operation in round r.  Returns the batch length.
 */
static size_t time_cell(int op, size_t n, const int *vs, int nv, int nr,
		double t[][MAX_ROUNDS])
{
	double target = batch_ms * 1e6;
	/* The same iteration count for every variant keeps the work
	 * identical. */
	size_t iters = 1;
	for (;;) {
		double e = (double)run_batch(&vars[vs[0]].f, op, n, iters);
		if (e >= target || iters >= (1u << 24))
			break;
		iters = e < target / 16 ? iters * 16
			: (size_t)(iters * target / e * 1.1) + 1;
	}
	for (int r = -1; r < nr; r++) {
		size_t d0 = dst_pos, s0 = src_pos, d1 = d0, s1 = s0;
		for (int j = 0; j < nv; j++) {
			int sh = r < 0 ? 0 : r / 2;
			int k = (((r & 1) ? nv - 1 - j : j) + sh) % nv;
			dst_pos = d0;
			src_pos = s0;
			uint64_t e = run_batch(&vars[vs[k]].f, op, n, iters);
			d1 = dst_pos;
			s1 = src_pos;
			scrub(d0, d1);
			if (r >= 0)
				t[k][r] = (double)e / (double)iters;
		}
		dst_pos = d1;
		src_pos = s1;
	}
	return iters;
}

static double med[NOPS][MAX_SIZES][MAX_VARIANTS];
static double ratio[NOPS][MAX_SIZES][MAX_VARIANTS];
static int best_pmdk[NOPS][MAX_SIZES];
static int ours_i = -1, plain_i = -1, noise_i = -1;

static void size_name(char *buf, size_t len, size_t n)
{
	if (n % MiB == 0)
		snprintf(buf, len, "%zuMi", n / MiB);
	else if (n % KiB == 0)
		snprintf(buf, len, "%zuKi", n / KiB);
	else
		snprintf(buf, len, "%zu", n);
}

static void print_header(void)
{
	printf("%9s %9s %9s %9s %6s  %-13s %9s %8s %8s\n", "size",
	       vars[0].label, "ours", "ours/base", "noise", "best PMDK",
	       "ours/best", "plain", "ours/pl");
}

/* Speed of variant v relative to variant w in one cell (>1: v faster). */
static double speed(int op, int si, int v, int w)
{
	if (v < 0 || w < 0)
		return 0;
	if (w == 0)
		return ratio[op][si][v];
	return med[op][si][w] / med[op][si][v];
}

static void print_row(int op, int si, size_t n, size_t bytes)
{
	char sz[32];
	int big = bytes >= 64 * KiB;
	size_name(sz, sizeof(sz), n);
#define SHOW(v) ((v) < 0 ? 0.0 : big ? bytes / med[op][si][v] \
				      : med[op][si][v])
	int b = best_pmdk[op][si];
	printf("%9s %8.*f%s %9.*f %9.3f %6.3f  %-13s %9.3f %8.*f %8.3f\n",
	       sz, big ? 2 : 0, SHOW(0), big ? "G" : "n", big ? 2 : 0,
	       SHOW(ours_i), speed(op, si, ours_i, 0),
	       speed(op, si, noise_i, 0), b >= 0 ? vars[b].label : "-",
	       speed(op, si, ours_i, b), big ? 2 : 0, SHOW(plain_i),
	       speed(op, si, ours_i, plain_i));
#undef SHOW
}

static int is_copy(int op)
{
	return op == OP_MEMCPY || op == OP_MEMMOVE || op == OP_MEMCPY_ND ||
	       op == OP_READBACK || op == OP_CPY_UNAL || op == OP_CPY_P2P ||
	       op == OP_MOVE_READBACK || move_shift(op) != 0;
}

static int is_set(int op)
{
	return op == OP_MEMSET || op == OP_MEMSET_ND || op == OP_SET_UNAL ||
	       op == OP_SET_ZERO || op == OP_SET_READBACK;
}

/*
 * PMDK's fastest path for an operation's large sizes (>= 1 MiB): the PMDK
 * variant with the best geometric-mean time there.  Choosing a path, not
 * the best PMDK variant of each cell, keeps the maximum of several noisy
 * medians from passing for a faster path.
 */
static int fastest_pmdk_path(int op)
{
	int best = -1;
	double best_sum = 0;
	for (int v = 0; v < nvars; v++) {
		if (strcmp(vars[v].lib, "pmdk"))
			continue;
		double sum = 0;
		for (int si = 0; si < nsizes; si++)
			if (sizes[si] >= MiB)
				sum += log(med[op][si][v]);
		if (best < 0 || sum < best_sum) {
			best = v;
			best_sum = sum;
		}
	}
	return best;
}

static double noise_band;	/* set by print_targets */

/* Below the noise: further under 1 than both the run's band and the
 * baseline's deviation from its own second load in this cell. */
static int below_noise(double r, double cell_noise)
{
	double cn = fabs(cell_noise - 1);
	return r < 1 - (cn > noise_band ? cn : noise_band);
}

/* The targets of issue #6, judged against the noise of this run. */
static void print_targets(void)
{
	if (ours_i < 0 || strcmp(vars[0].lib, "pmdk"))
		return;
	double dev[NOPS * MAX_SIZES];
	int nd = 0;
	for (int op = 0; op < NOPS; op++)
		for (int si = 0; ops_on[op] && si < nsizes && noise_i >= 0;
		     si++) {
			double r = ratio[op][si][noise_i];
			dev[nd++] = r > 1 ? r - 1 : 1 - r;
		}
	double band = nd ? quantile(dev, nd < MAX_ROUNDS ? nd : MAX_ROUNDS,
				    0.9) : 0;
	if (nd > MAX_ROUNDS) {	/* quantile() holds MAX_ROUNDS values */
		qsort(dev, (size_t)nd, sizeof(double), cmp_double);
		band = dev[(int)(0.9 * (nd - 1))];
	}
	noise_band = band;
	printf("\n== targets (issue #6); noise band = 90th percentile of "
	       "|%s2/%s - 1| over all cells = %.3f; a cell is below the "
	       "noise when ours/%s < 1 - max(band, |noise of that cell - 1|)"
	       "\n", vars[0].label, vars[0].label, band, vars[0].label);
	struct {
		const char *what;
		int (*want)(int op, size_t n);
		int against;	/* 0 pmdk auto, 1 max(best pmdk, plain) */
	} T[] = {
		{ "1 every op and size: ours >= PMDK auto", NULL, 0 },
		{ "2 copies >= 1 MiB: ours >= max(PMDK's fastest path, plain)",
		  NULL, 1 },
		{ "3 memset >= 1 MiB: ours >= PMDK auto", NULL, 0 },
		{ "4 sizes <= 256 B: ours >= PMDK auto", NULL, 0 },
	};
	for (int k = 0; k < 4; k++) {
		double worst = 1e9, sumlog = 0;
		int cells = 0, below = 0;
		char worst_at[64] = "-";
		for (int op = 0; op < NOPS; op++)
			for (int si = 0; ops_on[op] && si < nsizes; si++) {
				size_t n = sizes[si];
				if ((k == 1 && !(is_copy(op) && n >= MiB)) ||
				    (k == 2 && !(is_set(op) && n >= MiB)) ||
				    (k == 3 && n > 256))
					continue;
				double r = speed(op, si, ours_i, 0);
				if (T[k].against == 1) {
					int b = fastest_pmdk_path(op);
					double rb = speed(op, si, ours_i, b);
					double rp = speed(op, si, ours_i,
							  plain_i);
					r = rb < rp || plain_i < 0 ? rb : rp;
				}
				cells++;
				sumlog += log(r);
				if (below_noise(r, noise_i >= 0 ?
						ratio[op][si][noise_i] : 1))
					below++;
				if (r < worst) {
					worst = r;
					snprintf(worst_at, sizeof(worst_at),
						 "%s %zu", opinfo[op].name, n);
				}
			}
		if (!cells)
			continue;
		printf("  %-52s %s: %d cells, geomean %.3f, worst %.3f (%s), "
		       "%d below the noise\n", T[k].what,
		       below ? "NOT MET" : "met", cells,
		       exp(sumlog / cells), worst, worst_at, below);
	}
	printf("  (PMDK's fastest path for >= 1 MiB:");
	for (int op = 0; op < NOPS; op++)
		if (ops_on[op] && fastest_pmdk_path(op) >= 0)
			printf(" %s %s;", opinfo[op].name,
			       vars[fastest_pmdk_path(op)].label);
	printf(")\n");
}

/* Like for like: ours forced to the path PMDK was forced to. */
static const char *const pairs[][2] = {
	{ "ours-nomovnt", "pmdk-nomovnt" },
	{ "clwb,nt-sse2", "pmdk-sse2" },
	{ "clflushopt,nt-avx", "pmdk-cflopt" },
	{ "clflush,nt-avx", "pmdk-clflush" },
};

static int find_variant(const char *label)
{
	for (int i = 0; i < nvars; i++)
		if (!strcmp(vars[i].label, label))
			return i;
	return -1;
}

/* The short-aligned-copies rule: ours against ours with it flipped,
 * over the copy and fill cells under 256 bytes (where it acts). */
static void print_small_rule(void)
{
	int on = find_variant("ours-small"), off = find_variant("ours-nosmall");
	int flip = on >= 0 ? on : off;
	if (ours_i < 0 || flip < 0)
		return;
	double sumlog = 0, worst = 1e9;
	int cells = 0;
	for (int op = 0; op < NOPS; op++)
		for (int si = 0; ops_on[op] && si < nsizes; si++) {
			if (!(is_copy(op) || is_set(op)) || sizes[si] >= 256)
				continue;
			/* speed with the rule on against off */
			double r = on >= 0 ? speed(op, si, on, ours_i) :
					     speed(op, si, ours_i, off);
			sumlog += log(r);
			worst = r < worst ? r : worst;
			cells++;
		}
	if (cells)
		printf("\n== short aligned copies non-temporal (PMEM_MOVNT_SMALL):"
		       " rule on against off, copies and fills under 256 B: "
		       "%d cells, geomean %.3f, worst %.3f (this CPU %s it)\n",
		       cells, exp(sumlog / cells), worst,
		       on >= 0 ? "does not use" : "uses");
}

/* Like for like: ours forced to the path PMDK was forced to. */
static void print_like_for_like(void)
{
	int header = 0;
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
		int a = find_variant(pairs[k][0]), b = find_variant(pairs[k][1]);
		if (a < 0 || b < 0)
			continue;
		if (!header++)
			printf("\n== like for like: ours forced vs PMDK forced "
			       "to the same path (speed ratio, >1 ours "
			       "faster)\n");
		double sumlog = 0, worst = 1e9, top = 0;
		int cells = 0;
		char wat[64] = "-", tat[64] = "-";
		for (int op = 0; op < NOPS; op++)
			for (int si = 0; ops_on[op] && si < nsizes; si++) {
				double r = speed(op, si, a, b);
				cells++;
				sumlog += log(r);
				if (r < worst) {
					worst = r;
					snprintf(wat, sizeof(wat), "%s %zu",
						 opinfo[op].name, sizes[si]);
				}
				if (r > top) {
					top = r;
					snprintf(tat, sizeof(tat), "%s %zu",
						 opinfo[op].name, sizes[si]);
				}
			}
		printf("  %-18s vs %-13s geomean %.3f, worst %.3f (%s), "
		       "best %.2f (%s)\n", pairs[k][0], pairs[k][1],
		       exp(sumlog / cells), worst, wat, top, tat);
	}
}

/*
 * A second look at every suspect cell: the cells of target 1 below the
 * noise and the like-for-like cells below 0.95 are timed again, with twice
 * the rounds, the two variants compared plus the baseline and its second
 * load (for the noise of the second run).  A cell stays below only when
 * the second run puts it below again.  Why: with 84-96 cells and a band at
 * the 90th percentile of PMDK against itself, two equal libraries leave
 * about four cells below the band in every run by chance.  The first
 * verdicts above stay as printed.
 */
static double second_look(int op, int si, int a, int b, double *noise)
{
	static double t[4][MAX_ROUNDS];
	int vs[4], nv = 0;
	vs[nv++] = b;
	vs[nv++] = a;
	if (b != 0)
		vs[nv++] = 0;
	if (noise_i > 0)
		vs[nv++] = noise_i;
	int nr = 2 * rounds < MAX_ROUNDS ? 2 * rounds : MAX_ROUNDS;
	time_cell(op, sizes[si], vs, nv, nr, t);
	double rr[MAX_ROUNDS], nn[MAX_ROUNDS];
	int base = b != 0 ? 2 : 0;
	for (int r = 0; r < nr; r++) {
		rr[r] = t[0][r] / t[1][r];
		nn[r] = noise_i > 0 ? t[base][r] / t[nv - 1][r] : 1;
	}
	*noise = quantile(nn, nr, 0.5);
	return quantile(rr, nr, 0.5);
}

static void confirm_suspects(void)
{
	int header = 0, t1 = 0, t1_below = 0, t2 = 0, t2_below = 0;
	enum { NPAIRS = sizeof(pairs) / sizeof(*pairs) };
	int l4l[NPAIRS] = { 0 }, l4l_below[NPAIRS] = { 0 };
	for (int op = 0; op < NOPS; op++)
		for (int si = 0; ops_on[op] && si < nsizes; si++) {
			struct { int a, b; const char *what; int k; } look[8];
			/* "target N" (against 1 - noise) or like for like
			 * (against 0.95) */
			int nl = 0;
			if (ours_i >= 0 && !strcmp(vars[0].lib, "pmdk") &&
			    (look_all || below_noise(speed(op, si, ours_i, 0),
					noise_i >= 0 ? ratio[op][si][noise_i] :
					1)))
				look[nl++] = (typeof(look[0])){ ours_i, 0,
								"target 1", -1 };
			if (ours_i >= 0 && !strcmp(vars[0].lib, "pmdk") &&
			    is_copy(op) && sizes[si] >= MiB) {
				/* target 2: against the slower-to-beat of
				 * PMDK's fastest path and plain libc */
				int b = fastest_pmdk_path(op);
				if (plain_i >= 0 && speed(op, si, ours_i,
						plain_i) < speed(op, si,
						ours_i, b))
					b = plain_i;
				if (b >= 0 && below_noise(speed(op, si, ours_i,
						b), noise_i >= 0 ?
						ratio[op][si][noise_i] : 1))
					look[nl++] = (typeof(look[0])){
						ours_i, b, "target 2", -1 };
			}
			for (size_t k = 0; k < sizeof(pairs) / sizeof(*pairs);
			     k++) {
				int a = find_variant(pairs[k][0]);
				int b = find_variant(pairs[k][1]);
				if (a >= 0 && b >= 0 &&
				    speed(op, si, a, b) < 0.95)
					look[nl++] = (typeof(look[0])){ a, b,
						"like for like", (int)k };
			}
			for (int i = 0; i < nl; i++) {
				if (!header++)
					printf("\n== second look: suspect cells "
					       "timed again, %d rounds (a cell "
					       "stays below only if below "
					       "again; --second-look-all: "
					       "every cell)\n", 2 * rounds <
					       MAX_ROUNDS ? 2 * rounds :
					       MAX_ROUNDS);
				double nz, r2 = second_look(op, si, look[i].a,
							    look[i].b, &nz);
				int tgt = look[i].what[0] == 't';
				double r1 = speed(op, si, look[i].a, look[i].b);
				int first = tgt ? below_noise(r1, noise_i >= 0 ?
						ratio[op][si][noise_i] : 1) :
						r1 < 0.95;
				int again = first && (tgt ? below_noise(r2, nz) :
							    r2 < 0.95);
				if (!strcmp(look[i].what, "target 1")) {
					t1++;
					t1_below += again;
				} else if (tgt) {
					t2++;
					t2_below += again;
				} else {
					l4l[look[i].k]++;
					l4l_below[look[i].k] += again;
				}
				printf("  %-13s %-16s %8zu  %s/%s %.3f, "
				       "again %.3f (noise %.3f): %s\n",
				       look[i].what, opinfo[op].name,
				       sizes[si], vars[look[i].a].label,
				       vars[look[i].b].label,
				       speed(op, si, look[i].a, look[i].b),
				       r2, nz, again ? "BELOW AGAIN" : first ?
				       "not below again" : "not below");
				fflush(stdout);
			}
		}
	if (t1)
		printf("  target 1 after the second look: %s, %d of %d "
		       "suspect cells below again\n", t1_below ? "NOT MET" :
		       "met", t1_below, t1);
	if (t2)
		printf("  target 2 after the second look: %s, %d of %d "
		       "suspect cells below again\n", t2_below ? "NOT MET" :
		       "met", t2_below, t2);
	for (int k = 0; k < NPAIRS; k++)
		if (l4l[k])
			printf("  like for like %s vs %s after the second look: "
			       "%s, %d of %d cells below 0.95 again\n",
			       pairs[k][0], pairs[k][1], l4l_below[k] ?
			       "NOT MET" : "met", l4l_below[k], l4l[k]);
}

static void default_variants(int have_pmdk)
{
	if (!have_pmdk) {	/* ours only; the second load is the noise */
		add_variant("ours", "ours", "");
		add_variant("ours2", "ours", "");
		add_variant("ours-nomovnt", "ours", "PMEM_NO_MOVNT=1");
		add_variant("plain", "plain", "");
		return;
	}
	add_variant("pmdk", "pmdk", "");
	add_variant("pmdk2", "pmdk", "");	/* the noise */
	add_variant("ours", "ours", "");
	/* PMEM_AVX=0 alone leaves PMDK on AVX-512 where the CPU has it
	 * (its zero fills there ran at the AVX-512 speed): SSE2 needs both.
	 * The flush variants keep PMDK's copy on AVX, as ours is forced to
	 * nt-avx in their pairs. */
	add_variant("pmdk-sse2", "pmdk", "PMEM_AVX=0:PMEM_AVX512F=0");
	add_variant("pmdk-nomovnt", "pmdk", "PMEM_NO_MOVNT=1");
	add_variant("pmdk-cflopt", "pmdk", "PMEM_NO_CLWB=1:PMEM_AVX512F=0");
	add_variant("pmdk-clflush", "pmdk",
		    "PMEM_NO_CLWB=1:PMEM_NO_CLFLUSHOPT=1:PMEM_AVX512F=0");
	add_variant("ours-nomovnt", "ours", "PMEM_NO_MOVNT=1");
	add_variant("plain", "plain", "");
}

/*
 * Adds ours forced to every flush,copy pair the CPU runs (flush-major, so
 * the copy backends of one flush backend are neighbours).  Asks a copy of
 * our library opened in the main namespace: no dlmopen namespace spent.
 */
static int add_pairs(void)
{
	void *h = dlopen(our_lib, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "pmembench: %s\n", dlerror());
		return -1;
	}
	/* Ours with the short-aligned-copies rule flipped: every run
	 * measures the rule on its CPU, whether the CPU's row has it or not. */
	const struct pmem_backend_choice *(*choice)(void) =
		(const struct pmem_backend_choice *(*)(void))dlsym(h,
			"pmem_backend_get_choice");
	if (choice && choice()->movnt) {
		if (choice()->small_nt)
			add_variant("ours-nosmall", "ours",
				    "PMEM_MOVNT_SMALL=0");
		else
			add_variant("ours-small", "ours", "PMEM_MOVNT_SMALL=1");
	}
	const char *fl[8], *cp[8];
	int nf = usable_backends(h, PMEM_BACKEND_FLUSH, fl, 8);
	int nc = usable_backends(h, PMEM_BACKEND_COPY, cp, 8);
	for (int i = 0; i < nf; i++)
		for (int j = 0; j < nc; j++) {
			char label[32], env[96];
			snprintf(label, sizeof(label), "%s,%s", fl[i], cp[j]);
			snprintf(env, sizeof(env), "PMEM_BACKEND=%s,%s", fl[i],
				 cp[j]);
			add_variant(label, "ours", env);
		}
	dlclose(h);
	return nf && nc ? 0 : -1;
}

/* ---- groups: more variants than namespaces ---- */

static int needs_ns(int v)
{
	return strcmp(vars[v].lib, "plain") != 0;
}

/* Measured with everything the targets compare: the baseline and its
 * noise, PMDK's paths, our automatic choice, plain libc. */
static int is_core(int v)
{
	return v == 0 || v == noise_i || !strcmp(vars[v].lib, "pmdk") ||
		!strcmp(vars[v].lib, "plain") ||
		(!strcmp(vars[v].lib, "ours") && !vars[v].env[0]) ||
		v == find_variant("ours-small") ||
		v == find_variant("ours-nosmall");
}

/* The variant v is compared with like for like, or -1. */
static int partner_of(int v)
{
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++)
		if (!strcmp(vars[v].label, pairs[k][0]))
			return find_variant(pairs[k][1]);
	return -1;
}

/* Pairs with the same flush backend go together when they fit, so the
 * copy backends are compared with each other in one process. */
static int same_cluster(int a, int b)
{
	const char *x = strchr(vars[a].label, ','),
		   *y = strchr(vars[b].label, ',');
	return x && y && x - vars[a].label == y - vars[b].label &&
		!strncmp(vars[a].label, vars[b].label,
			 (size_t)(x - vars[a].label));
}

struct group {
	int guest[MAX_VARIANTS], ng;	/* measured for comparison only */
	int home[MAX_VARIANTS], nh;	/* reported from this group */
};
static struct group groups[MAX_VARIANTS];
static int ngroups;

static int in_group(const struct group *g, int v)
{
	for (int i = 0; i < g->ng; i++)
		if (g->guest[i] == v)
			return 1;
	for (int i = 0; i < g->nh; i++)
		if (g->home[i] == v)
			return 1;
	return 0;
}

static int group_ns(const struct group *g)
{
	int n = 0;
	for (int i = 0; i < g->ng; i++)
		n += needs_ns(g->guest[i]);
	for (int i = 0; i < g->nh; i++)
		n += needs_ns(g->home[i]);
	return n;
}

/* Namespaces that adding v (and its like-for-like partner) costs. */
static int cost(const struct group *g, int v)
{
	int p = partner_of(v);
	return needs_ns(v) + (p >= 0 && !in_group(g, p) ? needs_ns(p) : 0);
}

static struct group *new_group(void)
{
	struct group *g = &groups[ngroups++];
	memset(g, 0, sizeof(*g));
	if (ngroups == 1)
		return g;
	g->guest[g->ng++] = 0;
	if (noise_i > 0 && max_ns >= 4)
		g->guest[g->ng++] = noise_i;
	return g;
}

static void add_to_group(struct group *g, int v)
{
	int p = partner_of(v);
	if (p >= 0 && !in_group(g, p))
		g->guest[g->ng++] = p;
	g->home[g->nh++] = v;
}

/* Splits the variants into groups of at most max_ns namespaces; -1 with a
 * message when a comparison cannot fit in one process. */
static int plan_groups(void)
{
	ngroups = 0;
	struct group *g = new_group();
	for (int v = 0; v < nvars; v++)
		if (is_core(v))
			g->home[g->nh++] = v;
	if (group_ns(g) > max_ns) {
		fprintf(stderr, "pmembench: the targets compare %d variants "
			"that need a namespace each in one process; --max-ns "
			"%d is too small\n", group_ns(g), max_ns);
		return -1;
	}
	for (int v = 0; v < nvars;) {
		if (is_core(v)) {
			v++;
			continue;
		}
		int e = v + 1, c = cost(g, v);
		for (; e < nvars && !is_core(e) && same_cluster(v, e); e++)
			c += cost(g, e);
		if (group_ns(g) + c > max_ns)
			g = new_group();	/* the whole cluster in one */
		for (int k = v; k < e; k++) {
			if (group_ns(g) + cost(g, k) > max_ns)
				g = new_group();
			if (group_ns(g) + cost(g, k) > max_ns) {
				fprintf(stderr, "pmembench: %s and what it is "
					"compared with need more than --max-ns "
					"%d namespaces\n", vars[k].label,
					max_ns);
				return -1;
			}
			add_to_group(g, k);
		}
		v = e;
	}
	return 0;
}

static void join_sizes(char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; i < nsizes && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%zu", i ? "," : "",
				      sizes[i]);
}

static void join_ops(char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = 0;
	for (int o = 0; o < NOPS && n < len; o++)
		if (ops_on[o])
			n += (size_t)snprintf(buf + n, len - n, "%s%s",
					      n ? "," : "", opinfo[o].name);
}

/* Appends the file at path to out; with skip_head, without its comment
 * and header lines. */
static int append_file(FILE *out, const char *path, int skip_head)
{
	FILE *in = fopen(path, "r");
	if (!in)
		return -1;
	char line[1024];
	while (fgets(line, sizeof(line), in))
		if (!skip_head || (line[0] != '#' && strncmp(line, "op,", 3)))
			fputs(line, out);
	fclose(in);
	unlink(path);
	return 0;
}

/*
 * Runs each group in a process of its own: this program again, with the
 * group's variants given by -v (guests first) and the same options.
 * Returns 0 when every group measured all its variants.
 */
static int run_groups(FILE *csv)
{
	char sz[512], ops[256], rounds_s[16], batch_s[32], win_s[32],
	     ns_s[16];
	join_sizes(sz, sizeof(sz));
	join_ops(ops, sizeof(ops));
	snprintf(rounds_s, sizeof(rounds_s), "%d", rounds);
	snprintf(batch_s, sizeof(batch_s), "%g", batch_ms);
	snprintf(win_s, sizeof(win_s), "%zu", dst_window);
	snprintf(ns_s, sizeof(ns_s), "%d", max_ns);
	for (int k = 0; k < ngroups; k++) {
		struct group *g = &groups[k];
		static char specs[MAX_VARIANTS][512];
		char gname[32], skip_s[16], csvk[600];
		char *argv[2 * MAX_VARIANTS + 48];
		int a = 0;
		snprintf(gname, sizeof(gname), "%d/%d", k + 1, ngroups);
		snprintf(skip_s, sizeof(skip_s), "%d", g->ng);
		argv[a++] = "pmembench";
#define ARG2(x, y) (argv[a++] = (x), argv[a++] = (char *)(y))
		ARG2("--rounds", rounds_s);
		ARG2("--batch-ms", batch_s);
		ARG2("--sizes", sz);
		ARG2("--ops", ops);
		ARG2("--lib", our_lib);
		ARG2("--pmdk", pmdk_lib);
		ARG2("--window", win_s);
		ARG2("--max-ns", ns_s);
		ARG2("--group", gname);
		ARG2("--csv-skip", skip_s);
		argv[a++] = "--no-startup";
		if (show_raw)
			argv[a++] = "--raw";
		if (look_all)
			argv[a++] = "--second-look-all";
		if (batch_clock == CLOCK_MONOTONIC)
			argv[a++] = "--wall";
		if (csv) {
			snprintf(csvk, sizeof(csvk), "%s.group%d", csv_path,
				 k + 1);
			ARG2("--csv", csvk);
		}
		for (int i = 0; i < g->ng + g->nh; i++) {
			int v = i < g->ng ? g->guest[i] : g->home[i - g->ng];
			snprintf(specs[i], sizeof(specs[i]), "%s=%s%s%s",
				 vars[v].label, vars[v].lib,
				 vars[v].env[0] ? ":" : "", vars[v].env);
			ARG2("-v", specs[i]);
		}
#undef ARG2
		argv[a] = NULL;
		printf("\n######## group %s: a process of its own\n", gname);
		fflush(stdout);
		pid_t pid;
		int st;
		if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv,
				environ) != 0 || waitpid(pid, &st, 0) < 0 ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "pmembench: group %s failed: its "
				"variants were not measured\n", gname);
			return -1;
		}
		if (csv && append_file(csv, csvk, 1)) {
			perror(csvk);
			return -1;
		}
	}
	return 0;
}

/* One line per requested variant and the process that measured it. */
static void print_measured(void)
{
	printf("\nevery variant measured (%d, %d namespaces at most per "
	       "process):\n", nvars, max_ns);
	for (int v = 0; v < nvars; v++) {
		int where = 1;
		for (int k = 0; k < ngroups; k++)
			for (int i = 0; i < groups[k].nh; i++)
				if (groups[k].home[i] == v)
					where = k + 1;
		printf("  measured: %-22s group %d of %d\n", vars[v].label,
		       where, ngroups ? ngroups : 1);
	}
}

static void reexec_with_namespaces(char **argv)
{
	/* Each namespace needs static TLS for its own libc; glibc reserves
	 * it for rtld.nns namespaces, read only at start-up. */
	if (getenv("PMEMBENCH_NNS"))
		return;
	const char *old = getenv("GLIBC_TUNABLES");
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s%sglibc.rtld.nns=16", old ? old : "",
		 old ? ":" : "");
	setenv("GLIBC_TUNABLES", buf, 1);
	setenv("PMEMBENCH_NNS", "1", 1);
	execv("/proc/self/exe", argv);
	perror("pmembench: re-exec");	/* go on with fewer namespaces */
}

int main(int argc, char **argv)
{
	static char ourbuf[600], progbuf[600];
	int full = 0, user_variants = 0;
	const char *sizes_arg = NULL;
	reexec_with_namespaces(argv);
	for (int o = 0; o < NOPS; o++)
		ops_on[o] = 1;

	static const struct option lo[] = {
		{ "quick", no_argument, 0, 'q' },
		{ "full", no_argument, 0, 'F' },
		{ "rounds", required_argument, 0, 'r' },
		{ "batch-ms", required_argument, 0, 'b' },
		{ "sizes", required_argument, 0, 's' },
		{ "ops", required_argument, 0, 'o' },
		{ "variant", required_argument, 0, 'v' },
		{ "lib", required_argument, 0, 'l' },
		{ "pmdk", required_argument, 0, 'p' },
		{ "csv", required_argument, 0, 'c' },
		{ "no-startup", no_argument, 0, 'S' },
		{ "startup-prog", required_argument, 0, 'P' },
		{ "window", required_argument, 0, 'w' },
		{ "raw", no_argument, 0, 'R' },
		{ "second-look-all", no_argument, 0, 'L' },
		{ "wall", no_argument, 0, 'W' },
		{ "max-ns", required_argument, 0, 'N' },
		{ "group", required_argument, 0, 'G' },
		{ "csv-skip", required_argument, 0, 'K' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int c, rounds_set = 0, batch_set = 0;
	while ((c = getopt_long(argc, argv, "hv:", lo, NULL)) != -1) {
		switch (c) {
		case 'q': full = 0; break;
		case 'F': full = 1; break;
		case 'r': rounds = atoi(optarg); rounds_set = 1; break;
		case 'b': batch_ms = atof(optarg); batch_set = 1; break;
		case 's': sizes_arg = optarg; break;
		case 'o': parse_ops(optarg); break;
		case 'v': parse_variant(optarg); user_variants = 1; break;
		case 'l': our_lib = optarg; break;
		case 'p': pmdk_lib = optarg; break;
		case 'c': csv_path = optarg; break;
		case 'S': do_startup = 0; break;
		case 'P': startup_prog = optarg; break;
		case 'w': dst_window = parse_size(optarg); break;
		case 'R': show_raw = 1; break;
		case 'L': look_all = 1; break;
		case 'W': batch_clock = CLOCK_MONOTONIC; break;
		case 'N': max_ns = atoi(optarg); break;
		case 'G': group_name = optarg; break;
		case 'K': csv_skip = atoi(optarg); break;
		case 'h': usage(); return 0;
		default: usage(); return 2;
		}
	}
	if (!rounds_set)
		rounds = full ? 15 : 11;
	if (!batch_set)
		batch_ms = full ? 4.0 : 2.0;
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "pmembench: rounds 1..%d\n", MAX_ROUNDS);
		return 2;
	}
	parse_sizes(sizes_arg ? sizes_arg : full ?
		"8,16,32,64,100,128,256,512,1K,2K,3000,4K,8K,16K,64K,256K,1M,"
		"1M+13,4M,16M,64M" :
		"8,64,100,256,1K,3000,4K,64K,1M,1M+13,16M,64M");

	/* Defaults: our library and the start-up program sit next to us. */
	ssize_t l = readlink("/proc/self/exe", progbuf, sizeof(progbuf) - 1);
	if (l > 0) {
		progbuf[l] = 0;
		*strrchr(progbuf, '/') = 0;
	} else {
		strcpy(progbuf, ".");
	}
	if (!our_lib) {
		snprintf(ourbuf, sizeof(ourbuf), "%s/libpmem.so.1", progbuf);
		our_lib = ourbuf;
	}
	if (!startup_prog) {
		static char sp[700];
		snprintf(sp, sizeof(sp), "%s/bench/startup", progbuf);
		startup_prog = sp;
	}
	if (max_ns < 2 || max_ns > 15) {
		fprintf(stderr, "pmembench: --max-ns 2..15\n");
		return 2;
	}
	describe_cpu();
	printf("cpu: %s\n", cpu_desc);
	if (!user_variants) {
		int have_pmdk = access(pmdk_lib, R_OK) == 0;
		if (!have_pmdk)
			printf("PMDK: %s not installed; comparing ours only\n",
			       pmdk_lib);
		default_variants(have_pmdk);
		if (add_pairs()) {
			fprintf(stderr, "pmembench: cannot list our backends "
				"from %s\n", our_lib);
			return 1;
		}
	}
	if (nvars == 0) {
		fprintf(stderr, "pmembench: nothing to measure\n");
		return 1;
	}
	for (int i = 1; i < nvars; i++)
		if (!strcmp(vars[i].lib, vars[0].lib) &&
		    !strcmp(vars[i].env, vars[0].env)) {
			noise_i = i;
			break;
		}
	int need = 0;
	for (int i = 0; i < nvars; i++)
		need += needs_ns(i);
	FILE *csv = NULL;
	if (csv_path) {
		csv = fopen(csv_path, "w");
		if (!csv) {
			perror(csv_path);
			return 1;
		}
		fprintf(csv, "# cpu: %s\n", cpu_desc);
		fprintf(csv, "op,size,variant,lib,env,bytes_per_op,"
			"iters_per_batch,rounds,median_ns,gbps,ratio_vs_base,"
			"p25_ns,p75_ns\n");
	}
	if (need > max_ns) {
		/* More than one process: each group reports itself. */
		if (plan_groups())
			return 1;
		printf("pmembench: %d variants need %d dlmopen namespaces, "
		       "%d per process (--max-ns): %d groups, one process "
		       "each; every group has %s and %s, like-for-like pairs "
		       "stay together\n", nvars, need, max_ns, ngroups,
		       vars[0].label, noise_i > 0 ? vars[noise_i].label : "-");
		fflush(stdout);
		if (run_groups(csv))
			return 1;
		print_measured();
		if (do_startup)
			startup_compare(csv);
		if (csv)
			fclose(csv);
		return 0;
	}

	/* Pin to the CPU we started on: no migrations inside a batch. */
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(sched_getcpu(), &set);
	sched_setaffinity(0, sizeof(set), &set);

	/* Buffers first, so every variant sees the same memory. */
	dst_base = mmap(NULL, DST_REGION, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src_base = mmap(NULL, SRC_REGION, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dst_base == MAP_FAILED || src_base == MAP_FAILED) {
		perror("pmembench: mmap");
		return 1;
	}
	madvise(dst_base, DST_REGION, MADV_HUGEPAGE);
	madvise(src_base, SRC_REGION, MADV_HUGEPAGE);
	/* Touch only what the run uses (a tiny --window run starts fast). */
	size_t src_used = SRC_WARM;
	for (int i = 0; i < nsizes; i++)
		if (8 * align64(sizes[i]) > src_used)
			src_used = 8 * align64(sizes[i]);
	if (src_used > SRC_REGION)
		src_used = SRC_REGION;
	memset(dst_base, 1, dst_window);
	for (size_t i = 0; i < src_used; i += 8)
		*(uint64_t *)(src_base + i) = i * 0x9e3779b97f4a7c15ull;

	/* Every requested variant is measured, or the run fails. */
	for (int i = 0; i < nvars; i++) {
		if (load_variant(&vars[i])) {
			fprintf(stderr, "pmembench: %s cannot be loaded: "
				"stopping (nothing requested is left out)\n",
				vars[i].label);
			return 1;
		}
		if (verify_variant(&vars[i])) {
			fprintf(stderr, "pmembench: %s gives wrong bytes: "
				"stopping\n", vars[i].label);
			return 1;
		}
	}
	vars[0].is_baseline = 1;
	if (noise_i > 0)
		vars[noise_i].is_noise = 1;
	for (int i = 0; i < nvars; i++) {
		if (ours_i < 0 && !strcmp(vars[i].lib, "ours") &&
		    !vars[i].env[0])
			ours_i = i;
		if (plain_i < 0 && !strcmp(vars[i].lib, "plain"))
			plain_i = i;
	}

	if (group_name && csv_skip)
		printf("group %s (the first %d variants are here to be "
		       "compared with; their own rows come from group 1)\n",
		       group_name, csv_skip);
	else if (group_name)
		printf("group %s\n", group_name);
	printf("pmembench: %d variants, %d sizes, %d rounds of >= %.1f ms "
	       "batches, A B B A order after a warm-up\n"
	       "destination: 1 GiB anonymous memory (THP), walked "
	       "sequentially; no persistent memory on this machine\n",
	       nvars, nsizes, rounds, batch_ms);
	for (int i = 0; i < nvars; i++)
		printf("  %-22s %-5s %-38s %s\n", vars[i].label, vars[i].lib,
		       vars[i].env[0] ? vars[i].env : "-", vars[i].what);

	static double t[MAX_VARIANTS][MAX_ROUNDS];
	uint64_t bench_t0 = now_ns();

	for (int op = 0; op < NOPS; op++) {
		if (!ops_on[op])
			continue;
		printf("\n== %s: %s\n", opinfo[op].name, opinfo[op].what);
		print_header();
		for (int si = 0; si < nsizes; si++) {
			size_t n = sizes[si];
			size_t bytes = op_bytes(op, n);
			int all[MAX_VARIANTS];
			for (int v = 0; v < nvars; v++)
				all[v] = v;
			size_t iters = time_cell(op, n, all, nvars, rounds, t);
			for (int v = 0; show_raw && v < nvars; v++) {
				printf("  raw %-14s %zu:", vars[v].label, n);
				for (int r = 0; r < rounds; r++)
					printf(" %.0f", t[v][r]);
				printf("\n");
			}
			int best = -1;	/* fastest PMDK path in this cell */
			for (int v = 0; v < nvars; v++) {
				double rr[MAX_ROUNDS];
				for (int r = 0; r < rounds; r++)
					rr[r] = t[0][r] / t[v][r];
				med[op][si][v] = quantile(t[v], rounds, 0.5);
				ratio[op][si][v] = quantile(rr, rounds, 0.5);
				if (!strcmp(vars[v].lib, "pmdk") &&
				    (best < 0 || med[op][si][v] <
				     med[op][si][best]))
					best = v;
				if (csv && v >= csv_skip)
					fprintf(csv, "%s,%zu,\"%s\",%s,\"%s\",%zu,%zu,%d,"
						"%.2f,%.4f,%.4f,%.2f,%.2f\n",
						opinfo[op].name, n,
						vars[v].label, vars[v].lib,
						vars[v].env, bytes, iters,
						rounds, med[op][si][v],
						bytes / med[op][si][v],
						ratio[op][si][v],
						quantile(t[v], rounds, .25),
						quantile(t[v], rounds, .75));
			}
			best_pmdk[op][si] = best;
			print_row(op, si, n, bytes);
			fflush(stdout);
		}
	}
	printf("\n(below 64 KiB per op: ns/op; from 64 KiB: GB/s.  x/y = "
	       "speed of x relative to y, >1 is faster: for the baseline the "
	       "median of per-round ratios, else the ratio of medians.  noise "
	       "= a second load of %s measured the same way.)\n",
	       vars[0].label);
	print_targets();
	print_like_for_like();
	print_small_rule();
	confirm_suspects();

	/* Every variant against the baseline. */
	printf("\n== speed vs %s (>1 is faster), median of per-round ratios\n",
	       vars[0].label);
	for (int v = 0; v < nvars; v++)
		printf("  [%c] %s\n", 'a' + v, vars[v].label);
	for (int op = 0; op < NOPS; op++) {
		if (!ops_on[op])
			continue;
		printf("%-16s", opinfo[op].name);
		for (int v = 0; v < nvars; v++)
			printf("   [%c]", 'a' + v);
		printf("\n");
		for (int si = 0; si < nsizes; si++) {
			printf("%16zu", sizes[si]);
			for (int v = 0; v < nvars; v++)
				printf(" %5.2f", ratio[op][si][v]);
			printf("\n");
		}
	}
	printf("\nmeasuring took %.1f s\n", (now_ns() - bench_t0) / 1e9);
	if (!group_name)
		print_measured();
	if (do_startup)
		startup_compare(csv);
	if (csv)
		fclose(csv);
	return 0;
}
