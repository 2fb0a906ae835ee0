/*
 * test_cpu_aarch64.c -- the AArch64 probe (arch/aarch64/cpu.c) against the
 * kernel's hwcaps read here, and the choice it leads to.  Built only for
 * AArch64 (configure.py: *_aarch64.c).
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/auxv.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "cpu.h"
#include "deep_flush_isa.h"
#include "select.h"

#define X86_BITS ((1ULL << 32) - 1)

Test(cpu_aarch64, baseline_and_no_x86_bits)
{
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	cr_assert(cpu->features & PMEM_CPU_DC_CVAC);
	cr_assert_eq(cpu->features & X86_BITS, 0, "x86 bits on AArch64: %llx",
			(unsigned long long)cpu->features);
	cr_assert_str_eq(cpu->vendor, "");
}

Test(cpu_aarch64, bits_match_hwcaps)
{
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
	cr_assert_eq(!!(cpu->features & PMEM_CPU_DCPOP), !!(hw & (1UL << 16)));
	cr_assert_eq(!!(cpu->features & PMEM_CPU_DCPODP), !!(hw2 & 1UL));
	cr_assert_eq(!!(cpu->features & PMEM_CPU_ASIMD), !!(hw & (1UL << 1)));
}

Test(cpu_aarch64, names)
{
	char buf[128];
	cr_assert_str_eq(pmem_cpu_features_str(PMEM_CPU_DC_CVAC |
			PMEM_CPU_DCPOP | PMEM_CPU_DCPODP, buf, sizeof(buf)),
			"dc-cvac dcpop dcpodp");
}

/* The start-up choice follows the hwcaps (unless the environment forces
 * something): dc-cvap with DCPoP, else dc-cvac; temporal copies. */
Test(cpu_aarch64, startup_choice_follows_hwcaps)
{
	if (getenv("PMEM_BACKEND") || getenv("PMEM_NO_FLUSH") ||
			pmem_has_auto_flush() == 1)
		cr_skip_test("environment or platform overrides the choice");
	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	const char *want = (getauxval(AT_HWCAP) & (1UL << 16)) ? "dc-cvap"
							       : "dc-cvac";
	cr_assert_str_eq(c->flush->name, want, "reason: %s", c->flush_reason);
	cr_assert_str_eq(c->copy->name, "temporal", "reason: %s",
			c->copy_reason);
}

/* pmem_deep_flush: DC CVADP only where the kernel reports DCPoDP; else
 * the chosen flush backend's own clean. */
Test(cpu_aarch64, deep_flush_uses_dc_cvadp_only_with_dcpodp)
{
	struct pmem_cpu with = { PMEM_CPU_DC_CVAC | PMEM_CPU_DCPOP |
		PMEM_CPU_DCPODP, "", 0, 0 };
	struct pmem_cpu without = { PMEM_CPU_DC_CVAC, "", 0, 0 };
	pmem_flush_fn *cvadp = pmem_isa_deep_flush(&with);
	cr_assert_not_null(cvadp);
	cr_assert_null(pmem_isa_deep_flush(&without));
	const struct pmem_backend *b = NULL;
	for (unsigned i = 0; pmem_backend_get_static(i); i++)
		if (strcmp(pmem_backend_get_static(i)->name, "dc-cvac") == 0)
			b = pmem_backend_get_static(i);
	cr_assert_not_null(b);
	cr_assert_eq((void *)pmem_select_deep_flush(b, &without),
			(void *)b->flush);
	cr_assert_eq((void *)pmem_select_deep_flush(b, &with), (void *)cvadp);
}
