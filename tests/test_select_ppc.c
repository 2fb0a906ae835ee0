/*
 * test_select_ppc.c -- the backend choice for 64-bit POWER CPUs, as a pure
 * function (fake CPUs, environments and backends shaped like the ppc64le
 * build's), so it runs in every build: dcbstps where the kernel reports
 * Power ISA 3.1, dcbst otherwise, the temporal copy backend, and no x86
 * or ARM backend mentioned in the reasons.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "select.h"

/* What cpu_ppc64.c reports on POWER10 (ISA 3.1) and POWER9. */
static const struct pmem_cpu p10 = {
	PMEM_CPU_DCBST | PMEM_CPU_ARCH_3_1, "", 0, 0 };
static const struct pmem_cpu p9 = { PMEM_CPU_DCBST, "", 0, 0 };

#define ISA_BEST "dcbstps"
#define ISA_BEST_NEEDS PMEM_CPU_ARCH_3_1
#define ISA_BEST_FEATURE "Power ISA 3.1 (dcbstps)"
#define ISA_FALLBACK "dcbst"
#define ISA_FALLBACK_NEEDS PMEM_CPU_DCBST
#define ISA_FALLBACK_FEATURE "dcbst"
#define ISA_SUITE ppc_choice
#define ISA_HAS p10
#define ISA_LACKS p9
#define TEST_BEST isa_3_1_gets_dcbstps
#define TEST_FALLBACK older_cpu_gets_dcbst_and_says_why
#define TEST_FORCED_BEST forced_dcbstps_refused_without_isa_3_1
#include "select_fake_temporal.h"

/* x86 and ARM backends are never linked into the ppc64 build. */
Test(ppc_choice, reasons_do_not_mention_other_isas)
{
	static const char *const others[] = { "clwb", "clflush", "dc-cv",
		NULL };
	reasons_omit(&p9, others);
}

Test(ppc_choice, auto_flush_and_no_flush_pick_nop)
{
	nop_for_auto_flush_and_no_flush(&p10, &p9);
}

Test(ppc_choice, other_isa_names_refused)
{
	other_isa_name_refused(&p10, "clwb", "dcbstps");
	other_isa_name_refused(&p9, "dc-cvap", "dcbst");
}

/* The deep flush of nop is the first flush instruction the CPU has. */
Test(ppc_choice, flush_instruction_for_deep_flush)
{
	vars[0] = NULL;
	fake_vars = vars;
	cr_assert_eq(pmem_select_flush_instruction(all, &p10, fake_env, NULL),
			&fake[0]);
	cr_assert_eq(pmem_select_flush_instruction(all, &p9, fake_env, NULL),
			&fake[1]);
}
