/* export.h -- marks the functions the shared library exports. */
#ifndef PMEM_EXPORT_H
#define PMEM_EXPORT_H 1

/* Everything else is hidden (-fvisibility=hidden); core/libpmem.map
 * assigns the exported names to their symbol versions. */
#define PMEM_EXPORT __attribute__((visibility("default")))

#endif
