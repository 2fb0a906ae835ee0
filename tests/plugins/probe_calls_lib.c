/*
 * A copy plugin whose entry and probe ask the library for the CPU and the
 * choice while it is still choosing, as a vendor probe plausibly does.
 * Needs the library's symbols from the program (libpmem.so); refuses
 * unless the CPU is already known and the choice answer is sane.
 */
#include "plugin_common.h"

static int probe_asks(const struct pmem_cpu *cpu)
{
	const struct pmem_cpu *lib = pmem_backend_get_cpu();
	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	return lib != NULL && (lib->features & PMEM_CPU_SSE2) &&
		lib->features == cpu->features && c != NULL &&
		c->flush != NULL && c->copy != NULL;
}

static const struct pmem_backend desc = {
	PLUGIN_HEAD,
	.name = "probe_calls_lib",
	.description = "test plugin: probe calls pmem_backend_get_*",
	.kind = PMEM_BACKEND_COPY,
	.probe = probe_asks,
	.memmove_nt = copy_plain,
	.memset_nt = set_plain,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	if ((pmem_backend_get_cpu()->features & PMEM_CPU_SSE2) == 0 ||
			pmem_backend_get_choice() == NULL)
		return NULL;
	return &desc;
}
