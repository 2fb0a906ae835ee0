/*
 * util_fs.h -- helpers for the mapping tests: temporary directories under
 * /dev/shm, open descriptor counts, dropping root, and a fake sysfs tree
 * (Device DAX, NVDIMM regions) for the code that reads /sys.
 */
#ifndef TEST_UTIL_FS_H
#define TEST_UTIL_FS_H 1

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new directory /dev/shm/<tag>XXXXXX, mode 0755, into buf. */
static inline int tmpdir_make(char *buf, size_t n, const char *tag)
{
	snprintf(buf, n, "/dev/shm/%sXXXXXX", tag);
	if (!mkdtemp(buf))
		return -1;
	return chmod(buf, 0755);
}

static int rm_one(const char *p, const struct stat *st, int flag,
		struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	chmod(p, 0755);
	return remove(p);
}

static inline void tmpdir_remove(const char *dir)
{
	if (dir && *dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Number of open descriptors of this process. */
static inline int fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	int n = 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3;	/* ".", ".." and the DIR's own descriptor */
}

/* Root ignores permission bits: tests of EACCES run as nobody.  Returns
 * 0 when the process can no longer bypass permissions. */
static inline int become_nobody(void)
{
	if (geteuid() != 0)
		return 0;
	if (setresgid(65534, 65534, 65534) != 0)
		return -1;
	return setresuid(65534, 65534, 65534);
}

static inline int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static inline int read_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, n - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = '\0';
	return 0;
}

/* mkdir -p */
static inline int mkdirs(const char *path)
{
	char tmp[8192];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/*
 * A fake sysfs under root, laid out as Linux does it:
 *   devices/platform/e820_pmem/ndbus0/region<R>/dax<R>.0/dax<R>.0/
 *       size, align, subsystem -> bus/dax
 *   dev/char/<maj>:<min> -> that directory
 *   bus/nd/devices/region<R> -> devices/.../region<R>
 *       deep_flush, persistence_domain
 * size/align NULL leave the file out.
 */
static inline int fake_devdax(const char *root, unsigned maj, unsigned min,
		int region, const char *size, const char *align)
{
	char dev[4096], p[4200], link[4096];
	snprintf(dev, sizeof(dev),
		"%s/devices/platform/e820_pmem/ndbus0/region%d/dax%d.0/dax%d.0",
		root, region, region, region);
	snprintf(p, sizeof(p), "%s/bus/dax", root);
	if (mkdirs(dev) || mkdirs(p))
		return -1;
	snprintf(p, sizeof(p), "%s/subsystem", dev);
	if (symlink("../../../../../../../bus/dax", p) != 0)
		return -1;
	if (size) {
		snprintf(p, sizeof(p), "%s/size", dev);
		if (write_file(p, size))
			return -1;
	}
	if (align) {
		snprintf(p, sizeof(p), "%s/align", dev);
		if (write_file(p, align))
			return -1;
	}
	snprintf(p, sizeof(p), "%s/dev/char", root);
	if (mkdirs(p))
		return -1;
	snprintf(p, sizeof(p), "%s/dev/char/%u:%u", root, maj, min);
	snprintf(link, sizeof(link),
		"../../devices/platform/e820_pmem/ndbus0/region%d/dax%d.0/"
		"dax%d.0", region, region, region);
	return symlink(link, p);
}

/* An NVDIMM region with the given persistence_domain (NULL: no file)
 * and a writable deep_flush file. */
static inline int fake_region(const char *root, int region,
		const char *domain)
{
	char dir[4096], p[4200], link[4096];
	snprintf(dir, sizeof(dir),
		"%s/devices/platform/e820_pmem/ndbus0/region%d", root, region);
	snprintf(p, sizeof(p), "%s/bus/nd/devices", root);
	if (mkdirs(dir) || mkdirs(p))
		return -1;
	snprintf(p, sizeof(p), "%s/deep_flush", dir);
	if (write_file(p, "0\n"))
		return -1;
	if (domain) {
		snprintf(p, sizeof(p), "%s/persistence_domain", dir);
		if (write_file(p, domain))
			return -1;
	}
	snprintf(p, sizeof(p), "%s/bus/nd/devices/region%d", root, region);
	snprintf(link, sizeof(link),
		"../../../devices/platform/e820_pmem/ndbus0/region%d", region);
	return symlink(link, p);
}

/* A non-dax character device entry: subsystem -> class/mem. */
static inline int fake_chardev(const char *root, unsigned maj, unsigned min)
{
	char dev[4096], p[4200], link[4096];
	snprintf(dev, sizeof(dev), "%s/devices/virtual/mem/m%u_%u", root, maj,
			min);
	snprintf(p, sizeof(p), "%s/class/mem", root);
	if (mkdirs(dev) || mkdirs(p))
		return -1;
	snprintf(p, sizeof(p), "%s/subsystem", dev);
	if (symlink("../../../../class/mem", p) != 0)
		return -1;
	snprintf(p, sizeof(p), "%s/dev/char", root);
	if (mkdirs(p))
		return -1;
	snprintf(p, sizeof(p), "%s/dev/char/%u:%u", root, maj, min);
	snprintf(link, sizeof(link), "../../devices/virtual/mem/m%u_%u", maj,
			min);
	return symlink(link, p);
}

#endif
