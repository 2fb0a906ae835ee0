/*
 * plugin_common.h -- pieces shared by the test plugins: a working flush
 * and copy written against libpmem_backend.h alone, as a vendor would.
 * Each plugin file then breaks one thing the loader must refuse.
 */
#ifndef TEST_PLUGIN_COMMON_H
#define TEST_PLUGIN_COMMON_H 1

#include <stdint.h>
#include <string.h>
#include <emmintrin.h>
#include "libpmem_backend.h"

#define EXPORT __attribute__((visibility("default")))

static inline int probe_yes(const struct pmem_cpu *cpu)
{
	(void)cpu;
	return 1;
}

static inline void flush_lines(const void *addr, size_t len)
{
	uintptr_t p = (uintptr_t)addr & ~(uintptr_t)63;
	for (; p < (uintptr_t)addr + len; p += 64)
		_mm_clflush((const void *)p);
}

static inline void drain_fence(void)
{
	_mm_sfence();
}

static inline void *copy_plain(void *dst, const void *src, size_t len,
		pmem_flush_fn *flush)
{
	memmove(dst, src, len);
	flush(dst, len);
	return dst;
}

static inline void *set_plain(void *dst, int c, size_t len,
		pmem_flush_fn *flush)
{
	memset(dst, c, len);
	flush(dst, len);
	return dst;
}

#define FLUSH_FIELDS \
	.kind = PMEM_BACKEND_FLUSH, .probe = probe_yes, \
	.flush = flush_lines, .drain = drain_fence

#endif
