/*
 * os_util.h -- what a portable test needs from the OS to set up and look
 * at what the library did, written once per OS here so the tests
 * themselves have no #if: scratch directories and files, the environment
 * (the process's own on Windows, which os/windows/os.c reads), the
 * process ID, and the few answers the OSes give differently on purpose.
 */
#ifndef TEST_OS_UTIL_H
#define TEST_OS_UTIL_H 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>

/* The machine profile's files: read on Linux, ENOTSUP on Windows
 * (pmem_os_read_conf: its trust rule is POSIX owners and modes). */
#define TOS_HAS_CONF_FILES 0

static inline void tos_setenv(const char *name, const char *value)
{
	SetEnvironmentVariableA(name, value);	/* NULL removes it */
}

static inline long tos_getpid(void)
{
	return (long)GetCurrentProcessId();
}

/* A new empty directory under the temporary directory; 0 or -1. */
static inline int tos_scratch_dir(char *out, size_t n, const char *tag)
{
	char tmp[MAX_PATH];
	GetTempPathA(sizeof(tmp), tmp);
	snprintf(out, n, "%spmem-%s-%lu", tmp, tag, (unsigned long)tos_getpid());
	return CreateDirectoryA(out, NULL) ? 0 : -1;
}

static inline void tos_rmdir(const char *path)
{
	RemoveDirectoryA(path);
}
#else
#include <sys/stat.h>
#include <unistd.h>

#define TOS_HAS_CONF_FILES 1

static inline void tos_setenv(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

static inline long tos_getpid(void)
{
	return (long)getpid();
}

static inline int tos_scratch_dir(char *out, size_t n, const char *tag)
{
	snprintf(out, n, "/dev/shm/pmem-%s-XXXXXX", tag);
	return mkdtemp(out) ? 0 : -1;
}

static inline void tos_rmdir(const char *path)
{
	rmdir(path);
}
#endif

/* dir + the OS's separator + name, into out. */
static inline const char *tos_join(char *out, size_t n, const char *dir,
		const char *sep, const char *name)
{
	snprintf(out, n, "%s%s%s", dir, sep, name);
	return out;
}

/* Writes text to path (binary: the same bytes on every OS); 0 or -1. */
static inline int tos_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t len = strlen(text);
	int ok = fwrite(text, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Reads up to n - 1 bytes of path into buf, NUL-terminated; the count or
 * -1. */
static inline long tos_read_file(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
	fclose(f);
	return (long)got;
}

#endif
