/*
 * test_region.c -- region facts (os/linux/region.c) from fake sysfs trees:
 * one per kind of region the kernel makes (ACPI NFIT, CXL, virtio-pmem,
 * e820), laid out as Linux 6.1 lays them out, and every file missing,
 * unreadable or malformed.  A machine without persistent memory covers
 * the parsing this way; the qemu guests (tests/dax/) cover the real one.
 */
#include <criterion/criterion.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "libpmem.h"
#include "auto_flush.h"
#include "devdax.h"
#include "region.h"
#include "util_fs.h"

static char root[256];

static void setup(void)
{
	cr_assert_eq(tmpdir_make(root, sizeof(root), "region"), 0);
	pmem_sysfs_set_root(root);
}

static void teardown(void)
{
	pmem_sysfs_set_root(NULL);
	tmpdir_remove(root);
}

/* Where each kind's bus lives below <root>/devices (as on Linux 6.1). */
#define NFIT_BUS "platform/ACPI0012:00/ndbus0"
#define CXL_BUS "platform/ACPI0017:00/root0/nvdimm-bridge0/ndbus0"
#define VIRTIO_BUS "pci0000:00/0000:00:02.0/virtio0/ndbus0"
#define E820_BUS "platform/e820_pmem/ndbus0"

static void put(const char *dir, const char *name, const char *text)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	cr_assert_eq(write_file(p, text), 0, "%s", p);
}

/* <root>/devices/<bus> with its provider file (NULL: none). */
static void bus(const char *busdir, const char *provider)
{
	char d[4096];
	snprintf(d, sizeof(d), "%s/devices/%s", root, busdir);
	cr_assert_eq(mkdirs(d), 0);
	if (provider)
		put(d, "provider", provider);
}

/* regionN below busdir, linked from bus/nd/devices; domain and deep NULL
 * leave the file out.  Returns its directory in dir. */
static void region(const char *busdir, int id, const char *domain,
		const char *deep, char *dir, size_t n)
{
	char link[4096], p[4200];
	snprintf(dir, n, "%s/devices/%s/region%d", root, busdir, id);
	snprintf(p, sizeof(p), "%s/bus/nd/devices", root);
	cr_assert_eq(mkdirs(dir), 0);
	cr_assert_eq(mkdirs(p), 0);
	if (domain)
		put(dir, "persistence_domain", domain);
	if (deep)
		put(dir, "deep_flush", deep);
	snprintf(p, sizeof(p), "%s/bus/nd/devices/region%d", root, id);
	snprintf(link, sizeof(link), "../../../devices/%s/region%d", busdir,
			id);
	cr_assert_eq(symlink(link, p), 0);
}

/* The bus with its provider and one region on it, its directory in dir. */
static void bus_region(const char *busdir, const char *provider, int id,
		const char *domain, const char *deep, char dir[4096])
{
	bus(busdir, provider);
	region(busdir, id, domain, deep, dir, 4096);
}

/* A block device pmem<id> in namespace<id>.0 of the region, 259:<min>. */
static void pmem_block(const char *busdir, int id, unsigned min)
{
	char d[4096], p[4200], link[4096];
	snprintf(d, sizeof(d), "%s/devices/%s/region%d/namespace%d.0/block/"
			"pmem%d", root, busdir, id, id, id);
	cr_assert_eq(mkdirs(d), 0);
	snprintf(p, sizeof(p), "%s/dev/block", root);
	cr_assert_eq(mkdirs(p), 0);
	snprintf(p, sizeof(p), "%s/dev/block/259:%u", root, min);
	snprintf(link, sizeof(link), "../../devices/%s/region%d/namespace%d.0/"
			"block/pmem%d", busdir, id, id, id);
	cr_assert_eq(symlink(link, p), 0);
}

