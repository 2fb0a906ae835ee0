/* A version 2 flush plugin named "nop" that does write back lines and
 * declares no caps: its name must not turn it into a no-op for
 * pmem_deep_flush. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "nop",
	FLUSH_FIELDS,
};
