/* Descriptor size smaller than version 1: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = 16,
	.name = "small_size",
	FLUSH_FIELDS,
};
