/*
 * page.h -- the page size, from one source: the OS layer's
 * pmem_os_page_size(), unless a test injected another (64 KiB, as AArch64
 * kernels of RHEL and Ampere use, on a 4 KiB test machine).  Everything
 * that rounds to pages (msync, and so the pages the check model counts
 * durable; the is_pmem registry) asks here.
 */
#ifndef PMEM_PAGE_H
#define PMEM_PAGE_H 1

#include <stddef.h>
#include <stdint.h>

/* Bytes of a page; a power of two. */
size_t pmem_page_size(void);

/* Tests only: the page size from now on (a power of two at least the
 * OS's, so rounding still covers whole OS pages); 0 returns to the OS's. */
void pmem_page_size_inject(size_t bytes);

static inline uintptr_t pmem_page_down(uintptr_t v)
{
	return v & ~((uintptr_t)pmem_page_size() - 1);
}

static inline uintptr_t pmem_page_up(uintptr_t v)
{
	uintptr_t pg = (uintptr_t)pmem_page_size();
	return (v + pg - 1) & ~(pg - 1);
}

#endif
