/* A flush backend that also fills the copy pointers: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "both_kinds",
	FLUSH_FIELDS,
	.memmove_nt = copy_plain,
	.memset_nt = set_plain,
};
