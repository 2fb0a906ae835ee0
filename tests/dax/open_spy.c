/* open_spy.c -- see open_spy.h.  Only paths containing "deep_flush" are
 * kept; everything is passed on unchanged. */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "open_spy.h"

static struct open_spy spy;

void open_spy_reset(void)
{
	memset(&spy, 0, sizeof(spy));
}

const struct open_spy *open_spy_get(void)
{
	return &spy;
}

static void note(const char *path, int wr)
{
	if (!path || !strstr(path, "deep_flush") || spy.n >= OPEN_SPY_MAX)
		return;
	snprintf(spy.path[spy.n], sizeof(spy.path[0]), "%s", path);
	spy.writable[spy.n++] = wr;
}

static int wants_write(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY;
}

/* The mode argument is there only with O_CREAT or O_TMPFILE. */
#define TAKE_MODE(flags, mode) do { \
	if ((flags) & O_CREAT || ((flags) & O_TMPFILE) == O_TMPFILE) { \
		va_list ap; \
		va_start(ap, flags); \
		mode = va_arg(ap, int); \
		va_end(ap); \
	} \
} while (0)

int openat(int dirfd, const char *path, int flags, ...)
{
	int mode = 0;
	TAKE_MODE(flags, mode);
	note(path, wants_write(flags));
	return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

int open(const char *path, int flags, ...)
{
	int mode = 0;
	TAKE_MODE(flags, mode);
	note(path, wants_write(flags));
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

/* x86-64 has no separate large-file calls; the 64 names are aliases. */
int open64(const char *path, int flags, ...)
{
	int mode = 0;
	TAKE_MODE(flags, mode);
	note(path, wants_write(flags));
	return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	int mode = 0;
	TAKE_MODE(flags, mode);
	note(path, wants_write(flags));
	return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}

typedef FILE *fopen_fn(const char *, const char *);

static FILE *spy_fopen(const char *name, const char *path, const char *m)
{
	fopen_fn *real = (fopen_fn *)dlsym(RTLD_NEXT, name);
	note(path, strpbrk(m, "wa+") != NULL);
	return real ? real(path, m) : NULL;
}

FILE *fopen(const char *path, const char *mode)
{
	return spy_fopen("fopen", path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	return spy_fopen("fopen64", path, mode);
}
