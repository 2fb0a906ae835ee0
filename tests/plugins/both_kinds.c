/* A flush backend that also fills the copy pointers: refused. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "both_kinds",
	FLUSH_FIELDS,
	.memmove_nt = copy_plain,
	.memset_nt = set_plain,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
