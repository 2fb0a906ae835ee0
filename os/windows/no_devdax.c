/*
 * os/windows/no_devdax.c -- the Windows answers to what only Linux has:
 * no Device DAX (so no region deep_flush file) and no sysfs to read
 * eADR from.  On Windows a DAX volume's views are flushed by the CPU
 * instructions and msync (FlushViewOfFile) as everywhere else.
 */
#include <errno.h>

#include "libpmem.h"
#include "devdax.h"
#include "export.h"

int pmem_devdax_deep_flush(int region_id)
{
	(void)region_id;
	errno = ENOTSUP;	/* nothing to do, as for a region without one */
	return 0;
}

/* Not on this OS: Windows tells a user program nothing about eADR. */
PMEM_EXPORT int pmem_has_auto_flush(void)
{
	return 0;
}
