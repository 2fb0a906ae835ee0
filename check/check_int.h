/*
 * check_int.h -- what the durability model (check_model.c) and the crash
 * image log (crash_image.c) tell each other.  Check build only.
 */
#ifndef PMEM_CHECK_INT_H
#define PMEM_CHECK_INT_H 1

#include <stddef.h>
#include <stdint.h>

/* Tracked range i: returns 0 and fills base/len, or -1 past the last. */
int check_int_range(unsigned i, uintptr_t *base, size_t *len);

/* Asks the model to keep the pending bytes of each line (for the log). */
int check_int_keep_content(void);

/* ---- called by the model, only while logging ---- */
extern int crash_logging;

/* Appends an event; the durable records that follow belong to it. */
void crash_log_event(int ev, const void *addr, size_t len);

/* The bytes of line (64-aligned address) selected by mask (bit i = byte
 * i) reached the persistence domain with their values in bytes[]. */
void crash_log_durable(uintptr_t line, const uint8_t *bytes, uint64_t mask);

/* Frees the log (check_reset). */
void crash_log_reset(void);

#endif
