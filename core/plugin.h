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
 * Checks abi_version, size, name, kind, probe, the functions its kind
 * requires (and that the other kind's are NULL), reserved fields and caps.
 * Returns 0, or -1 with a short reason in why ("declares ABI version 99,
 * this library supports 1 to 2").
 */
int pmem_backend_validate(const struct pmem_backend *b, char *why,
		size_t whysize);

/*
 * Checks path (pmem_os_lib_check: a regular file, on Linux an ELF object
 * for this machine), loads it (pmem_os_lib_open), checks that the entry symbol is a
 * function, calls it and copies the descriptor into library-owned storage
 * (fields the plugin does not know read as zero), which it validates.  On
 * success stores the copy and a handle and returns 0; on failure returns
 * -1 with errno and pmem_errormsg() set (the message starts with the path)
 * and nothing left loaded.  handle may be NULL: then the plugin and the
 * copy stay for the life of the process.
 */
int pmem_plugin_open(const char *path, const struct pmem_backend **out,
		void **handle);

/* Unloads a plugin opened by pmem_plugin_open() and frees its copy. */
void pmem_plugin_close(void *handle);

/* path, shortened from the front to at most max bytes ("...tail"), so a
 * message built from it keeps its reason. */
const char *pmem_short_path(const char *path, char *buf, size_t max);

#endif
