/*
 * test_is_pmem.c -- pmem_is_pmem(), the registry behind it, and
 * PMEM_IS_PMEM_FORCE.  No pmem here: ranges are made "pmem" by
 * registering anonymous memory as pmem_map_file() does for Device DAX and
 * MAP_SYNC mappings (test_devdax.c maps a fake Device DAX end to end).
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "registry.h"
#include "util_fs.h"
#include "emulator.h"

#define PG 4096u

static char *anon(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p, MAP_FAILED);
	return p;
}

Test(is_pmem, unknown_memory_is_not_pmem)
{
	char stack[64] = "";
	cr_expect_eq(pmem_is_pmem(stack, sizeof(stack)), 0);
	cr_expect_eq(pmem_is_pmem(stack, 0), 0);
	cr_expect_eq(pmem_is_pmem(NULL, 0), 0);
	cr_expect_eq(pmem_is_pmem(NULL, SIZE_MAX), 0);
}

Test(is_pmem, whole_range_must_be_covered)
{
	char *m = anon(8 * PG);
	cr_assert_eq(pmem_registry_add(m + PG, 4 * PG, PMEM_RANGE_MAP_SYNC,
			-1), 0);
	cr_expect_eq(pmem_is_pmem(m + PG, 4 * PG), 1);
	cr_expect_eq(pmem_is_pmem(m + PG + 100, 10), 1);
	/* PMDK 1.12 answers 0 for len 0 even inside pmem (is_pmem_detect) */
	cr_expect_eq(pmem_is_pmem(m + PG, 0), 0, "len 0 inside");
	cr_expect_eq(pmem_is_pmem(m + 5 * PG - 1, 1), 1, "last byte");
	cr_expect_eq(pmem_is_pmem(m + 5 * PG - 1, 2), 0, "one past the end");
	cr_expect_eq(pmem_is_pmem(m + PG - 1, 2), 0, "one before");
	cr_expect_eq(pmem_is_pmem(m, 8 * PG), 0, "larger range");
	cr_expect_eq(pmem_is_pmem(m + 5 * PG, 0), 0, "len 0 at the end");
	cr_expect_eq(pmem_is_pmem(m + PG, SIZE_MAX), 0, "wraps around");
	pmem_registry_remove(m + PG, 4 * PG);
	cr_expect_eq(pmem_is_pmem(m + PG, 4 * PG), 0);
	munmap(m, 8 * PG);
}

Test(is_pmem, adjacent_mappings_count_together)
{
	char *m = anon(6 * PG);
	pmem_registry_add(m, 2 * PG, PMEM_RANGE_MAP_SYNC, -1);
	pmem_registry_add(m + 2 * PG, 2 * PG, PMEM_RANGE_DEVDAX, 0);
	pmem_registry_add(m + 5 * PG, PG, PMEM_RANGE_DEVDAX, 0);
	cr_expect_eq(pmem_is_pmem(m, 4 * PG), 1, "adjacent");
	cr_expect_eq(pmem_is_pmem(m + PG, 2 * PG), 1, "across the seam");
	cr_expect_eq(pmem_is_pmem(m, 6 * PG), 0, "gap at page 4");
	cr_expect_eq(pmem_is_pmem(m + 3 * PG, 3 * PG), 0);
	cr_expect_eq(pmem_registry_count(), 3);
	pmem_registry_remove(m, 6 * PG);
	cr_expect_eq(pmem_registry_count(), 0);
	munmap(m, 6 * PG);
}

