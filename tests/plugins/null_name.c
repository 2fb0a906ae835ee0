/* Descriptor without a name: refused. */
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	FLUSH_FIELDS,
};
