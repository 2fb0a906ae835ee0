/*
 * A version 1 plugin (size of version 1) named like a built-in that has
 * capabilities: names give none, and the bytes after its size are not
 * read (they hold values a version 2 library would refuse).
 */
#include <stddef.h>
#include "plugin_common.h"

PLUGIN_DESCRIPTOR = {
	.abi_version = 1,
	.size = offsetof(struct pmem_backend, cpu_needs),
	.name = "msync-fallback",
	.description = "test plugin: version 1, CLFLUSH",
	FLUSH_FIELDS,
	/* past the version 1 size: garbage as far as the library knows */
	.cpu_needs = ~0ULL,
	.caps = 0xffffffffu,
	.reserved2 = 7,
};