/* A CXL regionN (cxl bus) with its resource and size files. */
static void cxl_region(int n, const char *resource, const char *size)
{
	char d[4096], p[4200], link[4096];
	snprintf(d, sizeof(d), "%s/devices/platform/ACPI0017:00/root0/"
			"decoder0.0/region%d", root, n);
	cr_assert_eq(mkdirs(d), 0);
	if (resource)
		put(d, "resource", resource);
	if (size)
		put(d, "size", size);
	snprintf(p, sizeof(p), "%s/bus/cxl/devices", root);
	cr_assert_eq(mkdirs(p), 0);
	snprintf(p, sizeof(p), "%s/bus/cxl/devices/region%d", root, n);
	snprintf(link, sizeof(link), "../../../devices/platform/ACPI0017:00/"
			"root0/decoder0.0/region%d", n);
	cr_assert_eq(symlink(link, p), 0);
}

static struct pmem_region read_ok(int id)
{
	struct pmem_region r;
	memset(&r, 0x55, sizeof(r));
	cr_assert_eq(pmem_region_read(id, &r), 0, "%s", pmem_errormsg());
	return r;
}

static const char *describe(const struct pmem_region *r)
{
	static char buf[256];
	return pmem_region_describe(r, buf, sizeof(buf));
}

/* The deep_flush file's mtime is set to 0; whether a write moved it. */
static void zero_mtime(const char *dir)
{
	char p[4200];
	struct timespec zero[2] = { { 0, 0 }, { 0, 0 } };
	snprintf(p, sizeof(p), "%s/deep_flush", dir);
	cr_assert_eq(utimensat(AT_FDCWD, p, zero, 0), 0);
}

static int written(const char *dir)
{
	char p[4200];
	struct stat st;
	snprintf(p, sizeof(p), "%s/deep_flush", dir);
	cr_assert_eq(stat(p, &st), 0);
	return st.st_mtime != 0;
}

/* The region's reason holds text. */
#define REASON_HAS(r, text) cr_expect_neq(strstr((r).reason, text), NULL, \
		"no \"%s\" in \"%s\"", text, (r).reason)

/* Deep flush of region id does nothing and says so (ENOTSUP): there are
 * no flush hints to write. */
static void deep_flush_not_supported(int id)
{
	errno = 0;
	cr_expect_eq(pmem_region_deep_flush(id), 0);
	cr_expect_eq(errno, ENOTSUP, "region %d: errno %d", id, errno);
}

/* ---- each kind ------------------------------------------------------- */

Test(region, nfit_with_flush_hints, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(NFIT_BUS, "ACPI.NFIT\n", 0,
			"memory_controller\n", "1\n", dir);
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.id, 0);
	cr_expect_eq(r.kind, PMEM_REGION_NFIT);
	cr_expect_eq(r.domain, PMEM_DOMAIN_MEMCTRL);
	cr_expect_eq(r.sync, 1);
	cr_expect_eq(r.deep, PMEM_DEEP_FILE);
	cr_expect_eq(r.cxl_region, -1);
	cr_expect_eq(r.error, 0);
	cr_expect_str_eq(r.provider, "ACPI.NFIT");
	cr_expect_str_eq(r.reason, "");
	cr_expect_str_eq(describe(&r), "NVDIMM (ACPI NFIT) region 0, "
			"persistence domain memory_controller");
	/* deep flush writes the file */
	zero_mtime(dir);
	cr_expect_eq(pmem_region_deep_flush(0), 0);
	cr_expect_eq(written(dir), 1);
	cr_expect_eq(pmem_auto_flush_scan(), 0);
}

Test(region, nfit_eadr_without_hints, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(NFIT_BUS, "ACPI.NFIT\n", 0, "cpu_cache\n", "0\n", dir);
	region(NFIT_BUS, 1, "cpu_cache\n", "0\n", dir, sizeof(dir));
	struct pmem_region r = read_ok(1);
	cr_expect_eq(r.kind, PMEM_REGION_NFIT);
	cr_expect_eq(r.domain, PMEM_DOMAIN_CPU_CACHE);
	cr_expect_eq(r.deep, PMEM_DEEP_NONE);
	cr_expect_str_eq(r.reason, "");
	cr_expect_eq(pmem_auto_flush_scan(), 1);
	/* read-only deep_flush ("0"): nothing written, success */
	zero_mtime(dir);
	deep_flush_not_supported(1);
	cr_expect_eq(written(dir), 0);
}

