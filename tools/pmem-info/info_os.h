/*
 * info_os.h -- what pmem-info asks of the OS it runs on: the facts about
 * a path (os_linux.c: statfs, MAP_SYNC, Device DAX in sysfs; os_windows.c:
 * the volume's FILE_DAX_VOLUME) and the plugin files of a directory.
 */
#ifndef PMEM_INFO_OS_H
#define PMEM_INFO_OS_H 1

#include <stddef.h>

#define EXIT_PMEM 0
#define EXIT_NOT_PMEM 1
#define EXIT_ERROR 2

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
	/* The region behind the path (os/linux/region.h); region_kind NULL
	 * when not looked up (no such thing on this OS). */
	const char *region_kind;	/* "none", "NVDIMM", "CXL", ... */
	int region_id, cxl_region;	/* -1 when none */
	const char *region_domain, *region_deep;
	int region_sync;		/* 1, 0, -1 unknown */
	char region_desc[160];		/* "CXL region 0, persistence ..." */
	char region_reason[256];	/* what was missing; "" if nothing */
};

/* Sets f->reason from a format. */
__attribute__((format(printf, 2, 3)))
void because(struct facts *f, const char *fmt, ...);

/* Fills f for path (type, file system, writable, the OS's pmem verdict);
 * *is_dir when path is a directory.  -1 when path cannot be examined
 * (the message is printed). */
int info_path_facts(struct facts *f, const char *path, int *is_dir);

/* Canonical absolute form of an existing directory: 0, or -1. */
int info_real_path(const char *p, char *out, size_t n);

/* The plugin files (pmem_os_lib_suffix) in dir, sorted, in a malloc'd
 * array *names; their number (0 on error). */
int info_list_plugins(const char *dir, char (**names)[256]);

/* Writes text as the file at path, readable by all and writable by its
 * owner only, replacing it in one step (a temporary file renamed); the
 * parent directory is created if missing.  0, or -1 with the reason in
 * why. */
int info_write_profile(const char *path, const char *text, char *why,
		size_t n);

/* The directory of this program: 0, or -1. */
int info_exe_dir(char *out, size_t n);

#endif
