/*
 * test_checkasm.c -- every flush x copy backend pair this CPU can run,
 * compared with plain memmove/memset, in the manner of FFmpeg's checkasm
 * (DESIGN.md section 4).
 *
 * For each pair there are four Criterion tests (suite "<flush>__<copy>"):
 *   memmove_nt, memset_nt  the copy backend called directly, with the flush
 *                          backend's flush for its temporal edges;
 *   api_move, api_set      the public functions after the pair is installed
 *                          in pmem_ops, with each PMEM_F_MEM_* combination
 *                          and the non-temporal threshold at 0, 256 and
 *                          SIZE_MAX;
 * and per flush backend one test (suite "<flush>") of pmem_persist,
 * pmem_flush and pmem_drain.
 *
 * Each case writes into a mapped buffer whose bytes are random, does the
 * same with memmove/memset on a reference copy, and compares the
 * destination plus GUARD bytes on each side; then both are restored.
 * The return value must be dst.  A pair the CPU cannot run is skipped with
 * a "SKIP ..." line.  CHECKASM_VERBOSE=1 prints the number of cases.
 *
 * Built with PMEM_CHECK (build/check/), every case also asks the durability
 * model (core/check.h) whether each destination line is durable after a
 * persisting call, and at least on its way after a _nodrain one.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "ops.h"
#include "pm_prims.h"
#include "checkasm.h"
#ifdef PMEM_CHECK
#include "check.h"
#endif

extern const struct pmem_backend *const pmem_static_backends[];

#define GUARD 128			/* bytes checked on each side of dst */
#define ORG 8192			/* offset of an aligned dst in its buffer */
#define BUFSZ ((8u << 20) + 4 * 4096u)	/* fits the largest case */
#define MAX_FAILS 10			/* failures reported before giving up */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* (src, dst) misalignments used with every size */
static const unsigned align_pairs[][2] = {
	{ 0, 0 }, { 0, 1 }, { 1, 0 }, { 63, 63 },
	{ 7, 33 }, { 32, 0 }, { 0, 32 }, { 17, 62 },
};
/* sizes around the 16/32/64/256-byte steps of the backends */
static const size_t edge_sizes[] = {
	0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 4096,
};
/* dst - src of overlapping moves; each is used with both signs */
static const size_t overlap_dists[] = {
	1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256,
	257, 1000, 4096,
};
static const size_t large_sizes[] = {
	(1u << 20), (1u << 20) + 1, (2u << 20) - 63, (3u << 20) + 4097,
	(6u << 20) + 129,
};
/* fill bytes: zero, all ones, sign bit, and some pattern */
static const int fill_chars[] = { 0x00, 0xff, 0x80, 0x7f, 0x5a, 0xc3 };

enum kind { K_MOVE, K_SET };
enum call {
	CALL_DIRECT,	/* backend memmove_nt/memset_nt */
	CALL_PERSIST,	/* pmem_mem*_persist */
	CALL_NODRAIN,	/* pmem_mem*_nodrain */
	CALL_FLAGS,	/* pmem_memmove/memcpy/memset(..., flags) */
};

struct op {
	enum kind kind;
	enum call call;
	int cpy;		/* the memcpy name: no overlapping cases */
	unsigned flags;
	char name[80];
};

/* The state of one test; Criterion runs each test in its own process. */
static struct {
	const struct pmem_backend *fb, *cb;	/* flush, copy backend */
	char pair[64];
	const unsigned char *src;	/* random, read-only */
	unsigned char *dst;		/* written by the code under test */
	unsigned char *ref;		/* written by memmove/memset */
	unsigned char *bg;		/* what dst and ref hold between cases */
	char thr[32];			/* threshold, for messages */
	int reduced;			/* smaller matrix (msync-fallback) */
	unsigned long cases;
	unsigned fails;
} C;

/* ---- set-up ---------------------------------------------------------- */

static const struct pmem_backend *find_backend(const char *name)
{
	for (unsigned i = 0; pmem_static_backends[i]; i++)
		if (strcmp(pmem_static_backends[i]->name, name) == 0)
			return pmem_static_backends[i];
	return NULL;
}

