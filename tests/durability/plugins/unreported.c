/* unreported.c -- a copy backend that writes with plain memmove/memset and
 * reports nothing to the model (pmem-check must fail it: issue #10 item
 * 1).  It even flushes and its bytes are right. */
#include <string.h>
#include "plugin.h"

static void *move(void *d, const void *s, size_t n, pmem_flush_fn *flush)
{
	memmove(d, s, n);
	flush(d, n);
	return d;
}

static void *set(void *d, int c, size_t n, pmem_flush_fn *flush)
{
	memset(d, c, n);
	flush(d, n);
	return d;
}

BROKEN_PLUGIN = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "broken-unreported",
	.description = "writes without reporting its stores",
	.kind = PMEM_BACKEND_COPY,
	.probe = probe_any,
	.memmove_nt = move,
	.memset_nt = set,
};
