/*
 * test_devdax.c -- Device DAX and NVDIMM regions through a fake sysfs.
 *
 * The library reads sysfs under pmem_sysfs_root(); here that is a tree in
 * /dev/shm that says /dev/zero (char 1:5) is Device DAX "dax2.0" in
 * region 2.  /dev/zero can be opened read-write and mapped shared, so
 * pmem_map_file() runs its whole Device DAX path for real.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>

#include "libpmem.h"
#include "auto_flush.h"
#include "devdax.h"
#include "registry.h"
#include "util_fs.h"

#define MiB ((size_t)1 << 20)

static char root[256];

static void setup(void)
{
	cr_assert_eq(tmpdir_make(root, sizeof(root), "sysfs"), 0);
	pmem_sysfs_set_root(root);
}

static void teardown(void)
{
	pmem_sysfs_set_root(NULL);
	tmpdir_remove(root);
}

/* /dev/zero as an 8 MiB Device DAX, 2 MiB aligned, region 2, whose
 * deep_flush reads 1 (flush hints: writing it drains the queues).  Its
 * modification time is set to 0, so a write shows. */
static void zero_is_devdax(const char *size, const char *align)
{
	cr_assert_eq(fake_devdax(root, 1, 5, 2, size, align), 0);
	cr_assert_eq(fake_region(root, 2, "memory_controller"), 0);
	char p[512];
	snprintf(p, sizeof(p), "%s/bus/nd/devices/region2/deep_flush", root);
	cr_assert_eq(write_file(p, "1\n"), 0);
	struct timespec zero[2] = { { 0, 0 }, { 0, 0 } };
	cr_assert_eq(utimensat(AT_FDCWD, p, zero, 0), 0);
}

/* Whether the library wrote region2's deep_flush (its mtime moved). */
static void expect_deep_flushed(int written)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof(p), "%s/bus/nd/devices/region2/deep_flush", root);
	cr_assert_eq(stat(p, &st), 0);
	cr_expect_eq(st.st_mtime != 0, written, "deep_flush %s",
			written ? "not written" : "written");
}

Test(devdax, sysfs_root_variable)
{
	cr_expect_str_eq(pmem_sysfs_root(), "/sys");
	pmem_sysfs_set_root("/tmp/x");
	cr_expect_str_eq(pmem_sysfs_root(), "/tmp/x");
	pmem_sysfs_set_root(NULL);
	cr_expect_str_eq(pmem_sysfs_root(), "/sys");
}

Test(devdax, detection, .init = setup, .fini = teardown)
{
	zero_is_devdax("8388608\n", "2097152\n");
	cr_assert_eq(fake_chardev(root, 1, 3), 0);
	cr_expect_eq(pmem_devdax_is(makedev(1, 5)), 1);
	cr_expect_eq(pmem_devdax_is(makedev(1, 3)), 0, "class/mem");
	errno = 0;
	cr_expect_eq(pmem_devdax_is(makedev(1, 99)), -1, "no sysfs entry");
	cr_expect_eq(errno, ENOENT);
}

Test(devdax, real_sysfs_says_dev_zero_is_not_dax)
{
	cr_expect_eq(pmem_devdax_is(makedev(1, 5)), 0);
}

/* The real /sys goes through libdaxctl first; /dev/zero is not among
 * its devices, and sysfs has no size for it. */
Test(devdax, real_sysfs_info_of_a_non_dax_device)
{
	struct pmem_devdax d = { 1, 2, 3, 0 };
	errno = 0;
	cr_expect_eq(pmem_devdax_info(makedev(1, 5), &d), -1);
	cr_expect_eq(errno, EINVAL);
	cr_expect_eq(d.size, 1);
}

