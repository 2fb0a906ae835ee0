/*
 * test_cpu_ppc64.c -- the 64-bit POWER probe (arch/ppc64/cpu.c) against the
 * kernel's hwcaps read here, and the choice it leads to.  Built only for
 * ppc64 (configure.py: *_ppc64.c).
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/auxv.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "cpu.h"
#include "deep_flush_isa.h"
#include "select.h"

#define ARCH_3_1 0x00040000UL	/* PPC_FEATURE2_ARCH_3_1 */

static const struct pmem_backend *linked_in(const char *name)
{
	for (unsigned i = 0; pmem_backend_get_static(i); i++)
		if (strcmp(pmem_backend_get_static(i)->name, name) == 0)
			return pmem_backend_get_static(i);
	return NULL;
}

Test(cpu_ppc64, baseline_and_no_other_isa_bits)
{
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	cr_assert(cpu->features & PMEM_CPU_DCBST);
	cr_assert_eq(cpu->features & ~(PMEM_CPU_DCBST | PMEM_CPU_ARCH_3_1), 0,
			"x86 or ARM bits on POWER: %llx",
			(unsigned long long)cpu->features);
	cr_assert_str_eq(cpu->vendor, "");
}

Test(cpu_ppc64, bits_match_hwcaps)
{
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	cr_assert_eq(!!(cpu->features & PMEM_CPU_ARCH_3_1),
			!!(getauxval(AT_HWCAP2) & ARCH_3_1));
}

Test(cpu_ppc64, names)
{
	char buf[128];
	cr_assert_str_eq(pmem_cpu_features_str(PMEM_CPU_DCBST |
			PMEM_CPU_ARCH_3_1, buf, sizeof(buf)), "dcbst arch_3_1");
	cr_assert_str_eq(pmem_cpu_features_label(PMEM_CPU_ARCH_3_1, buf,
			sizeof(buf)), "Power ISA 3.1 (dcbstps)");
}

/* The start-up choice follows the hwcaps (unless the environment forces
 * something): dcbstps on ISA 3.1, else dcbst; temporal copies. */
Test(cpu_ppc64, startup_choice_follows_hwcaps)
{
	if (getenv("PMEM_BACKEND") || getenv("PMEM_NO_FLUSH") ||
			pmem_has_auto_flush() == 1)
		cr_skip_test("environment or platform overrides the choice");
	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	const char *want = (getauxval(AT_HWCAP2) & ARCH_3_1) ? "dcbstps"
							     : "dcbst";
	cr_assert_str_eq(c->flush->name, want, "reason: %s", c->flush_reason);
	cr_assert_str_eq(c->copy->name, "temporal", "reason: %s",
			c->copy_reason);
	cr_assert_null(c->refusal);
}

/* Both flush backends are linked in, and each needs exactly its bit. */
Test(cpu_ppc64, backends_and_needs)
{
	const struct pmem_backend *ps = linked_in("dcbstps");
	const struct pmem_backend *st = linked_in("dcbst");
	cr_assert_not_null(ps);
	cr_assert_not_null(st);
	struct pmem_cpu p9 = { PMEM_CPU_DCBST, "", 0, 0 };
	struct pmem_cpu p10 = { PMEM_CPU_DCBST | PMEM_CPU_ARCH_3_1, "", 0, 0 };
	cr_assert_eq(ps->cpu_needs, PMEM_CPU_ARCH_3_1);
	cr_assert_eq(st->cpu_needs, PMEM_CPU_DCBST);
	cr_assert_eq(pmem_select_usable(ps, &p9), 0);
	cr_assert_neq(pmem_select_usable(ps, &p10), 0);
	cr_assert_neq(pmem_select_usable(st, &p9), 0);
	cr_assert_eq(ps->caps, 0);
	cr_assert_eq(st->caps, 0);
}

/* pmem_deep_flush: no deeper instruction on POWER; the chosen flush
 * backend's own write-back, or for nop a flush instruction the CPU has. */
Test(cpu_ppc64, deep_flush_is_the_flush_backends)
{
	struct pmem_cpu p9 = { PMEM_CPU_DCBST, "", 0, 0 };
	struct pmem_cpu p10 = { PMEM_CPU_DCBST | PMEM_CPU_ARCH_3_1, "", 0, 0 };
	cr_assert_null(pmem_isa_deep_flush(&p9));
	cr_assert_null(pmem_isa_deep_flush(&p10));
	const struct pmem_backend *st = linked_in("dcbst");
	const struct pmem_backend *ps = linked_in("dcbstps");
	const struct pmem_backend *nop = linked_in("nop");
	cr_assert_eq((void *)pmem_select_deep_flush(st, &p9), (void *)st->flush);
	cr_assert_eq((void *)pmem_select_deep_flush(nop, &p9),
			(void *)st->flush);
	cr_assert_eq((void *)pmem_select_deep_flush(nop, &p10),
			(void *)ps->flush);
}
