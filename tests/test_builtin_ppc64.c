/*
 * test_builtin_ppc64.c -- the core's own last resorts on 64-bit POWER:
 * dcbst with hwsync, and temporal copies (x86-64's are in test_select.c,
 * AArch64's in test_select_arm.c).  Built only for ppc64.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "plugin.h"
#include "select.h"

static const char *no_env(const char *name, void *ctx)
{
	(void)name;
	(void)ctx;
	return NULL;
}

Test(ppc_builtin, nothing_linked_in_uses_builtins)
{
	static const struct pmem_backend *const none[] = { NULL };
	static const struct pmem_cpu p9 = { PMEM_CPU_DCBST, "", 0, 0 };
	static struct pmem_selection sel;
	struct pmem_select_in in = { .cpu = &p9, .env = no_env,
		.backends = none };
	pmem_select_backends(&in, &sel);
	cr_assert_eq(sel.choice.flush, &pmem_builtin_flush);
	cr_assert_str_eq(sel.choice.flush->name, "builtin-dcbst");
	cr_assert_eq(sel.choice.copy, &pmem_builtin_copy);
	char why[128];
	cr_assert_eq(pmem_backend_validate(&pmem_builtin_flush, why,
			sizeof(why)), 0, "%s", why);
	/* and it runs: one line written back and ordered */
	static char line[128] __attribute__((aligned(128)));
	memset(line, 0x5a, sizeof(line));
	pmem_builtin_flush.flush(line, sizeof(line));
	pmem_builtin_flush.drain();
	cr_assert_eq(line[127], 0x5a);
}
