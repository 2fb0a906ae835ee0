/*
 * pmem-info -- what libpmem chose on this machine and why, and whether a
 * given file, directory or device would be mapped as persistent memory.
 *
 *   pmem-info [--json]           the backends, the reasons, the CPU
 *   pmem-info [--json] PATH      would PATH be pmem, and if not why
 *
 * Exit status: 0 = done (PATH would be pmem), 1 = PATH would not be
 * mapped as pmem, 2 = usage error or PATH cannot be examined.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmem-info/calibrate.h"
#include "pmem-info/info_os.h"
#include "libpmem.h"
#include "libpmem_backend.h"
#include "cpu.h"
#include "os.h"
#include "profile.h"
#include "select.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif


static int json;

static void usage(FILE *f)
{
	fprintf(f,
"usage: pmem-info [--json] [PATH] | --calibrate [--quick] [--save [FILE]]\n"
"\n"
"Without PATH: the flush and copy backends libpmem chose on this machine\n"
"and why, the CPU features it saw, and every linked-in or plugin backend\n"
"with whether this CPU can run it.\n"
"\n"
"With PATH (a file, a directory or a Device DAX): whether libpmem would\n"
"map it as persistent memory, and if not why.\n"
"\n"
"  --json   the same facts as one JSON object\n"
"  --calibrate [--quick]  time the backend pairs and NT thresholds this\n"
"           CPU runs (under 60 s) and print the fastest; changes nothing\n"
"  --save [FILE]  with --calibrate: write the result as the machine\n"
"           profile libpmem applies at start-up (default " PMEM_PROFILE_PATH ")\n"
"  --help   this text\n"
"\n"
"Exit status: 0 done (PATH would be pmem), 1 PATH would not be pmem,\n"
"2 usage error or PATH cannot be examined.\n");
}

/* ---- JSON output ----------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	int n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 :
		c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3) {
		unsigned v = (c & 0x0f) << 12 | (s[1] & 0x3fu) << 6;
		if (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))
			return 0;	/* overlong or a surrogate */
	}
	if (n == 4) {
		unsigned v = (c & 0x07) << 18 | (s[1] & 0x3fu) << 12;
		if (v < 0x10000 || v > 0x10ffff)
			return 0;
	}
	return n;
}

/* A JSON string: valid UTF-8 kept, every invalid byte as U+FFFD. */
static void jstr(const char *str)
{
	if (str == NULL) {
		fputs("null", stdout);
		return;
	}
	const unsigned char *s = (const unsigned char *)str;
	putchar('"');
	while (*s) {
		int n = utf8_len(s);
		if (n == 0) {
			fputs("\\ufffd", stdout);
			s++;
		} else if (*s == '"' || *s == '\\') {
			printf("\\%c", *s++);
		} else if (*s < 0x20 || *s == 0x7f) {
			printf("\\u%04x", *s++);
		} else {
			fwrite(s, 1, (size_t)n, stdout);
			s += n;
		}
	}
	putchar('"');
}

/* For the text output: control characters as \n or \xNN, so a name
 * cannot start a line of its own (a forged "refused:"), and bytes that
 * are not UTF-8 as \xNN. */
static const char *tstr(const char *str, char *buf, size_t size)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	size_t used = 0;
	while (*s && used + 5 < size) {
		int n = utf8_len(s);
		if (*s == '\n') {
			used += (size_t)snprintf(buf + used, size - used,
					"\\n");
			s++;
		} else if (n == 0 || *s < 0x20 || *s == 0x7f) {
			used += (size_t)snprintf(buf + used, size - used,
					"\\x%02x", *s++);
		} else {
			while (n-- > 0 && used + 1 < size)
				buf[used++] = (char)*s++;
		}
	}
	buf[used] = '\0';
	return buf;
}

/* Up to four escaped strings per printf call. */
#define T(i, s) tstr((s), tbuf[i], sizeof(tbuf[i]))
static char tbuf[4][2048];

/* Prints `"key": ` preceded by a comma unless first. */
static void jkey(int *first, const char *key)
{
	printf("%s\n  ", *first ? "" : ",");
	*first = 0;
	jstr(key);
	fputs(": ", stdout);
}

/* ---- the choice ------------------------------------------------------ */

