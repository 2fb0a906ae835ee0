/*
 * check.h -- the durability model's interface for tests (check build only,
 * build/check/, PMEM_CHECK defined).  The primitives in backends/pm_prims.h
 * report every store, flush and fence to pmem_check_record(); the model
 * keeps the state of each 64-byte line of the tracked ranges.
 *
 * Line states: CLEAN, DIRTY (stored, in cache), WC (non-temporal store not
 * yet fenced), FLUSHING (clflushopt/clwb not yet fenced), DURABLE.
 * Implemented in core/check_model.c (see docs/durability.md).
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

/* Forgets all tracked ranges and events; eADR off. */
void check_reset(void);

/* Models [addr, addr + len) as persistent memory; events outside tracked
 * ranges are ignored.  All lines start CLEAN. */
void check_track(const void *addr, size_t len);

/* eADR platform (auto flush): the cache is in the persistence domain, so a
 * store is durable once it is globally visible. */
void check_set_eadr(int on);

/* State of the line holding addr. */
enum check_line_state check_line(const void *addr);

/*
 * NULL when every line overlapping [addr, addr + len) is DURABLE or CLEAN
 * (never written), else a description of the first line left behind, e.g.
 * "line +0x40 (0x7f..40) is DIRTY: stored, never flushed".
 */
const char *check_durable(const void *addr, size_t len);

/* Like check_durable, but WC and FLUSHING lines also pass: what a _nodrain
 * operation must leave (everything written is on its way). */
const char *check_pending_ok(const void *addr, size_t len);

#endif
