/* Declares ABI version 0 (an unset field): refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	.abi_version = 0,
	.size = sizeof(struct pmem_backend),
	.name = "abi0",
	FLUSH_FIELDS,
};
