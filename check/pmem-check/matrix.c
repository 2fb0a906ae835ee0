/*
 * matrix.c -- the backend matrix (see matrix.h): one engine for
 * tests/portable/test_checkasm.c (every linked-in pair), the
 * broken-backend tests (tests/durability/test_matrix_broken.c) and
 * pmem-check (the pair the library resolves), so a mistake here shows in
 * all of them.
 *
 * Each case writes into a mapped buffer whose bytes are random, does the
 * same with memmove/memset on a reference copy, and compares the
 * destination plus GUARD bytes on each side; then both are restored.
 * The return value must be dst.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "ops.h"
#include "pm_prims.h"
#include "select.h"
#include "checkasm.h"
#include "matrix.h"
#ifdef PMEM_CHECK
#include "check.h"
#endif

#define GUARD 128			/* bytes checked on each side of dst */
#define ORG 8192			/* offset of an aligned dst in its buffer */
#define BUFSZ ((8u << 20) + 4 * 4096u)	/* fits the largest case */

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

/* The state of the running matrix (one per process at a time). */
static struct {
	struct matrix *m;
	const struct pmem_backend *fb, *cb;	/* flush, copy backend */
	char pair[64];
	const unsigned char *src;	/* random, read-only */
	unsigned char *dst;		/* written by the code under test */
	unsigned char *ref;		/* written by memmove/memset */
	unsigned char *bg;		/* what dst and ref hold between cases */
	char thr[32];			/* threshold, for messages */
	int reduced;			/* smaller matrix (a syscall per flush) */
	jmp_buf stop;			/* max_fails reached */
} C;

/* ---- set-up ---------------------------------------------------------- */

static int map_buffers(void)
{
	if (C.src)
		return 0;	/* mapped by an earlier group; restored since */
	unsigned char *src = checkasm_map(BUFSZ);
	C.dst = checkasm_map(BUFSZ);
	C.ref = checkasm_map(BUFSZ);
	C.bg = checkasm_map(BUFSZ);
	if (!src || !C.dst || !C.ref || !C.bg)
		return -1;
	checkasm_fill_random(src, BUFSZ, 0x5eed0001);
	checkasm_fill_random(C.bg, BUFSZ, 0x5eed0002);
	memcpy(C.dst, C.bg, BUFSZ);
	memcpy(C.ref, C.bg, BUFSZ);
	/* a write to the source would fault */
	if (mprotect(src, BUFSZ, PROT_READ) != 0)
		return -1;
	C.src = src;
	return 0;
}

/* Puts the pair in the library's table, as start-up would. */
static void install(size_t threshold)
{
	pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
		.flush = C.fb,
		.copy = C.cb,
		.cpu = &C.m->pair.cpu,
		.movnt_threshold = C.m->pair.movnt ? threshold : SIZE_MAX,
		/* The library's own rule for small copies, at its own
		 * threshold. */
		.small_nt = C.m->pair.small_nt &&
			threshold == C.m->pair.threshold,
	});
	if (C.m->broken_no_nt_fence) {
		pmem_ops.memmove_nt = pmem_ops.memmove_nt_unfenced;
		pmem_ops.memset_nt = pmem_ops.memset_nt_unfenced;
	}
	if (threshold == SIZE_MAX)
		snprintf(C.thr, sizeof(C.thr), "thr=max");
	else
		snprintf(C.thr, sizeof(C.thr), "thr=%zu%s", threshold,
			 pmem_ops.small_nt ? "+small" : "");
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
	char what[160], msg[256], line[480];
	va_list ap;

	describe(what, sizeof(what), op, w);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "FAIL %s: %s", what, msg);
	C.m->fails++;
	C.m->group_fails++;
	C.m->fail(C.m->ctx, line);
	if (C.m->max_fails && C.m->group_fails >= C.m->max_fails)
		longjmp(C.stop, 1);
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
	abort();	/* no such op */
}

#ifdef PMEM_CHECK
/* ---- durability (check build only) ----------------------------------- */

