/*
 * pmem_info_isa.h -- the pmem-info tests of an ISA whose build links a
 * best flush backend that needs a CPU feature, a fallback every CPU runs
 * and the temporal copy (AArch64, ppc64: test_pmem_info_<isa>.c).  The
 * lines to look for differ only by the names, so the including file
 * defines them first:
 *
 *   INFO_SUITE                 the test suite
 *   ISA_BEST, ISA_BEST_NEEDS, ISA_BEST_FEATURE, ISA_BEST_HWCAP
 *                              "dc-cvap", its cpu_needs bit, that bit's
 *                              name in reasons and in "cpu features:"
 *   ISA_FALLBACK, ISA_FALLBACK_FEATURE, ISA_BASE_HWCAP   likewise for the
 *                              fallback; the first feature pmem-info lists
 *   ISA_FOREIGN                other ISAs' names pmem-info must never
 *                              print, as { "clwb", ..., NULL }
 *   TEST_FORCED_BEST           the ISA's name for the refusal test
 */
#ifndef PMEM_INFO_ISA_H
#define PMEM_INFO_ISA_H 1

#include <stdio.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "select.h"
#include "isa_test.h"
#include "pmem_info_run.h"

ISA_TEST_SUITE(INFO_SUITE, .init = find_pmem_info);

ISA_TEST(INFO_SUITE, features_and_choice)
{
	static const char *const foreign[] = ISA_FOREIGN;
	const char *out = run((const char *const[]){ NULL });
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	cr_assert(has(out, "\ncpu: features from the kernel's hwcaps\n"),
			"%s", out);
	cr_assert(has(out, "\ncpu features: " ISA_BASE_HWCAP), "%s", out);
	if (cpu->features & ISA_BEST_NEEDS) {
		cr_assert(has(out, ISA_BEST_HWCAP), "%s", out);
		cr_assert(has(out, "flush: " ISA_BEST " (CPU has "
				ISA_BEST_FEATURE ")"), "%s", out);
	} else {
		char row[64];
		cr_assert(has(out, "flush: " ISA_FALLBACK " (CPU lacks "
				ISA_BEST_FEATURE ", CPU has "
				ISA_FALLBACK_FEATURE ")"), "%s", out);
		/* the backend table's row: the name padded to 16 */
		snprintf(row, sizeof(row), "\n  %-16s flush  not usable on "
				"this CPU", ISA_BEST);
		cr_assert(has(out, row), "%s", out);
	}
	cr_assert(has(out, "[needs " ISA_BEST_FEATURE "]"), "%s", out);
	cr_assert(has(out, "copy: temporal"), "%s", out);
	/* No other ISA's backend or feature is ever mentioned. */
	for (size_t i = 0; foreign[i]; i++)
		cr_assert(!has(out, foreign[i]), "%s in %s", foreign[i], out);
}

ISA_TEST(INFO_SUITE, TEST_FORCED_BEST)
{
	if (pmem_backend_get_cpu()->features & ISA_BEST_NEEDS)
		cr_skip_test("this CPU has " ISA_BEST_FEATURE);
	const char *out = run((const char *const[]){ "PMEM_BACKEND=" ISA_BEST,
			NULL });
	cr_assert(has(out, "flush: " ISA_FALLBACK " "), "%s", out);
	cr_assert(has(out, "refused: PMEM_BACKEND: '" ISA_BEST "' refused: "
			"this CPU cannot run it (needs " ISA_BEST_FEATURE ")"),
			"%s", out);
}

ISA_TEST(INFO_SUITE, forced_pair_by_name)
{
	const char *out = run((const char *const[]){
			"PMEM_BACKEND=msync-fallback,temporal", NULL });
	cr_assert(has(out, "flush: msync-fallback (forced by PMEM_BACKEND"),
			"%s", out);
	cr_assert(has(out, "copy: temporal (forced by PMEM_BACKEND"), "%s",
			out);
}

#endif
