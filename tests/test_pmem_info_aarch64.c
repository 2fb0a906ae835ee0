/*
 * test_pmem_info_aarch64.c -- pmem-info on AArch64 (built only there:
 * configure.py, *_aarch64.c): the lines it prints say what the
 * selection function predicts for this CPU, name the ARM features seen,
 * and say why each backend can or cannot run; PMEM_BACKEND=dc-cvap is
 * refused with the feature it needs on a CPU without DCPoP.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "select.h"
#include "pmem_info_run.h"

TestSuite(pmem_info_aarch64, .init = find_pmem_info);

Test(pmem_info_aarch64, features_and_choice)
{
	const char *out = run((const char *const[]){ NULL });
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	cr_assert(has(out, "\ncpu: features from the kernel's hwcaps\n"),
			"%s", out);
	cr_assert(has(out, "\ncpu features: dc-cvac"), "%s", out);
	if (cpu->features & PMEM_CPU_DCPOP) {
		cr_assert(has(out, "dcpop"), "%s", out);
		cr_assert(has(out, "flush: dc-cvap (CPU has DCPoP (DC CVAP))"),
				"%s", out);
	} else {
		cr_assert(has(out, "flush: dc-cvac (CPU lacks DCPoP (DC CVAP), "
				"CPU has DC CVAC)"), "%s", out);
		cr_assert(has(out, "\n  dc-cvap          flush  not usable on "
				"this CPU"), "%s", out);
	}
	cr_assert(has(out, "[needs DCPoP (DC CVAP)]"), "%s", out);
	cr_assert(has(out, "copy: temporal"), "%s", out);
	/* No x86 backend or feature is ever mentioned. */
	cr_assert(!has(out, "clwb") && !has(out, "sse2") &&
			!has(out, "nt-avx"), "%s", out);
}

Test(pmem_info_aarch64, forced_dc_cvap_without_dcpop_is_refused)
{
	if (pmem_backend_get_cpu()->features & PMEM_CPU_DCPOP)
		cr_skip_test("this CPU has DCPoP");
	const char *out = run((const char *const[]){ "PMEM_BACKEND=dc-cvap",
			NULL });
	cr_assert(has(out, "flush: dc-cvac"), "%s", out);
	cr_assert(has(out, "refused: PMEM_BACKEND: 'dc-cvap' refused: this "
			"CPU cannot run it (needs DCPoP (DC CVAP))"), "%s", out);
}

Test(pmem_info_aarch64, forced_pair_by_name)
{
	const char *out = run((const char *const[]){
			"PMEM_BACKEND=msync-fallback,temporal", NULL });
	cr_assert(has(out, "flush: msync-fallback (forced by PMEM_BACKEND"),
			"%s", out);
	cr_assert(has(out, "copy: temporal (forced by PMEM_BACKEND"), "%s",
			out);
}
