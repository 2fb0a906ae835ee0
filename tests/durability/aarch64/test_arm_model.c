/*
 * test_arm_model.c -- the durability model's AArch64 rules (check build,
 * AArch64 only: configure.py builds tests/durability/aarch64/ there).
 *
 * Rules (docs/durability.md, "AArch64"): DC CVAP, DC CVAC and DC CVADP
 * leave a dirty line FLUSHING; only a DSB completes them (DURABLE); a DMB
 * completes nothing; a store after the clean and before the DSB leaves the
 * line DIRTY.  Then two broken flush backends built from the same
 * primitives -- a drain without DSB, a flush that skips the last line --
 * swept over sizes and alignments: the model must catch every case where
 * the bug shows, and the correct backend (the real dc-cvac) none.
 *
 * The sweeps use DC CVAC: qemu-user runs a CPU without DCPoP (see
 * docs/testing.md); DC CVAP and DC CVADP follow the same rule and their
 * events are driven through the model directly below.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "ops.h"
#include "check.h"
#include "flush_lines.h"
#include "pm_prims.h"

#define AREA (128 * 1024)

static char *area;
static struct pmem_ops saved;

static void setup(void)
{
	area = mmap(NULL, AREA, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(area != MAP_FAILED);
	saved = pmem_ops;
	check_reset();
	check_track(area, AREA);
}

static void teardown(void)
{
	pmem_ops = saved;
	check_reset();
	munmap(area, AREA);
}

TestSuite(arm_model, .init = setup, .fini = teardown);

/* DC CVAP/CVADP cannot run under qemu-user's Cortex-A57, so their rule is
 * checked by feeding the model the events the primitives record. */
static void clean_event(int which, const void *p)
{
	switch (which) {
	case 0:
		pm_dc_cvac(p);
		break;
	case 1:
		pmem_check_record(PM_EV_DC_CVAP, p, 1);
		break;
	default:
		pmem_check_record(PM_EV_DC_CVADP, p, 1);
		break;
	}
}

Test(arm_model, clean_then_dsb_is_durable)
{
	for (int which = 0; which < 3; which++) {
		char *p = area + 4096 * (which + 1);
		pm_store_fill(p, 0x11, 64);
		cr_assert_eq(check_line(p), CHECK_DIRTY);
		clean_event(which, p + 13);	/* any byte of the line */
		cr_assert_eq(check_line(p), CHECK_FLUSHING, "clean %d", which);
		cr_assert_null(check_pending_ok(p, 64));
		cr_assert_not_null(check_durable(p, 64));
		pm_dsb();
		cr_assert_eq(check_line(p), CHECK_DURABLE, "clean %d", which);
		cr_assert_null(check_durable(p, 64));
	}
}

Test(arm_model, dmb_completes_nothing)
{
	pm_store_fill(area, 0x22, 64);
	pm_dc_cvac(area);
	pm_dmb();
	cr_assert_eq(check_line(area), CHECK_FLUSHING);
	pm_dsb();
	cr_assert_eq(check_line(area), CHECK_DURABLE);
}

Test(arm_model, store_after_clean_stays_dirty)
{
	pm_store_fill(area, 0x33, 64);
	pm_dc_cvac(area);
	pm_store_fill(area + 8, 0x44, 8);
	pm_dsb();
	cr_assert_eq(check_line(area), CHECK_DIRTY);
	cr_assert_not_null(check_durable(area, 64));
}

Test(arm_model, dsb_alone_or_clean_of_clean_line_changes_nothing)
{
	pm_dsb();
	pm_dc_cvac(area + 64);
	pm_dsb();
	cr_assert_eq(check_line(area + 64), CHECK_CLEAN);
	pm_store_fill(area, 0x55, 1);
	pm_dsb();
	cr_assert_eq(check_line(area), CHECK_DIRTY);
}

Test(arm_model, events_have_names)
{
	cr_assert_str_eq(check_event_name(PM_EV_DC_CVAP), "DC_CVAP");
	cr_assert_str_eq(check_event_name(PM_EV_DC_CVAC), "DC_CVAC");
	cr_assert_str_eq(check_event_name(PM_EV_DC_CVADP), "DC_CVADP");
	cr_assert_str_eq(check_event_name(PM_EV_DSB), "DSB");
}