Test(region, cxl, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(CXL_BUS, "CXL\n", 0, "memory_controller\n", "0\n", dir);
	put(dir, "resource", "0x290000000\n");
	put(dir, "size", "268435456\n");
	cxl_region(2, "0x390000000\n", "268435456\n");
	cxl_region(3, "0x290000000\n", "268435456\n");
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.kind, PMEM_REGION_CXL);
	cr_expect_eq(r.domain, PMEM_DOMAIN_MEMCTRL);
	cr_expect_eq(r.sync, 1);
	cr_expect_eq(r.deep, PMEM_DEEP_NONE);
	cr_expect_eq(r.cxl_region, 3, "by resource, not the first same size");
	cr_expect_str_eq(r.reason, "");
	cr_expect_str_eq(describe(&r), "CXL region 3, persistence domain "
			"memory_controller (nd region0)");
	zero_mtime(dir);
	deep_flush_not_supported(0);
	cr_expect_eq(written(dir), 0, "no flush hints: not written");
	cr_expect_eq(pmem_auto_flush_scan(), 0);
}

/* A user other than root cannot read the nd region's resource (0400):
 * the CXL region is the one of the same size, when only one has it. */
Test(region, cxl_by_size, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(CXL_BUS, "CXL\n", 0, "memory_controller\n", "0\n", dir);
	put(dir, "size", "268435456\n");
	cxl_region(1, NULL, "536870912\n");
	cxl_region(4, NULL, "268435456\n");
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.cxl_region, 4);
	cxl_region(5, "0x1\n", "268435456\n");	/* now two of that size */
	r = read_ok(0);
	cr_expect_eq(r.cxl_region, -1);
	REASON_HAS(r, "no CXL region matches");
	cr_expect_str_eq(describe(&r), "CXL region of unknown number, "
			"persistence domain memory_controller (nd region0)");
}

Test(region, cxl_without_cxl_bus, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(CXL_BUS, "CXL\n", 0, "memory_controller\n", "0\n", dir);
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.kind, PMEM_REGION_CXL);
	cr_expect_eq(r.cxl_region, -1);
	REASON_HAS(r, "no CXL bus");
}

/* A CXL region that is not committed yet has no nd region: nothing to
 * read, no auto flush, and deep flush has nothing to do. */
Test(region, cxl_region_without_nd_region, .init = setup,
		.fini = teardown)
{
	cxl_region(0, "0x290000000\n", "268435456\n");
	char p[4200];
	snprintf(p, sizeof(p), "%s/bus/nd/devices", root);
	cr_assert_eq(mkdirs(p), 0);
	struct pmem_region r = { .id = 77 };
	errno = 0;
	cr_expect_eq(pmem_region_read(0, &r), -1);
	cr_expect_eq(errno, ENOENT);
	cr_expect_neq(strstr(pmem_errormsg(), "region0"), NULL);
	cr_expect_eq(r.id, 77, "out untouched on failure");
	cr_expect_eq(pmem_auto_flush_scan(), 0);
	deep_flush_not_supported(0);
}

/* A CXL nd region with no namespace yet: its facts are the region's. */
Test(region, cxl_region_without_namespace, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(CXL_BUS, "CXL\n", 0, "memory_controller\n", "0\n", dir);
	cxl_region(0, NULL, NULL);
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.kind, PMEM_REGION_CXL);
	cr_expect_eq(r.domain, PMEM_DOMAIN_MEMCTRL);
	cr_expect_eq(r.cxl_region, -1, "resource and size unread");
	REASON_HAS(r, "no CXL region matches");
	/* no block or dax device below it: a device lookup finds nothing */
	errno = 0;
	struct pmem_region d;
	cr_expect_eq(pmem_region_of_dev(makedev(259, 0), 0, &d), -1);
	cr_expect_eq(errno, ENOENT);
}

