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
 * events are driven through the model directly below.  The bodies shared
 * with ppc64 are in isa_model.h.
 */
#define MODEL_SUITE arm_model
#define MODEL_CLEAN pm_dc_cvac
#define MODEL_SYNC pm_dsb
#define MODEL_WEAK_SYNC pm_dmb
#define MODEL_EVENTS EV(DC_CVAP) EV(DC_CVAC) EV(DC_CVADP) EV(DSB)
#define MODEL_BACKEND "dc-cvac"
#define TEST_WEAK_SYNC dmb_completes_nothing
#define TEST_STORE_AFTER_CLEAN store_after_clean_stays_dirty
#define TEST_SYNC_ALONE dsb_alone_or_clean_of_clean_line_changes_nothing
#define TEST_WEAK_DRAIN drain_without_dsb_is_caught
#define TEST_LAST_LINE last_line_not_cleaned_is_caught
#define TEST_BACKEND dc_cvac_backend_passes
#include "isa_model.h"

static void model_install(pmem_flush_fn *flush, void (*drain)(void))
{
	static struct pmem_backend fb;
	fb = (struct pmem_backend){
		.abi_version = PMEM_BACKEND_ABI_VERSION,
		.size = sizeof(struct pmem_backend),
		.name = "under test", .kind = PMEM_BACKEND_FLUSH,
		.flush = flush, .drain = drain,
	};
	pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
		.flush = &fb, .copy = pmem_backend_get_choice()->copy,
		.cpu = pmem_backend_get_cpu(), .movnt_threshold = 256,
	});
}

/* DC CVAP/CVADP cannot run under qemu-user's Cortex-A57, so their rule is
 * checked by feeding the model the events the primitives record. */
static void record_cvap(const void *p)
{
	pmem_check_record(PM_EV_DC_CVAP, p, 1);
}

static void record_cvadp(const void *p)
{
	pmem_check_record(PM_EV_DC_CVADP, p, 1);
}

Test(arm_model, clean_then_dsb_is_durable)
{
	model_clean_then_sync(area + 4096, pm_dc_cvac, pm_dsb, "DC CVAC");
	model_clean_then_sync(area + 8192, record_cvap, pm_dsb, "DC CVAP");
	model_clean_then_sync(area + 12288, record_cvadp, pm_dsb, "DC CVADP");
}
