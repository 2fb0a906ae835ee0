/*
 * test_select_arm.c -- the backend choice for AArch64 CPUs, as a pure
 * function (fake CPUs, environments and backends shaped like the AArch64
 * build's), so it runs in every build, x86-64 included: dc-cvap where the
 * kernel reports DCPoP, dc-cvac otherwise, the temporal copy backend, and
 * no x86 backend mentioned in the reasons.  And a plugin built for the
 * other instruction set is refused, whichever this build is.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "plugin.h"
#include "select.h"
#include "select_fake.h"

/* The AArch64 descriptors' facts, in the order configure.py links
 * them in. */
static const struct pmem_backend fake[] = {
	FAKE_FLUSH("dc-cvap", PMEM_CPU_DCPOP, 0),
	FAKE_FLUSH("dc-cvac", PMEM_CPU_DC_CVAC, 0),
	FAKE_FLUSH("msync-fallback", 0, PMEM_BACKEND_CAP_NO_WRITEBACK |
			PMEM_BACKEND_CAP_NO_NT | PMEM_BACKEND_CAP_PAGE_CACHE),
	FAKE_FLUSH("nop", 0, PMEM_BACKEND_CAP_NO_WRITEBACK |
			PMEM_BACKEND_CAP_EADR_ONLY),
	FAKE_COPY("temporal", 0),
};
static const struct pmem_backend *const all[] = {
	&fake[0], &fake[1], &fake[2], &fake[3], &fake[4], NULL,
};

/* What cpu_aarch64.c reports: Neoverse N1 has DCPoP, Cortex-A57 (qemu's
 * test CPU) has not, an ARMv8.5 core also has DCPoDP. */
static const struct pmem_cpu n1 = {
	PMEM_CPU_DC_CVAC | PMEM_CPU_ASIMD | PMEM_CPU_DCPOP, "", 0, 0 };
static const struct pmem_cpu a57 = {
	PMEM_CPU_DC_CVAC | PMEM_CPU_ASIMD, "", 0, 0 };

static void use_fakes(void)
{
	fake_backends = all;
	fake_plugin_dir = "/nonexistent";
}

TestSuite(arm_choice, .init = use_fakes);

Test(arm_choice, dcpop_gets_dc_cvap)
{
	const struct pmem_backend_choice *c = choose(&n1, 0, NULL);
	NAMES(c, "dc-cvap", "temporal");
	HAS_TEXT(c->flush_reason, "CPU has DCPoP (DC CVAP)");
	cr_assert_null(c->refusal);
}

Test(arm_choice, no_dcpop_gets_dc_cvac_and_says_why)
{
	const struct pmem_backend_choice *c = choose(&a57, 0, NULL);
	NAMES(c, "dc-cvac", "temporal");
	HAS_TEXT(c->flush_reason, "CPU lacks DCPoP (DC CVAP)");
	HAS_TEXT(c->flush_reason, "CPU has DC CVAC");
}

/* x86 backends are never linked into the AArch64 build: the reasons must
 * not list them as missing. */
Test(arm_choice, reasons_do_not_mention_x86)
{
	const struct pmem_backend_choice *c = choose(&a57, 0, NULL);
	NO_TEXT(c->flush_reason, "clwb");
	NO_TEXT(c->flush_reason, "clflush");
	NO_TEXT(c->copy_reason, "nt-");
	HAS_TEXT(c->copy_reason, "temporal usable");
}

Test(arm_choice, auto_flush_and_no_flush_pick_nop)
{
	NAMES(choose(&n1, 1, NULL), "nop", "temporal");
	NAMES(choose(&n1, 0, "PMEM_NO_FLUSH=1", NULL), "nop", "temporal");
}

Test(arm_choice, forced_dc_cvap_refused_without_dcpop)
{
	const struct pmem_backend_choice *c = choose(&a57, 0,
			"PMEM_BACKEND=dc-cvap", NULL);
	NAMES(c, "dc-cvac", "temporal");
	HAS_TEXT(c->refusal, "'dc-cvap' refused: this CPU cannot run it "
			"(needs DCPoP (DC CVAP))");
}

