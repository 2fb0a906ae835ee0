/*
 * dax_tests.c -- the library's tests on real kernel DAX paths, run inside
 * the qemu guest of tests/dax/ (see docs/testing.md).
 *
 *   dax_tests mem-ctrl NONCE   everything; expects /dev/dax0.0, ext4 -o dax
 *                              on /mnt/dax, tmpfs on /mnt/tmp
 *   dax_tests cpu NONCE        the persistence-domain checks only
 *   dax_tests cxl NONCE        a CXL region: a devdax namespace and ext4
 *                              -o dax on /mnt/dax; every backend pair
 *   dax_tests virtio NONCE     virtio-pmem: ext4 -o dax on /mnt/dax
 *   dax_tests pair F C PATH    (internal) one round with PMEM_BACKEND=F,C
 *
 * Each check prints one line "DAXT: ok NAME" or "DAXT: FAIL NAME: why"
 * (SKIP likewise) for the host to collect, then "DAXT: done N passed, N
 * failed".  Exits 0 when it ran to the end: the host counts the lines, so a
 * crash shows as a missing "done".
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "open_spy.h"

/* The Device DAX under test: the first /dev/daxX.Y (find_devdax). */
static char DEVDAX[64] = "/dev/dax0.0";
static char DAX_SYSFS[128] = "/sys/bus/dax/devices/dax0.0";
#define DAX_DIR "/mnt/dax"
#define TMP_DIR "/mnt/tmp"
#define MIB ((size_t)1 << 20)

static int passed, failed;

static void vreport(const char *status, const char *name, const char *fmt,
		va_list ap)
{
	char detail[512] = "";
	if (fmt)
		vsnprintf(detail, sizeof(detail), fmt, ap);
	printf("DAXT: %s %s%s%s\n", status, name, *detail ? ": " : "", detail);
	fflush(stdout);
}

/* One check: ok when cond holds; the detail says what was seen. */
static int check(int cond, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(cond ? "ok" : "FAIL", name, fmt, ap);
	va_end(ap);
	if (cond)
		passed++;
	else
		failed++;
	return cond;
}

static void skip(const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("SKIP", name, fmt, ap);
	va_end(ap);
}

static const char *errmsg(void)
{
	const char *m = pmem_errormsg();
	return m ? m : "(null)";
}

/* The library's message, for the detail of a check that failed. */
static const char *why(int ok)
{
	return ok ? "" : errmsg();
}

/* ---- sysfs ---------------------------------------------------------- */

