/* export.h -- marks the functions the shared library exports. */
#ifndef PMEM_EXPORT_H
#define PMEM_EXPORT_H 1

/* Everything else is hidden (-fvisibility=hidden); core/libpmem.map
 * assigns the exported names to their symbol versions. */
#ifdef _WIN32
/* core/libpmem.def lists what libpmem.dll exports. */
#define PMEM_EXPORT
#else
#define PMEM_EXPORT __attribute__((visibility("default")))
#endif

#endif
