/* A name with a newline, a forged "refused:" line and a byte that is not
 * UTF-8: pmem-info must escape it in text and JSON. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "evil\nrefused: forged \xff",
	.description = "test plugin: hostile name \xc3",
	COPY_FIELDS,
};
