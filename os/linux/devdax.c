/*
 * devdax.c -- Device DAX through sysfs and libdaxctl.
 *
 * A character device is Device DAX when /sys/dev/char/M:N/subsystem
 * resolves to .../dax (bus/dax on current kernels, class/dax on old
 * ones).  Its size and alignment come from libdaxctl (dlopen'd on first
 * use) when we look at the
 * real /sys, else (a fake tree in tests, or libdaxctl not finding it) from
 * the attribute files.  Its NVDIMM region is the "regionN" ancestor in
 * its sysfs path; what its deep_flush can do is a region fact (region.c).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <daxctl/libdaxctl.h>

#include "devdax.h"
#include "err.h"
#include "log.h"
#include "region.h"

#define DEFAULT_ROOT "/sys"

static char root_buf[PATH_MAX] = DEFAULT_ROOT;

void pmem_sysfs_set_root(const char *root)
{
	snprintf(root_buf, sizeof(root_buf), "%s", root ? root : DEFAULT_ROOT);
}

const char *pmem_sysfs_root(void)
{
	return root_buf;
}

static int is_real_root(void)
{
	return strcmp(root_buf, DEFAULT_ROOT) == 0;
}

/* "<root>/dev/char/M:N<suffix>"; a path too long becomes "" (which
 * names nothing, so the caller's open or realpath fails). */
static void char_path(char *buf, size_t n, dev_t rdev, const char *suffix)
{
	int len = snprintf(buf, n, "%s/dev/char/%u:%u%s", root_buf,
			major(rdev), minor(rdev), suffix);
	if (len < 0 || (size_t)len >= n)
		buf[0] = '\0';
}

/* Reads an unsigned number (decimal or 0x hex) from a sysfs file. */
static int read_ull(const char *path, unsigned long long *out)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int err = errno;
	close(fd);
	if (n <= 0) {
		errno = n < 0 ? err : EINVAL;
		return -1;
	}
	buf[n] = '\0';
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 0);
	if (errno || end == buf || (*end && *end != '\n')) {
		errno = EINVAL;
		return -1;
	}
	*out = v;
	return 0;
}

int pmem_devdax_is(dev_t rdev)
{
	char spath[PATH_MAX], rpath[PATH_MAX];
	char_path(spath, sizeof(spath), rdev, "/subsystem");
	if (!realpath(spath, rpath)) {
		pmem_err_errno(errno, "realpath \"%s\"", spath);
		return -1;
	}
	const char *base = strrchr(rpath, '/');
	return base && strcmp(base, "/dax") == 0;
}

/* The last "regionN" component of the device's resolved sysfs path. */
static int region_of(dev_t rdev)
{
	char spath[PATH_MAX], rpath[PATH_MAX];
	char_path(spath, sizeof(spath), rdev, "");
	if (!realpath(spath, rpath))
		return -1;
	return pmem_region_id_in(rpath);
}

/*
 * libdaxctl, loaded on first use: linking it would make every program that
 * uses libpmem load it and its dependencies (libkmod, libzstd, liblzma,
 * libcrypto, ...) at start-up, while only a Device DAX mapping needs it.
 */
static struct {
	__typeof__(daxctl_new) *new_ctx;
	__typeof__(daxctl_unref) *unref;
	__typeof__(daxctl_set_log_priority) *set_log_priority;
	__typeof__(daxctl_region_get_first) *region_first;
	__typeof__(daxctl_region_get_next) *region_next;
	__typeof__(daxctl_region_get_align) *region_align;
	__typeof__(daxctl_dev_get_first) *dev_first;
	__typeof__(daxctl_dev_get_next) *dev_next;
	__typeof__(daxctl_dev_get_major) *dev_major;
	__typeof__(daxctl_dev_get_minor) *dev_minor;
	__typeof__(daxctl_dev_get_size) *dev_size;
	__typeof__(daxctl_dev_get_align) *dev_align;
	int usable;
} dax;
static pthread_once_t dax_once = PTHREAD_ONCE_INIT;

