/* services.h -- what the library lends its backends (libpmem_backend.h,
 * version 4). */
#ifndef PMEM_CORE_SERVICES_H
#define PMEM_CORE_SERVICES_H 1

#include "libpmem_backend.h"

/* Calls b's attach, if it has one, with the library's services. */
void pmem_backend_attach(const struct pmem_backend *b);

#endif
