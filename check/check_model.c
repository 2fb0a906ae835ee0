/*
 * check_model.c -- the shadow cache model of the check build (PMEM_CHECK).
 *
 * The primitives of prims/pm_prims.h execute the real instruction and
 * then call pmem_check_record().  For every 64-byte line of the tracked
 * ranges the model keeps a few bits (dirty in cache, flushed awaiting a
 * fence, non-temporal bytes awaiting a fence, ever written) in flat arrays,
 * and a queue of the lines a fence will complete, so an SFENCE costs the
 * lines it completes, not the size of the ranges.  The rules and the
 * manual sections they follow are in docs/durability.md.
 *
 * No lock: a locked instruction per event would wait for every CLFLUSH
 * before it and made the check build several times slower.  The model
 * follows the thread that tracked the ranges; events from other threads
 * are ignored (tests drive the model from one thread).
 *
 * In a normal build this file compiles to nothing.
 */
#ifdef PMEM_CHECK

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "libpmem_backend.h"
#include "check_int.h"
#include "export.h"
#include "pm_prims.h"

#define MAX_RANGES 16

/* The per-event path is test machinery already checked by the sanitizers
 * through the model's own tests; instrumenting it made the sanitized
 * backend matrix four times slower. */
#define HOT __attribute__((no_sanitize("address", "undefined")))

/* Line bits.  A line can be dirty and have pending write-backs at once
 * (stored again after a clflushopt), so these are not one state. */
enum {
	L_DIRTY = 1,	/* cache holds bytes newer than memory */
	L_FLUSHING = 2,	/* clflushopt/clwb issued, no fence since */
	L_WC = 4,	/* non-temporal bytes not yet fenced (nt mask) */
	L_WRITTEN = 8,	/* ever stored to: DURABLE rather than CLEAN */
	L_QUEUED = 16,	/* in the fence queue */
	L_MFENCE = 32,	/* CLFLUSH on a CPU that orders it only by MFENCE */
};

struct range {
	uintptr_t lo, hi;	/* the bytes asked for */
	uintptr_t base, end;	/* the lines covering them */
	size_t nlines;
	size_t cap;		/* lines st/nt/rec have room for (reused) */
	uint8_t *st;		/* L_* per line */
	uint64_t *nt;		/* per line: bytes written NT, unfenced */
	/* Per line: bytes some recorded store or NT store wrote.  A byte
	 * that differs from snap but is not here was written behind the
	 * model's back (a backend storing without pm_prims.h). */
	uint64_t *rec;
	uint8_t *snap;		/* [lo, hi) as it was at check_track */
	size_t snapcap;
	/* Logging only: per line, the bytes a fence will make durable. */
	uint8_t *pend;
	uint64_t *pmask;
};

struct qent {
	uint32_t r;
	uint32_t line;
};

static struct range ranges[MAX_RANGES];
static unsigned nranges;
static int eadr;
static int page_cache;		/* only msync makes data durable */
static int clflush_ordered;	/* CLFLUSH durable at once (Intel rule) */
static int keep_content;	/* set while the crash log runs */
static struct qent *queue;
static size_t nqueue, capqueue;
static struct check_stats stats;
static pthread_t owner;		/* the thread that tracked the ranges */
static char msg[256];

HOT static inline uint64_t byte_mask(unsigned lo, unsigned hi)
{
	return hi - lo == 64 ? ~0ULL : ((1ULL << (hi - lo)) - 1) << lo;
}

/* The bytes of line i that belong to the tracked range (edge lines may
 * hang over memory that is not ours to read). */
static uint64_t valid_mask(const struct range *r, size_t i)
{
	uintptr_t l = r->base + i * PM_LINE;
	unsigned lo = l < r->lo ? (unsigned)(r->lo - l) : 0;
	unsigned hi = l + PM_LINE > r->hi ? (unsigned)(r->hi - l) : PM_LINE;
	return byte_mask(lo, hi);
}

