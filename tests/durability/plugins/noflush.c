/* noflush.c -- a flush backend whose flush does nothing (its drain
 * fences): right only on eADR, which the model does not assume for it. */
#include "plugin.h"
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

BROKEN_PLUGIN = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "broken-noflush",
	.description = "flush does nothing",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe_any,
	.flush = flush,
	.drain = drain,
};