Test(region, virtio_pmem, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus(VIRTIO_BUS, "virtio-pmem\n");
	/* no persistence_domain, no deep_flush: as the kernel shows it */
	region(VIRTIO_BUS, 0, NULL, NULL, dir, sizeof(dir));
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.kind, PMEM_REGION_VIRTIO);
	cr_expect_eq(r.domain, PMEM_DOMAIN_UNKNOWN);
	cr_expect_eq(r.sync, 0);
	cr_expect_eq(r.deep, PMEM_DEEP_HOST);
	cr_expect_str_eq(r.reason, "", "a missing domain is normal here");
	cr_expect_str_eq(describe(&r), "virtio-pmem region 0, asynchronous: "
			"the kernel offers no MAP_SYNC here; use pmem_msync");
	cr_expect_eq(pmem_auto_flush_scan(), 0);
	errno = 0;
	cr_expect_eq(pmem_region_deep_flush(0), 0, "msync does it");
	cr_expect_eq(errno, ENOTSUP);
	pmem_block(VIRTIO_BUS, 0, 0);
	struct pmem_region b;
	cr_expect_eq(pmem_region_of_dev(makedev(259, 0), 0, &b), 1);
	cr_expect_eq(b.kind, PMEM_REGION_VIRTIO);
	cr_expect_eq(b.id, 0);
}

Test(region, legacy_e820, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(E820_BUS, "e820\n", 2, NULL, "0\n", dir);
	struct pmem_region r = read_ok(2);
	cr_expect_eq(r.kind, PMEM_REGION_E820);
	cr_expect_eq(r.sync, 1);
	cr_expect_eq(r.domain, PMEM_DOMAIN_UNKNOWN);
	REASON_HAS(r, "no persistence_domain file");
	cr_expect_str_eq(describe(&r), "legacy e820/memmap= region 2, "
			"persistence domain unknown");
	cr_expect_eq(pmem_auto_flush_scan(), 0);
}

/* ---- bad files: the conservative answer and a reason ----------------- */

Test(region, truncated_domain, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(NFIT_BUS, "ACPI.NFIT\n", 0, "memory_contr", "1\n", dir);
	region(NFIT_BUS, 1, "cpu_cach", "1\n", dir, sizeof(dir));
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.domain, PMEM_DOMAIN_UNKNOWN);
	cr_expect_eq(r.error, 0);
	REASON_HAS(r, "\"memory_contr\" is not a known");
	r = read_ok(1);
	cr_expect_eq(r.domain, PMEM_DOMAIN_UNKNOWN);
	cr_expect_eq(pmem_auto_flush_scan(), 0, "not auto flush");
}

Test(region, empty_domain_is_none, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(NFIT_BUS, "ACPI.NFIT\n", 0, "\n", "0\n", dir);
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.domain, PMEM_DOMAIN_NONE);
	cr_expect_str_eq(r.reason, "");
	cr_expect_eq(pmem_auto_flush_scan(), 0);
}

Test(region, unknown_provider, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(NFIT_BUS, "nfit_test.0\n", 0, "cpu_cache\n", "1\n", dir);
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.kind, PMEM_REGION_UNKNOWN);
	cr_expect_eq(r.sync, -1);
	REASON_HAS(r, "unknown provider \"nfit_test.0\"");
	cr_expect_str_eq(describe(&r), "unknown region 0, persistence "
			"domain cpu_cache");
	/* what the region says still counts */
	cr_expect_eq(r.domain, PMEM_DOMAIN_CPU_CACHE);
	cr_expect_eq(r.deep, PMEM_DEEP_FILE);
}