/* What the probe of a known backend wants, for the skip message. */
static const char *needs(const char *name)
{
	static const char *const tab[][2] = {
		{ "clflush", "CLFLUSH" }, { "clflushopt", "CLFLUSHOPT" },
		{ "clwb", "CLWB" }, { "nt-sse2", "SSE2" },
		{ "nt-avx", "AVX/AVX2" }, { "nt-avx512", "AVX512F/BW/VL" },
		{ "dc-cvap", "DCPoP (HWCAP_DCPOP): see docs/testing.md for "
			"why qemu-user runs a CPU without it" },
		{ "dc-cvac", "DC CVAC" },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(tab); i++)
		if (strcmp(tab[i][0], name) == 0)
			return tab[i][1];
	return "what its probe asks for";
}

static const char *group;	/* the running test's group, for SKIP lines */

static void skip(const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Criterion says nothing about skips unless verbose: tests/run.py
	 * counts this line. */
	fprintf(stderr, "SKIP %s %s: %s\n", C.pair, group, msg);
	cr_skip_test("%s", msg);
}

static void map_buffers(void)
{
	unsigned char *src = checkasm_map(BUFSZ);
	C.dst = checkasm_map(BUFSZ);
	C.ref = checkasm_map(BUFSZ);
	C.bg = checkasm_map(BUFSZ);
	cr_assert(src && C.dst && C.ref && C.bg, "mmap of test buffers failed");
	checkasm_fill_random(src, BUFSZ, 0x5eed0001);
	checkasm_fill_random(C.bg, BUFSZ, 0x5eed0002);
	memcpy(C.dst, C.bg, BUFSZ);
	memcpy(C.ref, C.bg, BUFSZ);
	/* a write to the source would fault */
	cr_assert(mprotect(src, BUFSZ, PROT_READ) == 0);
	C.src = src;
}

/* Finds the pair, skips the test if it is not linked in or the CPU cannot
 * run it, maps the buffers.  copy is NULL for the flush-only tests. */
static void setup_pair(const char *flush, const char *copy, const char *grp)
{
	struct pmem_cpu cpu;

	group = grp;
	snprintf(C.pair, sizeof(C.pair), "%s%s%s", flush, copy ? "+" : "",
			copy ? copy : "");
	C.fb = find_backend(flush);
	C.cb = copy ? find_backend(copy) : NULL;
	if (!C.fb)
		skip("%s is not linked in (configure.py --backends)", flush);
	if (copy && !C.cb)
		skip("%s is not linked in (configure.py --backends)", copy);
	cr_assert_eq(C.fb->kind, PMEM_BACKEND_FLUSH, "%s: not a flush backend",
			flush);
	if (C.cb)
		cr_assert_eq(C.cb->kind, PMEM_BACKEND_COPY,
				"%s: not a copy backend", copy);

	checkasm_cpu(&cpu);
	if (!C.fb->probe(&cpu))
		skip("%s: CPU lacks %s", flush, needs(flush));
	if (C.cb && !C.cb->probe(&cpu))
		skip("%s: CPU lacks %s", copy, needs(copy));

	/* msync-fallback makes a system call per flush: fewer cases */
	C.reduced = strcmp(flush, "msync-fallback") == 0;
	map_buffers();
}

/* Puts the pair in the library's table, as start-up would. */
static void install(size_t threshold)
{
	pmem_ops.flush = C.fb->flush;
	pmem_ops.drain = C.fb->drain;
	if (C.cb) {
		pmem_ops.memmove_nt = C.cb->memmove_nt;
		pmem_ops.memset_nt = C.cb->memset_nt;
	}
	pmem_ops.movnt_threshold = threshold;
	if (threshold == SIZE_MAX)
		snprintf(C.thr, sizeof(C.thr), "thr=max");
	else
		snprintf(C.thr, sizeof(C.thr), "thr=%zu", threshold);
}

static void report(void)
{
	if (getenv("CHECKASM_VERBOSE"))
		fprintf(stderr, "checkasm: %-26s %-19s %9lu cases\n", C.pair,
				group, C.cases);
}

