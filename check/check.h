/*
 * check.h -- the durability model's interface for tests (check build only,
 * build/check/, PMEM_CHECK defined).  The primitives in prims/pm_prims.h
 * report every store, flush and fence to pmem_check_record(); the model
 * keeps the state of each 64-byte line of the tracked ranges.
 *
 * Line states: CLEAN, DIRTY (stored, in cache), WC (non-temporal store not
 * yet fenced), FLUSHING (clflushopt/clwb not yet fenced), DURABLE.
 * Implemented in check/check_model.c and check/crash_image.c (see
 * docs/durability.md).  The model is one global state without a lock: it
 * follows the thread that called check_track() and ignores events of other
 * threads, so drive it from one thread.
 */
#ifndef PMEM_CHECK_H
#define PMEM_CHECK_H 1

#include <stddef.h>

enum check_line_state {
	CHECK_CLEAN,
	CHECK_DIRTY,
	CHECK_WC,
	CHECK_FLUSHING,
	CHECK_DURABLE,
};

/* Forgets all tracked ranges and events; eADR off.  Statistics stay. */
void check_reset(void);

/* Models [addr, addr + len) as persistent memory; events outside tracked
 * ranges are ignored.  All lines start CLEAN.  At most 16 ranges; a range
 * overlapping a tracked one is refused (ignored).  The bytes are copied
 * as they are now, so a later check can tell bytes written behind the
 * model's back (by code that does not report its stores). */
void check_track(const void *addr, size_t len);

/* eADR platform (auto flush): the cache is in the persistence domain, so a
 * store is durable once it is globally visible. */
void check_set_eadr(int on);

/* Storage behind the page cache (a file system without DAX): only msync
 * makes data durable; CLFLUSH/CLFLUSHOPT/CLWB and SFENCE only move it into
 * the page (a fenced non-temporal store leaves the line DIRTY).  Off after
 * check_reset(); turning it on turns eADR off and vice versa. */
void check_set_page_cache(int on);

/* Which manual's CLFLUSH rule holds: on (Intel SDM) a CLFLUSH makes its
 * line durable at once, being ordered with every later write; off (AMD
 * APM) it is pending until an MFENCE, which alone orders it.  After
 * check_reset() it is the running CPU's (PMEM_CPU_CLFLUSH_ORDERED). */
void check_set_clflush_ordered(int on);

/* State of the line holding addr (CLEAN outside tracked ranges). */
enum check_line_state check_line(const void *addr);

/* "DIRTY", "WC", ... */
const char *check_state_name(enum check_line_state s);

/*
 * NULL when every line overlapping [addr, addr + len) is DURABLE or CLEAN
 * (never written), else a description of the first line left behind, e.g.
 * "line +0x40 (0x7f..40) is DIRTY: stored, never flushed".  The offset is
 * from the line holding addr.  A range not tracked is also reported, and
 * so is a line with a tracked byte that differs from its value at
 * check_track although no recorded store or NT store covered it ("changed
 * without a recorded store").  The text lives in a static buffer until the
 * next call.
 */
const char *check_durable(const void *addr, size_t len);

/* Like check_durable, but WC and FLUSHING lines also pass: what a _nodrain
 * operation must leave (everything written is on its way). */
const char *check_pending_ok(const void *addr, size_t len);

/* NULL when every byte of [addr, addr + len) (inside one tracked range)
 * was written by a recorded store or NT store since check_track, else a
 * description of the first line with a byte no recorded store wrote.
 * What a copy or fill of that range must leave: it catches unreported
 * writes even where they happen to store the byte value already there. */
const char *check_written(const void *addr, size_t len);

/* Counters kept across check_reset(), for test reports. */
struct check_stats {
	unsigned long long events;	/* events that touched tracked lines */
	unsigned long long checks;	/* check_durable/check_pending_ok calls */
	unsigned long long violations;	/* of those, how many failed */
};
void check_get_stats(struct check_stats *out);
void check_clear_stats(void);

/* ---- event log and crash images (check/crash_image.c) ---- */

/*
 * Starts recording: from now on every event on a tracked range is logged,
 * and so is the content of each line at the moment it becomes durable.
 * The current bytes of every tracked range are taken as the durable image
 * before the first event (as after a clean shutdown).  Call after
 * check_track(); check_reset() stops and frees the log.
 */
void check_log_start(void);

/* Number of events logged so far. */
size_t check_log_count(void);

/* Event i (0-based): its kind (enum pm_event of pm_prims.h), address and
 * length.  Returns -1 when i is out of range. */
int check_log_event(size_t i, int *ev, const void **addr, size_t *len);

/* "STORE", "NT_STORE", "CLFLUSH", ... */
const char *check_event_name(int ev);

/*
 * The bytes [addr, addr + len) (inside one tracked range) as power loss
 * right after the first k logged events would leave them: only what was
 * durable by then, older durable contents elsewhere.  k runs from 0 (the
 * image at check_log_start) to check_log_count().  Returns 0, or -1 when
 * logging is off, k is too large or the range is not tracked.  Cheapest
 * when called with growing k.
 */
int check_crash_image(size_t k, const void *addr, size_t len, void *out);

#endif
