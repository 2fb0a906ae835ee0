/*
 * test_page_size.c -- pmem_msync and the check model with a 64 KiB page
 * injected (base/page.h), the page of the AArch64 kernels RHEL and Ampere
 * ship, on a machine whose kernel has 4 KiB pages: the range given to
 * msync, and so the lines the model counts durable, follow the page size.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libpmem.h"
#include "check.h"
#include "page.h"
#include "pm_prims.h"

#define PG (64 * 1024)

static char *area;	/* 4 pages of 64 KiB; pg: 3 of them, 64 KiB aligned */
static char *pg;

static void setup(void)
{
	area = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(area != MAP_FAILED);
	pg = (char *)(((uintptr_t)area + PG - 1) & ~(uintptr_t)(PG - 1));
	pmem_page_size_inject(PG);
	check_reset();
	check_track(pg, 3 * PG);
}

static void teardown(void)
{
	pmem_page_size_inject(0);
	check_reset();
	munmap(area, 4 * PG);
}

TestSuite(page_64k, .init = setup, .fini = teardown);

Test(page_64k, msync_makes_the_whole_page_durable)
{
	cr_assert_eq(pmem_page_size(), PG);
	pm_store_fill(pg + PG + 20000, 1, 10);	/* page 1, its 5th 4 KiB */
	pm_store_fill(pg + 2 * PG, 1, 10);	/* page 2 */
	cr_assert_eq(pmem_msync(pg + PG + 100, 1), 0);
	const char *why = check_durable(pg + PG + 20000, 10);
	cr_assert_null(why, "msync of a 64 KiB page left %s", why);
	cr_assert_not_null(check_durable(pg + 2 * PG, 10),
			"msync reached the next page");
}

/* As PMDK: len 0 msyncs the part of the page before addr, here an address
 * that is 4 KiB aligned but inside a 64 KiB page. */
Test(page_64k, zero_len_syncs_the_page_before_addr)
{
	pm_store_fill(pg + PG, 1, 8192);
	cr_assert_eq(pmem_msync(pg + PG + 8192, 0), 0);
	const char *why = check_durable(pg + PG, 8192);
	cr_assert_null(why, "pmem_msync(addr, 0) left %s", why);
}

Test(page_64k, zero_resets_to_the_os_page)
{
	pmem_page_size_inject(0);
	cr_assert_eq(pmem_page_size(), (size_t)sysconf(_SC_PAGESIZE));
}