/* ---- one case -------------------------------------------------------- */

struct where {
	size_t doff, soff;	/* offsets in the dst and src buffers */
	int overlap;		/* src lies in the dst buffer */
	size_t len;
	int c;			/* fill byte */
};

static void describe(char *buf, size_t size, const struct op *op,
		const struct where *w)
{
	int n = snprintf(buf, size, "%s %s %s len=%zu dst+%zu", C.pair,
			op->name, op->call == CALL_DIRECT ? "" : C.thr, w->len,
			w->doff % 64);
	if (op->kind == K_SET)
		snprintf(buf + n, size - n, " c=0x%02x", w->c);
	else if (w->overlap)
		snprintf(buf + n, size - n, " overlap dst-src=%+ld",
				(long)(w->doff - w->soff));
	else
		snprintf(buf + n, size - n, " src+%zu", w->soff % 64);
}

static void fail(const struct op *op, const struct where *w,
		const char *fmt, ...)
{
	char what[160], msg[200];
	va_list ap;

	describe(what, sizeof(what), op, w);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cr_expect_fail("FAIL %s: %s", what, msg);
	if (++C.fails >= MAX_FAILS)
		cr_assert_fail("%s: %u failures, giving up", C.pair, C.fails);
}

static void *call(const struct op *op, void *d, const void *s, int c,
		size_t n)
{
	if (op->kind == K_SET) {
		switch (op->call) {
		case CALL_DIRECT:
			return C.cb->memset_nt(d, c, n, C.fb->flush);
		case CALL_PERSIST:
			return pmem_memset_persist(d, c, n);
		case CALL_NODRAIN:
			return pmem_memset_nodrain(d, c, n);
		case CALL_FLAGS:
			return pmem_memset(d, c, n, op->flags);
		}
	} else if (op->cpy) {
		switch (op->call) {
		case CALL_DIRECT:
			break;
		case CALL_PERSIST:
			return pmem_memcpy_persist(d, s, n);
		case CALL_NODRAIN:
			return pmem_memcpy_nodrain(d, s, n);
		case CALL_FLAGS:
			return pmem_memcpy(d, s, n, op->flags);
		}
	} else {
		switch (op->call) {
		case CALL_DIRECT:
			return C.cb->memmove_nt(d, s, n, C.fb->flush);
		case CALL_PERSIST:
			return pmem_memmove_persist(d, s, n);
		case CALL_NODRAIN:
			return pmem_memmove_nodrain(d, s, n);
		case CALL_FLAGS:
			return pmem_memmove(d, s, n, op->flags);
		}
	}
	cr_assert_fail("bad op %s", op->name);
	return NULL;
}

#ifdef PMEM_CHECK
/* ---- durability (check build only) ----------------------------------- */

static void dur_start(void *d, size_t n)
{
	check_reset();
	if (strcmp(C.fb->name, "nop") == 0)
		check_set_eadr(1);	/* nop is right only where caches persist */
	if (n)
		check_track(d, n);
}

static void dur_expect(const struct op *op, const struct where *w,
		const char *stage, const char *why)
{
	if (why)
		fail(op, w, "%s: %s", stage, why);
}

/* What must hold when the call returns, and after the drain or persist a
 * program would issue next. */
static void dur_after(const struct op *op, const struct where *w, void *d)
{
	size_t n = w->len;

	if (!n)
		return;
	switch (op->call) {
	case CALL_DIRECT:
		dur_expect(op, w, "not on its way", check_pending_ok(d, n));
		C.fb->drain();
		dur_expect(op, w, "not durable after drain",
				check_durable(d, n));
		break;
	case CALL_PERSIST:
		dur_expect(op, w, "not durable", check_durable(d, n));
		break;
	case CALL_NODRAIN:
		dur_expect(op, w, "not on its way", check_pending_ok(d, n));
		pmem_drain();
		dur_expect(op, w, "not durable after pmem_drain",
				check_durable(d, n));
		break;
	case CALL_FLAGS:
		if (op->flags & PMEM_F_MEM_NOFLUSH) {
			pmem_persist(d, n);
			dur_expect(op, w, "not durable after pmem_persist",
					check_durable(d, n));
		} else if (op->flags & PMEM_F_MEM_NODRAIN) {
			dur_expect(op, w, "not on its way",
					check_pending_ok(d, n));
			pmem_drain();
			dur_expect(op, w, "not durable after pmem_drain",
					check_durable(d, n));
		} else {
			dur_expect(op, w, "not durable", check_durable(d, n));
		}
		break;
	}
}
#define DUR_START(d, n) dur_start((d), (n))
#define DUR_AFTER(op, w, d) dur_after((op), (w), (d))
#else
#define DUR_START(d, n) ((void)0)
#define DUR_AFTER(op, w, d) ((void)0)
#endif

