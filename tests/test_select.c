/*
 * test_select.c -- the backend choice as a pure function: fake CPUs, fake
 * environments, fake backends shaped like the real eight, and the test
 * plugins of tests/plugins/ for every way PMEM_BACKEND can be refused.
 * Also the loader API, the real start-up choice and CPUID.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "cpu.h"
#include "ops.h"
#include "plugin.h"
#include "os.h"
#include "select.h"
#include "select_fake.h"
#include "select_fake_x86.h"
#include "test_plugin_util.h"

#define DEFAULT_WHY "default order (widest first): not measured on this CPU"

/* What a choice must be: the pair, each reason exactly (_is) or holding
 * up to three texts (_has), the refusal holding texts or, with
 * no_refusal, absent.  A field left out is not checked. */
struct want {
	const char *flush, *copy;
	const char *flush_is, *copy_is;
	const char *flush_has[3], *copy_has[3], *refusal_has[3];
	int no_refusal;
};

static const struct pmem_backend_choice *expect(
		const struct pmem_backend_choice *c, const struct want *w)
{
	NAMES(c, w->flush, w->copy);
	if (w->flush_is)
		cr_assert_str_eq(c->flush_reason, w->flush_is);
	if (w->copy_is)
		cr_assert_str_eq(c->copy_reason, w->copy_is);
	for (int i = 0; i < 3; i++) {
		if (w->flush_has[i])
			HAS_TEXT(c->flush_reason, w->flush_has[i]);
		if (w->copy_has[i])
			HAS_TEXT(c->copy_reason, w->copy_has[i]);
		if (w->refusal_has[i])
			HAS_TEXT(c->refusal, w->refusal_has[i]);
	}
	if (w->no_refusal)
		NO_REFUSAL(c);
	return c;
}

/* ---- fake CPUs ------------------------------------------------------- */

static const struct pmem_cpu intel_avx512 = {
	BASE | AVX2 | AVX512 | FLUSHES, "GenuineIntel", 6, 0x55 };
static const struct pmem_cpu amd_zen4 = {
	BASE | AVX2 | AVX512 | FLUSHES, "AuthenticAMD", 0x19, 0x11 };
static const struct pmem_cpu amd_zen3 = {
	BASE | AVX2 | FLUSHES, "AuthenticAMD", 0x19, 0x01 };
static const struct pmem_cpu amd_zen5 = {
	BASE | AVX2 | AVX512 | FLUSHES, "AuthenticAMD", 0x1a, 0x02 };
static const struct pmem_cpu hygon = {
	BASE | AVX2 | AVX512 | FLUSHES, "HygonGenuine", 0x18, 0x01 };
static const struct pmem_cpu old_cpu = { BASE, "GenuineIntel", 6, 0x0f };
static const struct pmem_cpu no_clflush = { PMEM_CPU_SSE2, "Other", 0, 0 };
static const struct pmem_cpu skylake_client = {
	BASE | AVX2 | PMEM_CPU_CLFLUSHOPT, "GenuineIntel", 6, 0x5e };

/* Directory of the test plugins: build/tests/plugins next to us. */
/* Sizes generous enough that -Wformat-truncation sees no cut. */
#define ENVSZ (4 * PATH_MAX)
static char plugins[PATH_MAX + 16];
static char path_buf[PATH_MAX + 64];

static const char *plugin(const char *stem)
{
	snprintf(path_buf, sizeof(path_buf), "%s/%s.so", plugins, stem);
	return path_buf;
}

static void find_plugins(void)
{
	snprintf(plugins, sizeof(plugins), "%s/plugins", test_dir());
	fake_backends = all;
	fake_plugin_dir = "/nonexistent/libpmem/backends";
}

TestSuite(auto_choice, .init = find_plugins);
TestSuite(env, .init = find_plugins);
TestSuite(forced, .init = find_plugins);
TestSuite(refusal, .init = find_plugins);
TestSuite(loader, .init = find_plugins);

/* ---- automatic choice ------------------------------------------------ */

Test(auto_choice, intel_with_avx512_takes_newest)
{
	const struct pmem_backend_choice *c = expect(choose(&intel_avx512, 0,
			NULL), &(struct want){ "clwb", "nt-avx512",
			.flush_is = "CPU has CLWB",
			.copy_is = "CPU has AVX-512F+AVX-512BW+AVX-512VL, "
				DEFAULT_WHY, .no_refusal = 1 });
	cr_assert_eq(c->movnt, 1);
	cr_assert_eq(c->movnt_threshold, PMEM_MOVNT_THRESHOLD_DEFAULT);
	cr_assert_eq(PMEM_MOVNT_THRESHOLD_DEFAULT, 256);
}

/* A reason may say "measured" only when a row of the table matched. */
static void claims_no_measurement(const char *reason)
{
	HAS_TEXT(reason, "not measured on this CPU");
	const char *m = strstr(reason, "measured");
	cr_assert(m != NULL && m > reason + 4 && strncmp(m - 4, "not ", 4)
			== 0 && strstr(m + 1, "measured") == NULL, "%s", reason);
}

Test(auto_choice, zen5_row_measured_avx_first)
{
	expect(choose(&amd_zen5, 0, NULL), &(struct want){ "clwb", "nt-avx",
			.copy_is = "CPU has AVX+AVX2, order measured on Zen 5 "
				"(AMD family 0x1a): nt-avx512 0.93-1.05x "
				"nt-avx, issue #11 report in "
				"docs/performance.md", .no_refusal = 1 });
}

Test(auto_choice, zen3_row_cites_its_measurement)
{
	const struct pmem_backend_choice *c = choose(&amd_zen3, 0, NULL);
	NAMES(c, "clwb", "nt-avx");
	cr_assert_str_eq(c->copy_reason, "CPU has AVX+AVX2, order measured on "
			"Zen 3 (AMD family 0x19): docs/performance.md, "
			"\"Copy backend: nt-avx before nt-sse2\"");
	/* Zen 3 desktop models are the same core; Zen 4 models are not. */
	struct pmem_cpu vermeer = amd_zen3;
	vermeer.model = 0x21;
	HAS_TEXT(choose(&vermeer, 0, NULL)->copy_reason, "measured on Zen 3");
}

