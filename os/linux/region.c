/*
 * region.c -- region facts (region.h) from Linux sysfs.
 *
 * A libnvdimm region is <sysfs>/bus/nd/devices/regionN, a link into the
 * device tree below its bus, .../ndbusM/regionN.  The bus's "provider"
 * says who made it: "ACPI.NFIT", "CXL" (cxl_pmem), "virtio-pmem",
 * "e820".  The region's own files: persistence_domain (absent when the
 * kernel knows none, as on virtio-pmem), deep_flush ("1" and writable
 * with flush hints, "0" and read-only without; absent on virtio-pmem,
 * whose regions have no DIMM mappings).  A device's region is the
 * "regionN" ancestor of its resolved /sys/dev/{char,block}/M:N.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "devdax.h"
#include "err.h"
#include "log.h"
#include "region.h"

/* Adds to r->reason, "; "-separated. */
__attribute__((format(printf, 2, 3)))
static void note(struct pmem_region *r, const char *fmt, ...)
{
	size_t used = strlen(r->reason);
	if (used + 3 >= sizeof(r->reason))
		return;
	if (used) {
		strcpy(r->reason + used, "; ");
		used += 2;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason + used, sizeof(r->reason) - used, fmt, ap);
	va_end(ap);
}

/* First line of a sysfs file, non-printable bytes as '?'.  1 read, 0 no
 * such file, -1 other error (errno). */
