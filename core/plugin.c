/*
 * plugin.c -- dlopen() a backend plugin and refuse anything that is not a
 * complete backend this library can call.
 *
 * The descriptor's abi_version and size tell which fields the plugin
 * knows.  Older versions are accepted (fields only ever grow at the end);
 * a newer version, version 0, or a size below version 1's is refused, as is
 * a missing name, probe or function the kind requires.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "export.h"
#include "plugin.h"

int pmem_backend_validate(const struct pmem_backend *b, char *why,
		size_t whysize)
{
	if (b->abi_version == 0 || b->abi_version > PMEM_BACKEND_ABI_VERSION) {
		snprintf(why, whysize, "declares ABI version %u (this library: "
				"1 to %u)", (unsigned)b->abi_version,
				PMEM_BACKEND_ABI_VERSION);
		return -1;
	}
	if (b->size < PMEM_BACKEND_V1_SIZE) {
		snprintf(why, whysize, "descriptor size %u is smaller than "
				"version 1's (%zu)", (unsigned)b->size,
				(size_t)PMEM_BACKEND_V1_SIZE);
		return -1;
	}
	if (b->name == NULL || b->name[0] == '\0') {
		snprintf(why, whysize, "descriptor has no name");
		return -1;
	}
	if (b->probe == NULL) {
		snprintf(why, whysize, "'%s' has no probe function", b->name);
		return -1;
	}
	switch (b->kind) {
	case PMEM_BACKEND_FLUSH:
		if (b->flush == NULL || b->drain == NULL) {
			snprintf(why, whysize, "flush backend '%s' has a NULL "
					"%s function", b->name,
					b->flush ? "drain" : "flush");
			return -1;
		}
		break;
	case PMEM_BACKEND_COPY:
		if (b->memmove_nt == NULL || b->memset_nt == NULL) {
			snprintf(why, whysize, "copy backend '%s' has a NULL "
					"%s function", b->name, b->memmove_nt ?
					"memset_nt" : "memmove_nt");
			return -1;
		}
		break;
	default:
		snprintf(why, whysize, "'%s' has unknown kind %u", b->name,
				(unsigned)b->kind);
		return -1;
	}
	return 0;
}

/* dlopen's own message for a text file is obscure; say it plainly. */
static int check_elf(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pmem_err_errno(errno, "%s: cannot open plugin", path);
		return -1;
	}
	unsigned char magic[4] = { 0 };
	ssize_t n = read(fd, magic, sizeof(magic));
	int err = errno;
	close(fd);
	if (n < 0) {
		pmem_err_errno(err, "%s: cannot read plugin", path);
		return -1;
	}
	if (n != 4 || memcmp(magic, "\177ELF", 4) != 0) {
		pmem_err_msg("%s: not an ELF shared object", path);
		errno = ENOEXEC;
		return -1;
	}
	return 0;
}

int pmem_plugin_open(const char *path, const struct pmem_backend **out,
		void **handle)
{
	if (path == NULL || out == NULL) {
		pmem_err_msg("plugin path is NULL");
		errno = EINVAL;
		return -1;
	}
	if (check_elf(path) != 0)
		return -1;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		const char *e = dlerror();
		pmem_err_msg("%s: cannot load: %s", path, e ? e : "dlopen failed");
		errno = ENOEXEC;
		return -1;
	}
	pmem_backend_entry_fn *entry;
	*(void **)&entry = dlsym(h, PMEM_BACKEND_ENTRY_SYMBOL);
	if (entry == NULL) {
		pmem_err_msg("%s: no entry symbol %s", path,
				PMEM_BACKEND_ENTRY_SYMBOL);
		dlclose(h);
		errno = EINVAL;
		return -1;
	}
	const struct pmem_backend *b = entry();
	char why[256];
	if (b == NULL) {
		snprintf(why, sizeof(why), "%s returned NULL",
				PMEM_BACKEND_ENTRY_SYMBOL);
	} else if (pmem_backend_validate(b, why, sizeof(why)) == 0) {
		*out = b;
		if (handle)
			*handle = h;
		return 0;
	}
	pmem_err_msg("%s: %s", path, why);
	dlclose(h);
	errno = EINVAL;
	return -1;
}

void pmem_plugin_close(void *handle)
{
	if (handle)
		dlclose(handle);
}

PMEM_EXPORT int pmem_backend_load(const char *path,
		const struct pmem_backend **out)
{
	/* The caller keeps the descriptor, so the plugin stays loaded. */
	return pmem_plugin_open(path, out, NULL);
}
