/*
 * plugin.c -- load a backend plugin (os/os.h: dlopen or LoadLibraryW) and refuse anything that is not a
 * complete backend this library can call.
 *
 * The descriptor's abi_version and size tell which fields the plugin
 * knows.  Older versions are accepted (fields only ever grow at the end);
 * a newer version, version 0, or a size below version 1's is refused, as is
 * a missing name, probe or function the kind requires.  The library never
 * uses the plugin's descriptor itself: it copies it (and the strings) once,
 * validates the copy and uses only that, so a probe that rewrites its own
 * descriptor changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "export.h"
#include "os.h"
#include "plugin.h"
#include "services.h"

/* The function pointer of the other kind must be NULL: a descriptor that
 * fills both is a mistake the author should hear about. */
static int check_kind(const struct pmem_backend *b, char *why, size_t ws)
{
	int flush_fns = (b->flush != NULL) + (b->drain != NULL);
	int copy_fns = (b->memmove_nt != NULL) + (b->memset_nt != NULL);
	int fc_fns = (b->memmove_flush != NULL) + (b->memset_flush != NULL);
	switch (b->kind) {
	case PMEM_BACKEND_FLUSH:
		if (flush_fns != 2) {
			snprintf(why, ws, "flush backend '%s' has a NULL %s "
					"function", b->name, b->flush ?
					"drain" : "flush");
			return -1;
		}
		if (copy_fns) {
			snprintf(why, ws, "flush backend '%s' has copy "
					"functions (memmove_nt/memset_nt must "
					"be NULL)", b->name);
			return -1;
		}
		if (fc_fns == 1) {
			snprintf(why, ws, "flush backend '%s' has %s but not "
					"%s", b->name, b->memmove_flush ?
					"memmove_flush" : "memset_flush",
					b->memmove_flush ? "memset_flush" :
					"memmove_flush");
			return -1;
		}
		return 0;
	case PMEM_BACKEND_COPY:
		if (copy_fns != 2) {
			snprintf(why, ws, "copy backend '%s' has a NULL %s "
					"function", b->name, b->memmove_nt ?
					"memset_nt" : "memmove_nt");
			return -1;
		}
		if (flush_fns || fc_fns) {
			snprintf(why, ws, "copy backend '%s' has flush "
					"functions (flush/drain/memmove_flush/"
					"memset_flush must be NULL)",
					b->name);
			return -1;
		}
		if (b->caps) {
			snprintf(why, ws, "copy backend '%s' declares caps "
					"0x%x (they describe flush backends)",
					b->name, (unsigned)b->caps);
			return -1;
		}
		return 0;
	default:
		snprintf(why, ws, "'%s' has unknown kind %u", b->name,
				(unsigned)b->kind);
		return -1;
	}
}

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
	if (b->reserved != 0 || b->reserved2 != 0) {
		snprintf(why, whysize, "'%s' has a non-zero reserved field",
				b->name);
		return -1;
	}
	if (b->caps & ~PMEM_BACKEND_CAPS_KNOWN) {
		snprintf(why, whysize, "'%s' declares unknown caps 0x%x (this "
				"library knows 0x%x)", b->name,
				(unsigned)(b->caps & ~PMEM_BACKEND_CAPS_KNOWN),
				PMEM_BACKEND_CAPS_KNOWN);
		return -1;
	}
	if (b->probe == NULL) {
		snprintf(why, whysize, "'%s' has no probe function", b->name);
		return -1;
	}
	return check_kind(b, why, whysize);
}

const char *pmem_short_path(const char *path, char *buf, size_t max)
{
	size_t len = strlen(path);
	if (len <= max || max < 4)
		return path;
	const char *tail = path + len - (max - 3);
	while (((unsigned char)*tail & 0xc0) == 0x80)
		tail++;		/* start on a character, not inside one */
	snprintf(buf, max + 1, "...%s", tail);
	return buf;
}

