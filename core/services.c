/*
 * services.c -- what the library lends its backends: the OS calls a
 * backend may need (libpmem_backend.h, struct pmem_backend_services), so
 * that a plugin reaches the OS as the library does, with the check build's
 * events, the page size tests inject and, on Windows, the library's own
 * record of which file each view maps.
 */
#include "msync.h"
#include "services.h"

static const struct pmem_backend_services services = {
	.size = sizeof(struct pmem_backend_services),
	.msync = pmem_msync_pages,
};

void pmem_backend_attach(const struct pmem_backend *b)
{
	/* Fields a plugin does not know read as zero (plugin.c copies). */
	if (b->attach)
		b->attach(&services);
}
