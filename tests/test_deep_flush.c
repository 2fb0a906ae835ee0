/*
 * test_deep_flush.c -- pmem_deep_flush/drain/persist and pmem_msync on
 * memory that is not Device DAX (test_devdax.c covers that part).
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "registry.h"
#include "select.h"
#include "util_fs.h"
#include "emulator.h"

#define PG 4096u

static char dir[256];

static void setup(void)
{
	cr_assert_eq(tmpdir_make(dir, sizeof(dir), "test_deep"), 0);
}

static void teardown(void)
{
	tmpdir_remove(dir);
}

static char *map_file(size_t len)
{
	char p[300];
	snprintf(p, sizeof(p), "%s/f", dir);
	char *a = pmem_map_file(p, len, PMEM_FILE_CREATE, 0600, NULL, NULL);
	cr_assert_not_null(a);
	return a;
}

Test(deep, len_zero_does_nothing)
{
	/* Even on an address that is not mapped. */
	char *m = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			0);
	munmap(m, PG);
	cr_expect_eq(pmem_deep_drain(m, 0), 0);
	cr_expect_eq(pmem_deep_persist(m, 0), 0);
	pmem_deep_flush(m, 0);
}

Test(deep, file_mapping, .init = setup, .fini = teardown)
{
	char *a = map_file(4 * PG);
	memset(a + 10, 7, 3 * PG);
	pmem_deep_flush(a + 10, 3 * PG);
	cr_expect_eq(pmem_deep_drain(a + 10, 3 * PG), 0);
	cr_expect_eq(pmem_deep_persist(a + 1, 100), 0);
	cr_expect_eq(pmem_deep_persist(a, 4 * PG), 0);
	pmem_unmap(a, 4 * PG);
}

Test(deep, ordinary_memory)
{
	static char buf[3 * PG];
	char stack[100] = { 1 };
	buf[0] = 1;
	cr_expect_eq(pmem_deep_persist(buf, sizeof(buf)), 0);
	cr_expect_eq(pmem_deep_persist(stack, sizeof(stack)), 0);
}

Test(deep, unmapped_memory_fails_enomem)
{
	char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m, 2 * PG);
	errno = 0;
	cr_expect_eq(pmem_deep_drain(m, 100), -1);
	cr_expect_eq(errno, ENOMEM);
	cr_expect_neq(strstr(pmem_errormsg(), "msync"), NULL);
}

Test(deep, map_sync_ranges_and_gaps, .init = setup, .fini = teardown)
{
	/* A MAP_SYNC range in the middle of a file mapping: the gaps and
	 * the range are each msync'ed; an unmapped tail fails. */
	char *a = map_file(8 * PG);
	pmem_registry_add(a + 2 * PG, 2 * PG, PMEM_RANGE_MAP_SYNC, -1);
	pmem_registry_add(a + 5 * PG, PG, PMEM_RANGE_MAP_SYNC, -1);
	cr_expect_eq(pmem_deep_persist(a, 8 * PG), 0);
	cr_expect_eq(pmem_deep_drain(a + 2 * PG + 5, 10), 0);
	cr_assert_eq(pmem_unmap(a + 7 * PG, PG), 0);
	errno = 0;
	cr_expect_eq(pmem_deep_drain(a, 8 * PG), -1, "tail unmapped");
	cr_expect_eq(errno, ENOMEM);
	pmem_unmap(a, 7 * PG);
	cr_expect_eq(pmem_registry_count(), 0);
}

Test(deep, many_ranges, .init = setup, .fini = teardown)
{
	/* More ranges than the drain looks up at once (16). */
	if (map_sync_is_faked()) {	/* the file would be a range too */
		fprintf(stderr, "SKIP deep::many_ranges: MAP_SYNC accepted on "
				"tmpfs (qemu-user, tests/emulator.h)\n");
		cr_skip_test("MAP_SYNC accepted on tmpfs");
	}
	char *a = map_file(64 * PG);
	for (unsigned i = 0; i < 64; i += 2)
		pmem_registry_add(a + i * PG, PG, PMEM_RANGE_MAP_SYNC, -1);
	cr_expect_eq(pmem_registry_count(), 32);
	cr_expect_eq(pmem_deep_drain(a, 64 * PG), 0);
	pmem_unmap(a, 64 * PG);
	cr_expect_eq(pmem_registry_count(), 0);
}

/* ---- pmem_msync ---- */

Test(msync, aligns_address_and_length, .init = setup, .fini = teardown)
{
	char *a = map_file(4 * PG);
	strcpy(a + PG + 123, "durable");
	cr_expect_eq(pmem_msync(a + PG + 123, 8), 0);
	cr_expect_eq(pmem_msync(a + 1, 4 * PG - 1), 0);
	cr_expect_eq(pmem_msync(a, 0), 0);
	cr_expect_eq(pmem_msync(a + 5, 0), 0);
	char p[300], buf[8] = "";
	snprintf(p, sizeof(p), "%s/f", dir);
	int fd = open(p, O_RDONLY);
	cr_assert_eq(pread(fd, buf, 8, PG + 123), 8);
	close(fd);
	cr_expect_str_eq(buf, "durable");
	pmem_unmap(a, 4 * PG);
}

Test(msync, errors)
{
	char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(m, 2 * PG);
	errno = 0;
	cr_expect_eq(pmem_msync(m + 10, 100), -1);
	cr_expect_eq(errno, ENOMEM);
	cr_expect_neq(strstr(pmem_errormsg(), "msync"), NULL);
	cr_expect_neq(strstr(pmem_errormsg(), strerror(ENOMEM)), NULL);
	/* As PMDK: len 0 at an unaligned address syncs the page's head. */
	errno = 0;
	cr_expect_eq(pmem_msync(m + 10, 0), -1);
	cr_expect_eq(errno, ENOMEM);
}

static const struct pmem_backend *linked(const char *name)
{
	const struct pmem_backend *b;
	for (unsigned i = 0; (b = pmem_backend_get_static(i)); i++)
		if (strcmp(b->name, name) == 0)
			return b;
	cr_skip_test("%s not linked in", name);
	return NULL;
}

/* Under nop, deep flush picks a flush instruction itself: PMEM_NO_CLWB=1
 * and PMEM_NO_CLFLUSHOPT=1 ("do not use it") must hold there too. */
Test(deep, no_clwb_and_no_clflushopt_hold_under_nop)
{
	const struct pmem_backend *nop = linked("nop"), *wb = linked("clwb"),
		*opt = linked("clflushopt"), *cl = linked("clflush");
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	if (!pmem_backend_runs(wb, cpu) || !pmem_backend_runs(opt, cpu))
		cr_skip_test("CPU lacks CLWB or CLFLUSHOPT");
	unsetenv("PMEM_NO_CLWB");
	unsetenv("PMEM_NO_CLFLUSHOPT");
	cr_expect(pmem_select_deep_flush(nop, cpu) == wb->flush);
	setenv("PMEM_NO_CLWB", "1", 1);
	cr_expect(pmem_select_deep_flush(nop, cpu) == opt->flush);
	setenv("PMEM_NO_CLFLUSHOPT", "1", 1);
	cr_expect(pmem_select_deep_flush(nop, cpu) == cl->flush);
	setenv("PMEM_NO_CLWB", "0", 1);		/* only 1 counts */
	cr_expect(pmem_select_deep_flush(nop, cpu) == wb->flush);
}
