/* msync.h -- msync of whole pages, as the entry points and backends use it. */
#ifndef PMEM_CORE_MSYNC_H
#define PMEM_CORE_MSYNC_H 1

#include <stddef.h>

/*
 * Writes the pages covering [addr, addr + len) to storage and waits
 * (os.h: pmem_os_msync), rounding to base/page.h's page size, and in the
 * check build reports the pages to the model.  0 for len 0; 0, or -1 with
 * errno.  Sets no pmem_errormsg(): callers that report do it.
 */
int pmem_msync_pages(const void *addr, size_t len);

#endif
