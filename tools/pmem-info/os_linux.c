/*
 * os_linux.c -- pmem-info's questions on Linux: the file system (statfs),
 * the DAX attribute (statx), whether MAP_SYNC is granted, Device DAX from
 * sysfs, the region behind the path (os/linux/region.c); plugin .so files
 * (scandir) and /proc/self/exe.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "info_os.h"
#include "libpmem.h"
#include "region.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

static const struct {
	long magic;
	const char *name;
	int dax_capable;
} fs_names[] = {
	{ 0xEF53, "ext4", 1 },		/* also ext2 and ext3 */
	{ 0x58465342, "xfs", 1 },
	{ 0x01021994, "tmpfs", 0 },
	{ 0x858458f6, "ramfs", 0 },
	{ 0x9123683E, "btrfs", 0 },
	{ 0x794c7630, "overlayfs", 0 },
	{ 0x6969, "nfs", 0 },
	{ 0x65735546, "fuse", 0 },
	{ 0x2fc12fc1, "zfs", 0 },
	{ 0xF2F52010, "f2fs", 0 },
	{ 0x9fa0, "proc", 0 },
	{ 0x62656572, "sysfs", 0 },
	{ 0x01021997, "9p", 0 },
};

static int fs_lookup(long magic, const char **name)
{
	for (size_t i = 0; i < sizeof(fs_names) / sizeof(*fs_names); i++)
		if (fs_names[i].magic == magic) {
			*name = fs_names[i].name;
			return fs_names[i].dax_capable;
		}
	*name = "unknown";
	return 0;
}

static void read_dax_attr(struct facts *f, int fd)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) == 0 &&
			(stx.stx_attributes_mask & STATX_ATTR_DAX))
		f->dax_attr = (stx.stx_attributes & STATX_ATTR_DAX) != 0;
}

/* The trial libpmem makes: a shared mapping that asks for MAP_SYNC. */
static void try_map_sync(struct facts *f, int fd, int prot)
{
	void *p = mmap(NULL, 4096, prot, MAP_SHARED_VALIDATE | MAP_SYNC, fd,
			0);
	if (p == MAP_FAILED) {
		f->map_sync = 0;
		snprintf(f->map_sync_error, sizeof(f->map_sync_error), "%s",
				strerror(errno));
		return;
	}
	munmap(p, 4096);
	f->map_sync = 1;
}

/* A temporary file in the directory stands for what libpmem would create
 * there (PMEM_FILE_TMPFILE or a new pool file). */
static int open_in_dir(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR &&
			errno != EINVAL))
		return fd;
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s/.pmem-info-XXXXXX", dir);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0)
		unlink(tmp);
	return fd;
}

/* The region facts of path, for the output. */
static void read_region(struct facts *f, const char *path)
{
	struct pmem_region r;
	int on = pmem_region_of_path(path, &r);
	f->region_kind = "none";
	if (on < 0) {
		snprintf(f->region_desc, sizeof(f->region_desc),
				"no NVDIMM-bus region");
		snprintf(f->region_reason, sizeof(f->region_reason),
				"%s", pmem_errormsg());
		return;
	}
	f->region_kind = pmem_region_kind_name(r.kind);
	f->region_id = r.id;
	f->cxl_region = r.cxl_region;
	if (on) {
		f->region_domain = pmem_region_domain_name(r.domain);
		f->region_deep = pmem_region_deep_name(r.deep);
		f->region_sync = r.sync;
	}
	pmem_region_describe(&r, f->region_desc, sizeof(f->region_desc));
	snprintf(f->region_reason, sizeof(f->region_reason), "%s", r.reason);
}

static void verdict_from_map_sync(struct facts *f, int dax_capable)
{
	if (f->map_sync != 1 && f->region_sync == 0) {
		/* An asynchronous region: the kernel refuses MAP_SYNC. */
		because(f, "%s: the kernel offers no MAP_SYNC here; use "
				"pmem_msync", f->region_kind);
	} else if (f->map_sync == 1) {
		f->pmem = 1;
		if (f->region_id >= 0)
			because(f, "MAP_SYNC accepted: %s is mounted with DAX, "
					"on %s", f->fs, f->region_desc);
		else
			because(f, "MAP_SYNC accepted: %s is mounted with DAX",
					f->fs);
	} else if (f->dax_attr == 1) {
		because(f, "MAP_SYNC refused although the file is DAX: %s",
				f->map_sync_error);
	} else if (dax_capable) {
		because(f, "not on a DAX file system: %s mounted without -o dax; "
				"MAP_SYNC refused: %s", f->fs,
				f->map_sync_error);
	} else {
		because(f, "not on a DAX file system: %s; MAP_SYNC refused: %s",
				f->fs, f->map_sync_error);
	}
}

static void check_file(struct facts *f, const char *path, int is_dir)
{
	read_region(f, path);
	struct statfs sfs;
	int dax_capable = 0;
	if (statfs(path, &sfs) == 0) {
		f->fs_magic = (long)sfs.f_type;
		dax_capable = fs_lookup(f->fs_magic, &f->fs);
	}
	int fd = is_dir ? open_in_dir(path) :
		open(path, O_RDWR | O_CLOEXEC);
	int err = errno;
	f->writable = fd >= 0;
	if (fd < 0 && !is_dir)	/* still learn about MAP_SYNC */
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (is_dir && ftruncate(fd, 4096) != 0)
			f->writable = 0;
		read_dax_attr(f, fd);
		try_map_sync(f, fd, f->writable ? PROT_READ | PROT_WRITE :
				PROT_READ);
		close(fd);
	}
	if (!f->writable) {
		because(f, "permissions: cannot %s: %s", is_dir ?
				"create a file in the directory" :
				"open the file for writing", strerror(err));
		return;
	}
	verdict_from_map_sync(f, dax_capable);
}

