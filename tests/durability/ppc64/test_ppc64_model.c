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
 * backend's sweep runs where the CPU has ISA 3.1, else is skipped.  The
 * bodies shared with AArch64 are in isa_model.h.
 */
#include <stdio.h>

#define MODEL_SUITE ppc64_model
#define MODEL_CLEAN pm_dcbst
#define MODEL_SYNC pm_hwsync
#define MODEL_WEAK_SYNC pm_lwsync
#define MODEL_EVENTS EV(DCBST) EV(DCBSTPS) EV(DCBFPS) EV(HWSYNC) \
	EV(PHWSYNC) EV(LWSYNC)
#define MODEL_BACKEND "dcbst"
#define TEST_WEAK_SYNC lwsync_completes_nothing
#define TEST_STORE_AFTER_CLEAN store_after_block_store_stays_dirty
#define TEST_SYNC_ALONE sync_alone_or_store_of_clean_line_changes_nothing
#define TEST_WEAK_DRAIN drain_of_lwsync_is_caught
#define TEST_LAST_LINE last_line_not_written_back_is_caught
#define TEST_BACKEND dcbst_backend_passes
#include "isa_model.h"

/* Only the flush and drain change: the copies stay those of the chosen
 * pair, and every copy over 256 bytes takes them. */
static void model_install(pmem_flush_fn *flush, void (*drain)(void))
{
	pmem_ops.flush = flush;
	pmem_ops.drain = drain;
	pmem_ops.memmove_nt = saved.memmove_nt;
	pmem_ops.memset_nt = saved.memset_nt;
	pmem_ops.movnt_threshold = 256;
}

/* The ISA 3.1 block stores and phwsync, as the events they record. */
static void record_dcbstps(const void *p)
{
	pmem_check_record(PM_EV_DCBSTPS, p, 1);
}

static void record_dcbfps(const void *p)
{
	pmem_check_record(PM_EV_DCBFPS, p, 1);
}

static void record_phwsync(void)
{
	pmem_check_record(PM_EV_PHWSYNC, NULL, 0);
}

Test(ppc64_model, block_store_then_sync_is_durable)
{
	static const struct {
		void (*store)(const void *);
		const char *name;
	} stores[] = {
		{ pm_dcbst, "dcbst" },
		{ record_dcbstps, "dcbstps" },
		{ record_dcbfps, "dcbfps" },
	};
	static const struct {
		void (*sync)(void);
		const char *name;
	} syncs[] = { { pm_hwsync, "hwsync" }, { record_phwsync, "phwsync" } };
	char what[32];
	for (int which = 0; which < 3; which++)
		for (int sync = 0; sync < 2; sync++) {
			snprintf(what, sizeof(what), "%s then %s",
					stores[which].name, syncs[sync].name);
			model_clean_then_sync(area + 4096 *
					(1 + which * 2 + sync),
					stores[which].store, syncs[sync].sync,
					what);
		}
}

/* And the real dcbstps backend, where the CPU runs it. */
Test(ppc64_model, dcbstps_backend_passes)
{
	const struct pmem_backend *b = model_linked("dcbstps");
	if (!(pmem_backend_get_cpu()->features & PMEM_CPU_ARCH_3_1))
		cr_skip_test("CPU lacks Power ISA 3.1 (dcbstps); under qemu "
				"7.2 user mode it cannot run at all");
	model_backend_passes(b);
}