Test(auto_choice, intel_0xa7_row_cites_its_measurement)
{
	struct pmem_cpu a7 = intel_avx512;
	a7.model = 0xa7;
	expect(choose(&a7, 0, NULL), &(struct want){ "clwb", "nt-avx512",
			.copy_is = "CPU has AVX-512F+AVX-512BW+AVX-512VL, order "
				"measured on Intel family 6 model 0xa7: docs/"
				"performance.md, \"Copy order on family 6 model "
				"0xa7\"", .no_refusal = 1 });
	NAMES(choose(&a7, 0, "PMEM_AVX512F=0", NULL), "clwb", "nt-avx");
	/* its neighbours are other cores: no claim for them */
	a7.model = 0xa6;
	claims_no_measurement(choose(&a7, 0, NULL)->copy_reason);
}

/* No row for Zen 4, Hygon or other Intel models: the default order, and the reason
 * must not claim a measurement (issue #11: "AMD: nt-avx measured faster
 * than nt-avx512" was printed on an AMD CPU nobody measured). */
Test(auto_choice, unmeasured_cpus_get_default_and_say_so)
{
	static const struct pmem_cpu *const cpus[] = { &amd_zen4, &hygon,
		&intel_avx512, &old_cpu, &skylake_client };
	for (size_t i = 0; i < sizeof(cpus) / sizeof(*cpus); i++) {
		const struct pmem_backend_choice *c = choose(cpus[i], 0, NULL);
		claims_no_measurement(c->copy_reason);
		NO_REFUSAL(c);
	}
	NAMES(choose(&amd_zen4, 0, NULL), "clwb", "nt-avx512");
	NAMES(choose(&hygon, 0, NULL), "clwb", "nt-avx512");
}

Test(auto_choice, zen5_with_avx_off_takes_avx512)
{
	expect(choose(&amd_zen5, 0, "PMEM_AVX=0", NULL), &(struct want){
			"clwb", "nt-avx512", .copy_has = { "PMEM_AVX=0" } });
}

Test(auto_choice, old_cpu_gets_clflush_and_sse2)
{
	expect(choose(&old_cpu, 0, NULL), &(struct want){ "clflush", "nt-sse2",
			.flush_is = "CPU lacks CLWB, CPU lacks CLFLUSHOPT, "
				"CPU has CLFLUSH",
			.copy_has = { "CPU lacks AVX-512F+AVX-512BW+AVX-512VL",
				"CPU lacks AVX+AVX2", "CPU has SSE2" } });
}

Test(auto_choice, clflushopt_without_clwb)
{
	expect(choose(&skylake_client, 0, NULL), &(struct want){ "clflushopt",
			"nt-avx", .flush_is = "CPU lacks CLWB, CPU has "
				"CLFLUSHOPT" });
}

Test(auto_choice, no_flush_instruction_means_msync)
{
	const struct pmem_backend_choice *c = expect(choose(&no_clflush, 0,
			NULL), &(struct want){ "msync-fallback", "nt-sse2",
			.flush_has = { "no flush instruction usable" } });
	cr_assert_eq(c->movnt_threshold, SIZE_MAX);
}

/* x86-64's built-ins with an x86 CPU; test_select_arm has AArch64's. */
#if defined(__x86_64__)
Test(auto_choice, nothing_linked_in_uses_builtins)
{
	const struct pmem_backend_choice *c = choose_builtins(&intel_avx512);
	HAS_TEXT(c->flush_reason, "clwb not linked in");
	/* Other instruction sets' backends are never linked in here: not
	 * worth a word. */
	NO_TEXT(c->flush_reason, "dc-cvap");
	NO_TEXT(c->flush_reason, "dcbst");
	char why[128];
	cr_assert_eq(pmem_backend_validate(&pmem_builtin_copy, why,
			sizeof(why)), 0, "%s", why);
}
#endif

Test(auto_choice, auto_flush_platform_gets_nop)
{
	expect(choose(&intel_avx512, 1, NULL), &(struct want){ "nop",
			"nt-avx512", .flush_has = { "auto flush (eADR)" } });
}

Test(auto_choice, no_flush_0_flushes_despite_auto_flush)
{
	expect(choose(&intel_avx512, 1, "PMEM_NO_FLUSH=0", NULL),
			&(struct want){ "clwb", "nt-avx512",
			.flush_has = { "PMEM_NO_FLUSH=0" } });
}

/* ---- PMDK's environment variables ------------------------------------ */

Test(env, no_flush_1)
{
	expect(choose(&intel_avx512, 0, "PMEM_NO_FLUSH=1", NULL),
			&(struct want){ "nop", "nt-avx512",
			.flush_is = "PMEM_NO_FLUSH=1" });
}

Test(env, no_flush_other_values_ignored)
{
	NAMES(choose(&intel_avx512, 0, "PMEM_NO_FLUSH=yes", NULL), "clwb",
			"nt-avx512");
}

Test(env, no_clwb)
{
	expect(choose(&intel_avx512, 0, "PMEM_NO_CLWB=1", NULL),
			&(struct want){ "clflushopt", "nt-avx512",
			.flush_is = "PMEM_NO_CLWB=1, CPU has CLFLUSHOPT" });
}

Test(env, no_clwb_0_keeps_clwb)
{
	NAMES(choose(&intel_avx512, 0, "PMEM_NO_CLWB=0", NULL), "clwb",
			"nt-avx512");
}

Test(env, no_clflushopt_alone_keeps_clwb)
{
	/* PMDK: each variable removes only its own instruction. */
	NAMES(choose(&intel_avx512, 0, "PMEM_NO_CLFLUSHOPT=1", NULL), "clwb",
			"nt-avx512");
}

Test(env, no_clwb_and_no_clflushopt)
{
	expect(choose(&intel_avx512, 0, "PMEM_NO_CLWB=1",
			"PMEM_NO_CLFLUSHOPT=1", NULL), &(struct want){
			"clflush", "nt-avx512", .flush_is = "PMEM_NO_CLWB=1, "
				"PMEM_NO_CLFLUSHOPT=1, CPU has CLFLUSH" });
}

Test(env, avx512f_0)
{
	expect(choose(&intel_avx512, 0, "PMEM_AVX512F=0", NULL),
			&(struct want){ "clwb", "nt-avx",
			.copy_is = "PMEM_AVX512F=0, CPU has AVX+AVX2, "
				DEFAULT_WHY });
}

