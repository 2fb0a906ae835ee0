/* Flush backend without a drain function: refused. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "null_fn",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe_yes,
	.flush = flush_lines,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