Test(devdax, info, .init = setup, .fini = teardown)
{
	zero_is_devdax("8388608\n", "0x200000\n");
	struct pmem_devdax d;
	cr_assert_eq(pmem_devdax_info(makedev(1, 5), &d), 0);
	cr_expect_eq(d.size, 8 * MiB);
	cr_expect_eq(d.align, 2 * MiB);
	cr_expect_eq(d.region_id, 2);
}

Test(devdax, info_defaults_and_errors, .init = setup, .fini = teardown)
{
	struct pmem_devdax d = { 1, 1, 1, 0 };
	cr_assert_eq(fake_devdax(root, 1, 5, 3, NULL, NULL), 0);
	errno = 0;
	cr_expect_eq(pmem_devdax_info(makedev(1, 5), &d), -1, "no size");
	cr_expect_eq(errno, EINVAL);
	cr_expect_eq(d.size, 1, "out touched on failure");
	char p[512];
	snprintf(p, sizeof(p), "%s/dev/char/1:5/size", root);
	cr_assert_eq(write_file(p, "lots\n"), 0);
	cr_expect_eq(pmem_devdax_info(makedev(1, 5), &d), -1, "bad size");
	cr_expect_eq(errno, EINVAL);
	cr_assert_eq(write_file(p, "0\n"), 0);
	cr_expect_eq(pmem_devdax_info(makedev(1, 5), &d), -1, "size 0");
	cr_assert_eq(write_file(p, "4194304\n"), 0);
	cr_assert_eq(pmem_devdax_info(makedev(1, 5), &d), 0);
	cr_expect_eq(d.align, 2 * MiB, "default alignment");
	cr_expect_eq(d.region_id, 3);
	/* An alignment that is not a power of two is ignored. */
	snprintf(p, sizeof(p), "%s/dev/char/1:5/align", root);
	cr_assert_eq(write_file(p, "3000\n"), 0);
	cr_assert_eq(pmem_devdax_info(makedev(1, 5), &d), 0);
	cr_expect_eq(d.align, 2 * MiB);
}

Test(devdax, map_whole_device, .init = setup, .fini = teardown)
{
	zero_is_devdax("8388608\n", "4194304\n");
	size_t len = 0;
	int is_pmem = -1;
	int fds = fd_count();
	char *a = pmem_map_file("/dev/zero", 0, 0, 0, &len, &is_pmem);
	cr_assert_not_null(a, "%s", pmem_errormsg());
	cr_expect_eq(fd_count(), fds);
	cr_expect_eq(len, 8 * MiB);
	cr_expect_eq(is_pmem, 1);
	cr_expect_eq((uintptr_t)a % (4 * MiB), 0, "device alignment");
	cr_expect_eq(pmem_is_pmem(a, len), 1);
	a[len - 1] = 1;
	struct pmem_range r;
	cr_assert_eq(pmem_registry_find(a, len, &r, 1), 1);
	cr_expect_eq(r.type, PMEM_RANGE_DEVDAX);
	cr_expect_eq(r.region_id, 2);
	/* deep persist writes the region's deep_flush */
	cr_expect_eq(pmem_deep_persist(a + 100, 5000), 0);
	expect_deep_flushed(1);
	cr_expect_eq(pmem_unmap(a, len), 0);
	cr_expect_eq(pmem_is_pmem(a, len), 0);
}

Test(devdax, exact_length_and_ignored_flags, .init = setup,
		.fini = teardown)
{
	zero_is_devdax("8388608\n", "2097152\n");
	expect_deep_flushed(0);
	int flags[] = { PMEM_FILE_CREATE, PMEM_FILE_SPARSE,
		PMEM_FILE_CREATE | PMEM_FILE_SPARSE };
	/* The exact size without CREATE too: PMDK checks it before the
	 * rule that a length needs CREATE, and then drops it. */
	size_t len;
	void *z = pmem_map_file("/dev/zero", 8 * MiB, 0, 0, &len, NULL);
	cr_expect_not_null(z);
	if (z)
		pmem_unmap(z, len);
	for (unsigned i = 0; i < 3; i++) {
		void *a = pmem_map_file("/dev/zero", 8 * MiB, flags[i], 0,
				&len, NULL);
		cr_assert_not_null(a, "flags 0x%x: %s", flags[i],
				pmem_errormsg());
		cr_expect_eq(len, 8 * MiB);
		pmem_unmap(a, len);
		a = pmem_map_file("/dev/zero", 0, flags[i], 0, &len, NULL);
		cr_assert_not_null(a, "len 0, flags 0x%x", flags[i]);
		pmem_unmap(a, len);
	}
}

