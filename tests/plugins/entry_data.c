/* Exports the descriptor itself under the entry name (an easy mistake):
 * calling it would jump into data, so it must be refused. */
#include "plugin_common.h"

EXPORT const struct pmem_backend pmem_backend_entry = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "entry_data",
	FLUSH_FIELDS,
};
