/* Named "clwb", needs nothing, but its probe refuses: the refusal must
 * say the probe refused, not "needs CLWB". */
#include "plugin_common.h"

static int probe_no(const struct pmem_cpu *cpu)
{
	(void)cpu;
	return 0;
}

static const struct pmem_backend desc = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "clwb",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe_no,
	.flush = flush_lines,
	.drain = drain_fence,
};

EXPORT const struct pmem_backend *pmem_backend_entry(void)
{
	return &desc;
}