static const char *kind_name(unsigned kind)
{
	return kind == PMEM_BACKEND_FLUSH ? "flush" :
		kind == PMEM_BACKEND_COPY ? "copy" : "?";
}

struct found {
	char path[PATH_MAX];
	const struct pmem_backend *b;	/* NULL: refused */
	char why[512];
};

static struct found found[256];
static unsigned nfound;
/* Directories already scanned, by real path: /x/sub before /x must not
 * hide /x (a prefix is not the same directory). */
static char scanned[64][PATH_MAX];
static unsigned nscanned;

static void scan_dir(const char *dir)
{
	char real[PATH_MAX];
	if (info_real_path(dir, real, sizeof(real)) != 0)
		return;
	for (unsigned i = 0; i < nscanned; i++)	/* listed twice */
		if (strcmp(scanned[i], real) == 0)
			return;
	if (nscanned < sizeof(scanned) / sizeof(*scanned))
		strcpy(scanned[nscanned++], real);
	char (*names)[256] = NULL;
	int n = info_list_plugins(real, &names);
	for (int i = 0; i < n; i++) {
		if (nfound < sizeof(found) / sizeof(*found)) {
			struct found *f = &found[nfound++];
			int w = snprintf(f->path, sizeof(f->path), "%s/%s",
					real, names[i]);
			if (w < 0 || (size_t)w >= sizeof(f->path)) {
				f->b = NULL;
				snprintf(f->why, sizeof(f->why), "path too "
						"long");
			} else if (pmem_backend_load(f->path, &f->b) != 0) {
				f->b = NULL;
				snprintf(f->why, sizeof(f->why), "%s",
						pmem_errormsg());
			}
		}
	}
	free(names);
}

/* PMEM_BACKEND_PATH (or the install's directory), then the backends/
 * directory next to this program (the build tree). */
static void scan_plugins(void)
{
	const char *path = pmem_os_secure_getenv("PMEM_BACKEND_PATH");
	if (path == NULL || path[0] == '\0')
		path = PMEM_PLUGIN_DIR;
	char *copy = strdup(path);
	for (char *d = copy; d && *d; ) {
		size_t len = strcspn(d, pmem_os_path_list_sep);
		char *next = d + len + (d[len] != '\0');
		d[len] = '\0';
		if (len)
			scan_dir(d);
		d = next;
	}
	free(copy);
	char exe[PATH_MAX];
	if (info_exe_dir(exe, sizeof(exe) - 16) == 0) {
		strcat(exe, "/backends");
		scan_dir(exe);
	}
}

/* Length of a plugin file's name without ".so" (".dll"). */
static int stem_len(const char *path)
{
	return (int)(strlen(strrchr(path, '/') + 1) -
			strlen(pmem_os_lib_suffix));
}

/* " [needs AVX+AVX2]" from the descriptor, or "". */
static const char *needs_note(const struct pmem_backend *b)
{
	static char buf[160];
	char f[128];
	buf[0] = '\0';
	if (pmem_select_needs(b, f, sizeof(f)))
		snprintf(buf, sizeof(buf), " [needs %s]", f);
	return buf;
}

