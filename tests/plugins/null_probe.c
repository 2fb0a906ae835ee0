/* Descriptor without a probe: refused. */
#include "plugin_common.h"

FLUSH_PLUGIN("null_probe", NULL, flush_lines, drain_fence);
