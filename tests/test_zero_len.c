/*
 * test_zero_len.c -- every copy and fill function with len 0 and NULL
 * pointers, as pmem_memmove_persist(3) allows: no byte is touched, and no
 * NULL reaches memmove(3)/memset(3), whose pointers must not be NULL even
 * for 0 bytes (UndefinedBehaviorSanitizer, run in CI, stops the program
 * there: issue #10 item 17).  The drain they still owe is tested in the
 * check build (tests/durability/test_zero_len_drain.c).
 */
#include <criterion/criterion.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "flag_sets.h"


/* All twelve forms on (dst, src); each must return dst. */
static void all_forms(void *dst, const void *src)
{
	cr_expect_eq(pmem_memmove_persist(dst, src, 0), dst);
	cr_expect_eq(pmem_memcpy_persist(dst, src, 0), dst);
	cr_expect_eq(pmem_memset_persist(dst, 7, 0), dst);
	cr_expect_eq(pmem_memmove_nodrain(dst, src, 0), dst);
	cr_expect_eq(pmem_memcpy_nodrain(dst, src, 0), dst);
	cr_expect_eq(pmem_memset_nodrain(dst, 7, 0), dst);
	for (unsigned i = 0; i < NFLAGS; i++) {
		unsigned f = flag_sets[i];
		cr_expect_eq(pmem_memmove(dst, src, 0, f), dst, "0x%x", f);
		cr_expect_eq(pmem_memcpy(dst, src, 0, f), dst, "0x%x", f);
		cr_expect_eq(pmem_memset(dst, 7, 0, f), dst, "0x%x", f);
	}
	pmem_flush(dst, 0);
	pmem_persist(dst, 0);
}

Test(zero_len, null_pointers)
{
	all_forms(NULL, NULL);
}

/* Pointers into pages nobody may touch: a single access faults. */
Test(zero_len, touches_nothing)
{
	char *m = mmap(NULL, 3 * 4096, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(m, MAP_FAILED);
	all_forms(m, m + 4096);
	all_forms(m + 4095, m + 1);		/* unaligned */
	all_forms(m + 3 * 4096 - 1, m);		/* last byte */
	munmap(m, 3 * 4096);
}
