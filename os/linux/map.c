/*
 * os/linux/map.c -- pmem_map_file() and pmem_unmap().
 *
 * The order of the checks follows PMDK 1.12's, so a bad call fails with
 * the same errno on either library: what the path is (stat), the flags,
 * Device DAX rules, the length rules, then open; then what may still
 * fail (space, address space, allocation, mapping) before the size is
 * set, so that a failed call leaves an existing file as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "libpmem.h"
#include "devdax.h"
#include "err.h"
#include "export.h"
#include "log.h"
#include "map.h"
#include "region.h"
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

/* PROT_NONE anonymous memory: address space, nothing committed. */
static void *reserve_at(void *addr, size_t len, int extra)
{
	return mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
			MAP_NORESERVE | extra, -1, 0);
}

/*
 * Reserves span + align bytes, keeps the span at the first aligned
 * address inside them and gives back the unused head and tail.  Holding
 * the reservation means no other thread can take the aligned spot between
 * choosing and mapping it.
 */
static void *reserve_aligned(size_t span, size_t align)
{
	size_t rlen = span + align;
	if (rlen < span) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	void *res = reserve_at(NULL, rlen, 0);
	if (res == MAP_FAILED)
		return MAP_FAILED;
	uintptr_t r = (uintptr_t)res;
	uintptr_t a = align_up(r, align);
	if (a > r)
		munmap(res, a - r);
	if (r + rlen > a + span)
		munmap((void *)(a + span), r + rlen - (a + span));
	return (void *)a;
}

/* PMEM_MMAP_HINT: the first free aligned place at or above the hint, no
 * randomisation.  NOREPLACE makes a race with another thread's mmap
 * harmless: we look again. */
static void *reserve_at_hint(size_t span, size_t align)
{
	uintptr_t from = hint_addr;
	for (int tries = 0; tries < 16; tries++) {
		uintptr_t a = find_gap(from, span, align);
		if (!a)
			break;
		void *p = reserve_at((void *)a, span, MAP_FIXED_NOREPLACE);
		if (p == (void *)a)
			return p;
		/* A kernel without NOREPLACE took it as a mere hint. */
		if (p != MAP_FAILED) {
			munmap(p, span);
			errno = EEXIST;
		}
		/* Any other error (ENOMEM above the user address space,
		 * EPERM below mmap_min_addr) means the hint cannot be
		 * honoured there; a real failure recurs below. */
		if (errno != EEXIST)
			break;
		from = a + align;
	}
	/* No usable gap: let the kernel choose, as without a hint. */
	return reserve_aligned(span, align);
}

size_t pmem_map_span(size_t len)
{
	size_t span = align_up(len, page_size());
	return span < len ? 0 : span;
}