Test(env, avx_0_alone_keeps_avx512)
{
	NAMES(choose(&intel_avx512, 0, "PMEM_AVX=0", NULL), "clwb",
			"nt-avx512");
}

Test(env, avx_0_on_amd)
{
	expect(choose(&amd_zen3, 0, "PMEM_AVX=0", NULL), &(struct want){
			"clwb", "nt-sse2", .copy_has = { "PMEM_AVX=0" } });
}

Test(env, avx_0_and_avx512f_0)
{
	NAMES(choose(&intel_avx512, 0, "PMEM_AVX=0", "PMEM_AVX512F=0", NULL),
			"clwb", "nt-sse2");
}

Test(env, avx_1_changes_nothing)
{
	NAMES(choose(&amd_zen3, 0, "PMEM_AVX=1", "PMEM_AVX512F=1", NULL),
			"clwb", "nt-avx");
}

Test(env, no_movnt)
{
	const struct pmem_backend_choice *c = choose(&intel_avx512, 0,
			"PMEM_NO_MOVNT=1", "PMEM_MOVNT_THRESHOLD=64", NULL);
	cr_assert_eq(c->movnt, 0);
	cr_assert_eq(c->movnt_threshold, SIZE_MAX);
	HAS_TEXT(c->copy_reason, "PMEM_NO_MOVNT=1");
}

Test(env, no_movnt_0_keeps_movnt)
{
	const struct pmem_backend_choice *c = choose(&intel_avx512, 0,
			"PMEM_NO_MOVNT=0", NULL);
	cr_assert_eq(c->movnt, 1);
	cr_assert_eq(c->movnt_threshold, 256);
}

/* Small aligned copies are never NT by default, Zen 3 included (the
 * clients of the issue #17 report ran faster without it); only
 * PMEM_MOVNT_SMALL=1 turns the rule on, and a forced pair keeps it. */
Test(env, small_nt_off_by_default)
{
	static const struct pmem_cpu *const cpus[] = { &amd_zen3, &amd_zen4,
		&amd_zen5, &hygon, &intel_avx512, &old_cpu, &skylake_client };
	for (size_t i = 0; i < sizeof(cpus) / sizeof(*cpus); i++)
		cr_assert_eq(choose(cpus[i], 0, NULL)->small_nt, 0,
				"%s family 0x%x", cpus[i]->vendor,
				cpus[i]->family);
	cr_assert_eq(choose(&amd_zen3, 0, "PMEM_MOVNT_SMALL=1",
			NULL)->small_nt, 1);
	cr_assert_eq(choose(&amd_zen3, 0, "PMEM_MOVNT_SMALL=1",
			"PMEM_BACKEND=clflushopt,nt-sse2", NULL)->small_nt, 1);
	cr_assert_eq(choose(&amd_zen3, 0, "PMEM_MOVNT_SMALL=1",
			"PMEM_NO_MOVNT=1", NULL)->movnt, 0);
}

/* PMEM_MOVNT_SMALL=0/1 decides the rule on any CPU; anything else is ignored with a reason.  It cannot bring
 * NT stores back where they are off. */
Test(env, movnt_small_decides_the_rule)
{
	cr_assert_eq(choose(&intel_avx512, 0, "PMEM_MOVNT_SMALL=1",
			NULL)->small_nt, 1);
	cr_assert_eq(choose(&amd_zen3, 0, "PMEM_MOVNT_SMALL=0",
			NULL)->small_nt, 0);
	const struct pmem_backend_choice *c = choose(&amd_zen3, 0,
			"PMEM_MOVNT_THRESHOLD=1024", "PMEM_MOVNT_SMALL=1", NULL);
	cr_assert_eq(c->small_nt, 1);
	cr_assert_eq(c->movnt_threshold, 1024);
	c = choose(&amd_zen4, 0, "PMEM_MOVNT_SMALL=yes", NULL);
	cr_assert_eq(c->small_nt, 0);
	HAS_TEXT(c->copy_reason, "PMEM_MOVNT_SMALL='yes' ignored");
	/* A threshold that is ignored leaves the rule as asked. */
	c = choose(&amd_zen3, 0, "PMEM_MOVNT_THRESHOLD=12k",
			"PMEM_MOVNT_SMALL=1", NULL);
	cr_assert_eq(c->small_nt, 1);
	cr_assert_eq(c->movnt_threshold, 256);
	cr_assert_eq(choose(&amd_zen3, 0, "PMEM_NO_MOVNT=1",
			"PMEM_MOVNT_SMALL=1", NULL)->small_nt, 0);
}

Test(env, movnt_threshold_valid)
{
	cr_assert_eq(choose(&amd_zen3, 0, "PMEM_MOVNT_THRESHOLD=1024",
			NULL)->movnt_threshold, 1024);
	cr_assert_eq(choose(&amd_zen3, 0, "PMEM_MOVNT_THRESHOLD=0",
			NULL)->movnt_threshold, 0);
	cr_assert_eq(choose(&amd_zen3, 0, "PMEM_MOVNT_THRESHOLD=4194304",
			NULL)->movnt_threshold, 4194304);
	HAS_TEXT(sel.choice.copy_reason, "CPU has AVX+AVX2, order measured");
}

Test(env, movnt_threshold_invalid_ignored_with_reason)
{
	static const char *const bad[] = {
		"PMEM_MOVNT_THRESHOLD=abc", "PMEM_MOVNT_THRESHOLD=-5",
		"PMEM_MOVNT_THRESHOLD=", "PMEM_MOVNT_THRESHOLD=12k",
		"PMEM_MOVNT_THRESHOLD= 12", "PMEM_MOVNT_THRESHOLD=1e3",
		"PMEM_MOVNT_THRESHOLD=99999999999999999999999",
		"PMEM_MOVNT_THRESHOLD=18446744073709551615",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		const struct pmem_backend_choice *c = choose(&amd_zen3, 0,
				bad[i], NULL);
		cr_assert_eq(c->movnt_threshold, 256, "%s", bad[i]);
		cr_assert_eq(c->movnt, 1);
		HAS_TEXT(c->copy_reason, "ignored");
		NAMES(c, "clwb", "nt-avx");
	}
}

/* ---- PMEM_BACKEND forms ---------------------------------------------- */

Test(forced, one_flush_name)
{
	expect(choose(&intel_avx512, 0, "PMEM_BACKEND=clflushopt", NULL),
			&(struct want){ "clflushopt", "nt-avx512",
			.flush_is = "forced by PMEM_BACKEND",
			.copy_has = { "CPU has AVX-512F+" },
			.no_refusal = 1 });
}

