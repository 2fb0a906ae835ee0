/* msync.c -- pmem_msync(): msync(MS_SYNC) of the pages covering a range. */
#include <errno.h>
#include <stdint.h>
#include "libpmem.h"
#include "err.h"
#include "export.h"
#include "msync.h"
#include "os.h"
#include "page.h"
#include "pm_prims.h"

int pmem_msync_pages(const void *addr, size_t len)
{
	if (!len)
		return 0;
	uintptr_t start = pmem_page_down((uintptr_t)addr);
	uintptr_t end = pmem_page_up((uintptr_t)addr + len);
	if (end < start)	/* the range wraps: no page covers it */
		end = pmem_page_down(UINTPTR_MAX);
	int ret = pmem_os_msync((const void *)start, end - start);
	/* The model is told the pages the OS was given, so it needs no page
	 * size of its own; the caller reports the OS's errno. */
	int saved_errno = errno;
	if (ret == 0)
		PM_RECORD(PM_EV_MSYNC, (const void *)start, end - start);
	errno = saved_errno;
	return ret;
}

PMEM_EXPORT int pmem_msync(const void *addr, size_t len)
{
	uintptr_t off = (uintptr_t)addr - pmem_page_down((uintptr_t)addr);
	int ret = len == 0 && off
		/* as PMDK: the part of the page before addr */
		? pmem_msync_pages((const char *)addr - off, off)
		: pmem_msync_pages(addr, len);
	if (ret != 0)
		pmem_err_errno(errno, "msync %p, %zu bytes", addr, len);
	return ret;
}
