/*
 * map_bad_inputs.h -- the one table of bad pmem_map_file() calls, for
 * tests/test_map.c (Linux, and PMDK 1.12's library there) and
 * tests/windows/test_dll_map.c (the DLL under Wine).  Each row must fail
 * with its errno, leave *mapped_lenp and *is_pmemp alone and leave no
 * file behind.  A row's kind names what the path is; each test makes it
 * its OS's way (a too long name or path is as long as that OS refuses).
 * The table is printed in docs/man/pmem_map_file.3.
 */
#ifndef TEST_MAP_BAD_INPUTS_H
#define TEST_MAP_BAD_INPUTS_H 1

#include <errno.h>
#include <stddef.h>

#include "libpmem.h"

enum bad_kind {
	K_NULL, K_EMPTY, K_MISSING, K_IN_MISSING_DIR, K_DIR, K_FILE,
	K_RO_FILE, K_UNDER_FILE, K_EMPTY_FILE, K_FIFO, K_SOCKET, K_DEVNULL,
	K_DANGLING, K_TOO_LONG, K_NAME_TOO_LONG, K_RODIR, K_IN_RODIR,
};

/* In a column: the row does not exist on that OS (no such file there:
 * FIFOs, sockets, /dev/null, symbolic links, modes without root's
 * bypass), or was not checked against PMDK there. */
#define NO (-1)
/* In the Windows column: the Linux errno. */
#define SAME 0

/* Criterion re-executes the program for each test, so a row holds no
 * pointer into this one's data. */
struct bad {
	char name[48];
	enum bad_kind kind;
	size_t len;
	int flags;
	int nobody;	/* Linux: run without root's permission bypass */
	int err;	/* Linux (and PMDK 1.12 there) */
	int win;	/* Windows: SAME, NO or its own errno */
};

#define C_ PMEM_FILE_CREATE
#define X_ PMEM_FILE_EXCL
#define S_ PMEM_FILE_SPARSE
#define T_ PMEM_FILE_TMPFILE

