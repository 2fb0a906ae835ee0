/*
 * deep_flush.c -- pmem_deep_flush/drain/persist: flush to the most
 * reliable persistence domain software can reach.
 *
 * Flush: every cache line, with the best flush instruction, whatever
 * PMEM_NO_FLUSH or auto flush chose for pmem_flush (select.c).
 * Drain, per part of the range: Device DAX -> drain, then write 1 to the
 * region's deep_flush when the region has flush hints (region.c: it flushes
 * the memory controller's write queues; without hints, as on CXL memory,
 * there is nothing more to do); MAP_SYNC files and memory we do not know
 * -> msync, which on a DAX file system makes the kernel do the same (and
 * on virtio-pmem sends the host a flush request).
 */
#include <errno.h>
#include <stdint.h>

#include "libpmem.h"
#include "devdax.h"
#include "err.h"
#include "export.h"
#include "msync.h"
#include "ops.h"
#include "pm_prims.h"
#include "registry.h"

PMEM_EXPORT void pmem_deep_flush(const void *addr, size_t len)
{
	pmem_ops.deep_flush(addr, len);
}

static int msync_part(uintptr_t start, uintptr_t end)
{
	if (start >= end)
		return 0;
	if (pmem_msync_pages((const void *)start, end - start) != 0) {
		pmem_err_errno(errno, "msync %p, %zu bytes", (void *)start,
				(size_t)(end - start));
		return -1;
	}
	return 0;
}

PMEM_EXPORT int pmem_deep_drain(const void *addr, size_t len)
{
	if (len == 0)
		return 0;
	uintptr_t pos = (uintptr_t)addr;
	uintptr_t end = pos + len;
	if (end < pos)
		end = UINTPTR_MAX;
	int last_region = -2;	/* write each region's deep_flush once */
	while (pos < end) {
		struct pmem_range r[16];
		size_t n = pmem_registry_find((const void *)pos, end - pos, r,
				16);
		if (n > 16)
			n = 16;
		if (n == 0)
			return msync_part(pos, end);
		for (size_t i = 0; i < n; i++) {
			if (msync_part(pos, r[i].start) != 0)
				return -1;
			if (r[i].type == PMEM_RANGE_MAP_SYNC) {
				if (msync_part(r[i].start, r[i].end) != 0)
					return -1;
			} else if (r[i].region_id != last_region) {
				pmem_ops.drain();
				if (pmem_devdax_deep_flush(r[i].region_id) != 0)
					return -1;
				last_region = r[i].region_id;
			}
			pos = r[i].end;
		}
	}
	return 0;
}

PMEM_EXPORT int pmem_deep_persist(const void *addr, size_t len)
{
	pmem_deep_flush(addr, len);
	return pmem_deep_drain(addr, len);
}