Test(region, provider_missing_unreadable_odd, .init = setup,
		.fini = teardown)
{
	char dir[4096], p[4200];
	bus_region(NFIT_BUS, NULL, 0, "memory_controller\n", "1\n", dir);
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.kind, PMEM_REGION_UNKNOWN);
	cr_expect_eq(r.error, 0);
	REASON_HAS(r, "provider: no such file");
	/* a directory where the file should be: read fails with EISDIR */
	snprintf(p, sizeof(p), "%s/devices/" NFIT_BUS "/provider", root);
	cr_assert_eq(mkdir(p, 0755), 0);
	r = read_ok(0);
	cr_expect_eq(r.kind, PMEM_REGION_UNKNOWN);
	cr_expect_eq(r.error, EISDIR);
	cr_expect_eq(pmem_auto_flush_scan(), -1);
	cr_expect_eq(errno, EISDIR);
	cr_assert_eq(rmdir(p), 0);
	/* control bytes and a name longer than the field: no overrun */
	bus(NFIT_BUS, "CX\001L-and-a-provider-name-much-longer-than-32\n");
	r = read_ok(0);
	cr_expect_eq(r.kind, PMEM_REGION_UNKNOWN);
	cr_expect_eq(strlen(r.provider), sizeof(r.provider) - 1);
	cr_expect_eq(strncmp(r.provider, "CX?L", 4), 0, "%s", r.provider);
	bus(NFIT_BUS, "");
	r = read_ok(0);
	REASON_HAS(r, "unknown provider \"\"");
}

Test(region, unreadable_domain_is_an_error, .init = setup,
		.fini = teardown)
{
	char dir[4096], p[4200];
	bus_region(NFIT_BUS, "ACPI.NFIT\n", 0, NULL, "1\n", dir);
	snprintf(p, sizeof(p), "%s/persistence_domain", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.domain, PMEM_DOMAIN_UNKNOWN);
	cr_expect_eq(r.error, EISDIR);
	REASON_HAS(r, "cannot read persistence_domain");
	errno = 0;
	cr_expect_eq(pmem_auto_flush_scan(), -1);
	cr_expect_eq(errno, EISDIR);
	cr_expect_neq(strstr(pmem_errormsg(), "persistence_domain"), NULL);
}

Test(region, odd_deep_flush, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(NFIT_BUS, "ACPI.NFIT\n", 0,
			"memory_controller\n", "yes\n", dir);
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.deep, PMEM_DEEP_NONE, "flush by instruction");
	REASON_HAS(r, "deep_flush \"yes\"");
	zero_mtime(dir);
	deep_flush_not_supported(0);
	cr_expect_eq(written(dir), 0);
	/* no deep_flush at all (an NVDIMM region without DIMM mappings) */
	region(NFIT_BUS, 1, "memory_controller\n", NULL, dir, sizeof(dir));
	r = read_ok(1);
	cr_expect_eq(r.deep, PMEM_DEEP_NONE);
	cr_expect_str_eq(r.reason, "");
	deep_flush_not_supported(1);
}

/* deep_flush there but unreadable: the write is tried and its error is
 * the answer (EISDIR). */
Test(region, unreadable_deep_flush_is_tried, .init = setup,
		.fini = teardown)
{
	char dir[4096], p[4200];
	bus_region(NFIT_BUS, "ACPI.NFIT\n", 0,
			"memory_controller\n", NULL, dir);
	snprintf(p, sizeof(p), "%s/deep_flush", dir);
	cr_assert_eq(mkdir(p, 0755), 0);
	errno = 0;
	cr_expect_eq(pmem_region_deep_flush(0), -1);
	cr_expect_eq(errno, EISDIR);
	cr_expect_neq(strstr(pmem_errormsg(), "deep_flush"), NULL);
}

/* Flush hints, but the file is not ours to write: nothing more can be
 * done than the instructions (as PMDK), not an error. */
Test(region, deep_flush_not_writable, .init = setup, .fini = teardown)
{
	char dir[4096], p[4200];
	bus_region(NFIT_BUS, "ACPI.NFIT\n", 0,
			"memory_controller\n", "1\n", dir);
	snprintf(p, sizeof(p), "%s/deep_flush", dir);
	cr_assert_eq(chmod(p, 0444), 0);
	cr_assert_eq(become_nobody(), 0);
	deep_flush_not_supported(0);
}

Test(region, not_below_an_ndbus, .init = setup, .fini = teardown)
{
	char dir[4096];
	region("platform/odd", 0, "memory_controller\n", "0\n", dir,
			sizeof(dir));
	struct pmem_region r = read_ok(0);
	cr_expect_eq(r.kind, PMEM_REGION_UNKNOWN);
	REASON_HAS(r, "not below an ndbus");
	cr_expect_eq(r.domain, PMEM_DOMAIN_MEMCTRL);
}

