/* reserved is not zero: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "reserved_set",
	.reserved = 1,
	FLUSH_FIELDS,
};
