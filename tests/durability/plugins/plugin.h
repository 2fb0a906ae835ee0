/*
 * plugin.h -- the entry point of the broken check plugins: each file
 * defines its descriptor with BROKEN_PLUGIN(...) and is built with the
 * check primitives (build/check/tests/plugins/<name>.so), as a vendor
 * builds an out-of-tree backend for pmem-check.
 */
#ifndef BROKEN_PLUGIN_H
#define BROKEN_PLUGIN_H 1

#include "libpmem_backend.h"

static int probe_any(const struct pmem_cpu *cpu)
{
	(void)cpu;
	return 1;
}

#define BROKEN_PLUGIN \
	static const struct pmem_backend desc; \
	PMEM_BACKEND_EXPORT(desc) \
	static const struct pmem_backend desc

#endif
