/* Declares an ABI version newer than the library: refused. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = 99,
	.size = sizeof(struct pmem_backend),
	.name = "abi99",
	FLUSH_FIELDS,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
