/*
 * map.c -- pmem_map_file() and pmem_unmap().
 *
 * The order of the checks follows PMDK 1.12's, so a bad call fails with
 * the same errno on either library: what the path is (stat), the flags,
 * Device DAX rules, the length rules, then open, size, map.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpmem.h"
#include "devdax.h"
#include "err.h"
#include "export.h"
#include "log.h"
#include "map.h"
#include "registry.h"

#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define ALL_FLAGS (PMEM_FILE_CREATE | PMEM_FILE_EXCL | PMEM_FILE_SPARSE | \
		PMEM_FILE_TMPFILE)
#define DAX_FLAGS (PMEM_FILE_CREATE | PMEM_FILE_SPARSE)

#define MiB ((size_t)1 << 20)
#define GiB ((size_t)1 << 30)

/* ---- PMEM_MMAP_HINT, read once ---- */

static pthread_once_t hint_once = PTHREAD_ONCE_INIT;
static int hint_set;
static uintptr_t hint_addr;

static void hint_read(void)
{
	const char *e = secure_getenv("PMEM_MMAP_HINT");
	if (!e)
		return;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(e, &end, 16);	/* hex, as PMDK */
	if (errno || end == e || *end) {
		PMEM_LOG(WARNING, "invalid PMEM_MMAP_HINT \"%s\" ignored", e);
		return;
	}
	if (access("/proc/self/maps", R_OK) != 0) {
		PMEM_LOG(WARNING, "no /proc/self/maps, PMEM_MMAP_HINT ignored");
		return;
	}
	hint_addr = (uintptr_t)v;
	hint_set = 1;
	PMEM_LOG(INFO, "PMEM_MMAP_HINT 0x%llx", v);
}

/* ---- placing the mapping ---- */

static uintptr_t align_up(uintptr_t v, uintptr_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Huge pages are likelier when the address is a multiple of their size. */
size_t pmem_map_alignment(size_t len)
{
	return len >= GiB ? GiB : 2 * MiB;
}

/*
 * Maps fd at addr with the given extra mmap flags: MAP_SYNC first, which
 * a DAX file system grants when the CPU caches are all that stands
 * between a store and the media; plain MAP_SHARED when the file system
 * refuses it (EOPNOTSUPP) or the kernel predates it (EINVAL).
 */
static void *mmap_sync_or_shared(int fd, void *addr, size_t len, int extra,
		int *syncp)
{
	int prot = PROT_READ | PROT_WRITE;
	void *p = mmap(addr, len, prot, MAP_SHARED_VALIDATE | MAP_SYNC | extra,
			fd, 0);
	if (p != MAP_FAILED) {
		*syncp = 1;
		return p;
	}
	if (errno != EOPNOTSUPP && errno != EINVAL)
		return MAP_FAILED;
	*syncp = 0;
	return mmap(addr, len, prot, MAP_SHARED | extra, fd, 0);
}

/* First address >= from, aligned, with span free bytes per
 * /proc/self/maps; 0 when there is none or it cannot be read. */
static uintptr_t find_gap(uintptr_t from, size_t span, size_t align)
{
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f)
		return 0;
	/* 0 is a hint too (the lowest free place), not "no place". */
	uintptr_t cand = from ? align_up(from, align) : align;
	unsigned long s, e;
	char line[512];
	while (cand && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &s, &e) != 2 || e <= cand)
			continue;
		if (s >= cand + span)
			break;	/* the gap before this mapping fits */
		cand = align_up(e, align);
	}
	fclose(f);
	if (!cand || cand + span < cand)
		return 0;
	return cand;
}

static void *map_aligned(int fd, size_t len, size_t align, int *syncp);

/* PMEM_MMAP_HINT: the first free aligned place at or above the hint, no
 * randomisation.  NOREPLACE makes a race with another thread's mmap
 * harmless: we look again. */
static void *map_at_hint(int fd, size_t len, size_t align, int *syncp)
{
	size_t span = align_up(len, page_size());
	uintptr_t from = hint_addr;
	for (int tries = 0; tries < 16; tries++) {
		uintptr_t a = find_gap(from, span, align);
		if (!a)
			break;
		void *p = mmap_sync_or_shared(fd, (void *)a, len,
				MAP_FIXED_NOREPLACE, syncp);
		if (p != MAP_FAILED)
			return p;
		/* Any other error (ENOMEM above the user address space,
		 * EPERM below mmap_min_addr) means the hint cannot be
		 * honoured there; a real failure recurs below. */
		if (errno != EEXIST)
			break;
		from = a + align;
	}
	/* No usable gap: let the kernel choose, as without a hint. */
	return map_aligned(fd, len, align, syncp);
}

