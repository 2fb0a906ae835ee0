/* Complete, but its probe refuses every CPU: loads, then refused by selection. */
#include "plugin_common.h"

FLUSH_PLUGIN("refuses", probe_no, flush_lines, drain_fence);