static void dur_start(void *d, size_t n)
{
	check_reset();
	check_set_eadr(C.m->pair.eadr);
	check_set_page_cache(C.m->pair.page_cache);
	check_set_clflush_ordered((C.m->pair.cpu.features &
				   PMEM_CPU_CLFLUSH_ORDERED) != 0);
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
	/* every byte written through the primitives, none behind them */
	dur_expect(op, w, "unrecorded", check_written(d, n));
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
	C.m->cases++;
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

/* Reduced matrix (a system call per flush, or pmem-check --quick): every
 * size to 300, then every 29th; every 7th misalignment. */
static size_t next_size(size_t n)
{
	return C.reduced && n >= 300 ? n + 29 : n + 1;
}

/* pmem-check --quick: one large size (the api groups none). */
static size_t nlarge(void)
{
	return C.m->quick ? 1 : ARRAY_SIZE(large_sizes);
}

static unsigned next_align(unsigned a)
{
	return C.reduced ? a + 7 : a + 1;
}

/* Overlapping moves at each distance, both directions. */
static void overlaps(const struct op *op, const size_t *lens, size_t nlens,
		size_t maxlen, const unsigned *aligns, size_t naligns)
{
	for (size_t i = 0; i < ARRAY_SIZE(overlap_dists); i++)
		for (int sign = -1; sign <= 1; sign += 2)
			for (size_t a = 0; a < naligns; a++) {
				long dist = sign * (long)overlap_dists[i];
				for (size_t n = 0; n <= maxlen; n = next_size(n))
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
	for (size_t n = 0; n <= 4096; n = next_size(n))
		for (size_t p = 0; p < ARRAY_SIZE(align_pairs); p++)
			run_move(op, n, align_pairs[p][0], align_pairs[p][1]);
	/* every misalignment pair, the sizes around each step */
	for (unsigned sa = 0; sa < 64; sa = next_align(sa))
		for (unsigned da = 0; da < 64; da = next_align(da))
			for (size_t k = 0; k < ARRAY_SIZE(edge_sizes); k++)
				run_move(op, edge_sizes[k], sa, da);
	overlaps(op, ovl_lens, ARRAY_SIZE(ovl_lens), 512, ovl_aligns,
			ARRAY_SIZE(ovl_aligns));
	/* large */
	for (size_t k = 0; k < nlarge(); k++) {
		run_move(op, large_sizes[k], 0, 0);
		run_move(op, large_sizes[k], 1, 63);
		run_move(op, large_sizes[k], 37, 5);
	}
	for (size_t k = 0; k < (C.m->quick ? 1 : ARRAY_SIZE(big_dists)); k++) {
		run_overlap(op, (4u << 20) + 65, big_dists[k], 13);
		run_overlap(op, (4u << 20) + 65, -big_dists[k], 13);
	}
}

static void set_full(const struct op *op)
{
	static const unsigned aligns[] = { 0, 1, 7, 31, 32, 33, 62, 63 };

	for (size_t n = 0; n <= 4096; n = next_size(n))
		for (size_t a = 0; a < ARRAY_SIZE(aligns); a++)
			run_set(op, n, aligns[a],
					fill_chars[(n + a) % ARRAY_SIZE(fill_chars)]);
	for (unsigned da = 0; da < 64; da = next_align(da))
		for (size_t k = 0; k < ARRAY_SIZE(edge_sizes); k++)
			for (size_t c = 0; c < ARRAY_SIZE(fill_chars); c++)
				run_set(op, edge_sizes[k], da, fill_chars[c]);
	for (size_t k = 0; k < nlarge(); k++) {
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
	if (!C.m->quick)
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
	if (!C.m->quick)
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
	/* NT on: every copy NT, the pair's own threshold, none NT.  NT
	 * off: all temporal, as the library runs the pair. */
	size_t thresholds[3] = { SIZE_MAX }, nthr = 1;
	int ncpy = kind == K_MOVE ? 2 : 1;

	if (C.m->pair.movnt) {
		thresholds[0] = 0;
		if (C.m->pair.threshold && C.m->pair.threshold != SIZE_MAX)
			thresholds[nthr++] = C.m->pair.threshold;
		thresholds[nthr++] = SIZE_MAX;
	}
	for (size_t t = 0; t < nthr; t++) {
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
	C.m->cases++;
	compare_restore(&op, &w, w.doff - GUARD, w.doff + len + GUARD);
}

static void group_flush(void)
{
	install(256);
	for (int how = 0; how < 2; how++) {
		for (size_t n = 0; n <= 4096; n = next_size(n))
			for (unsigned da = 0; da < 64; da += 21)
				run_flush(how, n, da, (int)(n & 0xff));
		for (size_t k = 0; k < nlarge(); k++)
			run_flush(how, large_sizes[k], 17, 0x11);
	}
}

/* ---- the engine's interface ------------------------------------------ */

const char *const matrix_group_names[MATRIX_NGROUPS] = {
	"persist_flush_drain", "memmove_nt", "memset_nt", "api_move",
	"api_set",
};

const char *matrix_pair_name(const struct matrix_pair *p)
{
	static char buf[64];
	snprintf(buf, sizeof(buf), "%s+%s", p->flush->name,
			p->copy ? p->copy->name : "-");
	return buf;
}

const char *matrix_group_skip(const struct matrix_pair *p,
		enum matrix_group g)
{
	if ((g == MATRIX_MEMMOVE_NT || g == MATRIX_MEMSET_NT) && !p->movnt)
		return "the library never calls the copy backend under this "
			"flush backend (all copies temporal)";
	return NULL;
}

int matrix_run(struct matrix *m, enum matrix_group g)
{
	struct op op;

	C.m = m;
	C.fb = m->pair.flush;
	C.cb = m->pair.copy;
	snprintf(C.pair, sizeof(C.pair), "%s", matrix_pair_name(&m->pair));
	/* a system call per flush: fewer cases */
	C.reduced = m->pair.page_cache || m->quick;
	m->group_fails = 0;
	if (map_buffers())
		return -1;
	if (setjmp(C.stop))
		return 0;	/* max_fails reached */
	switch (g) {
	case MATRIX_PERSIST_FLUSH_DRAIN:
		group_flush();
		break;
	case MATRIX_MEMMOVE_NT:
		install(256);
		op = make_op(K_MOVE, CALL_DIRECT, 0, 0);
		move_full(&op);
		break;
	case MATRIX_MEMSET_NT:
		install(256);
		op = make_op(K_SET, CALL_DIRECT, 0, 0);
		set_full(&op);
		break;
	case MATRIX_API_MOVE:
		api_all(K_MOVE, move_api);
		break;
	case MATRIX_API_SET:
		api_all(K_SET, set_api);
		break;
	default:
		break;
	}
	return 0;
}

/* PMEM_BACKEND naming the pair, and nothing else set. */
static const char *pair_env(const char *name, void *ctx)
{
	return strcmp(name, "PMEM_BACKEND") == 0 ? ctx : NULL;
}

const char *matrix_pair_as_run(struct matrix_pair *p,
		const struct pmem_backend *flush,
		const struct pmem_backend *copy, const struct pmem_cpu *cpu)
{
	static struct pmem_selection sel;
	static char why[300];
	char forced[160];
	const struct pmem_backend *table[] = { flush, copy, NULL };

	snprintf(forced, sizeof(forced), "%s,%s", flush->name, copy->name);
	struct pmem_select_in in = {
		.cpu = cpu,
		.env = pair_env,
		.env_ctx = forced,
		.backends = table,
		.plugin_dir = "/nonexistent",
	};
	pmem_select_backends(&in, &sel);
	if (sel.choice.flush != flush || sel.choice.copy != copy) {
		snprintf(why, sizeof(why), "the library would not run %s: %s",
			 forced, sel.choice.refusal ? sel.choice.refusal :
			 "another pair chosen");
		return why;
	}
	memset(p, 0, sizeof(*p));
	p->flush = flush;
	p->copy = copy;
	p->movnt = sel.choice.movnt;
	p->threshold = sel.choice.movnt_threshold;
	p->small_nt = sel.choice.small_nt;
	p->cpu = *cpu;
	matrix_model_for(flush, &p->eadr, &p->page_cache);
	return NULL;
}

/*
 * The storage model a flush backend is right for, from its capabilities:
 * EADR_ONLY (nop) only where the cache is persistent; PAGE_CACHE
 * (msync-fallback) for storage behind the page cache, where only msync
 * makes data durable.  Every other flush backend: ADR (cache volatile).
 */
void matrix_model_for(const struct pmem_backend *flush, int *eadr,
		int *page_cache)
{
	*eadr = (flush->caps & PMEM_BACKEND_CAP_EADR_ONLY) != 0;
	*page_cache = (flush->caps & PMEM_BACKEND_CAP_PAGE_CACHE) != 0;
}

/*
 * The CPU rules under which the same flush backend runs differently.  The
 * one so far is how CLFLUSH is ordered: Intel orders it with later stores
 * (PMEM_CPU_CLFLUSH_ORDERED), AMD only with MFENCE.  It changes what the
 * library does (an ORDERED_FLUSH backend gets no drain and fenced NT
 * copies, pmem_ops_fill) and what the model lets a CLFLUSH do, so a
 * backend that passes under one rule may lose data under the other: a
 * false ORDERED_FLUSH claim passes on AMD and fails on Intel, a CLFLUSH
 * drained with SFENCE passes on Intel and fails on AMD.  The rule exists
 * where the CPU has CLFLUSH at all (x86-64).
 */
static const struct {
	uint64_t feature;	/* set under the rule, cleared under the other */
	uint64_t exists_with;	/* CPUs with this have one of the two */
	const char *on, *off;
} cpu_rules[] = {
	{ PMEM_CPU_CLFLUSH_ORDERED, PMEM_CPU_CLFLUSH,
		"Intel: CLFLUSH ordered with later stores",
		"AMD: CLFLUSH ordered only by MFENCE" },
};

unsigned matrix_cpu_rules(const struct pmem_cpu *cpu,
		struct matrix_cpu_rule out[MATRIX_MAX_RULES])
{
	unsigned n = 1;

	out[0].cpu = *cpu;
	out[0].name[0] = '\0';
	for (size_t r = 0; r < ARRAY_SIZE(cpu_rules); r++) {
		if (!(cpu->features & cpu_rules[r].exists_with) ||
				2 * n > MATRIX_MAX_RULES)
			continue;
		for (unsigned i = 0; i < n; i++) {
			struct matrix_cpu_rule *on = &out[i], *off = &out[n + i];
			*off = *on;
			on->cpu.features |= cpu_rules[r].feature;
			off->cpu.features &= ~cpu_rules[r].feature;
			size_t len = strlen(on->name);
			snprintf(on->name + len, sizeof(on->name) - len, "%s%s",
					len ? "; " : "", cpu_rules[r].on);
			snprintf(off->name + len, sizeof(off->name) - len,
					"%s%s", len ? "; " : "", cpu_rules[r].off);
		}
		n *= 2;
	}
	if (n == 1)
		snprintf(out[0].name, sizeof(out[0].name), "this CPU's");
	return n;
}