Test(forced, one_copy_name)
{
	expect(choose(&amd_zen4, 0, "PMEM_BACKEND=nt-avx512", NULL),
			&(struct want){ "clwb", "nt-avx512",
			.flush_is = "CPU has CLWB",
			.copy_is = "forced by PMEM_BACKEND" });
}

Test(forced, pair_flush_first)
{
	expect(choose(&intel_avx512, 0, "PMEM_BACKEND=clwb,nt-sse2", NULL),
			&(struct want){ "clwb", "nt-sse2",
			.flush_is = "forced by PMEM_BACKEND",
			.copy_is = "forced by PMEM_BACKEND", .no_refusal = 1 });
}

Test(forced, pair_copy_first)
{
	expect(choose(&intel_avx512, 0, "PMEM_BACKEND=nt-sse2,clflushopt",
			NULL), &(struct want){ "clflushopt", "nt-sse2",
			.no_refusal = 1 });
}

Test(forced, msync_fallback)
{
	const struct pmem_backend_choice *c = expect(choose(&intel_avx512, 0,
			"PMEM_BACKEND=msync-fallback", "PMEM_MOVNT_THRESHOLD=64",
			NULL), &(struct want){ "msync-fallback", "nt-avx512",
			.copy_has = {
				"msync-fallback: all copies temporal" } });
	/* msync covers only what flush() is given: NT bodies would escape. */
	cr_assert_eq(c->movnt, 0);
	cr_assert_eq(c->movnt_threshold, SIZE_MAX);
}

Test(forced, overrides_pmem_no_removals)
{
	NAMES(choose(&intel_avx512, 0, "PMEM_NO_CLWB=1",
			"PMEM_BACKEND=clwb", NULL), "clwb", "nt-avx512");
	NAMES(choose(&intel_avx512, 0, "PMEM_AVX512F=0",
			"PMEM_BACKEND=nt-avx512", NULL), "clwb", "nt-avx512");
	NAMES(choose(&intel_avx512, 0, "PMEM_NO_FLUSH=1",
			"PMEM_BACKEND=clflush", NULL), "clflush", "nt-avx512");
	NAMES(choose(&intel_avx512, 1, "PMEM_BACKEND=clwb", NULL), "clwb",
			"nt-avx512");
	NO_REFUSAL(&sel.choice);
}

Test(forced, no_movnt_still_applies)
{
	const struct pmem_backend_choice *c = choose(&intel_avx512, 0,
			"PMEM_NO_MOVNT=1", "PMEM_BACKEND=nt-avx", NULL);
	NAMES(c, "clwb", "nt-avx");
	cr_assert_eq(c->movnt, 0);
	cr_assert_eq(c->movnt_threshold, SIZE_MAX);
}

Test(forced, plugin_path)
{
	char env[ENVSZ];
	snprintf(env, sizeof(env), "PMEM_BACKEND=%s", plugin("good_flush"));
	expect(choose(&amd_zen3, 0, env, NULL), &(struct want){ "good_flush",
			"nt-avx", .flush_is = "forced by PMEM_BACKEND, plugin",
			.no_refusal = 1 });
}

Test(forced, plugin_pair_both_orders)
{
	char env[ENVSZ];
	snprintf(env, sizeof(env), "PMEM_BACKEND=%s/good_copy.so,%s/"
			"good_flush.so", plugins, plugins);
	NAMES(choose(&amd_zen3, 0, env, NULL), "good_flush", "good_copy");
	NO_REFUSAL(&sel.choice);
	snprintf(env, sizeof(env), "PMEM_BACKEND=clflush,%s/good_copy.so",
			plugins);
	NAMES(choose(&amd_zen3, 0, env, NULL), "clflush", "good_copy");
	NO_REFUSAL(&sel.choice);
}

Test(forced, name_found_in_backend_path)
{
	char path[ENVSZ];
	snprintf(path, sizeof(path), "PMEM_BACKEND_PATH=/nonexistent::%s",
			plugins);
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=nt-sse2,good_flush", path,
			NULL), &(struct want){ "good_flush", "nt-sse2",
			.flush_has = { "plugin" }, .no_refusal = 1 });
}

Test(forced, name_found_in_default_dir)
{
	fake_plugin_dir = plugins;
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=good_copy", NULL),
			&(struct want){ "clwb", "good_copy", .no_refusal = 1 });
}

Test(forced, backend_path_replaces_default_dir)
{
	fake_plugin_dir = plugins;
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=good_copy",
			"PMEM_BACKEND_PATH=/nonexistent", NULL), &(struct want){
			"clwb", "nt-avx", .refusal_has = {
				"unknown backend 'good_copy'",
				"/nonexistent" } });
}

Test(forced, linked_in_name_wins_over_path)
{
	char path[ENVSZ];
	snprintf(path, sizeof(path), "PMEM_BACKEND_PATH=%s", plugins);
	const struct pmem_backend_choice *c = choose(&amd_zen3, 0,
			"PMEM_BACKEND=clflush", path, NULL);
	cr_assert_eq(c->flush, &fake[0]);
}

/* ---- refusals: automatic choice kept, reason stored ------------------ */

/* Forces a flush plugin that must be refused; checks the reason. */
static void refused_flush(const char *value, const char *why)
{
	char env[ENVSZ];
	snprintf(env, sizeof(env), "PMEM_BACKEND=%s", value);
	expect(choose(&amd_zen3, 0, env, NULL), &(struct want){ "clwb",
			"nt-avx", .flush_is = "CPU has CLWB",
			.refusal_has = { "PMEM_BACKEND", why } });
}

Test(refusal, unknown_name)
{
	refused_flush("bogus", "unknown backend 'bogus'");
}

/* What is a path is the OS layer's rule (pmem_os_is_path): on Linux only
 * '/' makes one, so "C:x" and "a\\b" are names looked up in the plugin
 * directories (issue 20 defect 4; Windows: tests/windows/test_win_info). */
Test(refusal, only_slash_makes_a_path_here)
{
	cr_assert(pmem_os_is_path("/x.so") && pmem_os_is_path("d/x.so"));
	cr_assert(!pmem_os_is_path("C:x.so") && !pmem_os_is_path("a\\b"));
	refused_flush("C:x", "unknown backend 'C:x' (not linked in, no "
			"C:x.so in /nonexistent/libpmem/backends)");
	refused_flush("a\\b", "unknown backend 'a\\b'");
}

