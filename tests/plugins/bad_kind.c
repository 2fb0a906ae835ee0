/* Kind is neither flush nor copy: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "bad_kind",
	.kind = 7,
	.probe = probe_yes,
	.flush = flush_lines,
	.drain = drain_fence,
};