struct dax_bad {
	size_t len;
	int flags;
};

Test(devdax, bad_inputs, .init = setup, .fini = teardown)
{
	zero_is_devdax("8388608\n", "2097152\n");
	struct dax_bad rows[] = {
		{ 4 * MiB, 0 },				/* not the size */
		{ 4 * MiB, PMEM_FILE_CREATE },
		{ 16 * MiB, PMEM_FILE_CREATE },
		{ 0, PMEM_FILE_EXCL },
		{ 0, PMEM_FILE_CREATE | PMEM_FILE_EXCL },
		{ 8 * MiB, PMEM_FILE_CREATE | PMEM_FILE_TMPFILE },
		{ 0, 0x100 },
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = 7;
		int is_pmem = 7;
		int fds = fd_count();
		errno = 0;
		void *a = pmem_map_file("/dev/zero", rows[i].len,
				rows[i].flags, 0, &len, &is_pmem);
		cr_expect_null(a, "row %u", i);
		if (a) {
			pmem_unmap(a, len);
			continue;
		}
		cr_expect_eq(errno, EINVAL, "row %u: %s", i, strerror(errno));
		cr_expect_eq(len, 7);
		cr_expect_eq(is_pmem, 7);
		cr_expect_eq(fd_count(), fds);
	}
}

Test(devdax, unreadable_size_is_einval, .init = setup, .fini = teardown)
{
	zero_is_devdax(NULL, NULL);
	errno = 0;
	cr_expect_null(pmem_map_file("/dev/zero", 0, 0, 0, NULL, NULL));
	cr_expect_eq(errno, EINVAL);
}

Test(devdax, char_device_without_sysfs_entry, .init = setup,
		.fini = teardown)
{
	errno = 0;
	cr_expect_null(pmem_map_file("/dev/null", 0, 0, 0, NULL, NULL));
	cr_expect_eq(errno, ENOENT, "realpath of its subsystem fails");
}

Test(devdax, other_char_device_is_a_plain_file, .init = setup,
		.fini = teardown)
{
	cr_assert_eq(fake_chardev(root, 1, 3), 0);
	errno = 0;
	cr_expect_null(pmem_map_file("/dev/null", 0, 0, 0, NULL, NULL));
	cr_expect_eq(errno, EINVAL, "size 0");
}

Test(devdax, deep_flush_without_file, .init = setup, .fini = teardown)
{
	/* Region without deep_flush: nothing to do, success (as PMDK). */
	cr_assert_eq(fake_devdax(root, 1, 5, 4, "4194304\n", NULL), 0);
	size_t len;
	void *a = pmem_map_file("/dev/zero", 0, 0, 0, &len, NULL);
	cr_assert_not_null(a);
	cr_expect_eq(pmem_deep_drain(a, len), 0);
	cr_expect_eq(pmem_devdax_deep_flush(-1), 0);
	cr_expect_eq(errno, ENOTSUP);
	pmem_unmap(a, len);
}

