/*
 * log.h -- the library's messages.  They go to the function set with
 * pmem_log_set_function(); with none set, the debug build writes them to
 * stderr or PMEM_LOG_FILE (as PMEM_LOG_LEVEL says) and the release build
 * drops them (it never prints).
 */
#ifndef PMEM_LOG_H
#define PMEM_LOG_H 1

#include "libpmem.h"

void pmem_log_msg(enum pmem_log_level level, const char *file, unsigned line,
		const char *func, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* PMEM_LOG_THRESHOLD's value: messages less severe are not even
 * formatted, so a disabled message costs one load and one compare. */
extern enum pmem_log_level pmem_log_threshold_main;

#define PMEM_LOG(level, ...) do { \
	if ((int)PMEM_LOG_LEVEL_##level <= (int)__atomic_load_n( \
			&pmem_log_threshold_main, __ATOMIC_RELAXED)) \
		pmem_log_msg(PMEM_LOG_LEVEL_##level, __FILE__, __LINE__, \
				__func__, __VA_ARGS__); \
} while (0)

/* Restores the start-up state: default function and thresholds, and in
 * the debug build PMEM_LOG_LEVEL/PMEM_LOG_FILE read again (tests). */
void pmem_log_reset(void);

#endif
