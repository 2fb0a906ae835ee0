/* A complete copy plugin (temporal copy plus flush): must be accepted. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "good_copy",
	.description = "test plugin: memmove plus flush",
	COPY_FIELDS,
};