/* Paths in messages are cut to this, so ": reason" always fits. */
#define PATH_SHOWN 200
#define SHORT(p, buf) pmem_short_path((p), (buf), PATH_SHOWN)

/* What the library keeps of a loaded plugin. */
struct plugin {
	void *dl;
	struct pmem_backend desc;
	char name[64];
	char description[256];
};

/* Copies the descriptor and its strings into p; validates the copy. */
static int take_copy(struct plugin *p, const struct pmem_backend *b,
		char *why, size_t ws)
{
	size_t n = b->size < sizeof(p->desc) ? b->size : sizeof(p->desc);
	memset(&p->desc, 0, sizeof(p->desc));
	memcpy(&p->desc, b, n);
	if (p->desc.size < PMEM_BACKEND_V1_SIZE)	/* say it, copy nothing */
		return pmem_backend_validate(&p->desc, why, ws);
	if (p->desc.name) {
		if (strnlen(p->desc.name, sizeof(p->name)) == sizeof(p->name)) {
			snprintf(why, ws, "name longer than %zu bytes",
					sizeof(p->name) - 1);
			return -1;
		}
		strcpy(p->name, p->desc.name);
		p->desc.name = p->name;
	}
	if (p->desc.description) {
		snprintf(p->description, sizeof(p->description), "%s",
				p->desc.description);
		p->desc.description = p->description;
	}
	return pmem_backend_validate(&p->desc, why, ws);
}

int pmem_plugin_open(const char *path, const struct pmem_backend **out,
		void **handle)
{
	char sp[PATH_SHOWN + 1];
	if (path == NULL || out == NULL) {
		pmem_err_msg("plugin path is NULL");
		errno = EINVAL;
		return -1;
	}
	if (pmem_os_lib_check(path, SHORT(path, sp)) != 0)
		return -1;
	struct plugin *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		pmem_err_errno(ENOMEM, "%s: cannot load", SHORT(path, sp));
		return -1;
	}
	char why[256];
	p->dl = pmem_os_lib_open(path, why, sizeof(why));
	if (p->dl == NULL) {
		pmem_err_msg("%s: cannot load: %s", SHORT(path, sp), why);
		free(p);
		errno = ENOEXEC;
		return -1;
	}
	void *sym = pmem_os_lib_sym(p->dl, PMEM_BACKEND_ENTRY_SYMBOL);
	if (sym == NULL) {
		snprintf(why, sizeof(why), "no entry symbol %s",
				PMEM_BACKEND_ENTRY_SYMBOL);
	} else if (pmem_os_lib_sym_is_function(sym) == 0) {
		snprintf(why, sizeof(why), "%s is not a function (export a "
				"function that returns the descriptor)",
				PMEM_BACKEND_ENTRY_SYMBOL);
	} else {
		pmem_backend_entry_fn *entry;
		*(void **)&entry = sym;
		const struct pmem_backend *b = entry();
		if (b == NULL) {
			snprintf(why, sizeof(why), "%s returned NULL",
					PMEM_BACKEND_ENTRY_SYMBOL);
		} else if (take_copy(p, b, why, sizeof(why)) == 0) {
			pmem_backend_attach(&p->desc);	/* before its probe */
			*out = &p->desc;
			if (handle)
				*handle = p;
			return 0;
		}
	}
	pmem_err_msg("%s: %s", SHORT(path, sp), why);
	pmem_os_lib_close(p->dl);
	free(p);
	errno = EINVAL;
	return -1;
}

void pmem_plugin_close(void *handle)
{
	struct plugin *p = handle;
	if (p) {
		pmem_os_lib_close(p->dl);
		free(p);
	}
}

PMEM_EXPORT int pmem_backend_load(const char *path,
		const struct pmem_backend **out)
{
	/* The caller keeps the descriptor, so the plugin stays loaded. */
	return pmem_plugin_open(path, out, NULL);
}
