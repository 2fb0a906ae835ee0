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
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "pmem-info/calibrate.h"
#include "libpmem.h"
#include "libpmem_backend.h"
#include "cpu.h"
#include "select.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

#define EXIT_PMEM 0
#define EXIT_NOT_PMEM 1
#define EXIT_ERROR 2

static int json;

static void usage(FILE *f)
{
	fprintf(f,
"usage: pmem-info [--json] [PATH] | --calibrate [--quick]\n"
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

static int is_so(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 3 && strcmp(d->d_name + n - 3, ".so") == 0;
}

static void scan_dir(const char *dir)
{
	char real[PATH_MAX];
	if (realpath(dir, real) == NULL)
		return;
	for (unsigned i = 0; i < nscanned; i++)	/* listed twice */
		if (strcmp(scanned[i], real) == 0)
			return;
	if (nscanned < sizeof(scanned) / sizeof(*scanned))
		strcpy(scanned[nscanned++], real);
	struct dirent **list;
	int n = scandir(real, &list, is_so, alphasort);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (nfound < sizeof(found) / sizeof(*found)) {
			struct found *f = &found[nfound++];
			snprintf(f->path, sizeof(f->path), "%s/%s", real,
					list[i]->d_name);
			if (pmem_backend_load(f->path, &f->b) != 0) {
				f->b = NULL;
				snprintf(f->why, sizeof(f->why), "%s",
						pmem_errormsg());
			}
		}
		free(list[i]);
	}
	free(list);
}

/* PMEM_BACKEND_PATH (or the install's directory), then the backends/
 * directory next to this program (the build tree). */
static void scan_plugins(void)
{
	const char *path = secure_getenv("PMEM_BACKEND_PATH");
	if (path == NULL || path[0] == '\0')
		path = PMEM_PLUGIN_DIR;
	char *copy = strdup(path);
	for (char *save, *d = strtok_r(copy, ":", &save); d;
			d = strtok_r(NULL, ":", &save))
		scan_dir(d);
	free(copy);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 16);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			strcpy(slash, "/backends");
			scan_dir(exe);
		}
	}
}

/* Length of a plugin file's name without ".so". */
static int stem_len(const char *path)
{
	return (int)strlen(strrchr(path, '/') + 1) - 3;
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
	if (c->refusal)
		printf("refused: %s\n", T(0, c->refusal));
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
	jkey(&first, "refusal");
	jstr(c->refusal);
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

struct facts {
	const char *path;
	const char *type;
	const char *fs;		/* file system name, NULL if not read */
	long fs_magic;
	int dax_attr;		/* statx STATX_ATTR_DAX: 1, 0, -1 unknown */
	int writable;		/* -1 not checked */
	int map_sync;		/* 1 accepted, 0 refused, -1 not tried */
	char map_sync_error[128];
	long long devdax_size, devdax_align;	/* -1 when not Device DAX */
	int pmem;
	char reason[512];
	int lib_is_pmem;	/* pmem_map_file's answer; -1 not asked/failed */
	char lib_error[256];
};

static const struct {
	long magic;
	const char *name;
	int dax_capable;
} fs_names[] = {
	{ 0xEF53, "ext4", 1 },		/* also ext2 and ext3 */
	{ 0x58465342, "xfs", 1 },
	{ 0x01021994, "tmpfs", 0 },
	{ 0x858458f6, "ramfs", 0 },
	{ 0x9123683E, "btrfs", 0 },
	{ 0x794c7630, "overlayfs", 0 },
	{ 0x6969, "nfs", 0 },
	{ 0x65735546, "fuse", 0 },
	{ 0x2fc12fc1, "zfs", 0 },
	{ 0xF2F52010, "f2fs", 0 },
	{ 0x9fa0, "proc", 0 },
	{ 0x62656572, "sysfs", 0 },
	{ 0x01021997, "9p", 0 },
};

static int fs_lookup(long magic, const char **name)
{
	for (size_t i = 0; i < sizeof(fs_names) / sizeof(*fs_names); i++)
		if (fs_names[i].magic == magic) {
			*name = fs_names[i].name;
			return fs_names[i].dax_capable;
		}
	*name = "unknown";
	return 0;
}

__attribute__((format(printf, 2, 3)))
static void because(struct facts *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
}

static void read_dax_attr(struct facts *f, int fd)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) == 0 &&
			(stx.stx_attributes_mask & STATX_ATTR_DAX))
		f->dax_attr = (stx.stx_attributes & STATX_ATTR_DAX) != 0;
}

/* The trial libpmem makes: a shared mapping that asks for MAP_SYNC. */
static void try_map_sync(struct facts *f, int fd, int prot)
{
	void *p = mmap(NULL, 4096, prot, MAP_SHARED_VALIDATE | MAP_SYNC, fd,
			0);
	if (p == MAP_FAILED) {
		f->map_sync = 0;
		snprintf(f->map_sync_error, sizeof(f->map_sync_error), "%s",
				strerror(errno));
		return;
	}
	munmap(p, 4096);
	f->map_sync = 1;
}

/* A temporary file in the directory stands for what libpmem would create
 * there (PMEM_FILE_TMPFILE or a new pool file). */