/* Copies the bytes of mask from the live line into dst. */
static void copy_masked(uint8_t *dst, const uint8_t *line, uint64_t mask)
{
	if (mask == ~0ULL) {
		memcpy(dst, line, PM_LINE);
		return;
	}
	while (mask) {
		unsigned lo = (unsigned)__builtin_ctzll(mask);
		unsigned hi = lo;
		while (hi < 64 && (mask >> hi & 1))
			hi++;
		memcpy(dst + lo, line + lo, hi - lo);
		mask &= ~byte_mask(lo, hi);
	}
}

/* Drops the logging arrays; st/nt stay allocated for the next range
 * (tests reset and track once per operation). */
static void clear_range(struct range *r)
{
	free(r->pend);
	free(r->pmask);
	r->pend = NULL;
	r->pmask = NULL;
	r->nlines = 0;
}

static int alloc_content(struct range *r)
{
	if (r->pend)
		return 0;
	r->pend = malloc(r->nlines * PM_LINE);
	r->pmask = calloc(r->nlines, sizeof(uint64_t));
	return r->pend && r->pmask ? 0 : -1;
}

void check_reset(void)
{
	__atomic_store_n(&nranges, 0, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < MAX_RANGES; i++)
		clear_range(&ranges[i]);
	nqueue = 0;
	eadr = 0;
	page_cache = 0;
	clflush_ordered = (pmem_backend_get_cpu()->features &
			PMEM_CPU_CLFLUSH_ORDERED) != 0;
	keep_content = 0;
	crash_log_reset();
}

void check_track(const void *addr, size_t len)
{
	uintptr_t lo = (uintptr_t)addr, hi = lo + len;
	uintptr_t base = lo & ~(uintptr_t)(PM_LINE - 1);
	uintptr_t end = (hi + PM_LINE - 1) & ~(uintptr_t)(PM_LINE - 1);

	if (!len)
		return;
	if (nranges && !pthread_equal(owner, pthread_self()))
		return;		/* one thread drives the model */
	owner = pthread_self();
	for (unsigned i = 0; i < nranges; i++)
		if (base < ranges[i].end && end > ranges[i].base)
			return;	/* overlaps a tracked range */
	if (nranges == MAX_RANGES)
		return;
	struct range *r = &ranges[nranges];
	r->lo = lo;
	r->hi = hi;
	r->base = base;
	r->end = end;
	r->nlines = (end - base) / PM_LINE;
	if (r->cap < r->nlines) {
		free(r->st);
		free(r->nt);
		free(r->rec);
		r->st = malloc(r->nlines);
		r->nt = malloc(r->nlines * sizeof(uint64_t));
		r->rec = malloc(r->nlines * sizeof(uint64_t));
		r->cap = r->st && r->nt && r->rec ? r->nlines : 0;
	}
	if (r->snapcap < len) {
		free(r->snap);
		r->snap = malloc(len);
		r->snapcap = r->snap ? len : 0;
	}
	if (!r->cap || !r->snapcap ||
	    (keep_content && alloc_content(r))) {
		clear_range(r);
		return;
	}
	memset(r->st, 0, r->nlines);
	memset(r->nt, 0, r->nlines * sizeof(uint64_t));
	memset(r->rec, 0, r->nlines * sizeof(uint64_t));
	memcpy(r->snap, addr, len);
	__atomic_store_n(&nranges, nranges + 1, __ATOMIC_RELAXED);
}

void check_set_eadr(int on)
{
	eadr = on != 0;
	if (eadr)
		page_cache = 0;
}

void check_set_clflush_ordered(int on)
{
	clflush_ordered = on != 0;
}

void check_set_page_cache(int on)
{
	page_cache = on != 0;
	if (page_cache)
		eadr = 0;
}

int check_int_range(unsigned i, uintptr_t *base, size_t *len)
{
	if (i >= nranges)
		return -1;
	*base = ranges[i].lo;
	*len = ranges[i].hi - ranges[i].lo;
	return 0;
}