/* Compares [lo, hi) of dst with the reference, then restores both. */
static void compare_restore(const struct op *op, const struct where *w,
		size_t lo, size_t hi)
{
	long at = checkasm_first_diff(C.dst + lo, C.ref + lo, hi - lo);
	if (at >= 0) {
		size_t i = lo + (size_t)at;
		long rel = (long)i - (long)w->doff;
		fail(op, w, "first difference at dst%+ld%s (got 0x%02x, "
				"want 0x%02x)", rel,
				rel < 0 ? " (guard before)" :
				(size_t)rel >= w->len ? " (guard after)" : "",
				C.dst[i], C.ref[i]);
	}
	memcpy(C.dst + lo, C.bg + lo, hi - lo);
	memcpy(C.ref + lo, C.bg + lo, hi - lo);
}

static void run(const struct op *op, const struct where *w)
{
	unsigned char *d = C.dst + w->doff;
	const unsigned char *s = w->overlap ? C.dst + w->soff : C.src + w->soff;
	size_t lo = w->doff, hi = w->doff + w->len;

	if (w->overlap) {
		lo = w->soff < lo ? w->soff : lo;
		hi = w->soff + w->len > hi ? w->soff + w->len : hi;
	}
	lo -= GUARD;
	hi += GUARD;

	if (op->kind == K_SET)
		memset(C.ref + w->doff, w->c, w->len);
	else
		memmove(C.ref + w->doff, w->overlap ? C.ref + w->soff : s,
				w->len);

	DUR_START(d, w->len);
	void *ret = call(op, d, s, w->c, w->len);
	DUR_AFTER(op, w, d);
	C.cases++;
	if (ret != d)
		fail(op, w, "returned %p, want dst %p", ret, (void *)d);
	compare_restore(op, w, lo, hi);
}

static void run_move(const struct op *op, size_t len, unsigned sa,
		unsigned da)
{
	struct where w = { .doff = ORG + da, .soff = ORG + sa, .len = len };
	run(op, &w);
}

/* dst = src + dist (dist < 0: dst below src, copied upwards) */
static void run_overlap(const struct op *op, size_t len, long dist,
		unsigned align)
{
	size_t base = ORG + align;
	struct where w = { .overlap = 1, .len = len };
	w.soff = dist < 0 ? base - dist : base;
	w.doff = w.soff + dist;
	run(op, &w);
}

static void run_set(const struct op *op, size_t len, unsigned da, int c)
{
	struct where w = { .doff = ORG + da, .len = len, .c = c };
	run(op, &w);
}

/* ---- matrices ------------------------------------------------------- */

/* Overlapping moves at each distance, both directions. */
static void overlaps(const struct op *op, const size_t *lens, size_t nlens,
		size_t maxlen, const unsigned *aligns, size_t naligns)
{
	for (size_t i = 0; i < ARRAY_SIZE(overlap_dists); i++)
		for (int sign = -1; sign <= 1; sign += 2)
			for (size_t a = 0; a < naligns; a++) {
				long dist = sign * (long)overlap_dists[i];
				for (size_t n = 0; n <= maxlen; n++)
					run_overlap(op, n, dist, aligns[a]);
				for (size_t k = 0; k < nlens; k++)
					run_overlap(op, lens[k], dist,
							aligns[a]);
			}
}

