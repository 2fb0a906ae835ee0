/*
 * plugin_common.h -- pieces shared by the test plugins: a working flush
 * and copy written against libpmem_backend.h alone, as a vendor would.
 * Each plugin file then breaks one thing the loader must refuse.
 */
#ifndef TEST_PLUGIN_COMMON_H
#define TEST_PLUGIN_COMMON_H 1

#include <stdint.h>
#include <string.h>
#include "libpmem_backend.h"

/* A vendor's plugin is built for one instruction set; these build for
 * the one the tests are built for. */
#if defined(__aarch64__)
#define clean_line(p) __asm__ volatile("dc cvac, %0" : : "r"(p) : "memory")
#define store_fence() __asm__ volatile("dsb sy" : : : "memory")
#elif defined(__powerpc64__)
#define clean_line(p) __asm__ volatile("dcbst 0,%0" : : "r"(p) : "memory")
#define store_fence() __asm__ volatile("sync" : : : "memory")
#else
#include <emmintrin.h>
#define clean_line(p) _mm_clflush(p)
#define store_fence() _mm_sfence()
#endif

#define EXPORT __attribute__((visibility("default")))

/* The plugin's descriptor and the entry that returns it:
 * PLUGIN_DESCRIPTOR = { PLUGIN_HEAD, .name = ..., ... }; */
#define PLUGIN_DESCRIPTOR \
	static const struct pmem_backend desc; \
	PMEM_BACKEND_EXPORT(desc) \
	static const struct pmem_backend desc
/* The ABI version and size of this header: a well-formed descriptor. */
#define PLUGIN_HEAD .abi_version = PMEM_BACKEND_ABI_VERSION, \
	.size = sizeof(struct pmem_backend)

static inline int probe_yes(const struct pmem_cpu *cpu)
{
	(void)cpu;
	return 1;
}

static inline int probe_no(const struct pmem_cpu *cpu)
{
	(void)cpu;
	return 0;
}

static inline void flush_lines(const void *addr, size_t len)
{
	uintptr_t p = (uintptr_t)addr & ~(uintptr_t)63;
	for (; p < (uintptr_t)addr + len; p += 64)
		clean_line((const void *)p);
}

static inline void drain_fence(void)
{
	store_fence();
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

/* A flush backend's own temporal copy and fill (ABI version 3). */
static inline void *move_flush_lines(void *dst, const void *src, size_t len)
{
	memmove(dst, src, len);
	flush_lines(dst, len);
	return dst;
}

static inline void *fill_flush_lines(void *dst, int c, size_t len)
{
	memset(dst, c, len);
	flush_lines(dst, len);
	return dst;
}

#define FLUSH_FIELDS \
	.kind = PMEM_BACKEND_FLUSH, .probe = probe_yes, \
	.flush = flush_lines, .drain = drain_fence
#define COPY_FIELDS \
	.kind = PMEM_BACKEND_COPY, .probe = probe_yes, \
	.memmove_nt = copy_plain, .memset_nt = set_plain

/* A plugin that breaks one of the slots FLUSH_FIELDS or COPY_FIELDS fill
 * (NULL, or a probe that refuses): one line says which. */
#define FLUSH_PLUGIN(nm, pr, fl, dr) PLUGIN_DESCRIPTOR = { PLUGIN_HEAD, \
	.name = nm, .kind = PMEM_BACKEND_FLUSH, .probe = pr, .flush = fl, \
	.drain = dr }
#define COPY_PLUGIN(nm, pr, mv, st) PLUGIN_DESCRIPTOR = { PLUGIN_HEAD, \
	.name = nm, .kind = PMEM_BACKEND_COPY, .probe = pr, \
	.memmove_nt = mv, .memset_nt = st }

#endif