/*
 * Reserves len + align bytes of address space (PROT_NONE, nothing
 * committed), maps the file with MAP_FIXED at the first aligned address
 * inside it, and gives back the unused head and tail.  Holding the
 * reservation means no other thread can take the aligned spot between
 * choosing and mapping it.
 */
static void *map_aligned(int fd, size_t len, size_t align, int *syncp)
{
	size_t span = align_up(len, page_size());
	size_t rlen = span + align;
	if (span < len || rlen < span) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	void *res = mmap(NULL, rlen, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return MAP_FAILED;
	uintptr_t r = (uintptr_t)res;
	uintptr_t a = align_up(r, align);
	void *p = mmap_sync_or_shared(fd, (void *)a, len, MAP_FIXED, syncp);
	if (p == MAP_FAILED) {
		int err = errno;
		munmap(res, rlen);
		errno = err;
		return MAP_FAILED;
	}
	if (a > r)
		munmap(res, a - r);
	if (r + rlen > a + span)
		munmap((void *)(a + span), r + rlen - (a + span));
	return p;
}

void *pmem_map_fd(int fd, size_t len, size_t align, int *syncp)
{
	pthread_once(&hint_once, hint_read);
	void *p = hint_set ? map_at_hint(fd, len, align, syncp)
			   : map_aligned(fd, len, align, syncp);
	return p == MAP_FAILED ? NULL : p;
}

/* ---- opening ---- */

/* An unnamed file in directory dir: O_TMPFILE, or where the file system
 * lacks it a named one unlinked at once. */
static int open_tmpfile(const char *dir, int excl)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC | (excl ? O_EXCL : 0),
			0600);
	if (fd >= 0 || errno != EOPNOTSUPP)
		return fd;
	size_t n = strlen(dir) + sizeof("/pmem.XXXXXX");
	char *tmpl = malloc(n);
	if (!tmpl)
		return -1;
	snprintf(tmpl, n, "%s/pmem.XXXXXX", dir);
	fd = mkostemp(tmpl, O_CLOEXEC);
	if (fd >= 0)
		unlink(tmpl);
	int err = errno;
	free(tmpl);
	errno = err;
	return fd;
}

/* Opens or creates path; *created says whether this call made it (so a
 * failure later can remove it, and only it). */
static int open_path(const char *path, int flags, mode_t mode, int *created)
{
	*created = 0;
	if (flags & PMEM_FILE_TMPFILE)
		return open_tmpfile(path, flags & PMEM_FILE_EXCL);
	if (!(flags & PMEM_FILE_CREATE))
		return open(path, O_RDWR | O_CLOEXEC |
				((flags & PMEM_FILE_EXCL) ? O_EXCL : 0));
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd >= 0) {
		*created = 1;
		return fd;
	}
	if (errno != EEXIST || (flags & PMEM_FILE_EXCL))
		return -1;
	return open(path, O_RDWR | O_CREAT | O_CLOEXEC, mode);
}

/* ---- the public functions ---- */

/* Refuses the call with EINVAL. */
static void *bad(const char *what)
{
	pmem_err_errno(EINVAL, "%s", what);
	return NULL;
}

