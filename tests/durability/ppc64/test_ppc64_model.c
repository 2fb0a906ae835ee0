/*
 * test_ppc64_model.c -- the durability model's POWER rules (check build,
 * ppc64 only: configure.py builds tests/durability/ppc64/ there).
 *
 * Rules (docs/durability.md, "ppc64le"): dcbst, dcbstps and dcbfps leave a
 * dirty line FLUSHING; only hwsync or phwsync completes them (DURABLE);
 * lwsync completes nothing; a store after the block store and before the
 * sync leaves the line DIRTY.  Then two broken flush backends built from
 * the same primitives -- a drain of lwsync, a flush that skips the last
 * line -- swept over sizes and alignments: the model must catch every case
 * where the bug shows, and the correct backend (the real dcbst) none.
 *
 * The sweeps use dcbst and hwsync: qemu 7.2's user mode raises SIGILL on
 * dcbstps, dcbfps and phwsync (docs/testing.md); their events follow the
 * same rules and are fed to the model directly below.  The real dcbstps
 * backend's sweep runs where the CPU has ISA 3.1, else is skipped.
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

TestSuite(ppc64_model, .init = setup, .fini = teardown);

static const struct pmem_backend *linked_in(const char *name)
{
	for (unsigned i = 0; pmem_backend_get_static(i); i++)
		if (strcmp(pmem_backend_get_static(i)->name, name) == 0)
			return pmem_backend_get_static(i);
	return NULL;
}

/* 0: the real dcbst; 1, 2: the ISA 3.1 block stores, as events. */
static void store_event(int which, const void *p)
{
	if (which == 0)
		pm_dcbst(p);
	else
		pmem_check_record(which == 1 ? PM_EV_DCBSTPS : PM_EV_DCBFPS,
				p, 1);
}

/* 0: the real hwsync; 1: phwsync, as its event. */
static void sync_event(int which)
{
	if (which == 0)
		pm_hwsync();
	else
		pmem_check_record(PM_EV_PHWSYNC, NULL, 0);
}

Test(ppc64_model, block_store_then_sync_is_durable)
{
	for (int which = 0; which < 3; which++)
		for (int sync = 0; sync < 2; sync++) {
			char *p = area + 4096 * (1 + which * 2 + sync);
			pm_store_fill(p, 0x11, 64);
			cr_assert_eq(check_line(p), CHECK_DIRTY);
			store_event(which, p + 13);	/* any byte */
			cr_assert_eq(check_line(p), CHECK_FLUSHING,
					"store %d", which);
			cr_assert_null(check_pending_ok(p, 64));
			cr_assert_not_null(check_durable(p, 64));
			sync_event(sync);
			cr_assert_eq(check_line(p), CHECK_DURABLE,
					"store %d sync %d", which, sync);
			cr_assert_null(check_durable(p, 64));
		}
}

Test(ppc64_model, lwsync_completes_nothing)
{
	pm_store_fill(area, 0x22, 64);
	pm_dcbst(area);
	pm_lwsync();
	cr_assert_eq(check_line(area), CHECK_FLUSHING);
	pm_hwsync();
	cr_assert_eq(check_line(area), CHECK_DURABLE);
}

Test(ppc64_model, store_after_block_store_stays_dirty)
{
	pm_store_fill(area, 0x33, 64);
	pm_dcbst(area);
	pm_store_fill(area + 8, 0x44, 8);
	pm_hwsync();
	cr_assert_eq(check_line(area), CHECK_DIRTY);
	cr_assert_not_null(check_durable(area, 64));
}

Test(ppc64_model, sync_alone_or_store_of_clean_line_changes_nothing)
{
	pm_hwsync();
	pm_dcbst(area + 64);
	pm_hwsync();
	cr_assert_eq(check_line(area + 64), CHECK_CLEAN);
	pm_store_fill(area, 0x55, 1);
	pm_hwsync();
	cr_assert_eq(check_line(area), CHECK_DIRTY);
}

Test(ppc64_model, events_have_names)
{
	cr_assert_str_eq(check_event_name(PM_EV_DCBST), "DCBST");
	cr_assert_str_eq(check_event_name(PM_EV_DCBSTPS), "DCBSTPS");
	cr_assert_str_eq(check_event_name(PM_EV_DCBFPS), "DCBFPS");
	cr_assert_str_eq(check_event_name(PM_EV_HWSYNC), "HWSYNC");
	cr_assert_str_eq(check_event_name(PM_EV_PHWSYNC), "PHWSYNC");
	cr_assert_str_eq(check_event_name(PM_EV_LWSYNC), "LWSYNC");
}

/* ---- broken backends, swept ------------------------------------------ */

static void good_flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_dcbst);
}

/* BUG: the last line of the range is not written back. */
static void flush_skips_last_line(const void *addr, size_t len)
{
	uintptr_t line = (uintptr_t)addr & ~(uintptr_t)(PM_LINE - 1);
	uintptr_t last = ((uintptr_t)addr + len - 1) &
			~(uintptr_t)(PM_LINE - 1);
	if (!len)
		return;
	for (; line < last; line += PM_LINE)
		pm_dcbst((const void *)line);
}

/* BUG: lwsync orders the block stores but does not wait for them. */
static void drain_lwsync(void)
{
	pm_lwsync();
}

static void good_drain(void)
{
	pm_hwsync();
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
	pmem_ops.flush = flush;
	pmem_ops.drain = drain;
	pmem_ops.memmove_nt = saved.memmove_nt;
	pmem_ops.memset_nt = saved.memset_nt;
	pmem_ops.movnt_threshold = 256;
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

Test(ppc64_model, drain_of_lwsync_is_caught)
{
	unsigned long ops = 0;
	unsigned long caught = sweep(good_flush, drain_lwsync, CHECK_FLUSHING,
			0, &ops);
	/* Every case writes something: every one must be caught. */
	cr_assert_eq(caught, ops, "caught %lu of %lu", caught, ops);
}

Test(ppc64_model, last_line_not_written_back_is_caught)
{
	unsigned long ops = 0;
	unsigned long caught = sweep(flush_skips_last_line, good_drain,
			CHECK_DIRTY, 1, &ops);
	cr_assert_eq(caught, ops, "caught %lu of %lu", caught, ops);
}

/* The control: the real dcbst backend, same sweep, nothing flagged. */
Test(ppc64_model, dcbst_backend_passes)
{
	const struct pmem_backend *b = linked_in("dcbst");
	cr_assert_not_null(b, "dcbst not linked in");
	unsigned long ops = 0;
	cr_assert_eq(sweep(b->flush, b->drain, CHECK_DURABLE, 0, &ops), 0);
	cr_assert_gt(ops, 10000);
}

/* And the real dcbstps backend, where the CPU runs it. */
Test(ppc64_model, dcbstps_backend_passes)
{
	const struct pmem_backend *b = linked_in("dcbstps");
	cr_assert_not_null(b, "dcbstps not linked in");
	if (!(pmem_backend_get_cpu()->features & PMEM_CPU_ARCH_3_1))
		cr_skip_test("CPU lacks Power ISA 3.1 (dcbstps); under qemu "
				"7.2 user mode it cannot run at all");
	unsigned long ops = 0;
	cr_assert_eq(sweep(b->flush, b->drain, CHECK_DURABLE, 0, &ops), 0);
	cr_assert_gt(ops, 10000);
}