static void dax_load(void)
{
	void *h = dlopen("libdaxctl.so.1", RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		PMEM_LOG(INFO, "libdaxctl not loaded (%s): sysfs only",
				dlerror());
		return;
	}
	struct { void **fn; const char *name; } syms[] = {
		{ (void **)&dax.new_ctx, "daxctl_new" },
		{ (void **)&dax.unref, "daxctl_unref" },
		{ (void **)&dax.set_log_priority, "daxctl_set_log_priority" },
		{ (void **)&dax.region_first, "daxctl_region_get_first" },
		{ (void **)&dax.region_next, "daxctl_region_get_next" },
		{ (void **)&dax.region_align, "daxctl_region_get_align" },
		{ (void **)&dax.dev_first, "daxctl_dev_get_first" },
		{ (void **)&dax.dev_next, "daxctl_dev_get_next" },
		{ (void **)&dax.dev_major, "daxctl_dev_get_major" },
		{ (void **)&dax.dev_minor, "daxctl_dev_get_minor" },
		{ (void **)&dax.dev_size, "daxctl_dev_get_size" },
		{ (void **)&dax.dev_align, "daxctl_dev_get_align" },
	};
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].fn = dlsym(h, syms[i].name);
		if (*syms[i].fn == NULL) {
			PMEM_LOG(INFO, "libdaxctl lacks %s: sysfs only",
					syms[i].name);
			dlclose(h);
			return;
		}
	}
	dax.usable = 1;		/* stays loaded for the process's life */
}

/* libdaxctl's view of the device; 0 when it knows it. */
static int info_daxctl(dev_t rdev, struct pmem_devdax *out)
{
	pthread_once(&dax_once, dax_load);
	struct daxctl_ctx *ctx;
	if (!dax.usable || dax.new_ctx(&ctx) != 0)
		return -1;
	dax.set_log_priority(ctx, 0);	/* the library never prints */
	int ret = -1;
	for (struct daxctl_region *region = dax.region_first(ctx); region;
			region = dax.region_next(region)) {
		for (struct daxctl_dev *dev = dax.dev_first(region); dev;
				dev = dax.dev_next(dev)) {
			if ((unsigned)dax.dev_major(dev) != major(rdev) ||
			    (unsigned)dax.dev_minor(dev) != minor(rdev))
				continue;
			unsigned long long size = dax.dev_size(dev);
			unsigned long align = dax.dev_align(dev);
			if (!align)
				align = dax.region_align(region);
			if (size && size != ULLONG_MAX) {
				out->size = (size_t)size;
				if (align && align != ULONG_MAX)
					out->align = align;
				ret = 0;
			}
			goto done;
		}
	}
done:
	dax.unref(ctx);
	return ret;
}

static void info_sysfs_align(dev_t rdev, struct pmem_devdax *out)
{
	/* Per-device "align" (Linux 5.10+), else the region's. */
	static const char *const where[] = {
		"/align", "/device/align", "/device/dax_region/align",
	};
	char path[PATH_MAX];
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		unsigned long long a;
		char_path(path, sizeof(path), rdev, where[i]);
		if (read_ull(path, &a) == 0 && a && !(a & (a - 1))) {
			out->align = (size_t)a;
			return;
		}
	}
}

int pmem_devdax_info(dev_t rdev, struct pmem_devdax *out)
{
	struct pmem_devdax d = { 0, (size_t)2 << 20, region_of(rdev), 0 };
	d.async = d.region_id >= 0 && !pmem_region_is_sync(d.region_id);
	if (!is_real_root() || info_daxctl(rdev, &d) != 0) {
		char path[PATH_MAX];
		unsigned long long size;
		char_path(path, sizeof(path), rdev, "/size");
		if (read_ull(path, &size) != 0 || size == 0) {
			pmem_err_errno(EINVAL,
				"cannot read the size of Device DAX %u:%u from %s",
				major(rdev), minor(rdev), path);
			return -1;
		}
		d.size = (size_t)size;
		info_sysfs_align(rdev, &d);
	}
	PMEM_LOG(INFO, "Device DAX %u:%u: size %zu align %zu region %d%s",
			major(rdev), minor(rdev), d.size, d.align, d.region_id,
			d.async ? " (asynchronous: not pmem)" : "");
	*out = d;
	return 0;
}

int pmem_devdax_deep_flush(int region_id)
{
	return pmem_region_deep_flush(region_id);
}