Test(is_pmem, remove_splits_and_trims)
{
	char *m = anon(10 * PG);
	pmem_registry_add(m, 10 * PG, PMEM_RANGE_MAP_SYNC, -1);
	pmem_registry_remove(m + 4 * PG, 2 * PG);	/* split */
	cr_expect_eq(pmem_registry_count(), 2);
	cr_expect_eq(pmem_is_pmem(m, 4 * PG), 1);
	cr_expect_eq(pmem_is_pmem(m + 6 * PG, 4 * PG), 1);
	cr_expect_eq(pmem_is_pmem(m + 4 * PG, 1), 0);
	cr_expect_eq(pmem_is_pmem(m + 5 * PG, PG), 0);
	pmem_registry_remove(m + 3 * PG, 4 * PG);	/* trims both */
	cr_expect_eq(pmem_is_pmem(m, 3 * PG), 1);
	cr_expect_eq(pmem_is_pmem(m + 3 * PG, 1), 0);
	cr_expect_eq(pmem_is_pmem(m + 7 * PG, 3 * PG), 1);
	cr_expect_eq(pmem_is_pmem(m + 6 * PG, 1), 0);
	pmem_registry_remove(m + 1, 1);	/* rounds to its page */
	cr_expect_eq(pmem_is_pmem(m, 1), 0);
	cr_expect_eq(pmem_is_pmem(m + PG, 2 * PG), 1);
	pmem_registry_remove(m, 0);	/* nothing */
	cr_expect_eq(pmem_is_pmem(m + PG, 2 * PG), 1);
	pmem_registry_remove(m, 10 * PG);
	cr_expect_eq(pmem_registry_count(), 0);
	munmap(m, 10 * PG);
}

Test(is_pmem, add_replaces_stale_ranges)
{
	char *m = anon(4 * PG);
	pmem_registry_add(m, 4 * PG, PMEM_RANGE_DEVDAX, 1);
	pmem_registry_add(m + PG, PG, PMEM_RANGE_MAP_SYNC, -1);
	cr_expect_eq(pmem_registry_count(), 3);
	struct pmem_range r[4];
	cr_assert_eq(pmem_registry_find(m, 4 * PG, r, 4), 3);
	cr_expect_eq(r[1].type, PMEM_RANGE_MAP_SYNC);
	cr_expect_eq(r[0].region_id, 1);
	cr_expect_eq(r[2].start, (uintptr_t)m + 2 * PG);
	/* find clips to the asked range */
	cr_assert_eq(pmem_registry_find(m + 100, 200, r, 4), 1);
	cr_expect_eq(r[0].start, (uintptr_t)m + 100);
	cr_expect_eq(r[0].end, (uintptr_t)m + 300);
	/* and reports how many there are beyond max */
	cr_expect_eq(pmem_registry_find(m, 4 * PG, r, 1), 3);
	pmem_registry_remove(m, 4 * PG);
	munmap(m, 4 * PG);
}

Test(is_pmem, pmem_unmap_forgets_part)
{
	char *m = anon(4 * PG);
	pmem_registry_add(m, 4 * PG, PMEM_RANGE_MAP_SYNC, -1);
	cr_assert_eq(pmem_unmap(m + PG, PG), 0);
	cr_expect_eq(pmem_is_pmem(m, PG), 1);
	cr_expect_eq(pmem_is_pmem(m + PG, PG), 0);
	cr_expect_eq(pmem_is_pmem(m + 2 * PG, 2 * PG), 1);
	cr_expect_eq(pmem_is_pmem(m, 4 * PG), 0);
	/* A failed unmap forgets nothing. */
	cr_expect_eq(pmem_unmap(m + 1, PG), -1);
	cr_expect_eq(pmem_unmap(m, 0), -1);
	cr_expect_eq(pmem_is_pmem(m, PG), 1);
	cr_assert_eq(pmem_unmap(m, 4 * PG), 0);
	cr_expect_eq(pmem_registry_count(), 0);
}

