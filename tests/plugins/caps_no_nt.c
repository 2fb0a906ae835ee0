/* A flush plugin with a plain name that declares PMEM_BACKEND_CAP_NO_NT:
 * with it every copy must be temporal. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "caps_no_nt",
	FLUSH_FIELDS,
	.caps = PMEM_BACKEND_CAP_NO_NT,
};
