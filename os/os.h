/*
 * os.h -- what the core needs from the operating system, behind one
 * interface: os/linux/os.c (Linux) and os/windows/os.c implement it,
 * and configure.py builds the one the host needs.  Core logic calls these
 * and never the OS directly, so it carries no #ifdef for the OS.
 */
#ifndef PMEM_OS_H
#define PMEM_OS_H 1

#include <stddef.h>
#include <stdio.h>

/* Where plugins are looked for when PMEM_BACKEND_PATH is unset. */
#ifndef PMEM_PLUGIN_DIR
#define PMEM_PLUGIN_DIR "/usr/local/lib/libpmem/backends"
#endif

/* Bytes of a page: the unit of mapping and msync. */
size_t pmem_os_page_size(void);

/* Environment: getenv; the secure form is NULL in set-uid/set-gid
 * programs (variables that load code or name files). */
const char *pmem_os_getenv(const char *name);
const char *pmem_os_secure_getenv(const char *name);

/* The process ID, for PMEM_LOG_FILE names ending in '-'. */
int pmem_os_getpid(void);

/* Opens path for writing (truncated), not inherited by child processes,
 * buffered so that each line written is in the file once it ends. */
FILE *pmem_os_fopen_w(const char *path);

/* strerror into buf, thread-safe; returns buf or a static string. */
const char *pmem_os_strerror(int err, char *buf, size_t n);

/* Unmaps what pmem_map_file() mapped: 0, or -1 with errno.  Its name
 * ("munmap", "UnmapViewOfFile") is for error messages. */
int pmem_os_unmap(void *addr, size_t len);
extern const char pmem_os_unmap_name[];

/* Writes the pages [addr, addr + len) to storage and waits: msync(MS_SYNC),
 * or FlushViewOfFile plus FlushFileBuffers.  addr and len are multiples of
 * the page size (core/msync.c rounds).  0, or -1 with errno. */
int pmem_os_msync(const void *addr, size_t len);

/* ---- configuration files (the machine profile) ---- */

/* 1 when the process runs with privileges its user lacks (set-uid or
 * set-gid: AT_SECURE), 0 when not. */
int pmem_os_is_privileged(void);

/* Who owns a configuration file, as the trust rule needs it. */
enum pmem_os_owner {
	PMEM_OS_OWNER_OTHER,	/* neither of the two below */
	PMEM_OS_OWNER_ADMIN,	/* the administrator (root) */
	PMEM_OS_OWNER_SELF,	/* the effective user of this process */
};

struct pmem_os_conf_file {
	size_t len;		/* bytes read into buf */
	enum pmem_os_owner owner;
	long owner_id, self_id;	/* the owner and the effective user (uid),
				 * for messages */
	int others_write;	/* the group or others may write it */
	/* The same of the directory holding it, which could otherwise have
	 * the file replaced: dir_others_write is 0 when the directory is
	 * sticky (only a file's owner may then replace it). */
	enum pmem_os_owner dir_owner;
	long dir_owner_id;
	int dir_others_write;
};

/* Reads the small file at path into buf (at most size - 1 bytes, then a
 * NUL) and says who owns it.  Never follows a symbolic link at path and
 * never blocks (a FIFO or device is refused, not opened for reading).
 * 0, or -1 with errno: ELOOP (path is a symbolic link), EINVAL (not a
 * regular file), EFBIG (longer than size - 1 bytes), ENOTSUP (this OS
 * has no such files), or open's and read's errors. */
int pmem_os_read_conf(const char *path, char *buf, size_t size,
		struct pmem_os_conf_file *f);

/* ---- plugins (shared objects / DLLs) ---- */

/* ".so" or ".dll"; what separates directories in PMEM_BACKEND_PATH; and
 * what joins a directory and a file name ("/", "\\"). */
extern const char pmem_os_lib_suffix[];
extern const char pmem_os_path_list_sep[];
extern const char pmem_os_dir_sep[];

/* 1 when a PMEM_BACKEND value is a file path rather than a backend name:
 * it holds a '/' (Windows: also a '\\', or starts with a drive "X:"). */
int pmem_os_is_path(const char *s);

/* Where plugins are looked for when PMEM_BACKEND_PATH is unset: the
 * installation's directory (PMEM_PLUGIN_DIR, set at build time) on
 * Linux; on Windows, which has no fixed prefix, "backends" in the
 * directory of libpmem.dll (or of the program it is linked into).  NULL
 * when it cannot be told. */
const char *pmem_os_plugin_dir(void);

/* 0 when path is a regular file that can be opened for reading (never
 * blocks on a FIFO); -1 with errno (EINVAL: not a regular file). */
int pmem_os_regular_file(const char *path);

/* 0 when path looks like a plugin for this library (a regular file in
 * the OS's own format, built for this machine); else -1 with errno and
 * pmem_errormsg() set, the message starting with shown. */
int pmem_os_lib_check(const char *path, const char *shown);

/* Loads path; NULL with a reason in why on failure. */
void *pmem_os_lib_open(const char *path, char *why, size_t whysize);

/* The address of name in lib, or NULL. */
void *pmem_os_lib_sym(void *lib, const char *name);

/* 1 when sym is a function, 0 data, -1 cannot tell. */
int pmem_os_lib_sym_is_function(void *sym);

void pmem_os_lib_close(void *lib);

#endif
