/*
 * auto_flush.c -- pmem_has_auto_flush(): do the CPU caches belong to the
 * persistence domain (eADR)?  Yes when every libnvdimm region in
 * <sysfs>/bus/nd/devices has persistence domain cpu_cache (region.c); no
 * when one has another, none (virtio-pmem), a file we cannot make sense
 * of, or there is no region; -1 (errno) when a region's
 * persistence_domain exists but cannot be read.  Scanned once and cached:
 * the backend selection asks at start-up, and the answer does not change
 * while we run.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "libpmem.h"
#include "auto_flush.h"
#include "devdax.h"
#include "err.h"
#include "export.h"
#include "log.h"
#include "region.h"

/* 1, 0 or -1 for one region. */
static int region_cpu_cache(int id)
{
	struct pmem_region r;
	if (pmem_region_read(id, &r) != 0)
		return -1;
	if (r.error) {
		pmem_err_errno(r.error, "region%d: %s", id, r.reason);
		return -1;
	}
	/* PMDK 1.12 also answers 0 for a region without the file. */
	return r.domain == PMEM_DOMAIN_CPU_CACHE;
}

int pmem_auto_flush_scan(void)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/bus/nd/devices", pmem_sysfs_root());
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ENOENT)
			return 0;	/* no NVDIMM bus at all */
		pmem_err_errno(errno, "opendir \"%s\"", dir);
		return -1;
	}
	int regions = 0, ret = 1;
	struct dirent *de;
	while (ret == 1 && (de = readdir(d))) {
		unsigned id;
		int used = 0;
		if (sscanf(de->d_name, "region%u%n", &id, &used) != 1 ||
				de->d_name[used] || id > INT_MAX)
			continue;
		regions++;
		ret = region_cpu_cache((int)id);
	}
	int err = errno;
	closedir(d);
	errno = err;
	return regions ? ret : 0;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int cached = -2;		/* -2: not scanned yet */
static int cached_errno;

void pmem_auto_flush_reset(void)
{
	pthread_mutex_lock(&lock);
	cached = -2;
	pthread_mutex_unlock(&lock);
}

PMEM_EXPORT int pmem_has_auto_flush(void)
{
	pthread_mutex_lock(&lock);
	if (cached == -2) {
		cached = pmem_auto_flush_scan();
		cached_errno = errno;
	}
	int ret = cached;
	pthread_mutex_unlock(&lock);
	if (ret < 0)
		errno = cached_errno;
	return ret;
}