Test(devdax, deep_flush_write_error, .init = setup, .fini = teardown)
{
	zero_is_devdax("4194304\n", NULL);
	char p[512];
	snprintf(p, sizeof(p), "%s/bus/nd/devices/region2/deep_flush", root);
	cr_assert_eq(unlink(p), 0);
	cr_assert_eq(mkdir(p, 0755), 0);	/* cannot be written */
	size_t len;
	void *a = pmem_map_file("/dev/zero", 0, 0, 0, &len, NULL);
	cr_assert_not_null(a);
	errno = 0;
	cr_expect_eq(pmem_deep_persist(a, len), -1);
	cr_expect_eq(errno, EISDIR);
	cr_expect_neq(strstr(pmem_errormsg(), "deep_flush"), NULL, "%s",
			pmem_errormsg());
	pmem_unmap(a, len);
}

/* ---- pmem_has_auto_flush ---- */

Test(auto_flush, no_nvdimm_bus, .init = setup, .fini = teardown)
{
	cr_expect_eq(pmem_auto_flush_scan(), 0);
}

Test(auto_flush, bus_without_regions, .init = setup, .fini = teardown)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/bus/nd/devices/ndbus0", root);
	cr_assert_eq(mkdirs(p), 0);
	cr_expect_eq(pmem_auto_flush_scan(), 0);
}

Test(auto_flush, all_cpu_cache, .init = setup, .fini = teardown)
{
	cr_assert_eq(fake_region(root, 0, "cpu_cache\n"), 0);
	cr_assert_eq(fake_region(root, 1, "cpu_cache\n"), 0);
	cr_expect_eq(pmem_auto_flush_scan(), 1);
}

Test(auto_flush, one_memory_controller, .init = setup, .fini = teardown)
{
	cr_assert_eq(fake_region(root, 0, "cpu_cache\n"), 0);
	cr_assert_eq(fake_region(root, 1, "memory_controller\n"), 0);
	cr_expect_eq(pmem_auto_flush_scan(), 0);
}

Test(auto_flush, empty_domain, .init = setup, .fini = teardown)
{
	cr_assert_eq(fake_region(root, 0, "\n"), 0);
	cr_expect_eq(pmem_auto_flush_scan(), 0);
}

/* A region without persistence_domain (older kernels) is not in the
 * CPU cache domain: PMDK 1.12 answers 0 there, not -1. */
Test(auto_flush, missing_domain_is_not_cpu_cache, .init = setup,
		.fini = teardown)
{
	cr_assert_eq(fake_region(root, 0, NULL), 0);
	cr_expect_eq(pmem_auto_flush_scan(), 0);
	cr_assert_eq(fake_region(root, 1, "cpu_cache\n"), 0);
	cr_expect_eq(pmem_auto_flush_scan(), 0);
}

Test(auto_flush, cached_until_reset, .init = setup, .fini = teardown)
{
	/* The real answer was cached at start-up (no NVDIMMs here). */
	int real = pmem_has_auto_flush();
	cr_assert_eq(fake_region(root, 0, "cpu_cache\n"), 0);
	cr_expect_eq(pmem_has_auto_flush(), real, "not cached");
	pmem_auto_flush_reset();
	cr_expect_eq(pmem_has_auto_flush(), 1);
	pmem_sysfs_set_root(NULL);
	pmem_auto_flush_reset();
	cr_expect_eq(pmem_has_auto_flush(), real);
}

Test(auto_flush, error_sets_errno_each_call, .init = setup,
		.fini = teardown)
{
	/* A persistence_domain that opens but cannot be read (EISDIR). */
	char p[512];
	cr_assert_eq(fake_region(root, 0, NULL), 0);
	snprintf(p, sizeof(p), "%s/bus/nd/devices/region0/persistence_domain",
			root);
	cr_assert_eq(mkdir(p, 0755), 0);
	pmem_auto_flush_reset();
	errno = 0;
	cr_expect_eq(pmem_has_auto_flush(), -1);
	cr_expect_eq(errno, EISDIR);
	cr_expect_neq(strstr(pmem_errormsg(), "persistence_domain"), NULL);
	errno = 0;
	cr_expect_eq(pmem_has_auto_flush(), -1);
	cr_expect_eq(errno, EISDIR);
}
