/* map.h -- placing file mappings (map.c), shared with tests. */
#ifndef PMEM_MAP_H
#define PMEM_MAP_H 1

#include <stddef.h>

/* Address alignment used for a regular file mapping of len bytes. */
size_t pmem_map_alignment(size_t len);

/* Maps len bytes of fd read-write, shared, at an address aligned to align
 * (or per PMEM_MMAP_HINT).  *syncp: 1 when MAP_SYNC held.  NULL + errno
 * on failure. */
void *pmem_map_fd(int fd, size_t len, size_t align, int *syncp);

#endif