static int read_line(const char *dir, const char *name, char *buf,
		size_t n)
{
	char path[PATH_MAX];
	int plen = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (plen < 0 || (size_t)plen >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	ssize_t got = read(fd, buf, n - 1);
	int err = errno;
	close(fd);
	if (got < 0) {
		errno = err;
		return -1;
	}
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	for (char *p = buf; *p; p++)
		if (!isprint((unsigned char)*p))
			*p = '?';
	return 1;
}

/* N of "regionN" at name (digits only, up to end), or -1. */
static int region_number(const char *name, const char *end)
{
	if (strncmp(name, "region", 6) != 0 || name + 6 >= end)
		return -1;
	long v = 0;
	for (const char *p = name + 6; p < end; p++) {
		if (!isdigit((unsigned char)*p) || v > (INT_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return (int)v;
}

int pmem_region_id_in(const char *sysfs_path)
{
	int id = -1;
	for (const char *p = sysfs_path; (p = strchr(p, '/')); ) {
		p++;
		const char *end = p + strcspn(p, "/");
		int v = region_number(p, end);
		if (v >= 0)
			id = v;
	}
	return id;
}

static void read_kind(const char *region_dir, struct pmem_region *r)
{
	char bus[PATH_MAX];
	snprintf(bus, sizeof(bus), "%s", region_dir);
	char *slash = strrchr(bus, '/');
	if (slash)
		*slash = '\0';
	const char *busname = strrchr(bus, '/') ? strrchr(bus, '/') + 1 : bus;
	if (strncmp(busname, "ndbus", 5) != 0) {
		note(r, "region is not below an ndbus directory (%.40s)",
				busname);
		return;
	}
	int got = read_line(bus, "provider", r->provider,
			sizeof(r->provider));
	if (got <= 0) {
		r->provider[0] = '\0';
		if (got < 0)
			r->error = errno;
		note(r, "%s: cannot read its provider: %s", busname,
				got ? strerror(errno) : "no such file");
		return;
	}
	static const struct {
		const char *provider;
		size_t prefix;		/* 0: the whole name */
		enum pmem_region_kind kind;
	} known[] = {
		{ "ACPI.NFIT", 0, PMEM_REGION_NFIT },
		{ "CXL", 0, PMEM_REGION_CXL },
		{ "virtio", 6, PMEM_REGION_VIRTIO },	/* "virtio-pmem" */
		{ "e820", 0, PMEM_REGION_E820 },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		int same = known[i].prefix ?
			strncmp(r->provider, known[i].provider,
					known[i].prefix) == 0 :
			strcmp(r->provider, known[i].provider) == 0;
		if (same) {
			r->kind = known[i].kind;
			return;
		}
	}
	note(r, "unknown provider \"%s\"", r->provider);
}

static void read_domain(const char *dir, struct pmem_region *r)
{
	char buf[64];
	int got = read_line(dir, "persistence_domain", buf, sizeof(buf));
	if (got < 0) {
		r->error = errno;
		note(r, "cannot read persistence_domain: %s", strerror(errno));
	} else if (got == 0) {
		/* virtio-pmem and kernels before 4.17 */
		if (r->kind != PMEM_REGION_VIRTIO)
			note(r, "no persistence_domain file");
	} else if (buf[0] == '\0') {
		r->domain = PMEM_DOMAIN_NONE;
	} else if (strcmp(buf, "cpu_cache") == 0) {
		r->domain = PMEM_DOMAIN_CPU_CACHE;
	} else if (strcmp(buf, "memory_controller") == 0) {
		r->domain = PMEM_DOMAIN_MEMCTRL;
	} else {
		note(r, "persistence_domain \"%.40s\" is not a known domain",
				buf);
	}
}

static void read_deep(const char *dir, struct pmem_region *r)
{
	char buf[16];
	int got = read_line(dir, "deep_flush", buf, sizeof(buf));
	if (r->kind == PMEM_REGION_VIRTIO) {
		/* The kernel's flush of this region is a request to the host,
		 * made by fsync/msync of a file on it. */
		r->deep = PMEM_DEEP_HOST;
		return;
	}
	if (got < 0) {
		r->error = r->error ? r->error : errno;
		note(r, "cannot read deep_flush: %s", strerror(errno));
	} else if (got > 0 && strcmp(buf, "1") == 0) {
		r->deep = PMEM_DEEP_FILE;
	} else if (got > 0 && strcmp(buf, "0") != 0) {
		note(r, "deep_flush \"%.16s\" is neither 0 nor 1", buf);
	}
}

/* The CXL regionN whose address range is this region's: by "resource"
 * (root may read the nd region's), else by a size no other has. */
static void find_cxl_region(const char *dir, struct pmem_region *r)
{
	char res[32] = "", size[32] = "", cdir[PATH_MAX];
	if (read_line(dir, "resource", res, sizeof(res)) <= 0)
		res[0] = '\0';
	if (read_line(dir, "size", size, sizeof(size)) <= 0)
		size[0] = '\0';
	snprintf(cdir, sizeof(cdir), "%s/bus/cxl/devices", pmem_sysfs_root());
	DIR *d = opendir(cdir);
	if (d == NULL) {
		note(r, "no CXL bus in sysfs to name the CXL region");
		return;
	}
	int by_res = -1, by_size = -1, sizes = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		int v = region_number(de->d_name,
				de->d_name + strlen(de->d_name));
		if (v < 0)
			continue;
		char one[PATH_MAX + 256], cres[32], csize[32];
		snprintf(one, sizeof(one), "%s/%s", cdir, de->d_name);
		if (res[0] && read_line(one, "resource", cres,
				sizeof(cres)) > 0 &&
				strtoull(cres, NULL, 0) == strtoull(res, NULL, 0))
			by_res = v;
		if (size[0] && read_line(one, "size", csize,
				sizeof(csize)) > 0 &&
				strtoull(csize, NULL, 0) ==
				strtoull(size, NULL, 0)) {
			by_size = v;
			sizes++;
		}
	}
	closedir(d);
	r->cxl_region = by_res >= 0 ? by_res : sizes == 1 ? by_size : -1;
	if (r->cxl_region < 0)
		note(r, "no CXL region matches nd region%d", r->id);
}

/* Facts from a resolved region directory. */
static void read_facts(const char *dir, int id, struct pmem_region *out)
{
	struct pmem_region r = {
		.id = id, .cxl_region = -1, .kind = PMEM_REGION_UNKNOWN,
		.domain = PMEM_DOMAIN_UNKNOWN, .sync = -1,
		.deep = PMEM_DEEP_NONE,
	};
	read_kind(dir, &r);
	read_domain(dir, &r);
	read_deep(dir, &r);
	if (r.kind == PMEM_REGION_VIRTIO)
		r.sync = 0;		/* ND_REGION_ASYNC */
	else if (r.kind != PMEM_REGION_UNKNOWN)
		r.sync = 1;
	if (r.kind == PMEM_REGION_CXL)
		find_cxl_region(dir, &r);
	PMEM_LOG(INFO, "region%d: %s, domain %s, %s, deep flush %s%s%s", id,
			pmem_region_kind_name(r.kind),
			pmem_region_domain_name(r.domain),
			r.sync == 1 ? "synchronous" : r.sync == 0 ?
			"asynchronous" : "synchronous or not: unknown",
			pmem_region_deep_name(r.deep), r.reason[0] ? ": " : "",
			r.reason);
	*out = r;
}

/* The resolved directory of regionN into dir: 0, or -1 with errno. */
static int region_dir(int id, char *link, char *dir)
{
	snprintf(link, PATH_MAX, "%s/bus/nd/devices/region%d",
			pmem_sysfs_root(), id);
	if (id < 0) {
		errno = EINVAL;
		return -1;
	}
	return realpath(link, dir) ? 0 : -1;
}

int pmem_region_read(int id, struct pmem_region *out)
{
	char link[PATH_MAX], dir[PATH_MAX];
	if (region_dir(id, link, dir) != 0) {
		pmem_err_errno(errno, "region%d: \"%s\"", id, link);
		return -1;
	}
	read_facts(dir, id, out);
	return 0;
}

int pmem_region_is_sync(int id)
{
	char link[PATH_MAX], dir[PATH_MAX];
	struct pmem_region r;
	if (region_dir(id, link, dir) != 0)
		return 1;
	read_facts(dir, id, &r);
	return r.sync != 0;
}

int pmem_region_of_dev(dev_t dev, int chr, struct pmem_region *out)
{
	char link[PATH_MAX], dir[PATH_MAX];
	snprintf(link, sizeof(link), "%s/dev/%s/%u:%u", pmem_sysfs_root(),
			chr ? "char" : "block", major(dev), minor(dev));
	if (!realpath(link, dir)) {
		pmem_err_errno(errno, "\"%s\"", link);
		return -1;
	}
	int id = pmem_region_id_in(dir);
	if (id < 0) {
		struct pmem_region none = {
			.id = -1, .cxl_region = -1, .kind = PMEM_REGION_NONE,
			.domain = PMEM_DOMAIN_UNKNOWN, .sync = -1,
			.deep = PMEM_DEEP_NONE,
		};
		snprintf(none.reason, sizeof(none.reason),
				"%s device %u:%u is not on an NVDIMM-bus region",
				chr ? "character" : "block", major(dev),
				minor(dev));
		*out = none;
		return 0;
	}
	/* Cut the path after its last "/regionN". */
	char name[32];
	snprintf(name, sizeof(name), "/region%d", id);
	char *at = NULL;
	for (char *p = dir; (p = strstr(p, name)); p++)
		if (p[strlen(name)] == '/' || p[strlen(name)] == '\0')
			at = p;
	if (at)
		at[strlen(name)] = '\0';
	read_facts(dir, id, out);
	return 1;
}

int pmem_region_of_path(const char *path, struct pmem_region *out)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		pmem_err_errno(errno, "stat \"%s\"", path);
		return -1;
	}
	if (S_ISCHR(st.st_mode))
		return pmem_region_of_dev(st.st_rdev, 1, out);
	return pmem_region_of_dev(S_ISBLK(st.st_mode) ? st.st_rdev :
			st.st_dev, 0, out);
}

int pmem_region_deep_flush(int id)
{
	struct pmem_region r;
	char link[PATH_MAX], dir[PATH_MAX];
	int have = region_dir(id, link, dir) == 0;
	if (have)
		read_facts(dir, id, &r);
	/* A deep_flush that is there but cannot be read is tried anyway:
	 * its write says what is wrong. */
	if (!have || (r.deep != PMEM_DEEP_FILE && !r.error)) {
		/* Nothing to write: the flush instructions were all there
		 * is (deep_flush reads 0 and is read-only without flush
		 * hints: the platform drains its queues on power loss, as
		 * with qemu's NVDIMMs and CXL memory).  PMDK also returns 0
		 * here. */
		PMEM_LOG(NOTICE, "no deep_flush for region %d", id);
		errno = ENOTSUP;
		return 0;
	}
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/deep_flush", dir);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 && errno == EACCES) {
		/* Not ours to write (a user other than root): the flush
		 * instructions are all we can do, as PMDK. */
		PMEM_LOG(NOTICE, "\"%s\" not writable", path);
		errno = ENOTSUP;
		return 0;
	}
	if (fd < 0) {
		pmem_err_errno(errno, "open \"%s\"", path);
		return -1;
	}
	ssize_t n = write(fd, "1", 1);
	int err = errno;
	close(fd);
	if (n != 1) {
		pmem_err_errno(n < 0 ? err : EIO, "write \"%s\"", path);
		return -1;
	}
	return 0;
}

