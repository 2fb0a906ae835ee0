/* Flush backend without a drain function: refused. */
#include "plugin_common.h"

FLUSH_PLUGIN("null_fn", probe_yes, flush_lines, NULL);