Test(refusal, no_plugin_directory)
{
	fake_plugin_dir = NULL;
	refused_flush("bogus", "unknown backend 'bogus' (not linked in, no "
			"plugin directory)");
}

Test(refusal, probe_refuses_this_cpu)
{
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=nt-avx512", NULL),
			&(struct want){ "clwb", "nt-avx",
			.copy_has = { "CPU has AVX+AVX2" },
			.refusal_has = { "'nt-avx512' refused: this CPU "
				"cannot run it (needs AVX-512F+AVX-512BW+"
				"AVX-512VL)" } });
	expect(choose(&old_cpu, 0, "PMEM_BACKEND=clwb,nt-avx", NULL),
			&(struct want){ "clflush", "nt-sse2", .refusal_has = {
				"'clwb' refused", "'nt-avx' refused" } });
}

Test(refusal, plugin_probe_refuses)
{
	refused_flush(plugin("refuses"), "'refuses' refused: its probe "
			"refuses this CPU");
}

Test(refusal, not_an_elf)
{
	char tmp[] = "/tmp/pmem-test-XXXXXX.so";
	int fd = mkstemps(tmp, 3);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "just text\n", 10), 10);
	close(fd);
	refused_flush(tmp, "not an ELF shared object");
	unlink(tmp);
}

Test(refusal, missing_file)
{
	refused_flush("/nonexistent/plugin.so", "cannot open plugin");
}

Test(refusal, elf_but_not_loadable)
{
	/* An executable, not a shared object. */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	cr_assert_gt(n, 0);
	exe[n] = '\0';
	refused_flush(exe, "cannot load");
}

/* Plugins whose descriptor or entry is broken, each refused for its own
 * reason while the automatic pair stays. */
static const struct {
	const char *plugin, *why;
} broken_flush[] = {
	{ "no_entry", "no entry symbol pmem_backend_entry" },
	{ "entry_null", "pmem_backend_entry returned NULL" },
	{ "abi99", "declares ABI version 99" },
	{ "abi0", "declares ABI version 0" },
	{ "small_size", "descriptor size 16 is smaller" },
	{ "null_fn", "has a NULL drain function" },
	{ "half_flush_copy", "has memmove_flush but not memset_flush" },
	{ "null_name", "has no name" },
	{ "null_probe", "has no probe" },
	{ "bad_kind", "unknown kind 7" },
	{ "entry_data", "pmem_backend_entry is not a function" },
	{ "reserved_set", "non-zero reserved field" },
	{ "both_kinds", "flush backend 'both_kinds' has copy functions" },
	{ "unknown_caps", "declares unknown caps 0x20" },
};

Test(refusal, broken_flush_plugins)
{
	for (size_t i = 0; i < sizeof(broken_flush) / sizeof(*broken_flush);
			i++)
		refused_flush(plugin(broken_flush[i].plugin),
			      broken_flush[i].why);
}

/* A copy plugin refused: the automatic pair, the reason said. */
static void refused_copy(const char *name, const char *why)
{
	char env[ENVSZ];
	snprintf(env, sizeof(env), "PMEM_BACKEND=%s", plugin(name));
	expect(choose(&amd_zen3, 0, env, NULL), &(struct want){ "clwb",
			"nt-avx", .refusal_has = { why } });
}

Test(refusal, null_required_copy_function)
{
	refused_copy("null_copy_fn", "has a NULL memset_nt function");
}

Test(refusal, copy_backend_with_flush_copy)
{
	refused_copy("copy_flush_fns", "has flush functions");
}

Test(refusal, broken_plugin_found_by_name)
{
	char path[ENVSZ];
	snprintf(path, sizeof(path), "PMEM_BACKEND_PATH=%s", plugins);
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=abi99", path, NULL),
			&(struct want){ "clwb", "nt-avx", .refusal_has = {
				"abi99.so: declares ABI version 99" } });
}

Test(refusal, two_of_the_same_kind)
{
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=clflush,clflushopt", NULL),
			&(struct want){ "clwb", "nt-avx",
			.refusal_has = { "two flush backends" } });
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=nt-sse2,nt-avx", NULL),
			&(struct want){ "clwb", "nt-avx",
			.copy_has = { "CPU has AVX+AVX2" },
			.refusal_has = { "two copy backends" } });
}

Test(refusal, one_of_a_pair_refused_keeps_the_other)
{
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=bogus,clflush", NULL),
			&(struct want){ "clflush", "nt-avx",
			.flush_is = "forced by PMEM_BACKEND",
			.refusal_has = { "unknown backend 'bogus'" } });
}

Test(refusal, malformed_lists)
{
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=clflush,nt-sse2,nop", NULL),
			&(struct want){ "clwb", "nt-avx",
			.refusal_has = { "more than two names" } });
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=clflush,", NULL),
			&(struct want){ "clflush", "nt-avx",
			.refusal_has = { "empty backend name" } });
}

static int occurrences(const char *s, const char *t)
{
	int n = 0;
	for (; s && (s = strstr(s, t)) != NULL; s += strlen(t))
		n++;
	return n;
}

/* Issue 20 defect 6: "," is one mistake, said once. */
Test(refusal, lone_comma_said_once)
{
	const struct pmem_backend_choice *c = choose(&amd_zen3, 0,
			"PMEM_BACKEND=,", NULL);
	NAMES(c, "clwb", "nt-avx");
	cr_assert_eq(occurrences(c->refusal, "empty backend name"), 1,
			"refusal: %s", c->refusal);
	c = choose(&amd_zen3, 0, "PMEM_BACKEND=,nt-sse2", NULL);
	NAMES(c, "clwb", "nt-sse2");
	cr_assert_eq(occurrences(c->refusal, "empty backend name"), 1,
			"refusal: %s", c->refusal);
}

Test(refusal, empty_value_is_not_forcing)
{
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=", NULL), &(struct want){
			"clwb", "nt-avx", .no_refusal = 1 });
}

/* ---- pmem_backend_load() --------------------------------------------- */

