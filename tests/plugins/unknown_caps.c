/* Declares a capability bit this library does not know: refused (it
 * cannot honour what it does not know). */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "unknown_caps",
	FLUSH_FIELDS,
	.caps = 1u << 5,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