PMEM_EXPORT void *pmem_map_fileU(const char *path, size_t len, int flags,
		mode_t mode, size_t *mapped_lenp, int *is_pmemp)
{
	PMEM_LOG(INFO, "path \"%s\" len %zu flags 0x%x mode 0%o",
			path ? path : "(null)", len, (unsigned)flags,
			(unsigned)mode);
	if (!path)
		return bad("invalid (NULL) path");

	struct stat st;
	int exists = stat(path, &st) == 0;
	if (!exists && errno != ENOENT) {
		pmem_err_errno(errno, "stat \"%s\"", path);
		return NULL;
	}
	if (exists && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) &&
	    !S_ISCHR(st.st_mode)) {
		/* A FIFO, socket or block device: refused as PMDK does. */
		pmem_err_errno(EINVAL, "file type 0%o not supported",
				(unsigned)(st.st_mode & S_IFMT));
		return NULL;
	}
	int devdax = 0;
	struct pmem_devdax dd = { 0, 0, -1 };
	if (exists && S_ISCHR(st.st_mode)) {
		devdax = pmem_devdax_is(st.st_rdev);
		if (devdax < 0)
			return NULL;
	}

	if (flags & ~ALL_FLAGS) {
		pmem_err_errno(EINVAL, "invalid flag specified 0x%x",
				(unsigned)flags);
		return NULL;
	}
	if (devdax) {
		if (flags & ~DAX_FLAGS) {
			pmem_err_errno(EINVAL, "flag unsupported for Device "
					"DAX 0x%x", (unsigned)flags);
			return NULL;
		}
		if (pmem_devdax_info(st.st_rdev, &dd) != 0)
			return NULL;
		if (len != 0 && len != dd.size) {
			pmem_err_errno(EINVAL, "Device DAX length must be "
					"either 0 or the exact size of the "
					"device: %zu", dd.size);
			return NULL;
		}
		flags = 0;	/* CREATE and SPARSE mean nothing here */
		len = 0;
	}
	if ((flags & PMEM_FILE_CREATE) && (off_t)len < 0)
		return bad("invalid file length");
	if (len != 0 && !(flags & PMEM_FILE_CREATE))
		return bad("non-zero 'len' not allowed without "
				"PMEM_FILE_CREATE");
	if (len == 0 && (flags & PMEM_FILE_CREATE))
		return bad("zero 'len' not allowed with PMEM_FILE_CREATE");
	if ((flags & PMEM_FILE_TMPFILE) && !(flags & PMEM_FILE_CREATE))
		return bad("PMEM_FILE_TMPFILE not allowed without "
				"PMEM_FILE_CREATE");

	int created;
	int fd = open_path(path, flags, mode, &created);
	if (fd < 0) {
		pmem_err_errno(errno, "open \"%s\"", path);
		return NULL;
	}

	if (flags & PMEM_FILE_CREATE) {
		/* Set the length whether the file is new or not. */
		if (ftruncate(fd, (off_t)len) != 0) {
			pmem_err_errno(errno, "ftruncate \"%s\"", path);
			goto err;
		}
		if (!(flags & PMEM_FILE_SPARSE)) {
			int e = posix_fallocate(fd, 0, (off_t)len);
			if (e) {
				pmem_err_errno(e, "posix_fallocate \"%s\"",
						path);
				goto err;
			}
		}
	} else if (devdax) {
		len = dd.size;
	} else {
		struct stat fst;
		if (fstat(fd, &fst) != 0) {
			pmem_err_errno(errno, "fstat \"%s\"", path);
			goto err;
		}
		if (fst.st_size <= 0) {
			pmem_err_errno(EINVAL, "\"%s\" is empty or not a "
					"regular file", path);
			goto err;
		}
		len = (size_t)fst.st_size;
	}

	size_t align = devdax ? dd.align : pmem_map_alignment(len);
	if (align < page_size())
		align = page_size();
	int sync = 0;
	void *addr = pmem_map_fd(fd, len, align, &sync);
	if (!addr) {
		pmem_err_errno(errno, "mmap %zu bytes of \"%s\"", len, path);
		goto err;
	}
	if (devdax || sync) {
		if (pmem_registry_add(addr, len, devdax ? PMEM_RANGE_DEVDAX
				: PMEM_RANGE_MAP_SYNC, dd.region_id) != 0)
			PMEM_LOG(WARNING, "cannot track %p: out of memory",
					addr);
	}
	PMEM_LOG(NOTICE, "mapped \"%s\" at %p, %zu bytes%s", path, addr, len,
			devdax ? ", Device DAX" : sync ? ", MAP_SYNC" : "");
	if (mapped_lenp)
		*mapped_lenp = len;
	if (is_pmemp)
		*is_pmemp = pmem_is_pmem(addr, len);
	close(fd);
	return addr;

err:;
	int err = errno;
	close(fd);
	if (created)
		unlink(path);
	errno = err;
	return NULL;
}

PMEM_EXPORT void *pmem_map_file(const char *path, size_t len, int flags,
		mode_t mode, size_t *mapped_lenp, int *is_pmemp)
{
	return pmem_map_fileU(path, len, flags, mode, mapped_lenp, is_pmemp);
}

PMEM_EXPORT int pmem_unmap(void *addr, size_t len)
{
	if ((uintptr_t)addr % page_size()) {
		pmem_err_errno(EINVAL, "address %p is not page aligned", addr);
		return -1;
	}
	if (pmem_registry_unmap(addr, len) != 0) {
		pmem_err_errno(errno, "munmap %p, %zu bytes", addr, len);
		return -1;
	}
	return 0;
}