int check_int_keep_content(void)
{
	keep_content = 1;
	for (unsigned i = 0; i < nranges; i++)
		if (alloc_content(&ranges[i]))
			return -1;
	return 0;
}

/* ---- events ---- */

HOT static void grow_queue(void)
{
	size_t cap = capqueue ? 2 * capqueue : 1024;
	struct qent *q = realloc(queue, cap * sizeof(*q));
	if (!q)
		abort();	/* test-only build: no way to go on */
	queue = q;
	capqueue = cap;
}

HOT static inline void enqueue(unsigned r, size_t i)
{
	if (ranges[r].st[i] & L_QUEUED)
		return;
	if (nqueue == capqueue)
		grow_queue();
	queue[nqueue].r = r;
	queue[nqueue].line = (uint32_t)i;
	nqueue++;
	ranges[r].st[i] |= L_QUEUED;
}

/* The line is written back now (CLFLUSH, msync): everything in the cache
 * is durable; unfenced non-temporal bytes are not (see the doc). */
HOT static void write_back(struct range *r, size_t i)
{
	if (!(r->st[i] & (L_DIRTY | L_FLUSHING)))
		return;
	if (keep_content) {
		uint64_t m = valid_mask(r, i) & ~r->nt[i];
		if (crash_logging && m)
			crash_log_durable(r->base + i * PM_LINE,
				(const uint8_t *)(r->base + i * PM_LINE), m);
		r->pmask[i] &= r->nt[i];
	}
	r->st[i] &= (uint8_t)~(L_DIRTY | L_FLUSHING);
}

HOT static void on_line(unsigned ri, size_t i, int ev, unsigned lo, unsigned hi)
{
	struct range *r = &ranges[ri];
	uint8_t *s = &r->st[i];
	const uint8_t *line = (const uint8_t *)(r->base + i * PM_LINE);
	uint64_t m;

	if (ev == PM_EV_STORE || ev == PM_EV_NT_STORE)
		r->rec[i] |= byte_mask(lo, hi);
	switch (ev) {
	case PM_EV_STORE:
		if (!eadr) {
			*s |= L_DIRTY | L_WRITTEN;
			break;
		}
		/* The cache is persistent: durable as stored.  The bytes
		 * overwrite any older unfenced NT data of the same bytes. */
		m = byte_mask(lo, hi);
		*s |= L_WRITTEN;
		r->nt[i] &= ~m;
		if (!r->nt[i])
			*s &= (uint8_t)~L_WC;
		if (keep_content) {
			r->pmask[i] &= ~m;
			if (crash_logging)
				crash_log_durable((uintptr_t)line, line, m);
		}
		break;
	case PM_EV_NT_STORE:
		m = byte_mask(lo, hi);
		r->nt[i] |= m;
		*s |= L_WC | L_WRITTEN;
		if (keep_content) {
			memcpy(r->pend + i * PM_LINE + lo, line + lo, hi - lo);
			r->pmask[i] |= m;
		}
		enqueue(ri, i);
		break;
	case PM_EV_CLFLUSH:
		if (page_cache)		/* it only reaches the page */
			break;
		if (clflush_ordered) {
			write_back(r, i);
			break;
		}
		/* AMD: pending like CLFLUSHOPT, but only MFENCE completes
		 * it. */
		if (*s & L_DIRTY)
			*s |= L_MFENCE;
		/* fall through */
	case PM_EV_CLFLUSHOPT:
	case PM_EV_CLWB:
	case PM_EV_DC_CVAP:	/* AArch64: complete at the next DSB */
	case PM_EV_DC_CVAC:
	case PM_EV_DC_CVADP:
	case PM_EV_DCBST:	/* ppc64: complete at the next hwsync */
	case PM_EV_DCBSTPS:
	case PM_EV_DCBFPS:
		if (page_cache || !(*s & L_DIRTY))
			break;
		*s = (uint8_t)((*s & ~L_DIRTY) | L_FLUSHING);
		if (keep_content) {
			m = valid_mask(r, i);
			copy_masked(r->pend + i * PM_LINE, line, m);
			r->pmask[i] |= m;
		}
		enqueue(ri, i);
		break;
	case PM_EV_MSYNC:
		write_back(r, i);
		*s &= (uint8_t)~L_MFENCE;
		break;
	}
}

