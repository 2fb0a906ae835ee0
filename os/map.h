/* map.h -- placing file mappings (map.c), shared with tests. */
#ifndef PMEM_MAP_H
#define PMEM_MAP_H 1

#include <stddef.h>

#define PMEM_MAP_ALL_FLAGS (PMEM_FILE_CREATE | PMEM_FILE_EXCL | \
		PMEM_FILE_SPARSE | PMEM_FILE_TMPFILE)

/* The argument rules of pmem_map_file() every OS shares (map_common.c):
 * 0, or -1 with errno EINVAL and the message set.  Flags first; the
 * length rules after whatever the OS checks in between (Device DAX). */
int pmem_map_check_flags(int flags);
int pmem_map_check_len(size_t len, int flags);

/* Address alignment used for a regular file mapping of len bytes. */
size_t pmem_map_alignment(size_t len);

/* len rounded up to whole pages; 0 when that overflows. */
size_t pmem_map_span(size_t len);

/* Reserves address space for len bytes (PROT_NONE, nothing committed) at
 * an address aligned to align, or per PMEM_MMAP_HINT: the first step of a
 * mapping, taken before the file is touched.  NULL + errno (ENOMEM) on
 * failure; give it back with munmap(res, pmem_map_span(len)). */
void *pmem_map_reserve(size_t len, size_t align);

/* Maps len bytes of fd read-write, shared, over the reservation res.
 * st: fd's fstat, as the caller already holds it (its device tells an
 * asynchronous region).  *syncp: 1 when MAP_SYNC held.  NULL + errno on
 * failure (the reservation is then the caller's to give back). */
struct stat;
void *pmem_map_fd_at(int fd, const struct stat *st, void *res, size_t len,
		int *syncp);

#endif