/* The whole matrix, for the backend called directly. */
static void move_full(const struct op *op)
{
	static const size_t ovl_lens[] = {
		513, 1000, 2047, 2048, 4095, 4096, 5000,
	};
	static const unsigned ovl_aligns[] = { 0, 1, 33, 63 };
	static const long big_dists[] = {
		1, 77, 4097, (1L << 20) + 3,
	};

	/* every size, eight misalignment pairs */
	for (size_t n = 0; n <= 4096; n++)
		for (size_t p = 0; p < ARRAY_SIZE(align_pairs); p++)
			run_move(op, n, align_pairs[p][0], align_pairs[p][1]);
	/* every misalignment pair, the sizes around each step */
	for (unsigned sa = 0; sa < 64; sa++)
		for (unsigned da = 0; da < 64; da++)
			for (size_t k = 0; k < ARRAY_SIZE(edge_sizes); k++)
				run_move(op, edge_sizes[k], sa, da);
	overlaps(op, ovl_lens, ARRAY_SIZE(ovl_lens), 512, ovl_aligns,
			ARRAY_SIZE(ovl_aligns));
	/* large */
	for (size_t k = 0; k < ARRAY_SIZE(large_sizes); k++) {
		run_move(op, large_sizes[k], 0, 0);
		run_move(op, large_sizes[k], 1, 63);
		run_move(op, large_sizes[k], 37, 5);
	}
	for (size_t k = 0; k < ARRAY_SIZE(big_dists); k++) {
		run_overlap(op, (4u << 20) + 65, big_dists[k], 13);
		run_overlap(op, (4u << 20) + 65, -big_dists[k], 13);
	}
}

static void set_full(const struct op *op)
{
	static const unsigned aligns[] = { 0, 1, 7, 31, 32, 33, 62, 63 };

	for (size_t n = 0; n <= 4096; n++)
		for (size_t a = 0; a < ARRAY_SIZE(aligns); a++)
			run_set(op, n, aligns[a],
					fill_chars[(n + a) % ARRAY_SIZE(fill_chars)]);
	for (unsigned da = 0; da < 64; da++)
		for (size_t k = 0; k < ARRAY_SIZE(edge_sizes); k++)
			for (size_t c = 0; c < ARRAY_SIZE(fill_chars); c++)
				run_set(op, edge_sizes[k], da, fill_chars[c]);
	for (size_t k = 0; k < ARRAY_SIZE(large_sizes); k++) {
		run_set(op, large_sizes[k], 0, 0xa5);
		run_set(op, large_sizes[k], 1, 0x00);
		run_set(op, large_sizes[k], 63, 0xff);
	}
}

/*
 * For the public functions (many flag forms and thresholds): every size
 * with one misalignment pair each (the eight take turns), the edge sizes
 * with all eight, a few overlaps, one large size.  Reduced: every size to
 * 300, then every 29th.
 */
static size_t next_size(size_t n)
{
	return C.reduced && n >= 300 ? n + 29 : n + 1;
}

static void move_api(const struct op *op)
{
	static const size_t ovl_lens[] = {
		0, 1, 63, 64, 65, 255, 256, 257, 1000, 4096,
	};
	static const unsigned ovl_aligns[] = { 0, 5 };
	static const long ovl_dists[] = { 1, 63, 64, 65, 300 };

	for (size_t n = 0; n <= 4096; n = next_size(n)) {
		const unsigned *p = align_pairs[n % ARRAY_SIZE(align_pairs)];
		run_move(op, n, p[0], p[1]);
	}
	for (size_t k = 0; k < ARRAY_SIZE(edge_sizes); k++)
		for (size_t p = 0; p < ARRAY_SIZE(align_pairs); p++)
			run_move(op, edge_sizes[k], align_pairs[p][0],
					align_pairs[p][1]);
	if (!op->cpy)
		for (size_t i = 0; i < ARRAY_SIZE(ovl_dists); i++)
			for (size_t k = 0; k < ARRAY_SIZE(ovl_lens); k++)
				for (size_t a = 0; a < ARRAY_SIZE(ovl_aligns); a++) {
					run_overlap(op, ovl_lens[k], ovl_dists[i],
							ovl_aligns[a]);
					run_overlap(op, ovl_lens[k], -ovl_dists[i],
							ovl_aligns[a]);
				}
	run_move(op, (1u << 20) + 67, 3, 45);
}