Test(region, bad_ids, .init = setup, .fini = teardown)
{
	struct pmem_region r;
	errno = 0;
	cr_expect_eq(pmem_region_read(-1, &r), -1);
	cr_expect_eq(errno, EINVAL);
	errno = 0;
	cr_expect_eq(pmem_region_read(5, &r), -1, "no NVDIMM bus at all");
	cr_expect_eq(errno, ENOENT);
	errno = 0;
	cr_expect_eq(pmem_region_deep_flush(-1), 0);
	cr_expect_eq(errno, ENOTSUP);
}

/* ---- which region a device or path is on ----------------------------- */

Test(region, block_device_on_cxl, .init = setup, .fini = teardown)
{
	char dir[4096];
	bus_region(CXL_BUS, "CXL\n", 1, "memory_controller\n", "0\n", dir);
	pmem_block(CXL_BUS, 1, 7);
	struct pmem_region r;
	cr_expect_eq(pmem_region_of_dev(makedev(259, 7), 0, &r), 1);
	cr_expect_eq(r.id, 1);
	cr_expect_eq(r.kind, PMEM_REGION_CXL);
	cr_expect_eq(r.domain, PMEM_DOMAIN_MEMCTRL);
	errno = 0;
	cr_expect_eq(pmem_region_of_dev(makedev(259, 8), 0, &r), -1);
	cr_expect_eq(errno, ENOENT);
	cr_expect_eq(pmem_region_of_dev(makedev(259, 7), 1, &r), -1,
			"a char device of that number is not there");
}

Test(region, block_device_not_on_a_region, .init = setup,
		.fini = teardown)
{
	char d[4200], p[4200];
	snprintf(d, sizeof(d), "%s/devices/virtual/block/loop0", root);
	cr_assert_eq(mkdirs(d), 0);
	snprintf(p, sizeof(p), "%s/dev/block", root);
	cr_assert_eq(mkdirs(p), 0);
	snprintf(p, sizeof(p), "%s/dev/block/7:0", root);
	cr_assert_eq(symlink("../../devices/virtual/block/loop0", p), 0);
	struct pmem_region r;
	cr_expect_eq(pmem_region_of_dev(makedev(7, 0), 0, &r), 0);
	cr_expect_eq(r.kind, PMEM_REGION_NONE);
	cr_expect_eq(r.id, -1);
	cr_expect_eq(r.sync, -1);
	REASON_HAS(r, "7:0 is not on an NVDIMM-bus region");
	cr_expect_str_eq(describe(&r), "no NVDIMM-bus region");
}

/* Device DAX: /dev/zero (1:5) faked as dax2.0 in an e820 region 2. */
Test(region, path_of_a_device_dax, .init = setup, .fini = teardown)
{
	cr_assert_eq(fake_devdax(root, 1, 5, 2, "8388608\n", NULL), 0);
	cr_assert_eq(fake_region(root, 2, "memory_controller\n"), 0);
	bus(E820_BUS, "e820\n");
	struct pmem_region r;
	cr_expect_eq(pmem_region_of_path("/dev/zero", &r), 1);
	cr_expect_eq(r.id, 2);
	cr_expect_eq(r.kind, PMEM_REGION_E820);
	cr_expect_eq(r.domain, PMEM_DOMAIN_MEMCTRL);
	/* devdax and the region code agree on the region */
	struct pmem_devdax dd;
	cr_assert_eq(pmem_devdax_info(makedev(1, 5), &dd), 0);
	cr_expect_eq(dd.region_id, r.id);
	errno = 0;
	cr_expect_eq(pmem_region_of_path("/nonexistent/x", &r), -1);
	cr_expect_eq(errno, ENOENT);
}

/* A regular file: the region of the block device its file system is on
 * (the test file's own st_dev, faked as pmem0 of a virtio region). */
