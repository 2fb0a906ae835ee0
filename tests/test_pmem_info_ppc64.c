/*
 * test_pmem_info_ppc64.c -- pmem-info on 64-bit POWER (built only there:
 * configure.py, *_ppc64.c): the lines it prints say what the selection
 * predicts for this CPU, name the POWER features seen, and say why each
 * backend can or cannot run; PMEM_BACKEND=dcbstps is refused with the
 * feature it needs on a CPU without ISA 3.1.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "select.h"
#include "pmem_info_run.h"

TestSuite(pmem_info_ppc64, .init = find_pmem_info);

Test(pmem_info_ppc64, features_and_choice)
{
	const char *out = run((const char *const[]){ NULL });
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	cr_assert(has(out, "\ncpu: features from the kernel's hwcaps\n"),
			"%s", out);
	cr_assert(has(out, "\ncpu features: dcbst"), "%s", out);
	if (cpu->features & PMEM_CPU_ARCH_3_1) {
		cr_assert(has(out, "arch_3_1"), "%s", out);
		cr_assert(has(out, "flush: dcbstps (CPU has Power ISA 3.1 "
				"(dcbstps))"), "%s", out);
	} else {
		cr_assert(has(out, "flush: dcbst (CPU lacks Power ISA 3.1 "
				"(dcbstps), CPU has dcbst)"), "%s", out);
		cr_assert(has(out, "\n  dcbstps          flush  not usable on "
				"this CPU"), "%s", out);
	}
	cr_assert(has(out, "[needs Power ISA 3.1 (dcbstps)]"), "%s", out);
	cr_assert(has(out, "copy: temporal"), "%s", out);
	/* No x86 or ARM backend or feature is ever mentioned. */
	cr_assert(!has(out, "clwb") && !has(out, "sse2") &&
			!has(out, "nt-avx") && !has(out, "dc-cva"), "%s", out);
}

Test(pmem_info_ppc64, forced_dcbstps_without_isa_3_1_is_refused)
{
	if (pmem_backend_get_cpu()->features & PMEM_CPU_ARCH_3_1)
		cr_skip_test("this CPU has Power ISA 3.1");
	const char *out = run((const char *const[]){ "PMEM_BACKEND=dcbstps",
			NULL });
	cr_assert(has(out, "flush: dcbst "), "%s", out);
	cr_assert(has(out, "refused: PMEM_BACKEND: 'dcbstps' refused: this "
			"CPU cannot run it (needs Power ISA 3.1 (dcbstps))"),
			"%s", out);
}

Test(pmem_info_ppc64, forced_pair_by_name)
{
	const char *out = run((const char *const[]){
			"PMEM_BACKEND=msync-fallback,temporal", NULL });
	cr_assert(has(out, "flush: msync-fallback (forced by PMEM_BACKEND"),
			"%s", out);
	cr_assert(has(out, "copy: temporal (forced by PMEM_BACKEND"), "%s",
			out);
}
