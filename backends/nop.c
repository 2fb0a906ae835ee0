/*
 * nop -- no cache flushing: for eADR platforms, where the caches are in
 * the persistence domain (pmem_has_auto_flush), for PMEM_NO_FLUSH=1, and
 * for experiments.  The drain still fences, because non-temporal stores
 * sit in write-combining buffers outside the cache until an SFENCE.
 */
#include "backend_build.h"
#include "pm_prims.h"

static void flush(const void *addr, size_t len)
{
	(void)addr;
	(void)len;
}

static void drain(void)
{
	pm_drain_fence();
}

PMEM_BACKEND_DESCRIPTOR(nop) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "nop",
	.description = "no flush (eADR or PMEM_NO_FLUSH); fence to drain "
		"(SFENCE, DSB)",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = pmem_backend_probe_cpu_needs,
	.flush = flush,
	.drain = drain,
	.caps = PMEM_BACKEND_CAP_NO_WRITEBACK | PMEM_BACKEND_CAP_EADR_ONLY,
};
