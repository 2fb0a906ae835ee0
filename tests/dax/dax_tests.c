/*
 * dax_tests.c -- the library's tests on real kernel DAX paths, run inside
 * the qemu guest of tests/dax/ (see docs/testing.md).
 *
 *   dax_tests mem-ctrl NONCE   everything; expects /dev/dax0.0, ext4 -o dax
 *                              on /mnt/dax, tmpfs on /mnt/tmp
 *   dax_tests cpu NONCE        the persistence-domain checks only
 *
 * Each check prints one line "DAXT: ok NAME" or "DAXT: FAIL NAME: why"
 * (SKIP likewise) for the host to collect, then "DAXT: done N passed, N
 * failed".  Exits 0 when it ran to the end: the host counts the lines, so a
 * crash shows as a missing "done".
 */
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
#include <unistd.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "open_spy.h"

#define DEVDAX "/dev/dax0.0"
#define DAX_SYSFS "/sys/bus/dax/devices/dax0.0"
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
	if (read_u64(DAX_SYSFS "/size", &d->size))
		return -1;
	/* The device's own align (5.10+), else its region's. */
	if (read_u64(DAX_SYSFS "/align", &d->align) &&
	    read_u64(DAX_SYSFS "/../dax_region/align", &d->align))
		return -1;
	if (!realpath(DAX_SYSFS, real))
		return -1;
	const char *r = strstr(real, "/region");
	if (!r || sscanf(r, "/region%d", &d->region) != 1)
		return -1;
	return 0;
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

static void test_deep_flush(const struct devdax *d)
{
	char path[128], val[16] = "?";
	snprintf(path, sizeof(path), "/sys/bus/nd/devices/region%d/deep_flush",
			d->region);
	struct stat st;
	int have = stat(path, &st) == 0;
	if (have)
		read_text(path, val, sizeof(val));
	check(have, "deep flush: region's deep_flush file exists",
			"%s = %s, mode %03o", path, val,
			have ? (unsigned)(st.st_mode & 0777) : 0);

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

	open_spy_reset();
	errno = 0;
	int r = pmem_deep_drain(p + 8192, 3 * 4096);
	check(r == 0, "deep flush: pmem_deep_drain on devdax range returns 0",
			"ret %d errno %d %s", r, errno, r ? errmsg() : "");
	saw = spy_saw_region(d->region, &wr);
	check(saw, "deep flush: pmem_deep_drain used the region's deep_flush",
			"region%d; opened for %s", d->region, wr ? "writing" : "reading");

	open_spy_reset();
	errno = 0;
	r = pmem_deep_persist(p + 8192, 3 * 4096);
	check(r == 0, "deep flush: pmem_deep_persist on devdax range returns 0",
			"ret %d errno %d %s", r, errno, r ? errmsg() : "");
	saw = spy_saw_region(d->region, &wr);
	check(saw, "deep flush: pmem_deep_persist used the region's deep_flush",
			"region%d; opened for %s", d->region, wr ? "writing" : "reading");
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
	const char *want = cpu ? "cpu_cache" : "memory_controller";
	char path[128], dom[64];
	int regions = 0, matching = 0;
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof(path),
				"/sys/bus/nd/devices/region%d/persistence_domain", i);
		if (read_text(path, dom, sizeof(dom)))
			continue;
		regions++;
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

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "mem-ctrl";
	uint32_t nonce = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 16) : 0;
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(mode, "mem-ctrl") == 0) {
		test_adjacent();
		struct devdax d = { 0 };
		int have = devdax_info(&d) == 0;
		if (check(have, "devdax: size, align, region from sysfs",
				"size %" PRIu64 " align %" PRIu64 " region%d",
				d.size, d.align, d.region)) {
			test_devdax_map(&d);
			test_is_pmem_devdax(&d);
			test_deep_flush(&d);
			test_persist_for_host(nonce);
		}
		test_file(DAX_DIR, "ext4-dax", 1, nonce);
		test_file(TMP_DIR, "tmpfs", 0, nonce);
	}
	test_auto_flush(mode);
	printf("DAXT: done %d passed, %d failed\n", passed, failed);
	return 0;
}
