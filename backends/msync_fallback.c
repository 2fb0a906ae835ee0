/*
 * msync-fallback -- makes a range durable with msync(MS_SYNC) of the pages
 * that cover it: for mappings whose stores reach storage only through the
 * kernel (a file system without DAX, a tmpfs file, a test).  Works on any
 * CPU, at the price of a system call per flush.  It calls the OS through
 * the library's services (attach), so the same file is a linked-in backend
 * and a plugin on every OS.
 */
#include "backend_build.h"
#include "pm_prims.h"

static const struct pmem_backend_services *services;

static void attach(const struct pmem_backend_services *s)
{
	services = s;
}

/* Without the library's msync it would make nothing durable. */
static int probe(const struct pmem_cpu *cpu)
{
	(void)cpu;
	return services != NULL;
}

/*
 * The flush interface cannot report errors; msync fails only for ranges
 * that are not mapped (ENOMEM) or bad arguments, which pmem_persist does
 * not promise to detect either.
 */
static void flush(const void *addr, size_t len)
{
	(void)services->msync(addr, len);
}

/* msync is synchronous, but the copy backends' non-temporal stores still
 * need a fence. */
static void drain(void)
{
	pm_drain_fence();
}

PMEM_BACKEND_DESCRIPTOR(msync_fallback) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "msync-fallback",
	.description = "msync(MS_SYNC) of the covering pages (no flush instructions)",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe,
	.flush = flush,
	.drain = drain,
	.caps = PMEM_BACKEND_CAP_NO_WRITEBACK | PMEM_BACKEND_CAP_NO_NT |
		PMEM_BACKEND_CAP_PAGE_CACHE,
	.attach = attach,
};