static void set_api(const struct op *op)
{
	for (size_t n = 0; n <= 4096; n = next_size(n))
		run_set(op, n, (unsigned)(n * 7) % 64,
				fill_chars[n % ARRAY_SIZE(fill_chars)]);
	for (size_t k = 0; k < ARRAY_SIZE(edge_sizes); k++)
		for (size_t p = 0; p < ARRAY_SIZE(align_pairs); p++)
			run_set(op, edge_sizes[k], align_pairs[p][1],
					fill_chars[p % ARRAY_SIZE(fill_chars)]);
	run_set(op, (1u << 20) + 67, 45, 0x3c);
}

/* ---- the operations ------------------------------------------------- */

/* The flag combinations a program may pass. */
static const unsigned flag_sets[] = {
	0,
	PMEM_F_MEM_NODRAIN,
	PMEM_F_MEM_NONTEMPORAL,
	PMEM_F_MEM_NONTEMPORAL | PMEM_F_MEM_NODRAIN,
	PMEM_F_MEM_TEMPORAL,
	PMEM_F_MEM_TEMPORAL | PMEM_F_MEM_NODRAIN,
	PMEM_F_MEM_WC,
	PMEM_F_MEM_WB,
	PMEM_F_MEM_NOFLUSH,
	PMEM_F_MEM_NOFLUSH | PMEM_F_MEM_NONTEMPORAL,
	PMEM_F_MEM_NOFLUSH | PMEM_F_MEM_TEMPORAL,
};

static void flags_str(char *buf, size_t size, unsigned flags)
{
	static const char *const names[] = {
		"NODRAIN", "NONTEMPORAL", "TEMPORAL", "WC", "WB", "NOFLUSH",
	};
	size_t n = 0;

	buf[0] = '\0';
	if (!flags)
		snprintf(buf, size, "0");
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		if (flags & (1u << i))
			n += snprintf(buf + n, size - n, "%s%s", n ? "|" : "",
					names[i]);
}

static struct op make_op(enum kind kind, enum call call, int cpy,
		unsigned flags)
{
	static const char *const base[] = { "memmove", "memcpy", "memset" };
	static const char *const suffix[] = { "", "_persist", "_nodrain", "" };
	struct op op = { .kind = kind, .call = call, .cpy = cpy,
		.flags = flags };
	const char *b = base[kind == K_SET ? 2 : cpy];
	char f[48];

	if (call == CALL_DIRECT) {
		snprintf(op.name, sizeof(op.name), "%s_nt", b);
	} else if (call == CALL_FLAGS) {
		flags_str(f, sizeof(f), flags);
		snprintf(op.name, sizeof(op.name), "pmem_%s(%s)", b, f);
	} else {
		snprintf(op.name, sizeof(op.name), "pmem_%s%s", b,
				suffix[call]);
	}
	return op;
}

/* Every public form of kind, at each threshold. */
static void api_all(enum kind kind, void (*matrix)(const struct op *))
{
	static const size_t thresholds[] = { 0, 256, SIZE_MAX };
	int ncpy = kind == K_MOVE ? 2 : 1;

	for (size_t t = 0; t < ARRAY_SIZE(thresholds); t++) {
		install(thresholds[t]);
		for (int cpy = 0; cpy < ncpy; cpy++) {
			struct op op = make_op(kind, CALL_PERSIST, cpy, 0);
			matrix(&op);
			op = make_op(kind, CALL_NODRAIN, cpy, 0);
			matrix(&op);
			for (size_t f = 0; f < ARRAY_SIZE(flag_sets); f++) {
				op = make_op(kind, CALL_FLAGS, cpy,
						flag_sets[f]);
				matrix(&op);
			}
		}
	}
}

static void group_memmove_nt(const char *flush, const char *copy)
{
	setup_pair(flush, copy, "memmove_nt");
	install(256);
	struct op op = make_op(K_MOVE, CALL_DIRECT, 0, 0);
	move_full(&op);
	report();
}

