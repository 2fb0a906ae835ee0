/* Exports its descriptor under the wrong name: refused (no entry symbol). */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "no_entry",
	FLUSH_FIELDS,
};

EXPORT const struct pmem_backend *pmem_backend_entry_typo(void)
{
	return &desc;
}