const char *pmem_region_kind_name(enum pmem_region_kind kind)
{
	switch (kind) {
	case PMEM_REGION_NONE: return "none";
	case PMEM_REGION_NFIT: return "NVDIMM";
	case PMEM_REGION_CXL: return "CXL";
	case PMEM_REGION_VIRTIO: return "virtio-pmem";
	case PMEM_REGION_E820: return "e820";
	default: return "unknown";
	}
}

const char *pmem_region_domain_name(enum pmem_region_domain domain)
{
	switch (domain) {
	case PMEM_DOMAIN_NONE: return "none";
	case PMEM_DOMAIN_MEMCTRL: return "memory_controller";
	case PMEM_DOMAIN_CPU_CACHE: return "cpu_cache";
	default: return "unknown";
	}
}

const char *pmem_region_deep_name(enum pmem_region_deep deep)
{
	switch (deep) {
	case PMEM_DEEP_FILE: return "deep_flush file";
	case PMEM_DEEP_HOST: return "host flush request (msync/fsync)";
	default: return "flush instructions only";
	}
}

const char *pmem_region_describe(const struct pmem_region *r, char *buf,
		size_t n)
{
	char which[64], nd[40] = "";
	if (r->kind == PMEM_REGION_CXL && r->cxl_region >= 0) {
		snprintf(which, sizeof(which), "CXL region %d", r->cxl_region);
		snprintf(nd, sizeof(nd), " (nd region%d)", r->id);
	} else if (r->kind == PMEM_REGION_CXL) {
		snprintf(which, sizeof(which), "CXL region of unknown number");
		snprintf(nd, sizeof(nd), " (nd region%d)", r->id);
	} else if (r->kind == PMEM_REGION_NFIT) {
		snprintf(which, sizeof(which), "NVDIMM (ACPI NFIT) region %d",
				r->id);
	} else if (r->kind == PMEM_REGION_E820) {
		snprintf(which, sizeof(which),
				"legacy e820/memmap= region %d", r->id);
	} else if (r->kind == PMEM_REGION_NONE) {
		snprintf(which, sizeof(which), "no NVDIMM-bus region");
	} else {
		snprintf(which, sizeof(which), "%s region %d",
				pmem_region_kind_name(r->kind), r->id);
	}
	if (r->kind == PMEM_REGION_VIRTIO)
		snprintf(buf, n, "%s, asynchronous: the kernel offers no "
				"MAP_SYNC here; use pmem_msync", which);
	else if (r->kind == PMEM_REGION_NONE)
		snprintf(buf, n, "%s", which);
	else
		snprintf(buf, n, "%s, persistence domain %s%s", which,
				pmem_region_domain_name(r->domain), nd);
	return buf;
}