/* SFENCE (full = 0) or MFENCE (full = 1).  A line awaiting MFENCE stays
 * queued and wholly pending at an SFENCE, its NT bytes too: conservative,
 * and such a line (NT bytes and a CLFLUSH at once) is rare. */
HOT static void fence(int full)
{
	size_t keep = 0;
	for (size_t q = 0; q < nqueue; q++) {
		struct range *r = &ranges[queue[q].r];
		size_t i = queue[q].line;
		if ((r->st[i] & L_MFENCE) && !full) {
			queue[keep++] = queue[q];
			continue;
		}
		if (page_cache) {
			/* The NT bytes are now in the page, which only an
			 * msync writes to storage: like a temporal store. */
			if (r->st[i] & L_WC)
				r->st[i] |= L_DIRTY;
			if (keep_content)
				r->pmask[i] = 0;
		} else if (keep_content && r->pmask[i]) {
			if (crash_logging)
				crash_log_durable(r->base + i * PM_LINE,
					r->pend + i * PM_LINE, r->pmask[i]);
			r->pmask[i] = 0;
		}
		r->nt[i] = 0;
		r->st[i] &= (uint8_t)~(L_WC | L_FLUSHING | L_QUEUED |
				       L_MFENCE);
	}
	nqueue = keep;
}

HOT PMEM_EXPORT void pmem_check_record(enum pm_event ev, const void *addr,
		size_t len)
{
	uintptr_t a = (uintptr_t)addr, e = a + len;
	unsigned n;

	if (!__atomic_load_n(&nranges, __ATOMIC_RELAXED) ||
	    !pthread_equal(owner, pthread_self()))
		return;
	n = nranges;
	if (ev == PM_EV_SFENCE || ev == PM_EV_MFENCE || ev == PM_EV_DSB ||
	    ev == PM_EV_HWSYNC || ev == PM_EV_PHWSYNC) {
		stats.events++;
		if (crash_logging)
			crash_log_event(ev, addr, len);
		fence(ev != PM_EV_SFENCE);	/* MFENCE, DSB, syncs: full */
		return;
	}
	/* The hottest event: one vector inside one line of a range. */
	if (ev == PM_EV_NT_STORE && !keep_content && len &&
	    (a & (PM_LINE - 1)) + len <= PM_LINE) {
		for (unsigned ri = 0; ri < n; ri++) {
			struct range *r = &ranges[ri];
			if (a < r->base || a >= r->end)
				continue;
			size_t i = (a - r->base) / PM_LINE;
			unsigned lo = (unsigned)(a & (PM_LINE - 1));
			stats.events++;
			uint64_t m = byte_mask(lo, lo + (unsigned)len);
			r->nt[i] |= m;
			r->rec[i] |= m;
			r->st[i] |= L_WC | L_WRITTEN;
			enqueue(ri, i);
			return;
		}
		return;		/* not tracked */
	}
	switch (ev) {
	case PM_EV_CLFLUSH:
	case PM_EV_CLFLUSHOPT:
	case PM_EV_CLWB:	/* the line holding addr */
	case PM_EV_DC_CVAP:
	case PM_EV_DC_CVAC:
	case PM_EV_DC_CVADP:
	case PM_EV_DCBST:
	case PM_EV_DCBSTPS:
	case PM_EV_DCBFPS:
		a &= ~(uintptr_t)(PM_LINE - 1);
		e = a + PM_LINE;
		break;
	case PM_EV_MSYNC:	/* whole pages: core/msync.c records what
				 * it gave the OS */
		if (!len)
			return;
		break;
	default:
		if (!len)
			return;
	}
	int logged = 0;
	for (unsigned ri = 0; ri < n; ri++) {
		struct range *r = &ranges[ri];
		uintptr_t ca = a > r->base ? a : r->base;
		uintptr_t ce = e < r->end ? e : r->end;
		if (ca >= ce)
			continue;
		if (!logged) {
			logged = 1;
			stats.events++;
			if (crash_logging)
				crash_log_event(ev, addr, len);
		}
		size_t first = (ca - r->base) / PM_LINE;
		size_t last = (ce - 1 - r->base) / PM_LINE;
		if (ev == PM_EV_STORE && !eadr) {	/* the common bulk case */
			for (size_t i = first; i <= last; i++) {
				uint64_t m = ~0ULL;	/* edges: bytes stored */
				if (i == first)
					m &= ~0ULL << (ca & (PM_LINE - 1));
				if (i == last && (ce & (PM_LINE - 1)))
					m &= ~(~0ULL << (ce & (PM_LINE - 1)));
				r->st[i] |= L_DIRTY | L_WRITTEN;
				r->rec[i] |= m;
			}
			continue;
		}
		for (size_t i = first; i <= last; i++) {
			uintptr_t l = r->base + i * PM_LINE;
			unsigned lo = ca > l ? (unsigned)(ca - l) : 0;
			unsigned hi = ce < l + PM_LINE ? (unsigned)(ce - l)
						       : PM_LINE;
			on_line(ri, i, ev, lo, hi);
		}
	}
}

