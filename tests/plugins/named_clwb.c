/* Named "clwb", needs nothing, but its probe refuses: the refusal must
 * say the probe refused, not "needs CLWB". */
#include "plugin_common.h"

FLUSH_PLUGIN("clwb", probe_no, flush_lines, drain_fence);
