/* A flush plugin with a plain name that declares PMEM_BACKEND_CAP_NO_NT:
 * with it every copy must be temporal. */
#include "plugin_common.h"

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "caps_no_nt",
	FLUSH_FIELDS,
	.caps = PMEM_BACKEND_CAP_NO_NT,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