Test(loader, good_plugin_loads)
{
	const struct pmem_backend *b = NULL;
	cr_assert_eq(pmem_backend_load(plugin("good_flush"), &b), 0, "%s",
			pmem_errormsg());
	cr_assert_str_eq(b->name, "good_flush");
	cr_assert_eq(b->kind, PMEM_BACKEND_FLUSH);
	char x[256];
	b->flush(x, sizeof(x));	/* callable: CLFLUSH is on every x86-64 */
	b->drain();
}

Test(loader, failures_set_errno_and_message)
{
	static const struct {
		const char *stem;
		int err;
		const char *msg;
	} cases[] = {
		{ "does_not_exist", ENOENT, "cannot open plugin" },
		{ "no_entry", EINVAL, "no entry symbol" },
		{ "abi99", EINVAL, "ABI version 99" },
		{ "small_size", EINVAL, "smaller than version 1" },
		{ "null_fn", EINVAL, "NULL drain" },
		{ "bad_kind", EINVAL, "unknown kind" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const struct pmem_backend *b = NULL;
		errno = 0;
		cr_assert_eq(pmem_backend_load(plugin(cases[i].stem), &b), -1);
		cr_assert_eq(errno, cases[i].err, "%s: errno %d",
				cases[i].stem, errno);
		cr_assert_null(b);
		HAS_TEXT(pmem_errormsg(), cases[i].msg);
		HAS_TEXT(pmem_errormsg(), cases[i].stem);
	}
	errno = 0;
	cr_assert_eq(pmem_backend_load(NULL, NULL), -1);
	cr_assert_eq(errno, EINVAL);
}

Test(loader, every_linked_in_backend_is_valid)
{
	unsigned n = 0;
	for (const struct pmem_backend *b; (b = pmem_backend_get_static(n));
			n++) {
		char why[256];
		cr_assert_eq(pmem_backend_validate(b, why, sizeof(why)), 0,
				"%s", why);
	}
	cr_assert_gt(n, 0);
	cr_assert_null(pmem_backend_get_static(n));
	cr_assert_null(pmem_backend_get_static(n + 1000));
}

/* ---- the real start-up choice ---------------------------------------- */

Test(startup, choice_fills_pmem_ops)
{
	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	cr_assert_not_null(c);
	cr_assert_not_null(c->flush);
	cr_assert_not_null(c->copy);
	cr_assert_not_null(c->flush_reason);
	cr_assert_not_null(c->copy_reason);
	cr_assert_eq(c->flush->kind, PMEM_BACKEND_FLUSH);
	cr_assert_eq(c->copy->kind, PMEM_BACKEND_COPY);
	cr_assert(pmem_backend_runs(c->flush, pmem_backend_get_cpu()));
	cr_assert(pmem_backend_runs(c->copy, pmem_backend_get_cpu()));
	cr_assert_eq((void *)pmem_ops.flush, (void *)c->flush->flush);
	cr_assert_eq((void *)pmem_ops.drain, (void *)c->flush->drain);
	/* the backend's own NT copies (memmove_nt is a fenced wrapper of
	 * them under an ordered flush: test_fence_nt.c) */
	cr_assert_eq((void *)pmem_ops.memmove_nt_unfenced,
		     (void *)c->copy->memmove_nt);
	cr_assert_eq((void *)pmem_ops.memset_nt_unfenced,
		     (void *)c->copy->memset_nt);
	cr_assert_eq(pmem_ops.movnt_threshold, c->movnt ? c->movnt_threshold
			: SIZE_MAX);
}

/* x86-64 only: the AArch64 probe has its own in test_cpu_aarch64.c. */
#if defined(__x86_64__)
Test(startup, cpu_is_x86_64_baseline)
{
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	cr_assert(cpu->features & PMEM_CPU_SSE2);
	cr_assert(cpu->features & PMEM_CPU_CLFLUSH);
	cr_assert_gt(strlen(cpu->vendor), 0);
	/* Dependent bits never appear alone. */
	if (cpu->features & PMEM_CPU_AVX2)
		cr_assert(cpu->features & PMEM_CPU_AVX);
	if (cpu->features & (PMEM_CPU_AVX512BW | PMEM_CPU_AVX512VL))
		cr_assert(cpu->features & PMEM_CPU_AVX512F);
}

/* The kernel's flags come from the same CPUID (and hide what XCR0 leaves
 * off), so every bit must agree with /proc/cpuinfo. */
Test(startup, cpu_matches_proc_cpuinfo)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (f == NULL) {
		fprintf(stderr, "SKIP cpu_matches_proc_cpuinfo: "
				"no /proc/cpuinfo\n");
		cr_skip_test("no /proc/cpuinfo");
	}
	static char line[16384];
	char flags[16384] = "";
	unsigned family = ~0u, model = ~0u;
	int intel = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "vendor_id", 9) == 0 &&
				strstr(line, "GenuineIntel"))
			intel = 1;
		if (!flags[0] && strncmp(line, "flags", 5) == 0)
			snprintf(flags, sizeof(flags), " %s ",
					strchr(line, ':') + 2);
		if (family == ~0u && strncmp(line, "cpu family", 10) == 0)
			family = (unsigned)atoi(strchr(line, ':') + 1);
		if (model == ~0u && strncmp(line, "model\t", 6) == 0)
			model = (unsigned)atoi(strchr(line, ':') + 1);
	}
	fclose(f);
	char *nl = strchr(flags, '\n');
	if (nl)
		strcpy(nl, " ");
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	cr_assert_eq(cpu->family, family);
	cr_assert_eq(cpu->model, model);
	for (int i = 0; i < 64; i++) {
		const char *name = pmem_cpu_feature_name(1ULL << i);
		if (name == NULL)
			continue;
		char word[32];
		snprintf(word, sizeof(word), " %s ", name);
		int kernel = strstr(flags, word) != NULL;
		/* Not a CPUID bit: the Intel SDM's rule that CLFLUSH is
		 * ordered with writes, so it follows the vendor. */
		if ((1ULL << i) == PMEM_CPU_CLFLUSH_ORDERED)
			kernel = intel && strstr(flags, " clflush ") != NULL;
		int ours = (cpu->features & (1ULL << i)) != 0;
		cr_assert_eq(ours, kernel, "%s: ours %d, /proc/cpuinfo %d",
				name, ours, kernel);
	}
}
#endif /* x86-64 */