static int read_text(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static int read_u64(const char *path, uint64_t *v)
{
	char buf[64];
	if (read_text(path, buf, sizeof(buf)))
		return -1;
	char *end;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	return errno || end == buf ? -1 : 0;
}

struct devdax {
	uint64_t size;
	uint64_t align;
	int region;		/* N of the regionN the device lives in */
};

static int devdax_info(struct devdax *d)
{
	char real[PATH_MAX];
	char p[256];
	snprintf(p, sizeof(p), "%s/size", DAX_SYSFS);
	if (read_u64(p, &d->size))
		return -1;
	/* The device's own align (5.10+), else its region's. */
	char q[256];
	snprintf(p, sizeof(p), "%s/align", DAX_SYSFS);
	snprintf(q, sizeof(q), "%s/../dax_region/align", DAX_SYSFS);
	if (read_u64(p, &d->align) && read_u64(q, &d->align))
		return -1;
	if (!realpath(DAX_SYSFS, real))
		return -1;
	const char *r = strstr(real, "/region");
	if (!r || sscanf(r, "/region%d", &d->region) != 1)
		return -1;
	return 0;
}

/* The first Device DAX in /dev (the CXL guest's is not dax0.0). */
static int find_devdax(void)
{
	DIR *d = opendir("/dev");
	if (!d)
		return -1;
	struct dirent *de;
	int ret = -1;
	while ((de = readdir(d))) {
		unsigned a, b;
		if (sscanf(de->d_name, "dax%u.%u", &a, &b) != 2)
			continue;
		snprintf(DEVDAX, sizeof(DEVDAX), "/dev/%.40s", de->d_name);
		snprintf(DAX_SYSFS, sizeof(DAX_SYSFS),
				"/sys/bus/dax/devices/%.40s", de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/* Whether the VMA holding addr has VM_SYNC ("sf" in smaps VmFlags),
 * i.e. was mapped with MAP_SYNC.  -1 when addr is not mapped. */
static int vma_has_map_sync(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	char line[512];
	int inside = 0, ret = -1;
	uintptr_t a = (uintptr_t)addr;
	while (fgets(line, sizeof(line), f)) {
		uintptr_t lo, hi;
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			inside = a >= lo && a < hi;
			continue;
		}
		if (inside && strncmp(line, "VmFlags:", 8) == 0) {
			ret = strstr(line + 8, " sf") != NULL;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* ---- the data pattern the host looks for ----------------------------- */

#define HDR_LEN 64

/* Byte i of the payload; tests/dax/run.py computes the same. */
static unsigned char pattern(size_t i, uint32_t seed)
{
	uint32_t x = (uint32_t)i * 2654435761u + seed;
	return (unsigned char)(x >> 24);
}

/*
 * Writes, with pmem_memcpy_persist, a 64-byte header naming what and the
 * boot's nonce, then payload bytes of pattern(i, nonce), to dst.  The host
 * (tests/dax/run.py) finds them in an NVDIMM's backing file after
 * power-off.  1 when they read back, 0 when not, -1 without memory.
 */
static int write_marked(char *dst, const char *what, uint32_t nonce,
		size_t payload)
{
	char *buf = malloc(HDR_LEN + payload);
	if (!buf)
		return -1;
	memset(buf, 0, HDR_LEN);
	snprintf(buf, HDR_LEN, "libpmem-dax-tier %s nonce=%08" PRIx32
			" len=%zu\n", what, nonce, payload);
	for (size_t i = 0; i < payload; i++)
		buf[HDR_LEN + i] = (char)pattern(i, nonce);
	pmem_memcpy_persist(dst, buf, HDR_LEN + payload);
	int same = memcmp(dst, buf, HDR_LEN + payload) == 0;
	free(buf);
	return same;
}

/* ---- checks ----------------------------------------------------------- */

/*
 * Two pmem mappings side by side.  The library places mappings, so this is
 * arranged rather than forced.  Linux hands out addresses top-down, and a
 * mapping aligned for huge pages is put in a reservation one alignment
 * unit larger.  So: make the lowest mapping start 2 MiB aligned (an anchor
 * of our own), map a 4 MiB file (it lands 6 MiB below the anchor), unmap
 * its upper half: the free gap up to the anchor is then 4 MiB, exactly what
 * a 2 MiB file needs, and that file lands right above the first half.
 * Run first, before other tests leave holes in the address space.  If the
 * library places mappings some other way the check is skipped, visibly.
 */
static void test_adjacent(void)
{
	const char *pa = DAX_DIR "/adj-a", *pb = DAX_DIR "/adj-b";
	size_t la, lb;
	int pma, pmb;

	char *anchor = mmap(NULL, 4 * MIB, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (anchor == MAP_FAILED) {
		check(0, "is_pmem adjacent: anchor mapping", "%s", strerror(errno));
		return;
	}
	char *aligned = (char *)(((uintptr_t)anchor + 2 * MIB - 1) &
			~(uintptr_t)(2 * MIB - 1));
	if (aligned != anchor)
		munmap(anchor, (size_t)(aligned - anchor));

	char *a = pmem_map_file(pa, 4 * MIB, PMEM_FILE_CREATE, 0600, &la,
			&pma);
	if (!check(a != NULL && pma == 1, "is_pmem adjacent: map 4 MiB ext4-dax file",
			"%s", why(a != NULL)))
		goto out;
	int r = pmem_unmap(a + 2 * MIB, 2 * MIB);
	check(r == 0, "is_pmem adjacent: unmap upper half", "%s", why(r == 0));
	char *b = pmem_map_file(pb, 2 * MIB, PMEM_FILE_CREATE, 0600, &lb,
			&pmb);
	if (check(b != NULL && pmb == 1, "is_pmem adjacent: map 2 MiB ext4-dax file",
			"%s", why(b != NULL))) {
		char *lo = a < b ? a : b;
		if (b == a + 2 * MIB || a == b + 2 * MIB) {
			check(pmem_is_pmem(lo, 4 * MIB) == 1,
					"is_pmem across two adjacent pmem mappings is 1",
					"%p and %p, 2 MiB each", (void *)a, (void *)b);
			check(pmem_is_pmem(lo + 2 * MIB - 64, 128) == 1,
					"is_pmem on 128 bytes straddling the seam is 1", "");
			pmem_unmap(b, 2 * MIB);
			check(pmem_is_pmem(lo, 4 * MIB) == 0,
					"is_pmem over the pair after unmapping one is 0", "");
		} else {
			skip("is_pmem across two adjacent pmem mappings",
					"the library placed them apart (%p, %p)",
					(void *)a, (void *)b);
			pmem_unmap(b, 2 * MIB);
		}
	}
	pmem_unmap(a, 2 * MIB);
out:
	munmap(aligned, 4 * MIB - (size_t)(aligned - anchor));
	unlink(pa);
	unlink(pb);
}

static void test_devdax_map(const struct devdax *d)
{
	size_t len = 0;
	int is_pmem = -1;
	char *p = pmem_map_file(DEVDAX, 0, 0, 0, &len, &is_pmem);
	if (!check(p != NULL, "devdax: len 0 maps", "%s", p ? "" : errmsg()))
		return;
	check(len == d->size, "devdax: len 0 maps the whole device",
			"mapped %zu, device %" PRIu64, len, d->size);
	check(is_pmem == 1, "devdax: *is_pmemp is 1", "got %d", is_pmem);
	/* libdaxctl is loaded on demand, by the first Device DAX lookup */
	check(dlopen("libdaxctl.so.1", RTLD_NOW | RTLD_NOLOAD) != NULL,
			"devdax: libdaxctl loaded for the lookup", "%s",
			dlerror() ? "not loaded" : "");
	check((uintptr_t)p % d->align == 0,
			"devdax: mapping aligned to the device's align",
			"addr %p, align %" PRIu64, (void *)p, d->align);
	check(pmem_is_pmem(p, len) == 1, "devdax: pmem_is_pmem(whole) is 1", "");
	/* The mapping is usable: a store and a load at both ends. */
	p[0] = 1;
	p[len - 1] = 2;
	check(p[0] == 1 && p[len - 1] == 2, "devdax: first and last byte writable", "");
	int r = pmem_unmap(p, len);
	check(r == 0, "devdax: pmem_unmap whole", "%s", why(r == 0));

	/* The exact size is accepted, with no flags or with CREATE|SPARSE,
	 * which do nothing on a device. */
	static const struct { int flags; const char *name; } ok_flags[] = {
		{ 0, "devdax: exact size accepted" },
		{ PMEM_FILE_CREATE | PMEM_FILE_SPARSE,
		  "devdax: exact size with CREATE|SPARSE accepted" },
	};
	for (size_t i = 0; i < sizeof(ok_flags) / sizeof(ok_flags[0]); i++) {
		len = 0;
		is_pmem = -1;
		p = pmem_map_file(DEVDAX, d->size, ok_flags[i].flags, 0, &len,
				&is_pmem);
		check(p != NULL && len == d->size && is_pmem == 1,
				ok_flags[i].name, "%s", p ? "" : errmsg());
		if (p)
			pmem_unmap(p, len);
	}

	/* Refusals: EINVAL, NULL, out-parameters untouched, a message. */
	static const struct {
		size_t len_delta;	/* 0: use fixed_len */
		size_t fixed_len;
		int flags;
		const char *name;
	} bad[] = {
		{ 0, 4096, 0, "devdax: len 4096 refused" },
		{ 0, 4096, PMEM_FILE_CREATE, "devdax: len 4096 with CREATE refused" },
		{ (size_t)-2 * MIB, 0, 0, "devdax: len size-2MiB refused" },
		{ 2 * MIB, 0, 0, "devdax: len size+2MiB refused" },
		{ 0, 0, PMEM_FILE_CREATE | PMEM_FILE_EXCL, "devdax: flag EXCL refused" },
		{ 0, 0, PMEM_FILE_CREATE | PMEM_FILE_TMPFILE, "devdax: flag TMPFILE refused" },
		{ 0, 0, 1 << 10, "devdax: unknown flag bit refused" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t l = bad[i].len_delta ? d->size + bad[i].len_delta
				: bad[i].fixed_len;
		len = 12345;
		is_pmem = 7;
		errno = 0;
		p = pmem_map_file(DEVDAX, l, bad[i].flags, 0, &len, &is_pmem);
		int e = errno;
		const char *m = errmsg();
		check(p == NULL && e == EINVAL && len == 12345 && is_pmem == 7 &&
				*m != '\0', bad[i].name,
				"ret %p errno %d (%s) msg \"%s\"", (void *)p, e,
				strerror(e), m);
		if (p)
			pmem_unmap(p, len);
	}
}

static void test_is_pmem_devdax(const struct devdax *d)
{
	size_t len;
	int is_pmem;
	char *p = pmem_map_file(DEVDAX, 0, 0, 0, &len, &is_pmem);
	if (!check(p != NULL, "is_pmem: map devdax", "%s", p ? "" : errmsg()))
		return;
	size_t A = d->align;
	check(pmem_is_pmem(p, 1) == 1, "is_pmem: first byte is 1", "");
	check(pmem_is_pmem(p + len / 2 + 123, 4096) == 1,
			"is_pmem: unaligned sub-range in the middle is 1", "");
	check(pmem_is_pmem(p + len - 1, 1) == 1, "is_pmem: last byte is 1", "");
	check(pmem_is_pmem(p + len - 4096, 8192) == 0,
			"is_pmem: range running past the end is 0", "");
	check(pmem_is_pmem(p - 4096, 8192) == 0,
			"is_pmem: range starting before the mapping is 0", "");

	/* A second pmem mapping (ext4-dax file): each is pmem, the span
	 * from one to the other is not unless nothing lies between. */
	size_t flen;
	int fpm;
	char *f = pmem_map_file(DAX_DIR "/second", 2 * MIB, PMEM_FILE_CREATE,
			0600, &flen, &fpm);
	if (check(f != NULL && fpm == 1, "is_pmem: second mapping (ext4-dax file)",
			"%s", f ? "" : errmsg())) {
		char *lo = f < p ? f : p;
		char *hi_end = f < p ? p + len : f + flen;
		int adjacent = f + flen == p || p + len == f;
		check(pmem_is_pmem(f, flen) == 1 && pmem_is_pmem(p, len) == 1,
				"is_pmem: each of two mappings is 1", "");
		check(pmem_is_pmem(lo, (size_t)(hi_end - lo)) == adjacent,
				"is_pmem: span over two mappings and the gap between",
				"expected %d (%s)", adjacent,
				adjacent ? "adjacent" : "gap between");
		pmem_unmap(f, flen);
		unlink(DAX_DIR "/second");
		check(pmem_is_pmem(p, len) == 1,
				"is_pmem: first mapping still 1 after unmapping the second", "");
	}

	/* Partial unmap: the hole is forgotten, both sides stay pmem. */
	int r = pmem_unmap(p + 2 * A, A);
	if (check(r == 0, "is_pmem: partial pmem_unmap of one align unit",
			"%s", r ? errmsg() : "")) {
		check(pmem_is_pmem(p, 2 * A) == 1,
				"is_pmem: part below the hole is 1", "");
		check(pmem_is_pmem(p + 2 * A, A) == 0,
				"is_pmem: the unmapped hole is 0", "");
		check(pmem_is_pmem(p + 2 * A - 1, 2) == 0,
				"is_pmem: 2 bytes straddling the hole's start are 0", "");
		check(pmem_is_pmem(p + 3 * A, len - 3 * A) == 1,
				"is_pmem: part above the hole is 1", "");
		check(pmem_is_pmem(p, len) == 0,
				"is_pmem: whole original range is 0 after partial unmap", "");
	}
	errno = 0;
	r = pmem_unmap(p + 1, 4096);
	check(r == -1 && errno == EINVAL, "is_pmem: pmem_unmap of unaligned address is EINVAL",
			"ret %d errno %d", r, errno);
	r = pmem_unmap(p, len);
	check(r == 0, "is_pmem: pmem_unmap over the hole", "%s", why(r == 0));
	check(pmem_is_pmem(p, 2 * A) == 0 && pmem_is_pmem(p + 3 * A, A) == 0,
			"is_pmem: all 0 after unmapping everything", "");
}

/* A regular file: MAP_SYNC on ext4 -o dax, not on tmpfs. */
static void test_file(const char *dir, const char *fs, int expect_pmem,
		uint32_t nonce)
{
	char path[256], name[128];
	snprintf(path, sizeof(path), "%s/file", dir);
	size_t len = 0;
	int is_pmem = -1;
	char *p = pmem_map_file(path, 4 * MIB, PMEM_FILE_CREATE, 0600, &len,
			&is_pmem);
	snprintf(name, sizeof(name), "%s: pmem_map_file CREATE 4 MiB", fs);
	if (!check(p != NULL && len == 4 * MIB, name, "%s",
			p ? "" : errmsg()))
		return;
	snprintf(name, sizeof(name), "%s: *is_pmemp is %d", fs, expect_pmem);
	check(is_pmem == expect_pmem, name, "got %d", is_pmem);
	snprintf(name, sizeof(name), "%s: pmem_is_pmem is %d", fs, expect_pmem);
	check(pmem_is_pmem(p, len) == expect_pmem, name, "");
	int sync = vma_has_map_sync(p);
	snprintf(name, sizeof(name), "%s: mapping %s MAP_SYNC (smaps sf)", fs,
			expect_pmem ? "has" : "has no");
	check(sync == expect_pmem, name, "smaps says %d", sync);

	/* On ext4 -o dax no msync follows: with MAP_SYNC the stores reach
	 * the NVDIMM itself, and the host looks for them there.  The file
	 * is kept so its blocks are not reused. */
	int same = write_marked(p + 3, fs, nonce, 64 * 1024 + 5);
	if (!expect_pmem)
		pmem_msync(p, len);
	snprintf(name, sizeof(name), "%s: pmem_memcpy_persist data read back", fs);
	check(same == 1, name, "");
	snprintf(name, sizeof(name), "%s: pmem_deep_persist returns 0", fs);
	int r = pmem_deep_persist(p, 4096);
	check(r == 0, name, "%s", why(r == 0));
	pmem_unmap(p, len);
	if (!expect_pmem)
		unlink(path);
}

static int spy_saw_region(int region, int *writable)
{
	const struct open_spy *s = open_spy_get();
	*writable = 0;
	char want[64];
	snprintf(want, sizeof(want), "region%d/deep_flush", region);
	for (int i = 0; i < s->n; i++) {
		if (strstr(s->path[i], want)) {
			*writable = s->writable[i];
			return 1;
		}
	}
	return 0;
}

/*
 * The region's deep_flush reads 1 and is writable when it has flush hints
 * (writing it drains the memory controller's queues); reads 0 and is
 * read-only when the platform drains them on power loss (qemu's NVDIMMs,
 * CXL memory).  The library must write it in the first case and only
 * read it in the second.
 */
static void test_deep_flush(const struct devdax *d)
{
	char path[128], val[16] = "?";
	snprintf(path, sizeof(path), "/sys/bus/nd/devices/region%d/deep_flush",
			d->region);
	struct stat st;
	int have = stat(path, &st) == 0;
	if (have)
		read_text(path, val, sizeof(val));
	int hints = strcmp(val, "1") == 0;
	check(have, "deep flush: region's deep_flush file exists",
			"%s = %s, mode %03o (%s)", path, val,
			have ? (unsigned)(st.st_mode & 0777) : 0,
			hints ? "flush hints: writing it drains the queues" :
			"no flush hints: the flush instructions reach the "
			"persistence domain");

	size_t len;
	int is_pmem;
	char *p = pmem_map_file(DEVDAX, 0, 0, 0, &len, &is_pmem);
	if (!check(p != NULL, "deep flush: map devdax", "%s", p ? "" : errmsg()))
		return;
	memset(p + 8192, 0x5a, 3 * 4096);

	int wr = 0;
	open_spy_reset();
	pmem_deep_flush(p + 8192, 3 * 4096);
	int saw = spy_saw_region(d->region, &wr);
	check(p[8192] == 0x5a, "deep flush: pmem_deep_flush on devdax range completes",
			"region%d deep_flush %s", d->region,
			saw ? "opened" : "not opened (cache flush only)");

	static const char *const what[] = { "pmem_deep_drain",
		"pmem_deep_persist" };
	for (int i = 0; i < 2; i++) {
		char name[160];
		open_spy_reset();
		errno = 0;
		int r = i ? pmem_deep_persist(p + 8192, 3 * 4096) :
			pmem_deep_drain(p + 8192, 3 * 4096);
		snprintf(name, sizeof(name),
				"deep flush: %s on devdax range returns 0",
				what[i]);
		check(r == 0, name, "ret %d errno %d %s", r, errno,
				r ? errmsg() : "");
		saw = spy_saw_region(d->region, &wr);
		snprintf(name, sizeof(name), "deep flush: %s %s the region's "
				"deep_flush", what[i], hints ? "wrote" :
				"read, and did not write,");
		check(saw && wr == hints, name, "region%d; %s", d->region,
				!saw ? "not opened" : wr ? "opened for writing" :
				"opened for reading");
	}
	pmem_unmap(p, len);
}

/* Data for the host, at an odd offset of the Device DAX. */
static void test_persist_for_host(uint32_t nonce)
{
	size_t len;
	int is_pmem;
	char *p = pmem_map_file(DEVDAX, 0, 0, 0, &len, &is_pmem);
	if (!check(p != NULL, "persist: map devdax", "%s", p ? "" : errmsg()))
		return;
	size_t payload = 256 * 1024 + 13, off = 16 * MIB + 3;
	int same = write_marked(p + off, "devdax", nonce, payload);
	check(same == 1, "persist: pmem_memcpy_persist to devdax read back",
			"%zu bytes at offset %zu", HDR_LEN + payload, off);
	pmem_unmap(p, len);
}

static void test_auto_flush(const char *mode)
{
	int cpu = strcmp(mode, "cpu") == 0;
	int virtio = strcmp(mode, "virtio") == 0;
	/* virtio-pmem regions have no persistence_domain file */
	const char *want = cpu ? "cpu_cache" : virtio ? "(no file)" :
		"memory_controller";
	char path[128], dom[64];
	int regions = 0, matching = 0;
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/sys/bus/nd/devices/region%d", i);
		if (access(path, F_OK) != 0)
			continue;
		regions++;
		strcat(path, "/persistence_domain");
		if (read_text(path, dom, sizeof(dom)))
			strcpy(dom, "(no file)");
		matching += strcmp(dom, want) == 0;
	}
	check(regions > 0 && matching == regions,
			"auto flush: every region's persistence_domain matches",
			"%d of %d regions say %s", matching, regions, want);
	int r = pmem_has_auto_flush();
	check(r == cpu, cpu ? "auto flush: pmem_has_auto_flush is 1"
			: "auto flush: pmem_has_auto_flush is 0", "got %d", r);
	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	const char *name = c && c->flush && c->flush->name ? c->flush->name
			: "(none)";
	const char *copy = c && c->copy && c->copy->name ? c->copy->name
			: "(none)";
	if (cpu)
		check(strcmp(name, "nop") == 0,
				"auto flush: automatic flush choice is nop",
				"chose %s (%s); copy %s", name,
				c && c->flush_reason ? c->flush_reason : "", copy);
	else
		check(strcmp(name, "nop") != 0,
				"auto flush: automatic flush choice is not nop",
				"chose %s (%s); copy %s", name,
				c && c->flush_reason ? c->flush_reason : "", copy);
}

/* ---- pmem-info in the guest ------------------------------------------ */

/* Runs /usr/bin/pmem-info ARGS PATH; its output into out, its exit
 * status returned (-1 when it did not run). */
static int pmem_info(const char *opt, const char *path, char *out,
		size_t n)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "/usr/bin/pmem-info %s %s 2>&1", opt,
			path);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	size_t got = fread(out, 1, n - 1, f);
	out[got] = '\0';
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The line of text starting with key, without the key, into buf. */
static const char *line_of(const char *text, const char *key, char *buf,
		size_t n)
{
	const char *at = strstr(text, key);
	buf[0] = '\0';
	if (at) {
		at += strlen(key);
		snprintf(buf, n, "%.*s", (int)strcspn(at, "\n"), at);
	}
	return buf;
}

static void test_pmem_info(const char *what, const char *path, int status,
		const char *want)
{
	static char out[8192];
	char name[200], got[512], js[512];
	int st = pmem_info("", path, out, sizeof(out));
	snprintf(name, sizeof(name), "pmem-info %s: exit %d and names \"%s\"",
			what, status, want);
	check(st == status && strstr(out, want) != NULL, name,
			"exit %d; region: %s; pmem: %s", st,
			line_of(out, "region: ", got, sizeof(got)),
			line_of(out, "pmem: ", js, sizeof(js)));
	st = pmem_info("--json", path, out, sizeof(out));
	snprintf(name, sizeof(name), "pmem-info --json %s: region facts", what);
	check(st == status && strstr(out, "\"region\": {\"kind\": ") != NULL,
			name, "%s", line_of(out, "\"region\": ", js, sizeof(js)));
}

/* ---- every backend pair ---------------------------------------------- */

/* Child: PMEM_BACKEND=flush,copy is in the environment.  One round on
 * path (Device DAX, or a file: then is_pmem must be expect_pmem). */
static int pair_child(const char *flush, const char *copy, const char *path,
		int expect_pmem)
{
	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	char name[160];
	snprintf(name, sizeof(name), "pair %s,%s: %s", flush, copy,
			expect_pmem ? "copy/persist round" : "is_pmem is 0");
	if (!c || strcmp(c->flush->name, flush) || strcmp(c->copy->name, copy)) {
		skip(name, "the library chose %s,%s: %s", c ? c->flush->name :
				"?", c ? c->copy->name : "?",
				c && c->refusal ? c->refusal : "");
		return 0;
	}
	size_t len;
	int is_pmem = -1;
	int file = strncmp(path, "/dev/", 5) != 0;
	char *p = pmem_map_file(path, file ? 4 * MIB : 0,
			file ? PMEM_FILE_CREATE : 0, 0600, &len, &is_pmem);
	if (!p) {
		check(0, name, "map %s: %s", path, errmsg());
		return 0;
	}
	if (!expect_pmem) {
		check(is_pmem == 0 && pmem_is_pmem(p, len) == 0, name,
				"*is_pmemp %d, pmem_is_pmem %d", is_pmem,
				pmem_is_pmem(p, len));
		pmem_unmap(p, len);
		return 0;
	}
	/* Sizes across the NT threshold, odd offsets, a fill, an overlapping
	 * move; each read back. */
	static const size_t sizes[] = { 5, 64, 200, 4099, 70001, 300003 };
	static char src[300003 + 64];
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (char)pattern(i, 0x5eed);
	int bad = 0;
	size_t off = 7 * MIB + 13;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		pmem_memcpy_persist(p + off, src + i, n);
		bad += memcmp(p + off, src + i, n) != 0;
		pmem_memset_persist(p + off, 0x3c, n);
		bad += p[off] != 0x3c || p[off + n - 1] != 0x3c;
		pmem_memcpy_persist(p + off, src, n);
		pmem_memmove_persist(p + off + 3, p + off, n);
		bad += memcmp(p + off + 3, src, n) != 0;
		off += n + 4096 + 1;
	}
	check(bad == 0 && is_pmem == 1, name, "is_pmem %d, %d mismatches",
			is_pmem, bad);
	pmem_unmap(p, len);
	return 0;
}

/* One child per usable flush x copy pair, each with PMEM_BACKEND set. */
static void test_pairs(const char *path, int expect_pmem)
{
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	const struct pmem_backend *f, *c;
	int pairs = 0;
	for (unsigned i = 0; (f = pmem_backend_get_static(i)); i++) {
		if (f->kind != PMEM_BACKEND_FLUSH || !f->probe(cpu))
			continue;
		for (unsigned j = 0; (c = pmem_backend_get_static(j)); j++) {
			if (c->kind != PMEM_BACKEND_COPY || !c->probe(cpu))
				continue;
			char spec[64];
			snprintf(spec, sizeof(spec), "%s,%s", f->name, c->name);
			pid_t pid = fork();
			if (pid == 0) {
				setenv("PMEM_BACKEND", spec, 1);
				execl("/proc/self/exe", "dax_tests", "pair",
						f->name, c->name, path,
						expect_pmem ? "1" : "0",
						(char *)NULL);
				_exit(127);
			}
			int st = 0;
			if (pid > 0)
				waitpid(pid, &st, 0);
			pairs++;
			if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
				check(0, "pair: child ran", "%s: status 0x%x",
						spec, st);
		}
	}
	check(pairs > 0, "pair: usable flush x copy pairs found", "%d pairs",
			pairs);
}

/* ---- virtio-pmem ------------------------------------------------------ */

/* Interrupts of the virtio-pmem device so far ("virtio0" in
 * /proc/interrupts, every CPU's column summed); -1 if not found. */
static long virtio_irqs(void)
{
	FILE *f = fopen("/proc/interrupts", "r");
	if (!f)
		return -1;
	char line[512];
	long total = -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "virtio0"))
			continue;
		char *p = strchr(line, ':');
		total = 0;
		while (p) {
			char *end;
			long v = strtol(p + 1, &end, 10);
			if (end == p + 1)
				break;
			total += v;
			p = end;
		}
	}
	fclose(f);
	return total;
}

static void test_virtio(uint32_t nonce)
{
	const char *path = DAX_DIR "/virtio-file";
	size_t len = 0;
	int is_pmem = -1;
	char *p = pmem_map_file(path, 4 * MIB, PMEM_FILE_CREATE, 0600, &len,
			&is_pmem);
	if (!check(p != NULL && len == 4 * MIB,
			"virtio: pmem_map_file CREATE 4 MiB on ext4 -o dax succeeds",
			"%s", p ? "" : errmsg()))
		return;
	check(is_pmem == 0, "virtio: *is_pmemp is 0", "got %d", is_pmem);
	check(pmem_is_pmem(p, len) == 0, "virtio: pmem_is_pmem is 0", "");
	int sync = vma_has_map_sync(p);
	check(sync == 0, "virtio: mapping has no MAP_SYNC (smaps sf)",
			"smaps says %d", sync);
	/* The kernel's own answer.  Debian's 6.1 granted MAP_SYNC here in
	 * some boots and refused it in others; the library no longer asks
	 * on an asynchronous region (os/linux/map.c), so only a refusal with
	 * another errno is a failure, and a grant is reported. */
	int fd = open(path, O_RDWR);
	void *m = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
	int e = errno;
	if (m != MAP_FAILED)
		skip("virtio: the kernel refuses MAP_SYNC with EOPNOTSUPP",
				"this boot's kernel granted MAP_SYNC on an "
				"asynchronous region; pmem_map_file did not ask");
	else
		check(e == EOPNOTSUPP,
			"virtio: the kernel refuses MAP_SYNC with EOPNOTSUPP",
			"%s", strerror(e));
	if (m != MAP_FAILED)
		munmap(m, 4096);
	if (fd >= 0)
		close(fd);

	/* The control: stores alone send the host nothing. */
	long before = virtio_irqs();
	memset(p + 3 * MIB, 0x11, 4096);
	long stores = virtio_irqs();
	check(before >= 0 && stores == before,
			"virtio: stores without msync make no flush request",
			"virtio0 interrupts %ld -> %ld", before, stores);
	before = virtio_irqs();
	int same = write_marked(p + 5, "virtio-msync", nonce, 64 * 1024 + 7);
	check(same == 1, "virtio: pmem_memcpy_persist data read back", "");
	int r = pmem_msync(p, len);
	long after = virtio_irqs();
	check(r == 0, "virtio: pmem_msync returns 0", "%s", why(r == 0));
	check(before >= 0 && after > before,
			"virtio: pmem_msync made a flush request the host answered",
			"virtio0 interrupts %ld -> %ld", before, after);
	before = after;
	memset(p + 2 * MIB, 0x77, 4096);	/* past the marked data */
	r = pmem_deep_persist(p + 2 * MIB, 4096);
	after = virtio_irqs();
	check(r == 0 && after > before,
			"virtio: pmem_deep_persist returns 0 and asks the host to flush",
			"ret %d, virtio0 interrupts %ld -> %ld", r, before, after);
	/* The file stays: the host looks for it after the crash. */
	pmem_unmap(p, len);
}

/* Device DAX on virtio-pmem: mapped, never pmem (its stores reach the
 * host only through a flush request, which Device DAX cannot make). */
static void test_virtio_devdax(void)
{
	if (!check(find_devdax() == 0, "virtio devdax: a Device DAX exists",
			"%s", DEVDAX))
		return;
	size_t len = 0;
	int is_pmem = -1;
	char *p = pmem_map_file(DEVDAX, 0, 0, 0, &len, &is_pmem);
	if (!check(p != NULL, "virtio devdax: len 0 maps", "%s",
			p ? "" : errmsg()))
		return;
	check(is_pmem == 0 && pmem_is_pmem(p, len) == 0,
			"virtio devdax: *is_pmemp and pmem_is_pmem are 0",
			"*is_pmemp %d, pmem_is_pmem %d, %zu bytes", is_pmem,
			pmem_is_pmem(p, len), len);
	/* No flush path reaches the host from here: the kernel refuses
	 * msync on Device DAX, and the library says so, never "done". */
	p[0] = 1;
	errno = 0;
	int r = pmem_msync(p, 4096);
	int e = errno;
	check(r == -1 && e == EINVAL,
			"virtio devdax: pmem_msync fails (the kernel refuses msync)",
			"ret %d errno %d: %s", r, e, errmsg());
	errno = 0;
	r = pmem_deep_persist(p, 4096);
	e = errno;
	check(r == -1 && e == EINVAL && strstr(errmsg(), "msync"),
			"virtio devdax: pmem_deep_persist fails with a message",
			"ret %d errno %d: %s", r, e, errmsg());
	pmem_unmap(p, len);
	test_pmem_info("virtio devdax", DEVDAX, 1,
			"Device DAX on an asynchronous region (virtio-pmem)");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "mem-ctrl";
	uint32_t nonce = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 16) : 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "pair") == 0 && argc > 5)
		return pair_child(argv[2], argv[3], argv[4], atoi(argv[5]));

	int mem_ctrl = strcmp(mode, "mem-ctrl") == 0;
	int cxl = strcmp(mode, "cxl") == 0;
	if (mem_ctrl || cxl) {
		if (mem_ctrl)
			test_adjacent();
		struct devdax d = { 0 };
		int have = find_devdax() == 0 && devdax_info(&d) == 0;
		if (check(have, "devdax: size, align, region from sysfs",
				"%s: size %" PRIu64 " align %" PRIu64 " region%d",
				DEVDAX, d.size, d.align, d.region)) {
			test_devdax_map(&d);
			test_is_pmem_devdax(&d);
			test_deep_flush(&d);
			test_persist_for_host(nonce);
			if (cxl)
				test_pairs(DEVDAX, 1);
			test_pmem_info("devdax", DEVDAX, 0, cxl ?
					"CXL region 0, persistence domain memory_controller"
					: "NVDIMM (ACPI NFIT) region");
		}
		test_file(DAX_DIR, "ext4-dax", 1, nonce);
		test_pmem_info("ext4-dax file", DAX_DIR "/file", 0, cxl ?
				"CXL region 0, persistence domain memory_controller"
				: "NVDIMM (ACPI NFIT) region");
		if (mem_ctrl)
			test_file(TMP_DIR, "tmpfs", 0, nonce);
	}
	if (strcmp(mode, "virtio-devdax") == 0) {
		/* A first run, before the namespace becomes fsdax; its own
		 * "done" line is not the end of the boot's tests. */
		test_virtio_devdax();
		printf("DAXT: devdax part: %d passed, %d failed\n", passed,
				failed);
		return 0;
	}
	if (strcmp(mode, "virtio") == 0) {
		test_virtio(nonce);
		test_pmem_info("virtio-pmem file", DAX_DIR "/virtio-file", 1,
				"virtio-pmem: the kernel offers no MAP_SYNC here; "
				"use pmem_msync");
		test_pairs(DAX_DIR "/pair-file", 0);
	}
	test_auto_flush(mode);
	printf("DAXT: done %d passed, %d failed\n", passed, failed);
	return 0;
}
