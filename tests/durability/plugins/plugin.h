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

/* The fields of a broken backend's descriptor: its name, its bug (the
 * description) and its functions; any others (cpu_needs, caps) follow:
 * BROKEN_PLUGIN = { BROKEN_FLUSH(...), .cpu_needs = ... }; */
#define BROKEN_HEAD(nm, bug) .abi_version = PMEM_BACKEND_ABI_VERSION, \
	.size = sizeof(struct pmem_backend), .name = nm, .description = bug, \
	.probe = probe_any
#define BROKEN_FLUSH(nm, bug, fl, dr) BROKEN_HEAD(nm, bug), \
	.kind = PMEM_BACKEND_FLUSH, .flush = fl, .drain = dr
#define BROKEN_COPY(nm, bug, mv, st) BROKEN_HEAD(nm, bug), \
	.kind = PMEM_BACKEND_COPY, .memmove_nt = mv, .memset_nt = st

/* flush(): line_op on every line of the range; drain(): fence.  The half
 * most broken flush backends get right (needs flush_lines.h). */
#define LINE_FLUSH_AND_DRAIN(line_op, fence) \
	static void flush(const void *addr, size_t len) \
	{ \
		FOR_EACH_LINE(addr, len, line_op); \
	} \
	static void drain(void) \
	{ \
		fence(); \
	}

#endif
