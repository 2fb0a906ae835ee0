/* Copy backend without memset_nt: refused. */
#include "plugin_common.h"

COPY_PLUGIN("null_copy_fn", probe_yes, copy_plain, NULL);
