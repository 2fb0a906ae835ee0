/* flush_lines.h -- visits every cache line that overlaps a range. */
#ifndef PMEM_FLUSH_LINES_H
#define PMEM_FLUSH_LINES_H 1

#include <stdint.h>
#include "pm_prims.h"

/* An empty range overlaps no line, even when addr is not line-aligned. */
#define FOR_EACH_LINE(addr, len, op) do { \
	uintptr_t line_ = (uintptr_t)(addr) & ~(uintptr_t)(PM_LINE - 1); \
	uintptr_t end_ = (uintptr_t)(addr) + (len); \
	if ((len) == 0) \
		break; \
	for (; line_ < end_; line_ += PM_LINE) \
		op((const void *)line_); \
} while (0)

#endif
