/*
 * select_fake_temporal.h -- the choice tests of an ISA whose build links
 * a flush backend that needs a CPU feature (the best), one every CPU of
 * the ISA runs (the fallback), msync-fallback, nop and the temporal copy
 * backend: AArch64 and ppc64 (test_select_arm.c, test_select_ppc.c).
 * The rules are the same, only the names differ, so the including file
 * defines them first:
 *
 *   ISA_BEST, ISA_BEST_NEEDS, ISA_BEST_FEATURE     "dc-cvap", its cpu_needs
 *                                                  and that bit's name
 *   ISA_FALLBACK, ISA_FALLBACK_NEEDS, ISA_FALLBACK_FEATURE   likewise
 *
 *   ISA_SUITE                the test suite
 *   ISA_HAS, ISA_LACKS       fake CPUs with and without the best's feature
 *   TEST_BEST, TEST_FALLBACK, TEST_FORCED_BEST   the ISA's names for the
 *                            tests of the best, the fallback and the best
 *                            forced where the CPU lacks its feature
 *
 * The tests whose CPUs or names differ more stay in the including file,
 * built from the helpers below.
 */
#ifndef SELECT_FAKE_TEMPORAL_H
#define SELECT_FAKE_TEMPORAL_H 1

#include <stdio.h>

#include "isa_test.h"
#include "select_fake.h"

/* The ISA's descriptors' facts, in the order configure.py links them in. */
static const struct pmem_backend fake[] = {
	FAKE_FLUSH(ISA_BEST, ISA_BEST_NEEDS, 0),
	FAKE_FLUSH(ISA_FALLBACK, ISA_FALLBACK_NEEDS, 0),
	FAKE_MSYNC_FALLBACK,
	FAKE_NOP,
	FAKE_COPY("temporal", 0),
};
static const struct pmem_backend *const all[] = {
	&fake[0], &fake[1], &fake[2], &fake[3], &fake[4], NULL,
};

static void use_fakes(void)
{
	fake_backends = all;
	fake_plugin_dir = "/nonexistent";
}

ISA_TEST_SUITE(ISA_SUITE, .init = use_fakes);

ISA_TEST(ISA_SUITE, TEST_BEST)
{
	const struct pmem_backend_choice *c = choose(&ISA_HAS, 0, NULL);
	NAMES(c, ISA_BEST, "temporal");
	HAS_TEXT(c->flush_reason, "CPU has " ISA_BEST_FEATURE);
	cr_assert_null(c->refusal);
}

ISA_TEST(ISA_SUITE, TEST_FALLBACK)
{
	const struct pmem_backend_choice *c = choose(&ISA_LACKS, 0, NULL);
	NAMES(c, ISA_FALLBACK, "temporal");
	HAS_TEXT(c->flush_reason, "CPU lacks " ISA_BEST_FEATURE);
	HAS_TEXT(c->flush_reason, "CPU has " ISA_FALLBACK_FEATURE);
}

/* Other ISAs' backends are never linked in here: the reasons must not
 * list them (NULL-terminated names) as missing, nor any nt- copy. */
static void reasons_omit(const struct pmem_cpu *lacks,
		const char *const *others)
{
	const struct pmem_backend_choice *c = choose(lacks, 0, NULL);
	for (; *others; others++)
		NO_TEXT(c->flush_reason, *others);
	NO_TEXT(c->copy_reason, "nt-");
	HAS_TEXT(c->copy_reason, "temporal usable");
}

static void nop_for_auto_flush_and_no_flush(const struct pmem_cpu *auto_cpu,
		const struct pmem_cpu *no_flush_cpu)
{
	NAMES(choose(auto_cpu, 1, NULL), "nop", "temporal");
	NAMES(choose(no_flush_cpu, 0, "PMEM_NO_FLUSH=1", NULL), "nop",
			"temporal");
}

ISA_TEST(ISA_SUITE, TEST_FORCED_BEST)
{
	const struct pmem_backend_choice *c = choose(&ISA_LACKS, 0,
			"PMEM_BACKEND=" ISA_BEST, NULL);
	NAMES(c, ISA_FALLBACK, "temporal");
	HAS_TEXT(c->refusal, "'" ISA_BEST "' refused: this CPU cannot run "
			"it (needs " ISA_BEST_FEATURE ")");
}

ISA_TEST(ISA_SUITE, forced_pair_and_msync)
{
	NAMES(choose(&ISA_HAS, 0, "PMEM_BACKEND=" ISA_FALLBACK ",temporal",
			NULL), ISA_FALLBACK, "temporal");
	const struct pmem_backend_choice *c = choose(&ISA_HAS, 0,
			"PMEM_BACKEND=msync-fallback", NULL);
	NAMES(c, "msync-fallback", "temporal");
	cr_assert_eq(c->movnt, 0, "msync-fallback: every copy temporal");
}

/* A backend name of another ISA is unknown here (not linked in, no
 * plugin file): the automatic flush stays. */
static void other_isa_name_refused(const struct pmem_cpu *cpu,
		const char *forced, const char *flush)
{
	char env[64];
	snprintf(env, sizeof(env), "PMEM_BACKEND=%s", forced);
	const struct pmem_backend_choice *c = choose(cpu, 0, env, NULL);
	NAMES(c, flush, "temporal");
	char want[64];
	snprintf(want, sizeof(want), "unknown backend '%s'", forced);
	HAS_TEXT(c->refusal, want);
}

/* The ISA's bits have names, for pmem-info and the reasons. */
ISA_TEST(ISA_SUITE, feature_names)
{
	char buf[128];
	cr_assert_str_eq(pmem_select_needs(&fake[0], buf, sizeof(buf)),
			ISA_BEST_FEATURE);
	cr_assert_str_eq(pmem_select_needs(&fake[1], buf, sizeof(buf)),
			ISA_FALLBACK_FEATURE);
}

/* The fake table has the facts of the descriptors linked in here. */
ISA_TEST(ISA_SUITE, fakes_have_the_real_descriptors_facts)
{
	/* msync-fallback and nop are linked in on every ISA */
	cr_assert_geq(fakes_match_linked(all), 2);
}

#endif
