/* A version 2 flush plugin named "nop" that does write back lines and
 * declares no caps: its name must not turn it into a no-op for
 * pmem_deep_flush. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "nop",
	FLUSH_FIELDS,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
