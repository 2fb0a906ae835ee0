/*
 * plugin.h -- loading a backend from a plugin .so and checking that a
 * descriptor (loaded or linked in) is complete enough to call.
 */
#ifndef PMEM_PLUGIN_H
#define PMEM_PLUGIN_H 1

#include <stddef.h>
#include "libpmem_backend.h"

/* Bytes of a version 1 descriptor: everything up to memset_nt. */
#define PMEM_BACKEND_V1_SIZE \
	(offsetof(struct pmem_backend, memset_nt) + sizeof(void (*)(void)))

/*
 * Checks abi_version, size, name, kind, probe and the functions its kind
 * requires.  Returns 0, or -1 with a short reason in why ("declares ABI
 * version 99, this library supports 1").
 */
int pmem_backend_validate(const struct pmem_backend *b, char *why,
		size_t whysize);

/*
 * dlopen()s path (RTLD_NOW | RTLD_LOCAL), finds the entry symbol and
 * validates the descriptor.  On success stores it and the dlopen handle and
 * returns 0; on failure returns -1 with errno and pmem_errormsg() set (the
 * message starts with the path) and nothing left loaded.
 */
int pmem_plugin_open(const char *path, const struct pmem_backend **out,
		void **handle);

/* Unloads a plugin opened by pmem_plugin_open(). */
void pmem_plugin_close(void *handle);

#endif
