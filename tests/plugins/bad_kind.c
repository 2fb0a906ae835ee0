/* Kind is neither flush nor copy: refused. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "bad_kind",
	.kind = 7,
	.probe = probe_yes,
	.flush = flush_lines,
	.drain = drain_fence,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