Test(region, path_of_a_file, .init = setup, .fini = teardown)
{
	char dir[4096], p[4200], link[4096];
	struct stat st;
	cr_assert_eq(stat(root, &st), 0);
	bus_region(VIRTIO_BUS, "virtio-pmem\n", 0, NULL, NULL, dir);
	pmem_block(VIRTIO_BUS, 0, 0);
	snprintf(p, sizeof(p), "%s/dev/block/%u:%u", root, major(st.st_dev),
			minor(st.st_dev));
	snprintf(link, sizeof(link), "259:0");
	cr_assert_eq(symlink(link, p), 0);
	snprintf(p, sizeof(p), "%s/file", root);
	cr_assert_eq(write_file(p, "x"), 0);
	struct pmem_region r;
	cr_expect_eq(pmem_region_of_path(p, &r), 1);
	cr_expect_eq(r.kind, PMEM_REGION_VIRTIO);
	cr_expect_eq(r.sync, 0);
	cr_expect_eq(pmem_region_of_path(root, &r), 1, "a directory too");
}

Test(region, id_in_path)
{
	cr_expect_eq(pmem_region_id_in("/sys/devices/x/ndbus0/region12/y"), 12);
	cr_expect_eq(pmem_region_id_in("/sys/devices/x/region3"), 3);
	cr_expect_eq(pmem_region_id_in("/a/region2/dax2.0/region5/b"), 5);
	cr_expect_eq(pmem_region_id_in("/a/region1x/b"), -1);
	cr_expect_eq(pmem_region_id_in("/a/region/b"), -1);
	cr_expect_eq(pmem_region_id_in("/a/region99999999999/b"), -1);
	cr_expect_eq(pmem_region_id_in(""), -1);
	cr_expect_eq(pmem_region_id_in("/a/region4/region"), 4);
}

Test(region, names)
{
	cr_expect_str_eq(pmem_region_kind_name(PMEM_REGION_CXL), "CXL");
	cr_expect_str_eq(pmem_region_kind_name(PMEM_REGION_NFIT), "NVDIMM");
	cr_expect_str_eq(pmem_region_kind_name(PMEM_REGION_VIRTIO),
			"virtio-pmem");
	cr_expect_str_eq(pmem_region_kind_name(PMEM_REGION_E820), "e820");
	cr_expect_str_eq(pmem_region_kind_name(PMEM_REGION_NONE), "none");
	cr_expect_str_eq(pmem_region_kind_name((enum pmem_region_kind)99),
			"unknown");
	cr_expect_str_eq(pmem_region_domain_name(PMEM_DOMAIN_CPU_CACHE),
			"cpu_cache");
	cr_expect_str_eq(pmem_region_domain_name(PMEM_DOMAIN_MEMCTRL),
			"memory_controller");
	cr_expect_str_eq(pmem_region_domain_name(PMEM_DOMAIN_NONE), "none");
	cr_expect_str_eq(pmem_region_domain_name((enum pmem_region_domain)9),
			"unknown");
	cr_expect_str_eq(pmem_region_deep_name(PMEM_DEEP_FILE),
			"deep_flush file");
	cr_expect_str_eq(pmem_region_deep_name(PMEM_DEEP_HOST),
			"host flush request (msync/fsync)");
	cr_expect_str_eq(pmem_region_deep_name(PMEM_DEEP_NONE),
			"flush instructions only");
	/* a short buffer is cut, never overrun */
	struct pmem_region r = { .id = 3, .cxl_region = 11,
		.kind = PMEM_REGION_CXL, .domain = PMEM_DOMAIN_MEMCTRL };
	char small[12];
	memset(small, 'x', sizeof(small));
	pmem_region_describe(&r, small, 8);
	cr_expect_str_eq(small, "CXL reg");
	cr_expect_eq(small[9], 'x');
}

/* Makes the device DAX directory d the character device 1:5: its
 * subsystem is bus/dax and /dev/char/1:5 links to it, as sysfs has them. */