Test(startup, features_str_lists_names)
{
	char buf[256];
	cr_assert_str_eq(pmem_cpu_features_str(PMEM_CPU_SSE2 | PMEM_CPU_CLWB,
			buf, sizeof(buf)), "sse2 clwb");
	cr_assert_str_eq(pmem_cpu_features_str(0, buf, sizeof(buf)), "");
	char small[8];
	pmem_cpu_features_str(~0ULL, small, sizeof(small));
	cr_assert_lt(strlen(small), sizeof(small));
}

/* ---- the built-in fallbacks (pmem_ops before the constructor) -------- */

static size_t flushed;
static void count_flush(const void *a, size_t n)
{
	(void)a;
	flushed += n;
}

Test(builtin, copy_and_fill_match_memmove_memset)
{
	static unsigned char a[4096], b[4096];
	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (unsigned char)(i * 7 + 1);
	for (size_t n = 0; n < 700; n += 37) {
		flushed = 0;
		cr_assert_eq(pmem_builtin_copy.memmove_nt(a + 100, a + 3, n,
				count_flush), a + 100);
		memmove(b + 100, b + 3, n);
		cr_assert_eq(memcmp(a, b, sizeof(a)), 0, "move %zu", n);
		cr_assert_eq(flushed, n);
		pmem_builtin_copy.memmove_nt(a + 3, a + 100, n, count_flush);
		memmove(b + 3, b + 100, n);
		cr_assert_eq(memcmp(a, b, sizeof(a)), 0, "move back %zu", n);
		pmem_builtin_copy.memset_nt(a + n, (int)n, n, count_flush);
		memset(b + n, (int)n, n);
		cr_assert_eq(memcmp(a, b, sizeof(a)), 0, "set %zu", n);
	}
	pmem_builtin_flush.flush(a, sizeof(a));
	pmem_builtin_flush.drain();
}

/* ---- issue #10 items 7-11, 18: plugins that must not hang, crash or
 * fool the library ------------------------------------------------------ */

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* A test that would hang fails instead (each test is its own process). */
#define NO_HANG() alarm(20)

Test(refusal, fifo_is_not_opened_blocking)
{
	NO_HANG();
	char dir[] = "/tmp/pmem-fifo-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char fifo[64];
	snprintf(fifo, sizeof(fifo), "%s/fifo_name.so", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	refused_flush(fifo, "not a regular file");
	/* The same file found by name through PMEM_BACKEND_PATH. */
	char path[128];
	snprintf(path, sizeof(path), "PMEM_BACKEND_PATH=%s", dir);
	expect(choose(&amd_zen3, 0, "PMEM_BACKEND=fifo_name", path, NULL),
			&(struct want){ "clwb", "nt-avx", .refusal_has = {
				"fifo_name.so: not a regular file" } });
	unlink(fifo);
	rmdir(dir);
}

Test(refusal, dev_stdin_is_not_read)
{
	NO_HANG();
	refused_flush("/dev/stdin", "not a regular file");
	refused_flush("/dev/null", "not a regular file");
	refused_flush("/tmp", "not a regular file");
}

Test(refusal, cpu_needs_checked_before_the_probe)
{
	refused_flush(plugin("needs_missing"), "'needs_missing' refused: this "
			"CPU cannot run it (needs CLFLUSH+bit 63)");
}

/* A plugin named "clwb" whose probe refuses: "needs CLWB" would be a lie
 * on a CPU that has CLWB. */
Test(refusal, reason_comes_from_the_descriptor_not_the_name)
{
	refused_flush(plugin("named_clwb"), "'clwb' refused: its probe "
			"refuses this CPU");
	cr_assert_null(strstr(sel.choice.refusal, "needs"), "%s",
			sel.choice.refusal);
}

/* An ELF object for another machine: say which, not dlopen's "No such
 * file or directory" or "invalid ELF header". */
static void fake_elf(const char *path, unsigned char cls, unsigned machine)
{
	unsigned char h[64] = { 0x7f, 'E', 'L', 'F', cls, 1, 1 };
	h[16] = 3;			/* ET_DYN */
	h[18] = (unsigned char)(machine & 0xff);
	h[19] = (unsigned char)(machine >> 8);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, h, sizeof(h)), (ssize_t)sizeof(h));
	close(fd);
}

Test(refusal, other_machine_is_named)
{
	char tmp[] = "/tmp/pmem-arm-XXXXXX.so";
	int fd = mkstemps(tmp, 3);
	cr_assert_geq(fd, 0);
	close(fd);
#if defined(__aarch64__)
	fake_elf(tmp, 2, 62);
	refused_flush(tmp, "built for x86-64 (ELF machine 62), this library "
			"is AArch64 (183)");
	fake_elf(tmp, 1, 183);	/* 32-bit header: class differs */
#elif defined(__powerpc64__)
	fake_elf(tmp, 2, 62);
	refused_flush(tmp, "built for x86-64 (ELF machine 62), this library "
			"is PowerPC64 (21)");
	fake_elf(tmp, 1, 21);	/* 32-bit header: class differs */
#else
	fake_elf(tmp, 2, 183);
	refused_flush(tmp, "built for AArch64 (ELF machine 183), this library "
			"is x86-64 (62)");
	fake_elf(tmp, 1, 62);	/* 32-bit x86-64 header: class differs */
#endif
	refused_flush(tmp, "a 32-bit little-endian ELF object, this library "
			"is 64-bit little-endian");
	unlink(tmp);
}

Test(refusal, long_path_keeps_the_reason)
{
	static char env[ENVSZ];
	int n = snprintf(env, sizeof(env), "PMEM_BACKEND=/nonexistent");
	while (n < 3000)
		n += snprintf(env + n, sizeof(env) - (size_t)n, "/%0100d", 7);
	snprintf(env + n, sizeof(env) - (size_t)n, "/x.so");
	expect(choose(&amd_zen3, 0, env, NULL), &(struct want){ "clwb",
			"nt-avx", .refusal_has = { "/x.so: cannot open plugin: "
				"No such file or directory" } });
}

/* A directory of PMEM_BACKEND_PATH that cannot be searched: the reason is
 * EACCES, not "no x.so in DIR".  Root searches anything, so the check
 * runs in a child that drops to nobody. */
