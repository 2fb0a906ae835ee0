/* reserved is not zero: refused. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "reserved_set",
	.reserved = 1,
	FLUSH_FIELDS,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
