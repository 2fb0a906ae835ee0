/* Declares an ABI version newer than the library: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	.abi_version = 99,
	.size = sizeof(struct pmem_backend),
	.name = "abi99",
	FLUSH_FIELDS,
};
