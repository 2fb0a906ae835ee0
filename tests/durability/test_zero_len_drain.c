/*
 * test_zero_len_drain.c -- a copy or fill of 0 bytes stores nothing but
 * keeps its drain: the _persist forms and flags without NODRAIN/NOFLUSH
 * still complete earlier flushes (pmem_memmove_persist(3), NOTES), the
 * others do not.  Under the clwb backend a line flushed and not yet
 * fenced is FLUSHING in the model; the drain makes it DURABLE.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "check.h"
#include "ops.h"
#include "select.h"
#include "model_util.h"

static char *pm;
static struct pmem_ops saved;

static void setup(void)
{
	const struct pmem_backend *clwb = linked_backend("clwb");
	if (!clwb || !__builtin_cpu_supports("clwb"))
		cr_skip_test("SKIP zero_len_drain: clwb not linked in or "
				"not on this CPU");
	saved = pmem_ops;
	pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
		.flush = clwb, .copy = pmem_backend_get_choice()->copy,
		.cpu = pmem_backend_get_cpu(),
		.movnt_threshold = saved.movnt_threshold,
		.small_nt = saved.small_nt,
	});
	pm = model_area(4096);
	check_reset();
	check_track(pm, 4096);
}

static void teardown(void)
{
	check_reset();
	if (pm)
		munmap(pm, 4096);
	pmem_ops = saved;
}

TestSuite(zero_len_drain, .init = setup, .fini = teardown);

/* One line stored and flushed, not fenced: FLUSHING (temporal, as an
 * NT store would leave it in the write-combining buffer instead). */
static void pending(void)
{
	pmem_memset(pm, 1, 64, PMEM_F_MEM_NODRAIN | PMEM_F_MEM_TEMPORAL);
	cr_assert_eq(check_line(pm), CHECK_FLUSHING, "%s",
			check_state_name(check_line(pm)));
}

static void expect(enum check_line_state want, const char *what)
{
	EXPECT_LINE(pm, want, what);
}

Test(zero_len_drain, persist_forms_drain)
{
	char src[1];
	pending();
	pmem_memcpy_persist(NULL, NULL, 0);
	expect(CHECK_DURABLE, "memcpy_persist");
	pending();
	pmem_memmove_persist(pm + 128, src, 0);
	expect(CHECK_DURABLE, "memmove_persist");
	pending();
	pmem_memset_persist(NULL, 0, 0);
	expect(CHECK_DURABLE, "memset_persist");
	pending();
	pmem_memcpy(NULL, NULL, 0, 0);
	expect(CHECK_DURABLE, "memcpy, flags 0");
	pending();
	pmem_memset(NULL, 0, 0, PMEM_F_MEM_NONTEMPORAL);
	expect(CHECK_DURABLE, "memset, NONTEMPORAL");
	pending();
	pmem_memmove(NULL, NULL, 0, PMEM_F_MEM_TEMPORAL);
	expect(CHECK_DURABLE, "memmove, TEMPORAL");
}

Test(zero_len_drain, nodrain_forms_do_not)
{
	pending();
	pmem_memcpy_nodrain(NULL, NULL, 0);
	pmem_memmove_nodrain(NULL, NULL, 0);
	pmem_memset_nodrain(NULL, 0, 0);
	pmem_memcpy(NULL, NULL, 0, PMEM_F_MEM_NODRAIN);
	pmem_memset(NULL, 0, 0, PMEM_F_MEM_NOFLUSH);
	pmem_memmove(NULL, NULL, 0, PMEM_F_MEM_NONTEMPORAL |
			PMEM_F_MEM_NODRAIN);
	expect(CHECK_FLUSHING, "no drain");
	pmem_drain();
	expect(CHECK_DURABLE, "pmem_drain");
}