/* ---- queries ---- */

static enum check_line_state state_of(uint8_t s)
{
	if (s & L_DIRTY)
		return CHECK_DIRTY;
	if (s & L_WC)
		return CHECK_WC;
	if (s & L_FLUSHING)
		return CHECK_FLUSHING;
	return (s & L_WRITTEN) ? CHECK_DURABLE : CHECK_CLEAN;
}

const char *check_state_name(enum check_line_state s)
{
	static const char *const names[] = {
		"CLEAN", "DIRTY", "WC", "FLUSHING", "DURABLE",
	};
	return (unsigned)s < 5 ? names[s] : "?";
}

static const char *why(uint8_t s)
{
	if (s & L_DIRTY)
		return (s & L_FLUSHING) ? "stored again after its flush"
					: "stored, never flushed";
	if (s & L_MFENCE)
		return "flushed with CLFLUSH, no MFENCE since (the CPU "
			"modelled orders CLFLUSH only with MFENCE, as AMD's)";
	if (s & L_WC)
		return "non-temporal store, no fence since";
	return "flushed (clflushopt/clwb/DC CVAP/DC CVAC/dcbst), no fence "
		"(sfence/DSB/hwsync) since";
}

static struct range *find(uintptr_t base, uintptr_t end)
{
	for (unsigned i = 0; i < nranges; i++)
		if (ranges[i].base <= base && end <= ranges[i].end)
			return &ranges[i];
	return NULL;
}

enum check_line_state check_line(const void *addr)
{
	uintptr_t l = (uintptr_t)addr & ~(uintptr_t)(PM_LINE - 1);
	enum check_line_state st = CHECK_CLEAN;

	struct range *r = find(l, l + PM_LINE);
	if (r)
		st = state_of(r->st[(l - r->base) / PM_LINE]);
	return st;
}

/* The bytes of line i (of the tracked bytes) that differ from the
 * snapshot taken at check_track and no recorded store wrote; 0 when
 * every tracked byte of the line was recorded (the usual case: no
 * comparison needed). */
