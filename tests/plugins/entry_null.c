/* Entry function returns NULL: refused. */
#include "plugin_common.h"

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return NULL;
}