static void dax_char_device(const char *d)
{
	char p[4400], link[4096];
	snprintf(p, sizeof(p), "%s/bus/dax", root);
	cr_assert_eq(mkdirs(p), 0);
	snprintf(p, sizeof(p), "%s/subsystem", d);
	snprintf(link, sizeof(link), "%s/bus/dax", root);
	cr_assert_eq(symlink(link, p), 0);
	snprintf(p, sizeof(p), "%s/dev/char", root);
	cr_assert_eq(mkdirs(p), 0);
	snprintf(p, sizeof(p), "%s/dev/char/1:5", root);
	cr_assert_eq(symlink(d, p), 0);
}

/* Device DAX laid out as the CXL guest shows it (dax0.1 in nd region0
 * below the nvdimm-bridge), /dev/zero standing for /dev/dax0.1: size,
 * alignment and region are read, the mapping works, and deep persist
 * reads the read-only deep_flush without writing it. */
Test(region, devdax_in_a_cxl_region, .init = setup, .fini = teardown)
{
	char dir[4096], d[4200];
	bus_region(CXL_BUS, "CXL\n", 0, "memory_controller\n", "0\n", dir);
	snprintf(d, sizeof(d), "%s/dax0.1/dax0.1", dir);
	cr_assert_eq(mkdirs(d), 0);
	put(d, "size", "130023424\n");
	put(d, "align", "2097152\n");
	dax_char_device(d);

	struct pmem_devdax dd;
	cr_assert_eq(pmem_devdax_info(makedev(1, 5), &dd), 0, "%s",
			pmem_errormsg());
	cr_expect_eq(dd.size, 130023424);
	cr_expect_eq(dd.align, 2097152);
	cr_expect_eq(dd.region_id, 0);
	struct pmem_region r;
	cr_expect_eq(pmem_region_of_dev(makedev(1, 5), 1, &r), 1);
	cr_expect_eq(r.kind, PMEM_REGION_CXL);
	size_t len;
	int is_pmem;
	char *a = pmem_map_file("/dev/zero", 0, 0, 0, &len, &is_pmem);
	cr_assert_not_null(a, "%s", pmem_errormsg());
	cr_expect_eq(len, 130023424);
	cr_expect_eq(is_pmem, 1);
	zero_mtime(dir);
	a[100] = 1;
	cr_expect_eq(pmem_deep_persist(a, 4096), 0);
	cr_expect_eq(written(dir), 0);
	cr_expect_eq(pmem_unmap(a, len), 0);
}

/* Device DAX in a virtio-pmem region (the kernel allows it): mapped, but
 * not pmem, and the two agree (pmem_is_pmem, *is_pmemp). */
Test(region, devdax_in_a_virtio_region_is_not_pmem, .init = setup,
		.fini = teardown)
{
	char dir[4096], d[4200];
	bus_region(VIRTIO_BUS, "virtio-pmem\n", 0, NULL, NULL, dir);
	snprintf(d, sizeof(d), "%s/dax0.0/dax0.0", dir);
	cr_assert_eq(mkdirs(d), 0);
	put(d, "size", "8388608\n");
	dax_char_device(d);
	struct pmem_devdax dd;
	cr_assert_eq(pmem_devdax_info(makedev(1, 5), &dd), 0);
	cr_expect_eq(dd.async, 1);
	size_t len;
	int is_pmem = 7;
	char *a = pmem_map_file("/dev/zero", 0, 0, 0, &len, &is_pmem);
	cr_assert_not_null(a, "%s", pmem_errormsg());
	cr_expect_eq(len, 8388608);
	cr_expect_eq(is_pmem, 0);
	cr_expect_eq(pmem_is_pmem(a, len), 0);
	cr_expect_eq(pmem_deep_persist(a, 4096), 0);
	cr_expect_eq(pmem_unmap(a, len), 0);
	/* and in a synchronous region it is pmem */
	bus(VIRTIO_BUS, "CXL\n");
	cr_assert_eq(pmem_devdax_info(makedev(1, 5), &dd), 0);
	cr_expect_eq(dd.async, 0);
	a = pmem_map_file("/dev/zero", 0, 0, 0, &len, &is_pmem);
	cr_assert_not_null(a);
	cr_expect_eq(is_pmem, 1);
	pmem_unmap(a, len);
}
