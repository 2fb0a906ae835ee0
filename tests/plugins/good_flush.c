/* A complete flush plugin: must be accepted. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "good_flush",
	.description = "test plugin: CLFLUSH",
	FLUSH_FIELDS,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