static int open_in_dir(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR &&
			errno != EINVAL))
		return fd;
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s/.pmem-info-XXXXXX", dir);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0)
		unlink(tmp);
	return fd;
}

static void verdict_from_map_sync(struct facts *f, int dax_capable)
{
	if (f->map_sync == 1) {
		f->pmem = 1;
		because(f, "MAP_SYNC accepted: %s is mounted with DAX", f->fs);
	} else if (f->dax_attr == 1) {
		because(f, "MAP_SYNC refused although the file is DAX: %s",
				f->map_sync_error);
	} else if (dax_capable) {
		because(f, "not on a DAX file system: %s mounted without -o dax; "
				"MAP_SYNC refused: %s", f->fs,
				f->map_sync_error);
	} else {
		because(f, "not on a DAX file system: %s; MAP_SYNC refused: %s",
				f->fs, f->map_sync_error);
	}
}

static void check_file(struct facts *f, const char *path, int is_dir)
{
	struct statfs sfs;
	int dax_capable = 0;
	if (statfs(path, &sfs) == 0) {
		f->fs_magic = (long)sfs.f_type;
		dax_capable = fs_lookup(f->fs_magic, &f->fs);
	}
	int fd = is_dir ? open_in_dir(path) :
		open(path, O_RDWR | O_CLOEXEC);
	int err = errno;
	f->writable = fd >= 0;
	if (fd < 0 && !is_dir)	/* still learn about MAP_SYNC */
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (is_dir && ftruncate(fd, 4096) != 0)
			f->writable = 0;
		read_dax_attr(f, fd);
		try_map_sync(f, fd, f->writable ? PROT_READ | PROT_WRITE :
				PROT_READ);
		close(fd);
	}
	if (!f->writable) {
		because(f, "permissions: cannot %s: %s", is_dir ?
				"create a file in the directory" :
				"open the file for writing", strerror(err));
		return;
	}
	verdict_from_map_sync(f, dax_capable);
}

/* Reads one number from a sysfs file; -1 when missing. */
static long long sysfs_num(const char *dir, const char *name)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *fp = fopen(p, "r");
	long long v = -1;
	if (fp) {
		if (fscanf(fp, "%lli", &v) != 1)
			v = -1;
		fclose(fp);
	}
	return v;
}

static void check_char(struct facts *f, const char *path, dev_t rdev)
{
	char sys[64], link[PATH_MAX], sub[PATH_MAX];
	snprintf(sys, sizeof(sys), "/sys/dev/char/%u:%u", major(rdev),
			minor(rdev));
	snprintf(sub, sizeof(sub), "%s/subsystem", sys);
	ssize_t n = readlink(sub, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	const char *subsys = strrchr(link, '/') ? strrchr(link, '/') + 1 :
		link;
	if (strcmp(subsys, "dax") != 0) {
		f->type = "character device";
		because(f, "not Device DAX, its sysfs subsystem is %s",
				subsys[0] ? subsys : "none");
		return;
	}
	f->type = "device dax";
	f->devdax_size = sysfs_num(sys, "size");
	f->devdax_align = sysfs_num(sys, "align");
	if (f->devdax_align < 0)
		f->devdax_align = sysfs_num(sys, "device/align");
	int fd = open(path, O_RDWR | O_CLOEXEC);
	f->writable = fd >= 0;
	if (fd < 0) {
		because(f, "permissions: cannot open the device for writing: "
				"%s", strerror(errno));
		return;
	}
	if (f->devdax_size <= 0) {
		close(fd);
		because(f, "Device DAX size is %s", f->devdax_size == 0 ? "0" :
				"unreadable in sysfs");
		return;
	}
	if (f->devdax_align > 0 && f->devdax_size % f->devdax_align) {
		close(fd);
		because(f, "Device DAX size %lld is not a multiple of its "
				"alignment %lld", f->devdax_size,
				f->devdax_align);
		return;
	}
	size_t len = f->devdax_align > 0 ? (size_t)f->devdax_align :
		(size_t)f->devdax_size;
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int err = errno;
	close(fd);
	if (p == MAP_FAILED) {
		because(f, "Device DAX refused a mapping of %zu bytes: %s",
				len, strerror(err));
		return;
	}
	munmap(p, len);
	f->pmem = 1;
	because(f, "Device DAX, size %lld, alignment %lld", f->devdax_size,
			f->devdax_align);
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
		.devdax_align = -1, .lib_is_pmem = -1,
	};
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "pmem-info: %s: %s\n", path, strerror(errno));
		return EXIT_ERROR;
	}
	if (S_ISREG(st.st_mode)) {
		f.type = "regular file";
		check_file(&f, path, 0);
	} else if (S_ISDIR(st.st_mode)) {
		f.type = "directory";
		check_file(&f, path, 1);
	} else if (S_ISCHR(st.st_mode)) {
		check_char(&f, path, st.st_rdev);
	} else if (S_ISBLK(st.st_mode)) {
		f.type = "block device";
		because(&f, "a block device is not mapped directly: mount a "
				"file system with -o dax on it, or use Device "
				"DAX");
	} else {
		because(&f, "not a file, directory or Device DAX");
	}
	apply_force(&f);
	if (f.writable == 1)
		ask_library(&f, path, S_ISDIR(st.st_mode));
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
