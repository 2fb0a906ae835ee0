/* Copy backend without memset_nt: refused. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "null_copy_fn",
	.kind = PMEM_BACKEND_COPY,
	.probe = probe_yes,
	.memmove_nt = copy_plain,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
