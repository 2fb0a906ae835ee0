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

static void f_flush(const void *a, size_t n) { (void)a; (void)n; }
static void f_drain(void) { }
static void *f_move(void *d, const void *s, size_t n, pmem_flush_fn *f)
{
	(void)s; (void)n; (void)f;
	return d;
}
static void *f_set(void *d, int c, size_t n, pmem_flush_fn *f)
{
	(void)c; (void)n; (void)f;
	return d;
}

/* The probes of backends/ppc64/ and backends/temporal.c. */
static int p_ps(const struct pmem_cpu *cpu)
{
	return (cpu->features & PMEM_CPU_ARCH_3_1) != 0;
}
static int p_st(const struct pmem_cpu *cpu)
{
	return (cpu->features & PMEM_CPU_DCBST) != 0;
}
static int p_any(const struct pmem_cpu *cpu) { (void)cpu; return 1; }

#define FLUSH(nm, pr, needs, cp) { .abi_version = 2, \
	.size = sizeof(struct pmem_backend), .name = nm, \
	.kind = PMEM_BACKEND_FLUSH, .probe = pr, .flush = f_flush, \
	.drain = f_drain, .cpu_needs = needs, .caps = cp }
#define COPY(nm, pr) { .abi_version = 2, .size = sizeof(struct pmem_backend), \
	.name = nm, .kind = PMEM_BACKEND_COPY, .probe = pr, \
	.memmove_nt = f_move, .memset_nt = f_set }

/* In the order configure.py links them in. */
static const struct pmem_backend fake[] = {
	FLUSH("dcbstps", p_ps, PMEM_CPU_ARCH_3_1, 0),
	FLUSH("dcbst", p_st, PMEM_CPU_DCBST, 0),
	FLUSH("msync-fallback", p_any, 0, PMEM_BACKEND_CAP_NO_WRITEBACK |
			PMEM_BACKEND_CAP_NO_NT | PMEM_BACKEND_CAP_PAGE_CACHE),
	FLUSH("nop", p_any, 0, PMEM_BACKEND_CAP_NO_WRITEBACK |
			PMEM_BACKEND_CAP_EADR_ONLY),
	COPY("temporal", p_any),
};
static const struct pmem_backend *const all[] = {
	&fake[0], &fake[1], &fake[2], &fake[3], &fake[4], NULL,
};

/* What cpu_ppc64.c reports on POWER10 (ISA 3.1) and POWER9. */
static const struct pmem_cpu p10 = {
	PMEM_CPU_DCBST | PMEM_CPU_ARCH_3_1, "", 0, 0 };
static const struct pmem_cpu p9 = { PMEM_CPU_DCBST, "", 0, 0 };

static const char *vars[8];

static const char *fake_env(const char *name, void *ctx)
{
	(void)ctx;
	size_t n = strlen(name);
	for (int i = 0; vars[i]; i++)
		if (strncmp(vars[i], name, n) == 0 && vars[i][n] == '=')
			return vars[i] + n + 1;
	return NULL;
}

static struct pmem_selection sel;

static const struct pmem_backend_choice *choose(const struct pmem_cpu *cpu,
		int auto_flush, ...)
{
	va_list ap;
	int i = 0;
	va_start(ap, auto_flush);
	for (const char *v; (v = va_arg(ap, const char *)) != NULL && i < 7;)
		vars[i++] = v;
	va_end(ap);
	vars[i] = NULL;
	struct pmem_select_in in = {
		.cpu = cpu,
		.env = fake_env,
		.backends = all,
		.auto_flush = auto_flush,
		.plugin_dir = "/nonexistent",
	};
	pmem_select_backends(&in, &sel);
	return &sel.choice;
}

#define NAMES(c, f, cp) do { \
	cr_assert_str_eq((c)->flush->name, f, "flush %s, reason: %s", \
			(c)->flush->name, (c)->flush_reason); \
	cr_assert_str_eq((c)->copy->name, cp, "copy %s, reason: %s", \
			(c)->copy->name, (c)->copy_reason); \
} while (0)
#define HAS_TEXT(s, t) cr_assert((s) != NULL && strstr((s), (t)) != NULL, \
		"expected \"%s\" in \"%s\"", (t), (s) ? (s) : "(null)")
#define NO_TEXT(s, t) cr_assert((s) == NULL || strstr((s), (t)) == NULL, \
		"did not expect \"%s\" in \"%s\"", (t), (s))

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
	cr_assert_eq(pmem_select_flush_instruction(all, &p10, fake_env, NULL),
			&fake[0]);
	cr_assert_eq(pmem_select_flush_instruction(all, &p9, fake_env, NULL),
			&fake[1]);
}