Test(is_pmem, force_1)
{
	setenv("PMEM_IS_PMEM_FORCE", "1", 1);
	char stack[8];
	cr_expect_eq(pmem_is_pmem(stack, sizeof(stack)), 1);
	/* An empty range is never pmem, forced or not, as in PMDK 1.12
	 * (issue #10 item 13: its own pmem_is_pmem test checks this). */
	cr_expect_eq(pmem_is_pmem(NULL, 0), 0, "len 0 under FORCE=1");
	cr_expect_eq(pmem_is_pmem(stack, 0), 0, "len 0 under FORCE=1");
	/* Read on the first call only. */
	setenv("PMEM_IS_PMEM_FORCE", "0", 1);
	cr_expect_eq(pmem_is_pmem(stack, sizeof(stack)), 1);
	/* pmem_map_file reports it too, as PMDK does. */
	char dir[256], p[300];
	cr_assert_eq(tmpdir_make(dir, sizeof(dir), "test_is_pmem"), 0);
	snprintf(p, sizeof(p), "%s/f", dir);
	int is_pmem = 0;
	size_t len;
	void *a = pmem_map_file(p, 4096, PMEM_FILE_CREATE, 0600, &len,
			&is_pmem);
	cr_assert_not_null(a);
	cr_expect_eq(is_pmem, 1);
	pmem_unmap(a, len);
	tmpdir_remove(dir);
}

Test(is_pmem, force_0)
{
	setenv("PMEM_IS_PMEM_FORCE", "0", 1);
	char *m = anon(PG);
	pmem_registry_add(m, PG, PMEM_RANGE_DEVDAX, 0);
	cr_expect_eq(pmem_is_pmem(m, PG), 0);
	pmem_unmap(m, PG);
}

Test(is_pmem, force_other_values_ignored)
{
	setenv("PMEM_IS_PMEM_FORCE", "2", 1);
	char *m = anon(PG);
	char stack[8];
	pmem_registry_add(m, PG, PMEM_RANGE_DEVDAX, 0);
	cr_expect_eq(pmem_is_pmem(m, PG), 1);
	cr_expect_eq(pmem_is_pmem(stack, 8), 0);
	pmem_unmap(m, PG);
}

/* ---- many threads mapping, unmapping and asking at once ---- */

#define THREADS 6
#define ROUNDS 1500

static int failures;
static char stress_dir[256];

static void fail_once(void)
{
	__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);
}

static int map_sync_faked;	/* qemu-user: a tmpfs file maps as pmem */

static void *stress(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	char p[320];
	snprintf(p, sizeof(p), "%s/t%u", stress_dir, id);
	for (unsigned i = 0; i < ROUNDS; i++) {
		size_t pages = 2 + (i + id) % 7;
		size_t len = pages * PG;
		char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) {
			fail_once();
			continue;
		}
		pmem_registry_add(m, len, (i & 1) ? PMEM_RANGE_DEVDAX
				: PMEM_RANGE_MAP_SYNC, (int)id);
		if (pmem_is_pmem(m, len) != 1)
			fail_once();
		/* Unmap the first page: the rest stays pmem.  (Whether the
		 * freed page is pmem depends on who maps it next.) */
		if (pmem_unmap(m, PG) != 0)
			fail_once();
		if (pmem_is_pmem(m + PG, len - PG) != 1)
			fail_once();
		/* A real (non-pmem) file mapping now and then. */
		if (i % 16 == 0) {
			size_t flen;
			void *f = pmem_map_file(p, PG, PMEM_FILE_CREATE |
					PMEM_FILE_SPARSE, 0600, &flen, NULL);
			if (!f || (pmem_is_pmem(f, flen) != 0 &&
					!map_sync_faked))
				fail_once();
			if (f && pmem_unmap(f, flen) != 0)
				fail_once();
		}
		if (pmem_unmap(m + PG, len - PG) != 0)
			fail_once();
	}
	return NULL;
}

Test(is_pmem, registry_thread_stress, .timeout = 120)
{
	cr_assert_eq(tmpdir_make(stress_dir, sizeof(stress_dir), "stress"),
			0);
	map_sync_faked = map_sync_is_faked();
	if (map_sync_faked)
		fprintf(stderr, "SKIP is_pmem::registry_thread_stress, its "
				"non-pmem file part: MAP_SYNC accepted on tmpfs "
				"(qemu-user, tests/emulator.h)\n");
	pthread_t t[THREADS];
	for (unsigned i = 0; i < THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, stress,
				(void *)(uintptr_t)i), 0);
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	tmpdir_remove(stress_dir);
	cr_expect_eq(failures, 0, "%d wrong answers", failures);
	cr_expect_eq(pmem_registry_count(), 0, "ranges left behind");
}
