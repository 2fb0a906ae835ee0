/*
 * crash_image.c -- the event log of the check build and the crash images
 * built from it (PMEM_CHECK only).
 *
 * While logging, every event on a tracked range is appended to a growable
 * array, and each time bytes of a line reach the persistence domain the
 * model (check_model.c) hands over their values, tagged with the event
 * that made them durable.  The image after k events is then the snapshot
 * taken at check_log_start() with every durable record of events 0..k-1
 * applied in order.  Images are kept per range and rolled forward, so
 * asking for every k in turn costs one pass over the records.
 *
 * In a normal build this file compiles to nothing.
 */
#ifdef PMEM_CHECK

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "check_int.h"
#include "pm_prims.h"

#define MAX_IMAGES 16

struct evrec {
	int ev;
	const void *addr;
	size_t len;
};

struct drec {
	size_t ev;		/* index of the event that made it durable */
	uintptr_t line;
	uint64_t mask;		/* bytes of the line it covers */
	uint8_t bytes[PM_LINE];
};

struct image {
	uintptr_t lo;
	size_t len;
	uint8_t *base;		/* contents at check_log_start */
	uint8_t *cur;		/* contents after cur_k events */
};

int crash_logging;
static struct evrec *evs;
static size_t nevs, capevs;
static struct drec *recs;
static size_t nrecs, caprecs;
static struct image imgs[MAX_IMAGES];
static unsigned nimgs;
static size_t cur_k, cur_rec;	/* imgs[].cur = records [0, cur_rec) */

/* Test-only build: running out of memory here cannot be reported. */
static void *grow(void *p, size_t *cap, size_t elem)
{
	size_t n = *cap ? 2 * *cap : 4096;
	p = realloc(p, n * elem);
	if (!p)
		abort();
	*cap = n;
	return p;
}

void crash_log_event(int ev, const void *addr, size_t len)
{
	if (nevs == capevs)
		evs = grow(evs, &capevs, sizeof(*evs));
	evs[nevs].ev = ev;
	evs[nevs].addr = addr;
	evs[nevs].len = len;
	nevs++;
}

void crash_log_durable(uintptr_t line, const uint8_t *bytes, uint64_t mask)
{
	if (nrecs == caprecs)
		recs = grow(recs, &caprecs, sizeof(*recs));
	struct drec *d = &recs[nrecs++];
	d->ev = nevs - 1;
	d->line = line;
	d->mask = mask;
	for (unsigned b = 0; b < PM_LINE; b++)	/* only the bytes of mask */
		if (mask >> b & 1)
			d->bytes[b] = bytes[b];
}

void crash_log_reset(void)
{
	crash_logging = 0;
	free(evs);
	free(recs);
	evs = NULL;
	recs = NULL;
	nevs = capevs = nrecs = caprecs = 0;
	for (unsigned i = 0; i < nimgs; i++) {
		free(imgs[i].base);
		free(imgs[i].cur);
	}
	memset(imgs, 0, sizeof(imgs));
	nimgs = 0;
	cur_k = cur_rec = 0;
}

void check_log_start(void)
{
	uintptr_t lo;
	size_t len;

	crash_log_reset();
	if (check_int_keep_content())
		return;
	for (unsigned i = 0; nimgs < MAX_IMAGES && !check_int_range(i, &lo, &len);
	     i++) {
		struct image *im = &imgs[nimgs];
		im->lo = lo;
		im->len = len;
		im->base = malloc(len);
		im->cur = malloc(len);
		if (!im->base || !im->cur)
			abort();
		memcpy(im->base, (const void *)lo, len);
		memcpy(im->cur, im->base, len);
		nimgs++;
	}
	crash_logging = 1;
}

size_t check_log_count(void)
{
	size_t n = nevs;
	return n;
}

int check_log_event(size_t i, int *ev, const void **addr, size_t *len)
{
	int ret = -1;

	if (i < nevs) {
		*ev = evs[i].ev;
		*addr = evs[i].addr;
		*len = evs[i].len;
		ret = 0;
	}
	return ret;
}

const char *check_event_name(int ev)
{
	switch (ev) {
	case PM_EV_STORE: return "STORE";
	case PM_EV_NT_STORE: return "NT_STORE";
	case PM_EV_CLFLUSH: return "CLFLUSH";
	case PM_EV_CLFLUSHOPT: return "CLFLUSHOPT";
	case PM_EV_CLWB: return "CLWB";
	case PM_EV_SFENCE: return "SFENCE";
	case PM_EV_MSYNC: return "MSYNC";
	case PM_EV_MFENCE: return "MFENCE";
	case PM_EV_DC_CVAP: return "DC_CVAP";
	case PM_EV_DC_CVAC: return "DC_CVAC";
	case PM_EV_DC_CVADP: return "DC_CVADP";
	case PM_EV_DSB: return "DSB";
	case PM_EV_DMB: return "DMB";
	case PM_EV_DCBST: return "DCBST";
	case PM_EV_DCBSTPS: return "DCBSTPS";
	case PM_EV_DCBFPS: return "DCBFPS";
	case PM_EV_HWSYNC: return "HWSYNC";
	case PM_EV_PHWSYNC: return "PHWSYNC";
	case PM_EV_LWSYNC: return "LWSYNC";
	}
	return "?";
}

static void apply(const struct drec *d)
{
	for (unsigned i = 0; i < nimgs; i++) {
		struct image *im = &imgs[i];
		for (unsigned b = 0; b < PM_LINE; b++) {
			uintptr_t p = d->line + b;
			if ((d->mask >> b & 1) && p >= im->lo &&
			    p - im->lo < im->len)
				im->cur[p - im->lo] = d->bytes[b];
		}
	}
}

int check_crash_image(size_t k, const void *addr, size_t len, void *out)
{
	uintptr_t a = (uintptr_t)addr;
	int ret = -1;

	if (!crash_logging || k > nevs)
		goto out;
	struct image *im = NULL;
	for (unsigned i = 0; i < nimgs; i++)
		if (a >= imgs[i].lo && a - imgs[i].lo <= imgs[i].len &&
		    len <= imgs[i].len - (a - imgs[i].lo))
			im = &imgs[i];
	if (!im)
		goto out;
	if (k < cur_k) {	/* going back: start again from the snapshot */
		for (unsigned i = 0; i < nimgs; i++)
			memcpy(imgs[i].cur, imgs[i].base, imgs[i].len);
		cur_rec = 0;
	}
	for (; cur_rec < nrecs && recs[cur_rec].ev < k; cur_rec++)
		apply(&recs[cur_rec]);
	cur_k = k;
	memcpy(out, im->cur + (a - im->lo), len);
	ret = 0;
out:
	return ret;
}

#endif /* PMEM_CHECK */