static uint64_t unrecorded(const struct range *r, size_t i)
{
	uint64_t open = valid_mask(r, i) & ~r->rec[i];
	uintptr_t l = r->base + i * PM_LINE;
	const uint8_t *now = (const uint8_t *)l;
	uint64_t diff = 0;

	while (open) {
		unsigned b = (unsigned)__builtin_ctzll(open);
		open &= open - 1;
		if (now[b] != r->snap[l + b - r->lo])
			diff |= 1ULL << b;
	}
	return diff;
}

static const char *report_unrecorded(uintptr_t base, uintptr_t l,
		uint64_t diff)
{
	snprintf(msg, sizeof(msg), "line +0x%zx (%p) changed without a "
		 "recorded store: byte +%u differs from before and no store "
		 "or NT store was reported for it", (size_t)(l - base),
		 (void *)l, (unsigned)__builtin_ctzll(diff));
	return msg;
}

static const char *check_range(const void *addr, size_t len, int pending_ok)
{
	uintptr_t a = (uintptr_t)addr;
	uintptr_t base = a & ~(uintptr_t)(PM_LINE - 1);
	uintptr_t end = (a + len + PM_LINE - 1) & ~(uintptr_t)(PM_LINE - 1);
	const char *res = NULL;

	stats.checks++;
	if (!len)
		goto out;
	struct range *r = find(base, end);
	if (!r) {
		snprintf(msg, sizeof(msg), "range %p +%zu is not tracked",
			 addr, len);
		res = msg;
		goto out;
	}
	for (uintptr_t l = base; l < end; l += PM_LINE) {
		size_t i = (l - r->base) / PM_LINE;
		uint8_t s = r->st[i];
		enum check_line_state st = state_of(s);
		uint64_t diff = unrecorded(r, i);
		if (diff) {
			res = report_unrecorded(base, l, diff);
			break;
		}
		if (st == CHECK_DIRTY ||
		    (!pending_ok && (st == CHECK_WC || st == CHECK_FLUSHING))) {
			snprintf(msg, sizeof(msg), "line +0x%zx (%p) is %s: %s",
				 (size_t)(l - base), (void *)l,
				 check_state_name(st), why(s));
			res = msg;
			break;
		}
	}
out:
	if (res)
		stats.violations++;
	return res;
}

const char *check_durable(const void *addr, size_t len)
{
	return check_range(addr, len, 0);
}

const char *check_pending_ok(const void *addr, size_t len)
{
	return check_range(addr, len, 1);
}

const char *check_written(const void *addr, size_t len)
{
	uintptr_t a = (uintptr_t)addr, e = a + len;
	uintptr_t base = a & ~(uintptr_t)(PM_LINE - 1);
	uintptr_t end = (e + PM_LINE - 1) & ~(uintptr_t)(PM_LINE - 1);
	const char *res = NULL;

	stats.checks++;
	if (!len)
		goto out;
	struct range *r = find(base, end);
	if (!r || a < r->lo || e > r->hi) {
		snprintf(msg, sizeof(msg), "range %p +%zu is not tracked",
			 addr, len);
		res = msg;
		goto out;
	}
	for (uintptr_t l = base; l < end; l += PM_LINE) {
		unsigned lo = l < a ? (unsigned)(a - l) : 0;
		unsigned hi = l + PM_LINE > e ? (unsigned)(e - l) : PM_LINE;
		uint64_t missing = byte_mask(lo, hi) &
			~r->rec[(l - r->base) / PM_LINE];
		if (missing) {
			snprintf(msg, sizeof(msg), "line +0x%zx (%p): byte +%u "
				 "was written by no recorded store or NT store",
				 (size_t)(l - base), (void *)l,
				 (unsigned)__builtin_ctzll(missing));
			res = msg;
			break;
		}
	}
out:
	if (res)
		stats.violations++;
	return res;
}

void check_get_stats(struct check_stats *out)
{
	*out = stats;
}

void check_clear_stats(void)
{
	memset(&stats, 0, sizeof(stats));
}

#endif /* PMEM_CHECK */
