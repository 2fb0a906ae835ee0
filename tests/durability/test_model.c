/*
 * test_model.c -- the rules of the shadow cache model, one event at a
 * time, through the same primitives the backends use (docs/durability.md).
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "pm_prims.h"
#include "check.h"

static char *pm;	/* 4 pages, page aligned */

static void setup(void)
{
	pm = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(pm != MAP_FAILED);
	check_reset();
	check_track(pm, 4 * 4096);
}

static void teardown(void)
{
	check_reset();
	munmap(pm, 4 * 4096);
}

static void need_clwb(void)
{
	if (!__builtin_cpu_supports("clwb") ||
	    !__builtin_cpu_supports("clflushopt"))
		cr_skip_test("CPU lacks CLWB or CLFLUSHOPT");
}

TestSuite(model, .init = setup, .fini = teardown);

Test(model, starts_clean_and_passes)
{
	cr_assert_eq(check_line(pm), CHECK_CLEAN);
	cr_assert_null(check_durable(pm, 4 * 4096));
}

Test(model, store_dirties_every_line_it_touches)
{
	pm_store_fill(pm + 60, 1, 8);	/* straddles lines 0 and 1 */
	cr_assert_eq(check_line(pm), CHECK_DIRTY);
	cr_assert_eq(check_line(pm + 64), CHECK_DIRTY);
	cr_assert_eq(check_line(pm + 128), CHECK_CLEAN);
	const char *v = check_durable(pm + 60, 8);
	cr_assert_not_null(v);
	cr_assert(strstr(v, "line +0x0 ") && strstr(v, "DIRTY"), "%s", v);
	cr_assert_not_null(check_pending_ok(pm + 60, 8));
}

/* Intel SDM: CLFLUSH is ordered with later writes. */
Test(model, clflush_is_durable_at_once_where_ordered)
{
	check_set_clflush_ordered(1);
	pm_store_fill(pm, 1, 64);
	pm_clflush(pm + 17);		/* any byte of the line */
	cr_assert_eq(check_line(pm), CHECK_DURABLE);
	cr_assert_null(check_durable(pm, 64));
}

/* AMD APM: only MFENCE orders CLFLUSH; SFENCE does not. */
Test(model, clflush_waits_for_mfence_where_not_ordered)
{
	check_set_clflush_ordered(0);
	pm_store_fill(pm, 1, 64);
	pm_clflush(pm);
	cr_assert_eq(check_line(pm), CHECK_FLUSHING);
	cr_assert_null(check_pending_ok(pm, 64));
	pm_sfence();
	const char *v = check_durable(pm, 64);
	cr_assert(v && strstr(v, "no MFENCE"), "%s", v ? v : "(durable)");
	pm_nt_store8(pm + 64, 7);	/* an NT store completes at SFENCE */
	pm_sfence();
	cr_assert_eq(check_line(pm + 64), CHECK_DURABLE);
	pm_mfence();
	cr_assert_eq(check_line(pm), CHECK_DURABLE);
	cr_assert_null(check_durable(pm, 128));
}

/* The rule after check_reset() is the CPU's, as the library runs. */
Test(model, clflush_rule_follows_the_cpu)
{
	int ordered = (pmem_backend_get_cpu()->features &
		       PMEM_CPU_CLFLUSH_ORDERED) != 0;
	pm_store_fill(pm, 1, 64);
	pm_clflush(pm);
	cr_assert_eq(check_line(pm), ordered ? CHECK_DURABLE : CHECK_FLUSHING);
}

Test(model, clwb_and_clflushopt_need_sfence)
{
	need_clwb();
	pm_store_fill(pm, 1, 128);
	pm_clwb(pm);
	pm_clflushopt(pm + 64);
	cr_assert_eq(check_line(pm), CHECK_FLUSHING);
	cr_assert_eq(check_line(pm + 64), CHECK_FLUSHING);
	cr_assert_null(check_pending_ok(pm, 128));
	const char *v = check_durable(pm, 128);
	cr_assert(v && strstr(v, "FLUSHING"), "%s", v);
	pm_sfence();
	cr_assert_null(check_durable(pm, 128));
}

