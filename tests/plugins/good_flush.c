/* A complete flush plugin: must be accepted. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "good_flush",
	.description = "test plugin: CLFLUSH",
	FLUSH_FIELDS,
};
