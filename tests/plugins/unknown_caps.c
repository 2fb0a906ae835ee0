/* Declares a capability bit this library does not know: refused (it
 * cannot honour what it does not know). */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "unknown_caps",
	FLUSH_FIELDS,
	.caps = 1u << 5,
};