Test(model, store_after_flush_is_dirty_again)
{
	need_clwb();
	pm_store_fill(pm, 1, 8);
	pm_clwb(pm);
	pm_store_fill(pm, 2, 8);
	const char *v = check_durable(pm, 8);
	cr_assert(v && strstr(v, "DIRTY") && strstr(v, "after its flush"),
		  "%s", v);
	pm_sfence();	/* completes the first write-back, not the store */
	cr_assert_eq(check_line(pm), CHECK_DIRTY);
}

Test(model, flush_of_a_clean_line_does_nothing)
{
	pm_clflush(pm);
	pm_store_fill(pm, 1, 8);
	cr_assert_eq(check_line(pm), CHECK_DIRTY);
}

Test(model, nt_store_needs_sfence)
{
	pm_nt_store16(pm + 64, _mm_set1_epi8(3));
	cr_assert_eq(check_line(pm + 64), CHECK_WC);
	cr_assert_null(check_pending_ok(pm + 64, 16));
	cr_assert_not_null(check_durable(pm + 64, 16));
	pm_sfence();
	cr_assert_eq(check_line(pm + 64), CHECK_DURABLE);
}

Test(model, clflush_does_not_drain_write_combining)
{
	pm_nt_store8(pm, 5);
	pm_clflush(pm);
	cr_assert_eq(check_line(pm), CHECK_WC);
	pm_sfence();
	cr_assert_eq(check_line(pm), CHECK_DURABLE);
}

Test(model, msync_makes_its_pages_durable)
{
	pm_store_fill(pm + 4096 + 100, 1, 10);
	pm_store_fill(pm + 8192, 1, 10);
	cr_assert_eq(pmem_msync(pm + 4096 + 4000, 1), 0);	/* page 1 only */
	cr_assert_null(check_durable(pm + 4096 + 100, 10));
	cr_assert_not_null(check_durable(pm + 8192, 10));
}

Test(model, eadr_stores_are_durable_nt_still_needs_fence)
{
	check_set_eadr(1);
	pm_store_fill(pm, 1, 300);
	cr_assert_null(check_durable(pm, 300));
	pm_nt_store16(pm + 512, _mm_set1_epi8(1));
	cr_assert_eq(check_line(pm + 512), CHECK_WC);
	pm_sfence();
	cr_assert_null(check_durable(pm, 4 * 4096));
}

Test(model, page_cache_only_msync_is_durable)
{
	check_set_page_cache(1);
	pm_store_fill(pm, 1, 64);
	pm_clflush(pm);
	pm_sfence();
	cr_assert_eq(check_line(pm), CHECK_DIRTY);
	pm_nt_store16(pm + 64, _mm_set1_epi8(3));
	pm_sfence();		/* in the page now, not on storage */
	cr_assert_eq(check_line(pm + 64), CHECK_DIRTY);
	cr_assert_eq(pmem_msync(pm, 128), 0);
	cr_assert_null(check_durable(pm, 128));
	pm_nt_store16(pm + 128, _mm_set1_epi8(3));
	cr_assert_eq(pmem_msync(pm, 256), 0);	/* WC buffers are not the page */
	cr_assert_eq(check_line(pm + 128), CHECK_WC);
}

Test(model, untracked_range_is_reported)
{
	static char other[64];
	const char *v = check_durable(other, sizeof(other));
	cr_assert(v && strstr(v, "not tracked"), "%s", v);
}

static void *other_thread(void *arg)
{
	pm_store_fill(arg, 1, 64);
	return NULL;
}

Test(model, events_of_other_threads_are_ignored)
{
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, other_thread, pm), 0);
	pthread_join(t, NULL);
	cr_assert_eq(check_line(pm), CHECK_CLEAN);
}

Test(model, statistics_count_events_checks_violations)
{
	struct check_stats s0, s1;
	check_get_stats(&s0);
	pm_store_fill(pm, 1, 1);
	check_durable(pm, 1);
	check_get_stats(&s1);
	cr_assert_eq(s1.events, s0.events + 1);
	cr_assert_eq(s1.checks, s0.checks + 1);
	cr_assert_eq(s1.violations, s0.violations + 1);
}

