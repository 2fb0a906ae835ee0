/*
 * test_builtin_ppc64.c -- the core's own last resorts on 64-bit POWER:
 * dcbst with hwsync, and temporal copies (x86-64's are in test_select.c,
 * AArch64's in test_select_arm.c).  Built only for ppc64.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "select_fake.h"

Test(ppc_builtin, nothing_linked_in_uses_builtins)
{
	static const struct pmem_cpu p9 = { PMEM_CPU_DCBST, "", 0, 0 };
	cr_assert_str_eq(choose_builtins(&p9)->flush->name, "builtin-dcbst");
	/* and it runs: one line written back and ordered */
	static char line[128] __attribute__((aligned(128)));
	memset(line, 0x5a, sizeof(line));
	pmem_builtin_flush.flush(line, sizeof(line));
	pmem_builtin_flush.drain();
	cr_assert_eq(line[127], 0x5a);
}
