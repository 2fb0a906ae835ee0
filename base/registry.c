/*
 * registry.c -- the pmem ranges behind pmem_is_pmem().
 *
 * A sorted array of non-overlapping ranges under a read-write lock: the
 * number of pmem mappings a process holds is small, lookups (is_pmem,
 * deep flush) are far more common than changes, and a binary search over
 * an array is as fast as a tree at these sizes and simpler to get right.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "os.h"
#include "page.h"
#include "registry.h"

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static struct pmem_range *ranges;
static size_t count, cap;

/* Index of the first range whose end lies above addr. */
static size_t first_after(uintptr_t addr)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ranges[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Room for `more` further entries; the lock is held for writing. */
static int reserve(size_t more)
{
	if (count + more <= cap)
		return 0;
	size_t ncap = cap ? cap * 2 : 16;
	while (ncap < count + more)
		ncap *= 2;
	struct pmem_range *n = realloc(ranges, ncap * sizeof(*n));
	if (!n) {
		errno = ENOMEM;
		return -1;
	}
	ranges = n;
	cap = ncap;
	return 0;
}

/* Cuts [start, end) out of the array; needs room for one more entry
 * (a range that spans it is split in two). */
static void cut(uintptr_t start, uintptr_t end)
{
	size_t i = first_after(start);
	while (i < count && ranges[i].start < end) {
		struct pmem_range *r = &ranges[i];
		if (r->start < start && r->end > end) {
			/* Split: the tail becomes a new entry after r. */
			memmove(r + 2, r + 1, (count - i - 1) * sizeof(*r));
			r[1] = *r;
			r[1].start = end;
			r->end = start;
			count++;
			return;
		}
		if (r->start < start) {
			r->end = start;
			i++;
		} else if (r->end > end) {
			r->start = end;
			return;
		} else {
			memmove(r, r + 1, (count - i - 1) * sizeof(*r));
			count--;
		}
	}
}

int pmem_registry_add(const void *addr, size_t len,
		enum pmem_range_type type, int region_id)
{
	uintptr_t start = pmem_page_down((uintptr_t)addr);
	uintptr_t end = pmem_page_up((uintptr_t)addr + len);
	if (len == 0 || end <= start)
		return 0;
	pthread_rwlock_wrlock(&lock);
	int ret = reserve(2);
	if (ret == 0) {
		/* A stale entry (memory unmapped behind our back) gives way. */
		cut(start, end);
		size_t i = first_after(start);
		memmove(&ranges[i + 1], &ranges[i],
				(count - i) * sizeof(*ranges));
		ranges[i] = (struct pmem_range){ start, end, type, region_id };
		count++;
	}
	pthread_rwlock_unlock(&lock);
	return ret;
}

/* Forgets [start, end); the lock is held for writing. */
static void remove_locked(uintptr_t start, uintptr_t end)
{
	/* Without room for a split, drop the whole spanning range rather
	 * than claim pmem that is gone; is_pmem then errs on the safe side. */
	if (reserve(1) == 0) {
		cut(start, end);
		return;
	}
	size_t i = first_after(start);
	while (i < count && ranges[i].start < end) {
		memmove(&ranges[i], &ranges[i + 1],
				(count - i - 1) * sizeof(*ranges));
		count--;
	}
}

void pmem_registry_remove(const void *addr, size_t len)
{
	uintptr_t start = pmem_page_down((uintptr_t)addr);
	uintptr_t end = pmem_page_up((uintptr_t)addr + len);
	if (len == 0 || end <= start)
		return;
	pthread_rwlock_wrlock(&lock);
	remove_locked(start, end);
	pthread_rwlock_unlock(&lock);
}

int pmem_registry_unmap(void *addr, size_t len)
{
	uintptr_t start = (uintptr_t)addr;
	uintptr_t end = pmem_page_up((uintptr_t)addr + len);
	pthread_rwlock_wrlock(&lock);
	int ret = pmem_os_unmap(addr, len);
	int err = errno;
	if (ret == 0 && end > start)
		remove_locked(start, end);
	pthread_rwlock_unlock(&lock);
	errno = err;
	return ret;
}

int pmem_registry_covers(const void *addr, size_t len)
{
	uintptr_t pos = (uintptr_t)addr;
	uintptr_t end = pos + len;
	if (end < pos)
		return 0;	/* wraps around: cannot all be mapped */
	int ret = 0;
	pthread_rwlock_rdlock(&lock);
	size_t i = first_after(pos);
	if (i < count && ranges[i].start <= pos) {
		/* Walk adjacent ranges until the end is covered or a gap. */
		for (; i < count && ranges[i].start <= pos; i++) {
			pos = ranges[i].end;
			if (pos >= end) {
				ret = 1;
				break;
			}
		}
	}
	pthread_rwlock_unlock(&lock);
	return ret;
}

size_t pmem_registry_find(const void *addr, size_t len,
		struct pmem_range *out, size_t max)
{
	uintptr_t start = (uintptr_t)addr;
	uintptr_t end = start + len;
	if (end < start)
		end = UINTPTR_MAX;
	size_t n = 0;
	pthread_rwlock_rdlock(&lock);
	for (size_t i = first_after(start);
			i < count && ranges[i].start < end; i++, n++) {
		if (n >= max)
			continue;
		out[n] = ranges[i];
		if (out[n].start < start)
			out[n].start = start;
		if (out[n].end > end)
			out[n].end = end;
	}
	pthread_rwlock_unlock(&lock);
	return n;
}

/* Frees the array when the library is unloaded (dlclose) or the process
 * ends; a later call finds an empty registry and starts a new one. */
__attribute__((destructor)) static void registry_free(void)
{
	pthread_rwlock_wrlock(&lock);
	free(ranges);
	ranges = NULL;
	count = cap = 0;
	pthread_rwlock_unlock(&lock);
}

size_t pmem_registry_count(void)
{
	pthread_rwlock_rdlock(&lock);
	size_t n = count;
	pthread_rwlock_unlock(&lock);
	return n;
}
