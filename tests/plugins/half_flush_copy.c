/* Flush backend with memmove_flush but no memset_flush: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "half_flush_copy",
	FLUSH_FIELDS,
	.memmove_flush = move_flush_lines,
};
