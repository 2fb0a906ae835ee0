/*
 * temporal -- a copy backend for CPUs without a non-temporal path here
 * (AArch64 for now): ordinary stores, then the flush backend's flush of
 * every byte written.  The library's drain completes it.  Linked in where
 * the instruction set's backend table lists it (AArch64's in
 * configure.py); x86-64 has the nt-* backends instead.
 */
#include "backend_build.h"
#include "pm_prims.h"

static void *memmove_tmp(void *dst, const void *src, size_t len,
		pmem_flush_fn *flush)
{
	pm_store_copy(dst, src, len);
	flush(dst, len);
	return dst;
}

static void *memset_tmp(void *dst, int c, size_t len, pmem_flush_fn *flush)
{
	pm_store_fill(dst, c, len);
	flush(dst, len);
	return dst;
}

PMEM_BACKEND_DESCRIPTOR(temporal) = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "temporal",
	.description = "ordinary stores, then the flush backend's flush",
	.kind = PMEM_BACKEND_COPY,
	.probe = pmem_backend_probe_cpu_needs,
	.memmove_nt = memmove_tmp,
	.memset_nt = memset_tmp,
};