Test(refusal, unsearchable_directory_says_why)
{
	char dir[] = "/tmp/pmem-noexec-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chmod(dir, 0), 0);
	char path[128];
	snprintf(path, sizeof(path), "PMEM_BACKEND_PATH=/nonexistent:%s", dir);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 ||
				setuid(65534) != 0))
			_exit(3);
		const struct pmem_backend_choice *c = choose(&amd_zen3, 0,
				"PMEM_BACKEND=mine", path, NULL);
		char want[128];
		snprintf(want, sizeof(want), "%s/mine.so: Permission denied",
				dir);
		_exit(c->refusal && strstr(c->refusal, want) &&
				!strstr(c->refusal, "no mine.so") ? 0 : 1);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	chmod(dir, 0700);
	rmdir(dir);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
}

/* ---- the descriptor copy, versions and capabilities (items 8, 10) ---- */

Test(forced, probe_that_rewrites_its_descriptor)
{
	char env[ENVSZ];
	snprintf(env, sizeof(env), "PMEM_BACKEND=%s", plugin("mutates"));
	const struct pmem_backend_choice *c = choose(&amd_zen3, 0, env, NULL);
	NO_REFUSAL(c);
	cr_assert_str_eq(c->flush->name, "mutates");
	cr_assert_eq(c->flush->kind, PMEM_BACKEND_FLUSH);
	cr_assert_not_null(c->flush->flush);
	cr_assert_not_null(c->flush->drain);
	char x[128];
	c->flush->flush(x, sizeof(x));
	c->flush->drain();
}

/* Version 1: accepted; what lies past its size is not read (there it
 * holds values version 2 refuses); its name gives it no capabilities. */
Test(forced, version_1_plugin_reads_new_fields_as_zero)
{
	const struct pmem_backend *b = NULL;
	cr_assert_eq(pmem_backend_load(plugin("v1_msync_name"), &b), 0, "%s",
			pmem_errormsg());
	cr_assert_eq(b->abi_version, 1);
	cr_assert_eq(b->cpu_needs, 0);
	cr_assert_eq(b->caps, 0);
	cr_assert_eq(b->reserved2, 0);
	char env[ENVSZ];
	snprintf(env, sizeof(env), "PMEM_BACKEND=%s", plugin("v1_msync_name"));
	const struct pmem_backend_choice *c = choose(&amd_zen3, 0, env, NULL);
	NO_REFUSAL(c);
	cr_assert_str_eq(c->flush->name, "msync-fallback");
	cr_assert_neq(c->flush, &fake[3]);
	cr_assert_eq(c->movnt, 1, "a name turned NT stores off");
	cr_assert(pmem_select_deep_flush(c->flush, &amd_zen3) ==
			c->flush->flush);
}

Test(forced, capability_not_name_turns_nt_off)
{
	char env[ENVSZ];
	snprintf(env, sizeof(env), "PMEM_BACKEND=%s", plugin("caps_no_nt"));
	const struct pmem_backend_choice *c = choose(&amd_zen3, 0, env, NULL);
	NO_REFUSAL(c);
	cr_assert_eq(c->movnt, 0);
	HAS_TEXT(c->copy_reason, "caps_no_nt: all copies temporal");
}

/* A plugin named "nop" that writes back keeps its flush in deep flush;
 * the real nop (caps: no write-back) gets a flush instruction. */
Test(forced, deep_flush_follows_caps_not_names)
{
	const struct pmem_backend *b = NULL;
	cr_assert_eq(pmem_backend_load(plugin("named_nop"), &b), 0, "%s",
			pmem_errormsg());
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	cr_assert(pmem_select_deep_flush(b, cpu) == b->flush);
	const struct pmem_backend *nop = NULL;
	for (unsigned i = 0; pmem_backend_get_static(i); i++)
		if (pmem_backend_get_static(i)->caps &
				PMEM_BACKEND_CAP_EADR_ONLY)
			nop = pmem_backend_get_static(i);
	cr_assert_not_null(nop);
	cr_assert(pmem_select_deep_flush(nop, cpu) != nop->flush);
}

/* Item 11: with no flush instruction usable, deep flush executes none. */
Test(forced, deep_flush_never_uses_clflush_the_cpu_lacks)
{
	const struct pmem_backend *nop = NULL;
	for (unsigned i = 0; pmem_backend_get_static(i); i++)
		if (pmem_backend_get_static(i)->caps &
				PMEM_BACKEND_CAP_EADR_ONLY)
			nop = pmem_backend_get_static(i);
	cr_assert_not_null(nop);
	pmem_flush_fn *f = pmem_select_deep_flush(nop, &no_clflush);
	cr_assert(f != pmem_builtin_flush_fn, "built-in CLFLUSH on a CPU "
			"without CLFLUSH");
	cr_assert(f == pmem_builtin_noflush_fn);
	char x[64];
	f(x, sizeof(x));
	/* The selection's last resort too. */
	static const struct pmem_backend *const none[] = { NULL };
	struct pmem_select_in in = { .cpu = &no_clflush, .env = fake_env,
		.backends = none };
	vars[0] = NULL;
	pmem_select_backends(&in, &sel);
	cr_assert_eq(sel.choice.flush, &pmem_builtin_noflush);
	HAS_TEXT(sel.choice.flush_reason, "no CLFLUSH");
}

/* One path decides usability (pmem_backend_runs): each linked-in backend
 * runs on a CPU with exactly its cpu_needs, and on none that lacks any
 * one of them, whatever its probe says. */
Test(loader, runs_exactly_where_cpu_needs_holds)
{
	const struct pmem_backend *b;
	for (unsigned i = 0; (b = pmem_backend_get_static(i)); i++) {
		struct pmem_cpu cpu = { .features = b->cpu_needs };
		cr_assert(pmem_backend_runs(b, &cpu),
				"%s refused on its own cpu_needs", b->name);
		for (int k = 0; k < 64; k++) {
			uint64_t bit = 1ULL << k;
			if (!(b->cpu_needs & bit))
				continue;
			cpu.features = b->cpu_needs & ~bit;
			cr_assert(!pmem_backend_runs(b, &cpu), "%s runs "
					"without bit %d of its cpu_needs",
					b->name, k);
		}
	}
}

/* The fake table has the facts of the descriptors linked in here (it once
 * gave clflush no caps while the real one has ORDERED_FLUSH). */
Test(loader, fakes_have_the_real_descriptors_facts)
{
	/* msync-fallback and nop are linked in on every ISA */
	cr_assert_geq(fakes_match_linked(all), 2);
}