static const struct bad bad_inputs[] = {
	{ "NULL path", K_NULL, 0, 0, 0, EINVAL, SAME },
	{ "empty path", K_EMPTY, 0, 0, 0, ENOENT, SAME },
	{ "empty path, CREATE", K_EMPTY, 4096, C_, 0, ENOENT, SAME },
	{ "missing file", K_MISSING, 0, 0, 0, ENOENT, SAME },
	{ "len without CREATE", K_MISSING, 4096, 0, 0, EINVAL, SAME },
	{ "len without CREATE, existing", K_FILE, 4096, 0, 0, EINVAL, SAME },
	{ "CREATE with len 0", K_MISSING, 0, C_, 0, EINVAL, SAME },
	{ "unknown flag 0x10", K_MISSING, 4096, C_ | 0x10, 0, EINVAL, SAME },
	{ "unknown flag 0x40000000", K_FILE, 0, 0x40000000, 0, EINVAL, SAME },
	{ "flags -1", K_MISSING, 4096, -1, 0, EINVAL, SAME },
	{ "TMPFILE without CREATE", K_DIR, 4096, T_, 0, EINVAL, SAME },
	{ "TMPFILE, len 0", K_DIR, 0, C_ | T_, 0, EINVAL, SAME },
	{ "TMPFILE, missing directory", K_MISSING, 4096, C_ | T_, 0, ENOENT,
		SAME },
	{ "TMPFILE, a regular file", K_FILE, 4096, C_ | T_, 0, ENOTDIR,
		SAME },
	{ "TMPFILE, read-only directory", K_RODIR, 4096, C_ | T_, 1, EACCES,
		NO },
	{ "CREATE, len (size_t)-1", K_MISSING, (size_t)-1, C_, 0, EINVAL,
		SAME },
	{ "CREATE, len 2^63 - 1", K_MISSING, ((size_t)1 << 63) - 1, C_, 0,
		ENOSPC, SAME },
	/* Linux: not checked against PMDK */
	{ "existing file, CREATE, len 2^63 - 1", K_FILE,
		((size_t)1 << 63) - 1, C_, 0, NO, ENOSPC },
	{ "CREATE|SPARSE, len 2^62", K_MISSING, (size_t)1 << 62, C_ | S_, 0,
		ENOMEM, NO },
	{ "CREATE, len 1 TiB (no space)", K_MISSING, (size_t)1 << 40, C_, 0,
		ENOSPC, SAME },
	{ "CREATE|EXCL, len 1 TiB", K_MISSING, (size_t)1 << 40, C_ | X_, 0,
		ENOSPC, SAME },
	{ "a directory", K_DIR, 0, 0, 0, EISDIR, SAME },
	{ "a directory, CREATE", K_DIR, 4096, C_, 0, EISDIR, SAME },
	{ "a directory, CREATE|EXCL", K_DIR, 4096, C_ | X_, 0, EEXIST, SAME },
	{ "existing file, CREATE|EXCL", K_FILE, 4096, C_ | X_, 0, EEXIST,
		SAME },
	{ "read-only file", K_RO_FILE, 0, 0, 1, EACCES, NO },
	{ "read-only file, CREATE", K_RO_FILE, 4096, C_, 1, EACCES, NO },
	/* Windows says ERROR_PATH_NOT_FOUND */
	{ "path under a regular file", K_UNDER_FILE, 0, 0, 0, ENOTDIR,
		ENOENT },
	{ "path under a regular file, CREATE", K_UNDER_FILE, 4096, C_, 0,
		ENOTDIR, ENOENT },
	{ "empty regular file", K_EMPTY_FILE, 0, 0, 0, EINVAL, SAME },
	{ "a FIFO", K_FIFO, 0, 0, 0, EINVAL, NO },
	{ "a FIFO, CREATE", K_FIFO, 4096, C_, 0, EINVAL, NO },
	{ "a socket", K_SOCKET, 0, 0, 0, EINVAL, NO },
	{ "/dev/null (not Device DAX)", K_DEVNULL, 0, 0, 0, EINVAL, NO },
	{ "dangling symlink", K_DANGLING, 0, 0, 0, ENOENT, NO },
	{ "dangling symlink, CREATE|EXCL", K_DANGLING, 4096, C_ | X_, 0,
		EEXIST, NO },
	/* The target it created is removed again (issue #10 item 14). */
	{ "dangling symlink, CREATE, 1 TiB", K_DANGLING, (size_t)1 << 40, C_,
		0, ENOSPC, NO },
	/* A failed call leaves an existing file as it was (item 15). */
	{ "existing file, CREATE, 1 TiB", K_FILE, (size_t)1 << 40, C_, 0,
		ENOSPC, SAME },
	{ "existing file, CREATE|SPARSE, 2^62", K_FILE, (size_t)1 << 62,
		C_ | S_, 0, ENOMEM, NO },
	/* issue 20 defect 5 on Windows: ENAMETOOLONG, not ENOENT, EINVAL,
	 * ENOMEM */
	{ "path too long", K_TOO_LONG, 0, 0, 0, ENAMETOOLONG, SAME },
	{ "path too long, CREATE", K_TOO_LONG, 4096, C_, 0, ENAMETOOLONG,
		SAME },
	/* Linux: not checked against PMDK */
	{ "name too long", K_NAME_TOO_LONG, 0, 0, 0, NO, ENAMETOOLONG },
	{ "name too long, CREATE", K_NAME_TOO_LONG, 4096, C_, 0,
		ENAMETOOLONG, SAME },
	{ "CREATE in a missing directory", K_IN_MISSING_DIR, 4096, C_, 0,
		ENOENT, SAME },
	{ "CREATE in a read-only directory", K_IN_RODIR, 4096, C_, 1, EACCES,
		NO },
};

#undef C_
#undef X_
#undef S_
#undef T_

/* The rows that exist on one OS (windows: 0 Linux, 1 Windows), with that
 * OS's errno in err; their number. */
static inline size_t bad_inputs_for(int windows, struct bad *out,
		size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]);
			i++) {
		struct bad b = bad_inputs[i];
		int err = !windows ? b.err : b.win == SAME ? b.err : b.win;
		if (err == NO || n == cap)
			continue;
		b.err = err;
		out[n++] = b;
	}
	return n;
}

#endif