static void print_choice_text(const struct pmem_backend_choice *c,
		const struct pmem_cpu *cpu)
{
	char feats[256];
	printf("flush: %s (%s)\n", T(0, c->flush->name), T(1, c->flush_reason));
	printf("copy: %s (%s)\n", T(0, c->copy->name), T(1, c->copy_reason));
	if (c->movnt)
		printf("movnt threshold: %zu\n", c->movnt_threshold);
	else
		printf("movnt threshold: off (every copy temporal)\n");
	if (c->movnt && c->small_nt)
		printf("small copies: non-temporal when address and length "
		       "are multiples of 4 and a move does not overlap\n");
	if (c->refusal)
		printf("refused: %s\n", T(0, c->refusal));
	printf("profile: %s\n", T(0, pmem_profile_get_state()->status));
	printf("auto flush: %s\n", pmem_has_auto_flush() == 1 ? "yes" : "no");
	if (cpu->vendor[0])
		printf("cpu: %s family 0x%x model 0x%x\n", T(0, cpu->vendor),
				cpu->family, cpu->model);
	else	/* AArch64: no CPUID vendor, the kernel's hwcaps */
		printf("cpu: features from the kernel's hwcaps\n");
	printf("cpu features: %s\n",
			pmem_cpu_features_str(cpu->features, feats,
				sizeof(feats)));
	printf("backends (linked in):\n");
	const struct pmem_backend *b;
	for (unsigned i = 0; (b = pmem_backend_get_static(i)); i++)
		printf("  %-16s %-5s  %-23s %s%s\n", b->name,
				kind_name(b->kind), pmem_select_usable(b, cpu) ?
				"usable" : "not usable on this CPU",
				b->description ? b->description : "",
				needs_note(b));
	printf("plugins:%s\n", nfound ? "" : " none found");
	for (unsigned i = 0; i < nfound; i++) {
		const struct found *f = &found[i];
		char stem[PATH_MAX];
		snprintf(stem, sizeof(stem), "%.*s", stem_len(f->path),
				strrchr(f->path, '/') + 1);
		if (f->b)
			printf("  %-16s %-5s  %-23s %s%s\n", T(0, f->b->name),
					kind_name(f->b->kind),
					pmem_select_usable(f->b, cpu) ?
					"usable" : "not usable on this CPU",
					T(1, f->path), needs_note(f->b));
		else
			printf("  %-16s refused: %s\n", T(0, stem),
					T(1, f->why));
	}
}

static void json_backend(const struct pmem_backend *b,
		const struct pmem_cpu *cpu, const char *path)
{
	printf("{\"name\": ");
	jstr(b->name);
	printf(", \"kind\": ");
	jstr(kind_name(b->kind));
	printf(", \"usable\": %s, \"plugin\": ", pmem_select_usable(b, cpu) ?
			"true" : "false");
	jstr(path);
	printf(", \"description\": ");
	jstr(b->description);
	char feats[256];
	pmem_cpu_features_str(b->cpu_needs, feats, sizeof(feats));
	printf(", \"needs\": [");
	int n = 0;
	for (char *save, *w = strtok_r(feats, " ", &save); w;
			w = strtok_r(NULL, " ", &save)) {
		printf("%s", n++ ? ", " : "");
		jstr(w);
	}
	static const struct {
		uint32_t bit;
		const char *name;
	} caps[] = {
		{ PMEM_BACKEND_CAP_NO_WRITEBACK, "no-writeback" },
		{ PMEM_BACKEND_CAP_NO_NT, "no-nt" },
		{ PMEM_BACKEND_CAP_EADR_ONLY, "eadr-only" },
		{ PMEM_BACKEND_CAP_PAGE_CACHE, "page-cache" },
	};
	printf("], \"caps\": [");
	n = 0;
	for (size_t i = 0; i < sizeof(caps) / sizeof(*caps); i++)
		if (b->caps & caps[i].bit) {
			printf("%s", n++ ? ", " : "");
			jstr(caps[i].name);
		}
	printf("]}");
}

static void print_choice_json(const struct pmem_backend_choice *c,
		const struct pmem_cpu *cpu)
{
	int first = 1;
	char feats[256];
	putchar('{');
	jkey(&first, "flush");
	printf("{\"name\": ");
	jstr(c->flush->name);
	printf(", \"reason\": ");
	jstr(c->flush_reason);
	printf("}");
	jkey(&first, "copy");
	printf("{\"name\": ");
	jstr(c->copy->name);
	printf(", \"reason\": ");
	jstr(c->copy_reason);
	printf("}");
	jkey(&first, "movnt");
	printf("%s", c->movnt ? "true" : "false");
	jkey(&first, "movnt_threshold");
	if (c->movnt)
		printf("%zu", c->movnt_threshold);
	else
		printf("null");
	jkey(&first, "small_nt");
	printf("%s", c->movnt && c->small_nt ? "true" : "false");
	jkey(&first, "refusal");
	jstr(c->refusal);
	jkey(&first, "profile");
	printf("{\"status\": ");
	jstr(pmem_profile_get_state()->status);
	printf(", \"applied\": %s}", pmem_profile_get_state()->applied ?
			"true" : "false");
	jkey(&first, "auto_flush");
	printf("%s", pmem_has_auto_flush() == 1 ? "true" : "false");
	jkey(&first, "cpu");
	printf("{\"vendor\": ");
	jstr(cpu->vendor);
	printf(", \"family\": %u, \"model\": %u, \"features\": [",
			cpu->family, cpu->model);
	pmem_cpu_features_str(cpu->features, feats, sizeof(feats));
	int n = 0;
	for (char *save, *w = strtok_r(feats, " ", &save); w;
			w = strtok_r(NULL, " ", &save)) {
		printf("%s", n++ ? ", " : "");
		jstr(w);
	}
	printf("]}");
	jkey(&first, "backends");
	putchar('[');
	const struct pmem_backend *b;
	n = 0;
	for (unsigned i = 0; (b = pmem_backend_get_static(i)); i++) {
		printf("%s\n    ", n++ ? "," : "");
		json_backend(b, cpu, NULL);
	}
	printf("]");
	jkey(&first, "plugins");
	putchar('[');
	for (unsigned i = 0; i < nfound; i++) {
		printf("%s\n    ", i ? "," : "");
		if (found[i].b) {
			json_backend(found[i].b, cpu, found[i].path);
		} else {
			printf("{\"plugin\": ");
			jstr(found[i].path);
			printf(", \"refused\": ");
			jstr(found[i].why);
			printf("}");
		}
	}
	printf("]\n}\n");
}

