/*
 * registry.h -- the ranges of the address space known to be persistent
 * memory: what pmem_map_file() mapped from Device DAX or with MAP_SYNC.
 * pmem_is_pmem() and the deep flush ask it; pmem_unmap() trims it.
 * Every function is safe to call from many threads at once.
 */
#ifndef PMEM_REGISTRY_H
#define PMEM_REGISTRY_H 1

#include <stddef.h>
#include <stdint.h>

enum pmem_range_type {
	PMEM_RANGE_MAP_SYNC,	/* a file on a DAX file system, MAP_SYNC */
	PMEM_RANGE_DEVDAX,	/* a Device DAX character device */
};

struct pmem_range {
	uintptr_t start;	/* page aligned */
	uintptr_t end;		/* exclusive, page aligned */
	enum pmem_range_type type;
	int region_id;		/* NVDIMM region of a Device DAX, or -1 */
};

/* Adds [addr, addr + len) (len rounded up to pages), replacing whatever
 * was recorded there before.  Returns 0, or -1 with errno ENOMEM. */
int pmem_registry_add(const void *addr, size_t len,
		enum pmem_range_type type, int region_id);

/* Forgets [addr, addr + len), splitting a range that only partly lies in
 * it. */
void pmem_registry_remove(const void *addr, size_t len);

/*
 * Calls pmem_os_unmap(addr, len) and, when it succeeds, forgets the range, both
 * under the registry's lock: no other thread can map the same addresses
 * and register them in between.  Returns its result.
 */
int pmem_registry_unmap(void *addr, size_t len);

/* 1 when every byte of [addr, addr + len) lies in recorded ranges
 * (adjacent ranges count together); for len 0, when addr lies in one. */
int pmem_registry_covers(const void *addr, size_t len);

/*
 * Copies into out[0..max) the recorded ranges overlapping [addr, addr +
 * len), clipped to it, in address order.  Returns how many there are
 * (which may exceed max).
 */
size_t pmem_registry_find(const void *addr, size_t len,
		struct pmem_range *out, size_t max);

/* Number of recorded ranges (tests). */
size_t pmem_registry_count(void);

#endif
