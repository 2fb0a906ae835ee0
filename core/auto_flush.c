/* auto_flush.c -- placeholder (issue #3 reads the NVDIMM regions). */
#include "libpmem.h"
#include "export.h"

PMEM_EXPORT int pmem_has_auto_flush(void)
{
	return 0;
}