/* ---- would PATH be pmem? --------------------------------------------- */

void because(struct facts *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
}

/* Cross-check: what pmem_map_file() itself reports for the path. */
static void ask_library(struct facts *f, const char *path, int is_dir)
{
	size_t mapped = 0;
	int is_pmem = 0;
	void *p = is_dir ? pmem_map_file(path, 4096, PMEM_FILE_CREATE |
			PMEM_FILE_TMPFILE, 0600, &mapped, &is_pmem) :
		pmem_map_file(path, 0, 0, 0, &mapped, &is_pmem);
	if (p == NULL) {
		snprintf(f->lib_error, sizeof(f->lib_error), "%s",
				pmem_errormsg());
		return;
	}
	pmem_unmap(p, mapped);
	f->lib_is_pmem = is_pmem != 0;
}

/* PMEM_IS_PMEM_FORCE overrides what pmem_is_pmem() reports; parsed as
 * the library parses it (atoi: "01" is 1, text is 0, 2 is ignored). */
static void apply_force(struct facts *f)
{
	const char *force = getenv("PMEM_IS_PMEM_FORCE");
	if (force == NULL || f->writable != 1)
		return;
	int v = atoi(force);
	char real[sizeof(f->reason)];
	snprintf(real, sizeof(real), "%s", f->reason);
	if ((v == 0 || v == 1) && v != f->pmem) {
		f->pmem = v;
		because(f, "PMEM_IS_PMEM_FORCE=%.16s; without it: %.400s",
				force, real);
	}
}

static const char *yes_no_unknown(int v)
{
	return v == 1 ? "yes" : v == 0 ? "no" : "unknown";
}

static const char *json_bool(int v)
{
	return v == 1 ? "true" : v == 0 ? "false" : "null";
}