/* A plugin built in build/check/backends/ records into the same model:
 * the test program exports pmem_check_record (-rdynamic). */

Test(model, check_plugins_record_events)
{
	const char *path = "build/check/backends/clflush.so";
	const struct pmem_backend *b;

	if (access(path, R_OK))
		cr_skip_test("%s not built (run from the source tree)", path);
	cr_assert_eq(pmem_backend_load(path, &b), 0, "%s", pmem_errormsg());
	pm_store_fill(pm, 1, 100);
	cr_assert_not_null(check_durable(pm, 100));
	b->flush(pm, 100);
	b->drain();
	cr_assert_null(check_durable(pm, 100));
}

/* msync-fallback reaches the OS through the library's services (version 4
 * attach): its plugin's msync is the library's, recorded in the same model
 * with the library's page size.  Before the library attaches it, its probe
 * refuses, so an unattached copy is never chosen. */
Test(model, msync_plugin_syncs_through_the_library)
{
	const char *path = "build/check/backends/msync-fallback.so";
	const struct pmem_backend *b;

	if (access(path, R_OK))
		cr_skip_test("%s not built (run from the source tree)", path);
	void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	cr_assert_not_null(dl, "%s", dlerror());
	pmem_backend_entry_fn *entry;
	*(void **)&entry = dlsym(dl, PMEM_BACKEND_ENTRY_SYMBOL);
	cr_assert_not_null(entry);
	const struct pmem_backend *raw = entry();
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	cr_assert_eq(raw->probe(cpu), 0, "runs with no services attached");
	cr_assert_eq(pmem_backend_load(path, &b), 0, "%s", pmem_errormsg());
	cr_assert(pmem_backend_runs(b, cpu));
	cr_assert_eq(raw->probe(cpu), 1, "the load did not attach the plugin");

	check_set_page_cache(1);	/* only msync makes data durable */
	pm_store_fill(pm + 4096 + 100, 1, 10);
	pm_store_fill(pm + 8192, 1, 10);
	b->flush(pm + 4096 + 4000, 1);	/* page 1 only */
	b->drain();
	cr_assert_null(check_durable(pm + 4096 + 100, 10));
	cr_assert_not_null(check_durable(pm + 8192, 10));
	dlclose(dl);
}

/* Bytes a backend writes without the primitives are seen (issue #10
 * item 1): a line the model never heard of used to count as CLEAN. */
Test(model, unrecorded_write_is_caught)
{
	memset(pm + 100, 0x42, 10);	/* behind the model's back */
	pm_clflush(pm + 100);
	pm_sfence();
	const char *v = check_durable(pm + 64, 128);
	cr_assert(v && strstr(v, "line +0x0 ") &&
		  strstr(v, "without a recorded store"), "%s", v);
	cr_assert_not_null(check_pending_ok(pm + 100, 10));
	cr_assert_not_null(check_written(pm + 100, 10));
}

Test(model, unrecorded_bytes_next_to_recorded_ones_are_caught)
{
	pm_store_fill(pm, 1, 32);	/* half the line reported */
	memset(pm + 32, 2, 32);		/* the other half not */
	pm_clflush(pm);
	const char *v = check_durable(pm, 64);
	cr_assert(v && strstr(v, "without a recorded store") &&
		  strstr(v, "byte +32 "), "%s", v);
	v = check_written(pm, 64);
	cr_assert(v && strstr(v, "byte +32 "), "%s", v);
	cr_assert_null(check_written(pm, 32));
}

/* A write that leaves the value as it was changes no byte, so only the
 * demand that every byte was recorded catches it. */
Test(model, written_demands_every_byte_recorded)
{
	pm[5] = pm[5];
	cr_assert_null(check_durable(pm, 64));
	const char *v = check_written(pm, 64);
	cr_assert(v && strstr(v, "line +0x0 ") && strstr(v, "byte +0 "),
		  "%s", v);
	pm_store_fill(pm + 1, 0, 200);
	pm_nt_store4(pm + 0, 7);
	pm_nt_store8(pm + 201, 7);
	cr_assert_null(check_written(pm, 209));
	cr_assert_not_null(check_written(pm, 210));
}
