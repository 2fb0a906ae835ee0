/*
 * log.h -- the library's messages.  They go to the function set with
 * pmem_log_set_function(); with none set, the debug build writes them to
 * stderr or PMEM_LOG_FILE and the release build drops them (it never
 * prints).
 */
#ifndef PMEM_LOG_H
#define PMEM_LOG_H 1

#include "libpmem.h"

void pmem_log_msg(enum pmem_log_level level, const char *file, unsigned line,
		const char *func, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define PMEM_LOG(level, ...) \
	pmem_log_msg(PMEM_LOG_LEVEL_##level, __FILE__, __LINE__, __func__, \
			__VA_ARGS__)

#endif
