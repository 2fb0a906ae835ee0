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
#include "select_fake.h"

/* The ppc64 descriptors' facts, in the order configure.py links them in. */
static const struct pmem_backend fake[] = {
	FAKE_FLUSH("dcbstps", PMEM_CPU_ARCH_3_1, 0),
	FAKE_FLUSH("dcbst", PMEM_CPU_DCBST, 0),
	FAKE_FLUSH("msync-fallback", 0, PMEM_BACKEND_CAP_NO_WRITEBACK |
			PMEM_BACKEND_CAP_NO_NT | PMEM_BACKEND_CAP_PAGE_CACHE),
	FAKE_FLUSH("nop", 0, PMEM_BACKEND_CAP_NO_WRITEBACK |
			PMEM_BACKEND_CAP_EADR_ONLY),
	FAKE_COPY("temporal", 0),
};
static const struct pmem_backend *const all[] = {
	&fake[0], &fake[1], &fake[2], &fake[3], &fake[4], NULL,
};

/* What cpu_ppc64.c reports on POWER10 (ISA 3.1) and POWER9. */
static const struct pmem_cpu p10 = {
	PMEM_CPU_DCBST | PMEM_CPU_ARCH_3_1, "", 0, 0 };
static const struct pmem_cpu p9 = { PMEM_CPU_DCBST, "", 0, 0 };

static void use_fakes(void)
{
	fake_backends = all;
	fake_plugin_dir = "/nonexistent";
}

TestSuite(ppc_choice, .init = use_fakes);

Test(ppc_choice, isa_3_1_gets_dcbstps)
{
	const struct pmem_backend_choice *c = choose(&p10, 0, NULL);
	NAMES(c, "dcbstps", "temporal");
	HAS_TEXT(c->flush_reason, "CPU has Power ISA 3.1 (dcbstps)");
	cr_assert_null(c->refusal);
}

Test(ppc_choice, older_cpu_gets_dcbst_and_says_why)
{
	const struct pmem_backend_choice *c = choose(&p9, 0, NULL);
	NAMES(c, "dcbst", "temporal");
	HAS_TEXT(c->flush_reason, "CPU lacks Power ISA 3.1 (dcbstps)");
	HAS_TEXT(c->flush_reason, "CPU has dcbst");
}

/* x86 and ARM backends are never linked into the ppc64 build: the
 * reasons must not list them as missing. */
Test(ppc_choice, reasons_do_not_mention_other_isas)
{
	const struct pmem_backend_choice *c = choose(&p9, 0, NULL);
	NO_TEXT(c->flush_reason, "clwb");
	NO_TEXT(c->flush_reason, "clflush");
	NO_TEXT(c->flush_reason, "dc-cv");
	NO_TEXT(c->copy_reason, "nt-");
	HAS_TEXT(c->copy_reason, "temporal usable");
}

Test(ppc_choice, auto_flush_and_no_flush_pick_nop)
{
	NAMES(choose(&p10, 1, NULL), "nop", "temporal");
	NAMES(choose(&p9, 0, "PMEM_NO_FLUSH=1", NULL), "nop", "temporal");
}

Test(ppc_choice, forced_dcbstps_refused_without_isa_3_1)
{
	const struct pmem_backend_choice *c = choose(&p9, 0,
			"PMEM_BACKEND=dcbstps", NULL);
	NAMES(c, "dcbst", "temporal");
	HAS_TEXT(c->refusal, "'dcbstps' refused: this CPU cannot run it "
			"(needs Power ISA 3.1 (dcbstps))");
}

Test(ppc_choice, forced_pair_and_msync)
{
	NAMES(choose(&p10, 0, "PMEM_BACKEND=dcbst,temporal", NULL),
			"dcbst", "temporal");
	const struct pmem_backend_choice *c = choose(&p10, 0,
			"PMEM_BACKEND=msync-fallback", NULL);
	NAMES(c, "msync-fallback", "temporal");
	cr_assert_eq(c->movnt, 0, "msync-fallback: every copy temporal");
}

/* Another ISA's backend name is unknown here (not linked in, no plugin
 * file). */
Test(ppc_choice, other_isa_names_refused)
{
	const struct pmem_backend_choice *c = choose(&p10, 0,
			"PMEM_BACKEND=clwb", NULL);
	NAMES(c, "dcbstps", "temporal");
	HAS_TEXT(c->refusal, "unknown backend 'clwb'");
	c = choose(&p9, 0, "PMEM_BACKEND=dc-cvap", NULL);
	NAMES(c, "dcbst", "temporal");
	HAS_TEXT(c->refusal, "unknown backend 'dc-cvap'");
}

/* The POWER bits have names, for pmem-info and the reasons. */
Test(ppc_choice, feature_names)
{
	char buf[128];
	cr_assert_str_eq(pmem_select_needs(&fake[0], buf, sizeof(buf)),
			"Power ISA 3.1 (dcbstps)");
	cr_assert_str_eq(pmem_select_needs(&fake[1], buf, sizeof(buf)),
			"dcbst");
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

/* The fake table has the facts of the descriptors linked in here. */
Test(ppc_choice, fakes_have_the_real_descriptors_facts)
{
	/* msync-fallback and nop are linked in on every ISA */
	cr_assert_geq(fakes_match_linked(all), 2);
}