static void group_memset_nt(const char *flush, const char *copy)
{
	setup_pair(flush, copy, "memset_nt");
	install(256);
	struct op op = make_op(K_SET, CALL_DIRECT, 0, 0);
	set_full(&op);
	report();
}

static void group_api_move(const char *flush, const char *copy)
{
	setup_pair(flush, copy, "api_move");
	api_all(K_MOVE, move_api);
	report();
}

static void group_api_set(const char *flush, const char *copy)
{
	setup_pair(flush, copy, "api_set");
	api_all(K_SET, set_api);
	report();
}

/* ---- pmem_persist, pmem_flush, pmem_drain --------------------------- */

/* Stores len bytes (recorded in the check build), then persists them
 * with pmem_persist (how 0) or pmem_flush + pmem_drain (how 1). */
static void run_flush(int how, size_t len, unsigned da, int c)
{
	struct op op = { .kind = K_SET, .call = CALL_DIRECT };
	struct where w = { .doff = ORG + da, .len = len, .c = c };
	unsigned char *d = C.dst + w.doff;

	snprintf(op.name, sizeof(op.name), "%s",
			how ? "pmem_flush+pmem_drain" : "pmem_persist");
	memset(C.ref + w.doff, c, len);
	DUR_START(d, len);
	pm_store_fill(d, c, len);
	if (how == 0) {
		pmem_persist(d, len);
	} else {
		pmem_flush(d, len);
#ifdef PMEM_CHECK
		if (len)
			dur_expect(&op, &w, "not on its way",
					check_pending_ok(d, len));
#endif
		pmem_drain();
	}
#ifdef PMEM_CHECK
	if (len)
		dur_expect(&op, &w, "not durable", check_durable(d, len));
#endif
	C.cases++;
	compare_restore(&op, &w, w.doff - GUARD, w.doff + len + GUARD);
}

static void group_flush(const char *flush)
{
	setup_pair(flush, NULL, "persist_flush_drain");
	install(256);
	for (int how = 0; how < 2; how++) {
		for (size_t n = 0; n <= 4096; n = next_size(n))
			for (unsigned da = 0; da < 64; da += 21)
				run_flush(how, n, da, (int)(n & 0xff));
		for (size_t k = 0; k < ARRAY_SIZE(large_sizes); k++)
			run_flush(how, large_sizes[k], 17, 0x11);
	}
	report();
}

/* ---- the tests -------------------------------------------------------- */

#define PAIR_TESTS(fi, fname, ci, cname) \
	Test(fi##__##ci, memmove_nt) { group_memmove_nt(fname, cname); } \
	Test(fi##__##ci, memset_nt) { group_memset_nt(fname, cname); } \
	Test(fi##__##ci, api_move) { group_api_move(fname, cname); } \
	Test(fi##__##ci, api_set) { group_api_set(fname, cname); }

/* Each instruction set's copy backends and flush instructions; the
 * other set's are never linked in, so they are not listed at all. */
#if defined(__aarch64__)
#define COPY_PAIRS(fi, fname) \
	PAIR_TESTS(fi, fname, temporal, "temporal")
#else
#define COPY_PAIRS(fi, fname) \
	PAIR_TESTS(fi, fname, nt_sse2, "nt-sse2") \
	PAIR_TESTS(fi, fname, nt_avx, "nt-avx") \
	PAIR_TESTS(fi, fname, nt_avx512, "nt-avx512")
#endif

#define FLUSH_TESTS(fi, fname) \
	Test(fi, persist_flush_drain) { group_flush(fname); } \
	COPY_PAIRS(fi, fname)

#if defined(__aarch64__)
FLUSH_TESTS(dc_cvap, "dc-cvap")
FLUSH_TESTS(dc_cvac, "dc-cvac")
#else
FLUSH_TESTS(clflush, "clflush")
FLUSH_TESTS(clflushopt, "clflushopt")
FLUSH_TESTS(clwb, "clwb")
#endif
FLUSH_TESTS(msync_fallback, "msync-fallback")
FLUSH_TESTS(nop, "nop")
