/* Copy backend that also sets the flush kind's memset_flush: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "copy_flush_fns",
	COPY_FIELDS,
	.memset_flush = fill_flush_lines,
};
