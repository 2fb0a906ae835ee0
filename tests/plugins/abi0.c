/* Declares ABI version 0 (an unset field): refused. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = 0,
	.size = sizeof(struct pmem_backend),
	.name = "abi0",
	FLUSH_FIELDS,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
