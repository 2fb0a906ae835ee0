/*
 * auto_flush.c -- pmem_has_auto_flush(): do the CPU caches belong to the
 * persistence domain (eADR)?  Yes when every NVDIMM region in
 * <sysfs>/bus/nd/devices says "cpu_cache" in its persistence_domain; no
 * when one says anything else, has none, or there is no region; -1
 * (errno) when a region's answer cannot be read.  Scanned once and
 * cached: the backend selection asks at start-up, and the answer does not
 * change while we run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libpmem.h"
#include "auto_flush.h"
#include "devdax.h"
#include "err.h"
#include "export.h"
#include "log.h"

/* 1, 0 or -1 for one region directory. */
static int region_cpu_cache(const char *dir, const char *name)
{
	char path[PATH_MAX], buf[64];
	int plen = snprintf(path, sizeof(path), "%s/%s/persistence_domain",
			dir, name);
	if (plen < 0 || (size_t)plen >= sizeof(path)) {
		pmem_err_errno(ENAMETOOLONG, "region \"%s\"", name);
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* No domain to read (older kernels): not cpu_cache.
		 * PMDK 1.12 also answers 0 here, not -1. */
		char ebuf[64];
		PMEM_LOG(NOTICE, "cannot open \"%s\": %s", path,
				strerror_r(errno, ebuf, sizeof(ebuf)));
		return 0;
	}
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int err = errno;
	close(fd);
	if (n < 0) {
		pmem_err_errno(err, "read \"%s\"", path);
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	PMEM_LOG(INFO, "%s: persistence_domain \"%s\"", name, buf);
	return strcmp(buf, "cpu_cache") == 0;
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
		char extra;
		if (sscanf(de->d_name, "region%u%c", &id, &extra) != 1)
			continue;
		regions++;
		ret = region_cpu_cache(dir, de->d_name);
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
