/* A complete copy plugin (temporal copy plus flush): must be accepted. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "good_copy",
	.description = "test plugin: memmove plus flush",
	.kind = PMEM_BACKEND_COPY,
	.probe = probe_yes,
	.memmove_nt = copy_plain,
	.memset_nt = set_plain,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