void *pmem_map_reserve(size_t len, size_t align)
{
	pthread_once(&hint_once, hint_read);
	size_t span = pmem_map_span(len);
	if (!span) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = hint_set ? reserve_at_hint(span, align)
			   : reserve_aligned(span, align);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * Whether the regular file fd lives on an asynchronous region
 * (virtio-pmem).  Such a file is never mapped with MAP_SYNC: its stores
 * reach the host only through a flush request, yet the virtio-pmem guest
 * of test-dax saw the kernel grant MAP_SYNC there in some boots, which
 * would have made the mapping pmem.
 */
static int on_async_region(const struct stat *st)
{
	struct pmem_region r;
	int saved = errno;
	int async = S_ISREG(st->st_mode) &&
		pmem_region_of_dev(st->st_dev, 0, &r) == 1 && r.sync == 0;
	errno = saved;
	return async;
}

void *pmem_map_fd_at(int fd, const struct stat *st, void *res, size_t len,
		int *syncp)
{
	void *p;
	if (on_async_region(st)) {
		*syncp = 0;
		p = mmap(res, len, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_FIXED, fd, 0);
	} else {
		p = mmap_sync_or_shared(fd, res, len, MAP_FIXED, syncp);
	}
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

/* The name the symbolic link cur points to, as a path from here, into
 * next; cur unchanged when it is no longer a link (removed meanwhile). */
static int follow_link(const char *cur, char *next, size_t n)
{
	char target[PATH_MAX];
	ssize_t len = readlink(cur, target, sizeof(target) - 1);
	if (len < 0) {
		if (errno != EINVAL && errno != ENOENT)
			return -1;
		len = snprintf(next, n, "%s", cur);
	} else {
		target[len] = '\0';
		const char *slash = strrchr(cur, '/');
		int dlen = target[0] == '/' || !slash ? 0 :
				(int)(slash - cur + 1);
		len = snprintf(next, n, "%.*s%s", dlen, cur, target);
	}
	if (len < 0 || (size_t)len >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * Creates path or opens it as it is; made gets the name of the file this
 * call created ("" when none), so a failure later removes that file and
 * only it.  O_EXCL does not follow a symbolic link, and O_CREAT alone
 * would not tell who made the file it creates through a dangling one: so
 * each name is tried with O_EXCL and, when a dangling link stands there,
 * the link is followed by hand, one at a time, as open(2) would.
 */
static int open_create(const char *path, int excl, mode_t mode, char *made,
		size_t n)
{
	char names[2][PATH_MAX];
	const char *cur = path;
	for (int step = 0; step < 40; step++) {	/* the kernel's link limit */
		int fd = open(cur, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
				mode);
		if (fd >= 0) {
			if ((size_t)snprintf(made, n, "%s", cur) >= n) {
				unlink(cur);	/* cannot happen: < PATH_MAX */
				close(fd);
				errno = ENAMETOOLONG;
				return -1;
			}
			return fd;
		}
		if (errno != EEXIST || excl)
			return -1;
		fd = open(cur, O_RDWR | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT)
			return fd;
		/* It exists, yet cannot be opened: a dangling link. */
		char *next = names[step & 1];
		if (follow_link(cur, next, PATH_MAX) != 0)
			return -1;
		cur = next;
	}
	errno = ELOOP;
	return -1;
}

static int open_path(const char *path, int flags, mode_t mode, char *made,
		size_t n)
{
	made[0] = '\0';
	if (flags & PMEM_FILE_TMPFILE)
		return open_tmpfile(path, flags & PMEM_FILE_EXCL);
	if (!(flags & PMEM_FILE_CREATE))
		return open(path, O_RDWR | O_CLOEXEC |
				((flags & PMEM_FILE_EXCL) ? O_EXCL : 0));
	return open_create(path, flags & PMEM_FILE_EXCL, mode, made, n);
}

/* ---- giving a file its length, so that a failure changes nothing ---- */

/* ENOSPC when the file system has clearly not the room to allocate len
 * bytes (what the file holds already counts): a failure found before
 * anything is touched.  0 when it may fit or cannot be told. */
static int space_check(int fd, const struct stat *st, size_t len)
{
	struct statvfs vfs;
	if (fstatvfs(fd, &vfs) != 0 || vfs.f_blocks == 0)
		return 0;
	unsigned long long have = (unsigned long long)st->st_blocks * 512;
	unsigned long long need = len > have ? len - have : 0;
	unsigned long long fr = vfs.f_frsize ? vfs.f_frsize : vfs.f_bsize;
	return need / fr > vfs.f_bfree ? ENOSPC : 0;
}

/* Puts the size back to old after a failure.  Truncating to the same
 * size also frees blocks allocated past the end (ext4, xfs); where it
 * fails they stay, unseen: nothing more can be done. */
static void restore_size(int fd, off_t old)
{
	if (ftruncate(fd, old) != 0)
		return;
}

/* Allocates [0, len) without changing the size (nothing visible yet).
 * *emulate: the file system cannot (posix_fallocate writes instead, in
 * set_size).  An error number on failure, with the blocks it may have
 * added past the end given back. */
static int allocate(int fd, off_t old, size_t len, int *emulate)
{
	*emulate = 0;
	if (fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)len) == 0)
		return 0;
	int e = errno;
	if (e == EOPNOTSUPP || e == ENOSYS) {
		*emulate = 1;
		return 0;
	}
	if ((off_t)len > old)
		restore_size(fd, old);
	return e;
}

/* Sets the size to len: the last step, after the mapping is in place.
 * Grows or shrinks; on failure the size is old again (a shrink is done
 * only once nothing else can fail). */
static int set_size(int fd, off_t old, size_t len, int emulate)
{
	if (emulate && (off_t)len <= old) {
		int e = posix_fallocate(fd, 0, (off_t)len);	/* keeps bytes */
		if (e)
			return e;
	}
	if ((off_t)len != old && ftruncate(fd, (off_t)len) != 0)
		return errno;
	if (emulate && (off_t)len > old) {
		int e = posix_fallocate(fd, 0, (off_t)len);
		if (e) {
			restore_size(fd, old);
			return e;
		}
	}
	return 0;
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
	struct pmem_devdax dd = { 0, 0, -1, 0 };
	if (exists && S_ISCHR(st.st_mode)) {
		devdax = pmem_devdax_is(st.st_rdev);
		if (devdax < 0)
			return NULL;
	}

	if (pmem_map_check_flags(flags) != 0)
		return NULL;
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
	if (pmem_map_check_len(len, flags) != 0)
		return NULL;

	/* A character device that is not Device DAX is refused before it
	 * is opened for writing, which may mean something to its driver.
	 * TMPFILE asks for a directory and fails ENOTDIR in open_path. */
	if (exists && S_ISCHR(st.st_mode) && !devdax &&
	    !(flags & PMEM_FILE_TMPFILE)) {
		if ((flags & PMEM_FILE_CREATE) && (flags & PMEM_FILE_EXCL)) {
			pmem_err_errno(EEXIST, "\"%s\" exists", path);
			return NULL;
		}
		return bad("not a regular file or Device DAX");
	}

	/*
	 * Everything that can fail comes before the file changes: the
	 * space, the address space (reserved), the allocation (which does
	 * not change the size), the mapping; the new size is set last.  A
	 * failed call so leaves an existing file as it was.
	 */
	char made[PATH_MAX];
	void *res = NULL;
	int fd = open_path(path, flags, mode, made, sizeof(made));
	if (fd < 0) {
		pmem_err_errno(errno, "open \"%s\"", path);
		return NULL;
	}

	struct stat fst;
	if (fstat(fd, &fst) != 0) {
		pmem_err_errno(errno, "fstat \"%s\"", path);
		goto err;
	}
	if (devdax) {
		len = dd.size;
	} else if (!S_ISREG(fst.st_mode)) {
		pmem_err_errno(EINVAL, "\"%s\" is not a regular file", path);
		goto err;
	} else if (!(flags & PMEM_FILE_CREATE)) {
		if (fst.st_size <= 0) {
			pmem_err_errno(EINVAL, "\"%s\" is empty", path);
			goto err;
		}
		len = (size_t)fst.st_size;
	} else if (!(flags & PMEM_FILE_SPARSE)) {
		int e = space_check(fd, &fst, len);
		if (e) {
			pmem_err_errno(e, "no room for %zu bytes for \"%s\"",
					len, path);
			goto err;
		}
	}

	size_t align = devdax ? dd.align : pmem_map_alignment(len);
	if (align < page_size())
		align = page_size();
	res = pmem_map_reserve(len, align);
	if (!res) {
		pmem_err_errno(errno, "reserve %zu bytes of address space for "
				"\"%s\"", len, path);
		goto err;
	}
	int emulate = 0;
	if ((flags & PMEM_FILE_CREATE) && !(flags & PMEM_FILE_SPARSE)) {
		int e = allocate(fd, fst.st_size, len, &emulate);
		if (e) {
			pmem_err_errno(e, "fallocate \"%s\"", path);
			goto err;
		}
	}
	int sync = 0;
	void *addr = pmem_map_fd_at(fd, &fst, res, len, &sync);
	if (!addr) {
		pmem_err_errno(errno, "mmap %zu bytes of \"%s\"", len, path);
		goto err;
	}
	if (flags & PMEM_FILE_CREATE) {
		int e = set_size(fd, fst.st_size, len, emulate);
		if (e) {
			pmem_err_errno(e, "set the size of \"%s\" to %zu",
					path, len);
			goto err;
		}
	}
	/* Device DAX on an asynchronous region (virtio-pmem) is mapped but
	 * is not pmem: its stores reach the host only through a flush (the
	 * device accepts MAP_SYNC all the same). */
	if (devdax ? !dd.async : sync) {
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
	if (res)
		munmap(res, pmem_map_span(len));
	close(fd);
	if (made[0])
		unlink(made);
	errno = err;
	return NULL;
}
