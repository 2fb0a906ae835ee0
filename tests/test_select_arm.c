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

/* What cpu_aarch64.c reports: Neoverse N1 has DCPoP, Cortex-A57 (qemu's
 * test CPU) has not, an ARMv8.5 core also has DCPoDP. */
static const struct pmem_cpu n1 = {
	PMEM_CPU_DC_CVAC | PMEM_CPU_ASIMD | PMEM_CPU_DCPOP, "", 0, 0 };
static const struct pmem_cpu a57 = {
	PMEM_CPU_DC_CVAC | PMEM_CPU_ASIMD, "", 0, 0 };

#define ISA_BEST "dc-cvap"
#define ISA_BEST_NEEDS PMEM_CPU_DCPOP
#define ISA_BEST_FEATURE "DCPoP (DC CVAP)"
#define ISA_FALLBACK "dc-cvac"
#define ISA_FALLBACK_NEEDS PMEM_CPU_DC_CVAC
#define ISA_FALLBACK_FEATURE "DC CVAC"
#define ISA_SUITE arm_choice
#define ISA_HAS n1
#define ISA_LACKS a57
#define TEST_BEST dcpop_gets_dc_cvap
#define TEST_FALLBACK no_dcpop_gets_dc_cvac_and_says_why
#define TEST_FORCED_BEST forced_dc_cvap_refused_without_dcpop
#include "select_fake_temporal.h"

/* x86 backends are never linked into the AArch64 build. */
Test(arm_choice, reasons_do_not_mention_x86)
{
	static const char *const x86[] = { "clwb", "clflush", NULL };
	reasons_omit(&a57, x86);
}

Test(arm_choice, auto_flush_and_no_flush_pick_nop)
{
	nop_for_auto_flush_and_no_flush(&n1, &n1);
}

Test(arm_choice, x86_name_refused)
{
	other_isa_name_refused(&n1, "clwb", "dc-cvap");
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
	cr_assert_str_eq(choose_builtins(&a57)->flush->name,
			"builtin-dc-cvac");
}
#endif