/* ---- broken backends, swept ------------------------------------------ */

static void good_flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_dc_cvac);
}

/* BUG: the last line of the range is not cleaned. */
static void flush_skips_last_line(const void *addr, size_t len)
{
	uintptr_t line = (uintptr_t)addr & ~(uintptr_t)(PM_LINE - 1);
	uintptr_t last = ((uintptr_t)addr + len - 1) &
			~(uintptr_t)(PM_LINE - 1);
	if (!len)
		return;
	for (; line < last; line += PM_LINE)
		pm_dc_cvac((const void *)line);
}

/* BUG: DMB orders the cleans but does not wait for them. */
static void drain_dmb(void)
{
	pm_dmb();
}

static void good_drain(void)
{
	pm_dsb();
}

/* Runs memcpy/memset_persist over sizes 1..600 at 0..64 misalignment
 * (and a few large sizes); returns how many cases the model flagged, and
 * checks that each flagged one names a line in the expected state. */
static unsigned long sweep(pmem_flush_fn *flush, void (*drain)(void),
		enum check_line_state want, int last_line, unsigned long *ops)
{
	static const size_t big[] = { 4095, 4096, 4097, 65536 + 17 };
	static char src[65536 + 64];
	unsigned long caught = 0;

	memset(src, 0x5a, sizeof(src));
	const struct pmem_backend fb = {
		.abi_version = PMEM_BACKEND_ABI_VERSION,
		.size = sizeof(struct pmem_backend),
		.name = "under test", .kind = PMEM_BACKEND_FLUSH,
		.flush = flush, .drain = drain,
	};
	pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
		.flush = &fb, .copy = pmem_backend_get_choice()->copy,
		.cpu = pmem_backend_get_cpu(), .movnt_threshold = 256,
	});
	for (int fill = 0; fill < 2; fill++)
		for (size_t len = 1; len < 600 + 4; len++)
			for (size_t off = 0; off < 64; off += 7) {
				size_t n = len <= 600 ? len : big[len - 601];
				char *dst = area + 4096 + off;
				check_reset();
				check_track(area, AREA);
				if (fill)
					pmem_memset_persist(dst, 0x5a, n);
				else
					pmem_memcpy_persist(dst, src, n);
				(*ops)++;
				const char *why = check_durable(dst, n);
				if (!why)
					continue;
				caught++;
				uintptr_t l = last_line ?
					((uintptr_t)dst + n - 1) &
					~(uintptr_t)(PM_LINE - 1) :
					(uintptr_t)dst & ~(uintptr_t)(PM_LINE - 1);
				cr_assert_eq(check_line((void *)l), want,
					"%s len %zu off %zu: %s", fill ?
					"memset" : "memcpy", n, off, why);
			}
	return caught;
}

Test(arm_model, drain_without_dsb_is_caught)
{
	unsigned long ops = 0;
	unsigned long caught = sweep(good_flush, drain_dmb, CHECK_FLUSHING, 0,
			&ops);
	/* Every case writes something: every one must be caught. */
	cr_assert_eq(caught, ops, "caught %lu of %lu", caught, ops);
}

Test(arm_model, last_line_not_cleaned_is_caught)
{
	unsigned long ops = 0;
	unsigned long caught = sweep(flush_skips_last_line, good_drain,
			CHECK_DIRTY, 1, &ops);
	cr_assert_eq(caught, ops, "caught %lu of %lu", caught, ops);
}

/* The control: the real dc-cvac backend, same sweep, nothing flagged. */
Test(arm_model, dc_cvac_backend_passes)
{
	const struct pmem_backend *b = NULL;
	for (unsigned i = 0; pmem_backend_get_static(i); i++)
		if (strcmp(pmem_backend_get_static(i)->name, "dc-cvac") == 0)
			b = pmem_backend_get_static(i);
	cr_assert_not_null(b, "dc-cvac not linked in");
	unsigned long ops = 0;
	cr_assert_eq(sweep(b->flush, b->drain, CHECK_DURABLE, 0, &ops), 0);
	cr_assert_gt(ops, 10000);
}