/* Reads one number from a sysfs file; -1 when missing. */
static long long sysfs_num(const char *dir, const char *name)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *fp = fopen(p, "r");
	long long v = -1;
	if (fp) {
		if (fscanf(fp, "%lli", &v) != 1)
			v = -1;
		fclose(fp);
	}
	return v;
}

static void check_char(struct facts *f, const char *path, dev_t rdev)
{
	char sys[64], link[PATH_MAX], sub[PATH_MAX];
	snprintf(sys, sizeof(sys), "/sys/dev/char/%u:%u", major(rdev),
			minor(rdev));
	snprintf(sub, sizeof(sub), "%s/subsystem", sys);
	ssize_t n = readlink(sub, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	const char *subsys = strrchr(link, '/') ? strrchr(link, '/') + 1 :
		link;
	if (strcmp(subsys, "dax") != 0) {
		f->type = "character device";
		because(f, "not Device DAX, its sysfs subsystem is %s",
				subsys[0] ? subsys : "none");
		return;
	}
	f->type = "device dax";
	read_region(f, path);
	f->devdax_size = sysfs_num(sys, "size");
	f->devdax_align = sysfs_num(sys, "align");
	if (f->devdax_align < 0)
		f->devdax_align = sysfs_num(sys, "device/align");
	int fd = open(path, O_RDWR | O_CLOEXEC);
	f->writable = fd >= 0;
	if (fd < 0) {
		because(f, "permissions: cannot open the device for writing: "
				"%s", strerror(errno));
		return;
	}
	if (f->devdax_size <= 0) {
		close(fd);
		because(f, "Device DAX size is %s", f->devdax_size == 0 ? "0" :
				"unreadable in sysfs");
		return;
	}
	if (f->devdax_align > 0 && f->devdax_size % f->devdax_align) {
		close(fd);
		because(f, "Device DAX size %lld is not a multiple of its "
				"alignment %lld", f->devdax_size,
				f->devdax_align);
		return;
	}
	size_t len = f->devdax_align > 0 ? (size_t)f->devdax_align :
		(size_t)f->devdax_size;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int err = errno;
	close(fd);
	if (p == MAP_FAILED) {
		because(f, "Device DAX refused a mapping of %zu bytes: %s",
				len, strerror(err));
		return;
	}
	munmap(p, len);
	if (f->region_sync == 0) {
		because(f, "Device DAX on an asynchronous region (%s): its "
				"stores reach the host only through a flush "
				"request, which Device DAX cannot make",
				f->region_kind);
		return;
	}
	f->pmem = 1;
	because(f, "Device DAX, size %lld, alignment %lld, on %s",
			f->devdax_size, f->devdax_align, f->region_desc);
}

int info_path_facts(struct facts *f, const char *path, int *is_dir)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "pmem-info: %s: %s\n", path, strerror(errno));
		return -1;
	}
	*is_dir = S_ISDIR(st.st_mode);
	if (S_ISREG(st.st_mode)) {
		f->type = "regular file";
		check_file(f, path, 0);
	} else if (S_ISDIR(st.st_mode)) {
		f->type = "directory";
		check_file(f, path, 1);
	} else if (S_ISCHR(st.st_mode)) {
		check_char(f, path, st.st_rdev);
	} else if (S_ISBLK(st.st_mode)) {
		f->type = "block device";
		read_region(f, path);
		because(f, "a block device is not mapped directly: mount a "
				"file system with -o dax on it, or use Device "
				"DAX");
	} else {
		because(f, "not a file, directory or Device DAX");
	}
	return 0;
}

int info_real_path(const char *p, char *out, size_t n)
{
	char real[PATH_MAX];
	if (realpath(p, real) == NULL || strlen(real) >= n)
		return -1;
	strcpy(out, real);
	return 0;
}

static int is_so(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 3 && strcmp(d->d_name + n - 3, ".so") == 0;
}

int info_list_plugins(const char *dir, char (**names)[256])
{
	struct dirent **list;
	int n = scandir(dir, &list, is_so, alphasort);
	if (n < 0)
		return 0;
	*names = calloc((size_t)n + 1, sizeof(**names));
	for (int i = 0; i < n; i++) {
		if (*names)
			snprintf((*names)[i], sizeof((*names)[i]), "%s",
					list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return *names ? n : 0;
}

int info_exe_dir(char *out, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", out, n - 1);
	if (len <= 0)
		return -1;
	out[len] = '\0';
	char *slash = strrchr(out, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

int info_write_profile(const char *path, const char *text, char *why,
		size_t n)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(why, n, "path too long");
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			snprintf(why, n, "cannot create %s: %s", dir,
					strerror(errno));
			return -1;
		}
	}
	unlink(tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(why, n, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	size_t len = strlen(text), done = 0;
	int err = fchmod(fd, 0644) != 0 ? errno : 0;	/* whatever the umask */
	while (!err && done < len) {
		ssize_t w = write(fd, text + done, len - done);
		if (w < 0 && errno != EINTR)
			err = errno;
		else if (w > 0)
			done += (size_t)w;
	}
	if (!err && fsync(fd) != 0)
		err = errno;
	if (close(fd) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err) {
		unlink(tmp);
		snprintf(why, n, "cannot write %s: %s", path, strerror(err));
		return -1;
	}
	return 0;
}