Test(arm_choice, forced_pair_and_msync)
{
	NAMES(choose(&n1, 0, "PMEM_BACKEND=dc-cvac,temporal", NULL),
			"dc-cvac", "temporal");
	const struct pmem_backend_choice *c = choose(&n1, 0,
			"PMEM_BACKEND=msync-fallback", NULL);
	NAMES(c, "msync-fallback", "temporal");
	cr_assert_eq(c->movnt, 0, "msync-fallback: every copy temporal");
}

/* An x86 backend name is unknown here (not linked in, no plugin file). */
Test(arm_choice, x86_name_refused)
{
	const struct pmem_backend_choice *c = choose(&n1, 0,
			"PMEM_BACKEND=clwb", NULL);
	NAMES(c, "dc-cvap", "temporal");
	HAS_TEXT(c->refusal, "unknown backend 'clwb'");
}

/* The ARM bits have names, for pmem-info and the reasons. */
Test(arm_choice, feature_names)
{
	char buf[128];
	cr_assert_str_eq(pmem_select_needs(&fake[0], buf, sizeof(buf)),
			"DCPoP (DC CVAP)");
	cr_assert_str_eq(pmem_select_needs(&fake[1], buf, sizeof(buf)),
			"DC CVAC");
}

/* ---- a plugin of the other instruction set ---------------------------- */

static unsigned elf_machine(const char *path)
{
	unsigned char h[sizeof(Elf64_Ehdr)];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG) != 0)
		return 0;
	return ((const Elf64_Ehdr *)h)->e_machine;
}

/* An x86-64 shared object on AArch64, or an AArch64 one on x86-64 (the
 * build machine's libc, the cross libc), is refused before dlopen with a
 * reason that names both machines. */
Test(foreign_plugin, other_machine_refused)
{
	static const char *const candidates[] = {
		"/lib/x86_64-linux-gnu/libc.so.6",
		"/usr/aarch64-linux-gnu/lib/libc.so.6",
		"/lib/aarch64-linux-gnu/libc.so.6",
	};
	unsigned mine = elf_machine("/proc/self/exe");
	cr_assert_neq(mine, 0);
	for (size_t i = 0; i < sizeof(candidates) / sizeof(*candidates); i++) {
		unsigned its = elf_machine(candidates[i]);
		if (its == 0 || its == mine)
			continue;
		const struct pmem_backend *b = NULL;
		errno = 0;
		cr_assert_eq(pmem_backend_load(candidates[i], &b), -1);
		cr_assert_eq(errno, ENOEXEC);
		cr_assert_null(b);
		const char *msg = pmem_errormsg();
		cr_assert(strstr(msg, "built for") != NULL &&
				strstr(msg, "this library is") != NULL,
				"%s", msg);
		cr_assert(strstr(msg, its == EM_X86_64 ? "x86-64" : "AArch64"),
				"%s", msg);
		return;
	}
	fprintf(stderr, "SKIP foreign_plugin::other_machine_refused: no "
			"shared object of another machine here\n");
	cr_skip_test("no shared object of another machine here");
}

/* The core's own last resorts on AArch64: DC CVAC and temporal copies
 * (x86-64's are in test_select.c). */
#if defined(__aarch64__)
Test(arm_choice, nothing_linked_in_uses_builtins)
{
	static const struct pmem_backend *const none[] = { NULL };
	struct pmem_select_in in = { .cpu = &a57, .env = fake_env,
		.backends = none };
	vars[0] = NULL;
	pmem_select_backends(&in, &sel);
	cr_assert_eq(sel.choice.flush, &pmem_builtin_flush);
	cr_assert_str_eq(sel.choice.flush->name, "builtin-dc-cvac");
	cr_assert_eq(sel.choice.copy, &pmem_builtin_copy);
	char why[128];
	cr_assert_eq(pmem_backend_validate(&pmem_builtin_flush, why,
			sizeof(why)), 0, "%s", why);
}
#endif

/* The fake table has the facts of the descriptors linked in here. */
Test(arm_choice, fakes_have_the_real_descriptors_facts)
{
	/* msync-fallback and nop are linked in on every ISA */
	cr_assert_geq(fakes_match_linked(all), 2);
}
