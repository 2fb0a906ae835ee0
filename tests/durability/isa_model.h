/*
 * isa_model.h -- what the per-ISA durability model tests share
 * (tests/durability/aarch64/, tests/durability/ppc64/): an area the model
 * tracks, the rules every write-back ISA has (a clean leaves a line
 * FLUSHING until the completing barrier, the ordering barrier completes
 * nothing, a store after the clean leaves it DIRTY), and the sweep of two
 * broken flush backends and the real one.  Only the ISA's names differ,
 * so the including file defines them first:
 *
 *   MODEL_SUITE       the suite's name
 *   MODEL_CLEAN       the line write-back the sweeps use (pm_dc_cvac, ...)
 *   MODEL_SYNC        the barrier that completes it (pm_dsb, pm_hwsync)
 *   MODEL_WEAK_SYNC   the barrier that only orders (pm_dmb, pm_lwsync)
 *   MODEL_EVENTS      the ISA's events, as EV(NAME) for PM_EV_NAME
 *   MODEL_BACKEND     the real backend the sweeps' control runs ("dc-cvac")
 *   TEST_WEAK_SYNC, TEST_STORE_AFTER_CLEAN, TEST_SYNC_ALONE,
 *   TEST_WEAK_DRAIN, TEST_LAST_LINE, TEST_BACKEND
 *                     the ISA's names for the shared tests
 *
 * and defines model_install(), how a sweep puts a flush backend under
 * test into pmem_ops (each ISA's test did that its own way).
 */
#ifndef ISA_MODEL_H
#define ISA_MODEL_H 1

#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "ops.h"
#include "check.h"
#include "flush_lines.h"
#include "pm_prims.h"
#include "model_util.h"
#include "isa_test.h"

#define AREA (128 * 1024)

static char *area;
static struct pmem_ops saved;

static void model_install(pmem_flush_fn *flush, void (*drain)(void));

static void setup(void)
{
	area = model_area(AREA);
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

ISA_TEST_SUITE(MODEL_SUITE, .init = setup, .fini = teardown);

/* The backend of that name this build links in; fails the test if none. */
static const struct pmem_backend *model_linked(const char *name)
{
	const struct pmem_backend *b = linked_backend(name);
	cr_assert_not_null(b, "%s not linked in", name);
	return b;
}

/* ---- the rules ------------------------------------------------------- */

/* A dirty line at p, cleaned through any byte of it, is FLUSHING (pending
 * but not durable) until sync() makes it DURABLE. */
static void model_clean_then_sync(char *p, void (*clean)(const void *),
		void (*sync)(void), const char *what)
{
	pm_store_fill(p, 0x11, 64);
	cr_assert_eq(check_line(p), CHECK_DIRTY);
	clean(p + 13);
	cr_assert_eq(check_line(p), CHECK_FLUSHING, "%s", what);
	cr_assert_null(check_pending_ok(p, 64));
	cr_assert_not_null(check_durable(p, 64));
	sync();
	cr_assert_eq(check_line(p), CHECK_DURABLE, "%s", what);
	cr_assert_null(check_durable(p, 64));
}

ISA_TEST(MODEL_SUITE, TEST_WEAK_SYNC)
{
	pm_store_fill(area, 0x22, 64);
	MODEL_CLEAN(area);
	MODEL_WEAK_SYNC();
	cr_assert_eq(check_line(area), CHECK_FLUSHING);
	MODEL_SYNC();
	cr_assert_eq(check_line(area), CHECK_DURABLE);
}

ISA_TEST(MODEL_SUITE, TEST_STORE_AFTER_CLEAN)
{
	pm_store_fill(area, 0x33, 64);
	MODEL_CLEAN(area);
	pm_store_fill(area + 8, 0x44, 8);
	MODEL_SYNC();
	cr_assert_eq(check_line(area), CHECK_DIRTY);
	cr_assert_not_null(check_durable(area, 64));
}

ISA_TEST(MODEL_SUITE, TEST_SYNC_ALONE)
{
	MODEL_SYNC();
	MODEL_CLEAN(area + 64);
	MODEL_SYNC();
	cr_assert_eq(check_line(area + 64), CHECK_CLEAN);
	pm_store_fill(area, 0x55, 1);
	MODEL_SYNC();
	cr_assert_eq(check_line(area), CHECK_DIRTY);
}

/* Each of the ISA's events prints as its own name. */
ISA_TEST(MODEL_SUITE, events_have_names)
{
#define EV(name) cr_assert_str_eq(check_event_name(PM_EV_##name), #name);
	MODEL_EVENTS
#undef EV
}

/* ---- broken backends, swept ------------------------------------------ */

static void good_flush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, MODEL_CLEAN);
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
		MODEL_CLEAN((const void *)line);
}

/* BUG: the ordering barrier does not wait for the write-backs. */
static void drain_weak(void)
{
	MODEL_WEAK_SYNC();
}

static void good_drain(void)
{
	MODEL_SYNC();
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
	model_install(flush, drain);
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

/* Every case writes something: with either bug every one must be caught. */
ISA_TEST(MODEL_SUITE, TEST_WEAK_DRAIN)
{
	unsigned long ops = 0;
	unsigned long caught = sweep(good_flush, drain_weak, CHECK_FLUSHING,
			0, &ops);
	cr_assert_eq(caught, ops, "caught %lu of %lu", caught, ops);
}

ISA_TEST(MODEL_SUITE, TEST_LAST_LINE)
{
	unsigned long ops = 0;
	unsigned long caught = sweep(flush_skips_last_line, good_drain,
			CHECK_DIRTY, 1, &ops);
	cr_assert_eq(caught, ops, "caught %lu of %lu", caught, ops);
}

/* The control: a real backend, same sweep, nothing flagged. */
static void model_backend_passes(const struct pmem_backend *b)
{
	unsigned long ops = 0;
	cr_assert_eq(sweep(b->flush, b->drain, CHECK_DURABLE, 0, &ops), 0);
	cr_assert_gt(ops, 10000);
}

ISA_TEST(MODEL_SUITE, TEST_BACKEND)
{
	model_backend_passes(model_linked(MODEL_BACKEND));
}

#endif
