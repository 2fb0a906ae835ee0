/* unreported.c -- a copy backend that writes with plain memmove/memset and
 * reports nothing to the model (pmem-check must fail it: issue #10 item
 * 1).  It even flushes and its bytes are right. */
#include "plain_copy.h"
#include "plugin.h"

BROKEN_PLUGIN = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "broken-unreported",
	.description = "writes without reporting its stores",
	.kind = PMEM_BACKEND_COPY,
	.probe = probe_any,
	.memmove_nt = plain_move,
	.memset_nt = plain_set,
};
