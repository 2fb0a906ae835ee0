/* msync.c -- pmem_msync(): msync(MS_SYNC) of the pages covering a range. */
#include <errno.h>
#include <stdint.h>
#include "libpmem.h"
#include "err.h"
#include "export.h"
#include "page.h"
#include "pm_prims.h"

PMEM_EXPORT int pmem_msync(const void *addr, size_t len)
{
	/* pm_msync rounds addr down and the end up to pages, which msync
	 * requires of addr, and records the event in the check build. */
	uintptr_t off = (uintptr_t)addr - pmem_page_down((uintptr_t)addr);
	int ret = len == 0 && off
		/* as PMDK: the part of the page before addr */
		? pm_msync((const char *)addr - off, off)
		: pm_msync(addr, len);
	if (ret != 0)
		pmem_err_errno(errno, "msync %p, %zu bytes", addr, len);
	return ret;
}