static void print_facts(const struct facts *f)
{
	if (!json) {
		printf("path: %s\n", f->path);
		printf("type: %s\n", f->type);
		if (f->fs)
			printf("filesystem: %s (0x%lx)\n", f->fs, f->fs_magic);
		if (f->dax_attr != -1)
			printf("dax attribute: %s\n",
					yes_no_unknown(f->dax_attr));
		if (f->writable != -1)
			printf("writable: %s\n", yes_no_unknown(f->writable));
		if (f->map_sync == 1)
			printf("map_sync: accepted\n");
		else if (f->map_sync == 0)
			printf("map_sync: refused (%s)\n", f->map_sync_error);
		if (f->devdax_size >= 0)
			printf("devdax size: %lld\n", f->devdax_size);
		if (f->devdax_align >= 0)
			printf("devdax align: %lld\n", f->devdax_align);
		if (f->lib_is_pmem != -1)
			printf("pmem_map_file: is_pmem %d\n", f->lib_is_pmem);
		else if (f->lib_error[0])
			printf("pmem_map_file: failed (%s)\n", f->lib_error);
		if (f->region_kind) {
			printf("region: %s\n", f->region_desc);
			if (f->region_domain)
				printf("region facts: kind %s, persistence "
						"domain %s, %s, deep flush: %s\n",
						f->region_kind, f->region_domain,
						f->region_sync == 1 ? "synchronous" :
						f->region_sync == 0 ?
						"asynchronous" :
						"synchronous: unknown",
						f->region_deep);
			if (f->region_reason[0])
				printf("region notes: %s\n", f->region_reason);
		}
		printf("pmem: %s (%s)\n", f->pmem ? "yes" : "no", f->reason);
		return;
	}
	int first = 1;
	putchar('{');
	jkey(&first, "path");
	jstr(f->path);
	jkey(&first, "type");
	jstr(f->type);
	jkey(&first, "filesystem");
	jstr(f->fs);
	jkey(&first, "fs_magic");
	if (f->fs)
		printf("%ld", f->fs_magic);
	else
		printf("null");
	jkey(&first, "dax_attribute");
	printf("%s", json_bool(f->dax_attr));
	jkey(&first, "writable");
	printf("%s", json_bool(f->writable));
	jkey(&first, "map_sync");
	printf("%s", json_bool(f->map_sync));
	jkey(&first, "map_sync_error");
	jstr(f->map_sync == 0 ? f->map_sync_error : NULL);
	jkey(&first, "devdax_size");
	if (f->devdax_size >= 0)
		printf("%lld", f->devdax_size);
	else
		printf("null");
	jkey(&first, "devdax_align");
	if (f->devdax_align >= 0)
		printf("%lld", f->devdax_align);
	else
		printf("null");
	jkey(&first, "pmem_map_file_is_pmem");
	printf("%s", json_bool(f->lib_is_pmem));
	jkey(&first, "pmem_map_file_error");
	jstr(f->lib_error[0] ? f->lib_error : NULL);
	jkey(&first, "region");
	if (f->region_kind) {
		printf("{\"kind\": ");
		jstr(f->region_kind);
		printf(", \"nd_region\": ");
		if (f->region_id >= 0)
			printf("%d", f->region_id);
		else
			printf("null");
		printf(", \"cxl_region\": ");
		if (f->cxl_region >= 0)
			printf("%d", f->cxl_region);
		else
			printf("null");
		printf(", \"persistence_domain\": ");
		jstr(f->region_domain);
		printf(", \"synchronous\": %s, \"deep_flush\": ",
				json_bool(f->region_domain ? f->region_sync : -1));
		jstr(f->region_deep);
		printf(", \"description\": ");
		jstr(f->region_desc);
		printf(", \"notes\": ");
		jstr(f->region_reason[0] ? f->region_reason : NULL);
		printf("}");
	} else {
		printf("null");
	}
	jkey(&first, "pmem");
	printf("%s", f->pmem ? "true" : "false");
	jkey(&first, "reason");
	jstr(f->reason);
	printf("\n}\n");
}

static int check_path(const char *path)
{
	struct facts f = {
		.path = path, .type = "other", .dax_attr = -1,
		.writable = -1, .map_sync = -1, .devdax_size = -1,
		.devdax_align = -1, .lib_is_pmem = -1, .region_id = -1,
		.cxl_region = -1, .region_sync = -1,
	};
	int is_dir = 0;
	if (info_path_facts(&f, path, &is_dir) != 0)
		return EXIT_ERROR;
	apply_force(&f);
	if (f.writable == 1)
		ask_library(&f, path, is_dir);
	print_facts(&f);
	return f.pmem ? EXIT_PMEM : EXIT_NOT_PMEM;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	if (argc > 1 && strcmp(argv[1], "--calibrate") == 0)
		return pmem_info_calibrate(argc - 1, argv + 1);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
				strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return EXIT_PMEM;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--") == 0 && i + 1 == argc - 1 &&
				!path) {
			path = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "pmem-info: unknown option %s\n",
					argv[i]);
			usage(stderr);
			return EXIT_ERROR;
		} else if (path == NULL) {
			path = argv[i];
		} else {
			fprintf(stderr, "pmem-info: one PATH at a time\n");
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (path)
		return check_path(path);

	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	scan_plugins();
	if (json)
		print_choice_json(c, cpu);
	else
		print_choice_text(c, cpu);
	return EXIT_PMEM;
}
