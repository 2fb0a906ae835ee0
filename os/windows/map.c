/*
 * os/windows/map.c -- pmem_map_file() and pmem_unmap() on Windows: CreateFileW,
 * the size set with SetFileInformationByHandle (FSCTL_SET_SPARSE first for
 * PMEM_FILE_SPARSE), CreateFileMappingW and MapViewOfFileEx at an aligned
 * address.  The argument checks come in the order of map.c, so a bad call
 * fails with the same errno on either OS.  What Windows does differently
 * (mode bits, EXCL with TMPFILE) is in docs/man/pmem_map_file.3.
 */
#include <windows.h>
#include <winioctl.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "libpmem.h"
#include "err.h"
#include "export.h"
#include "log.h"
#include "map.h"
#include "os.h"
#include "os_windows.h"
#include "registry.h"
#include "wide.h"

#define MiB ((size_t)1 << 20)
#define GiB ((size_t)1 << 30)

size_t pmem_map_alignment(size_t len)
{
	return len >= GiB ? GiB : 2 * MiB;
}

size_t pmem_map_span(size_t len)
{
	size_t pg = pmem_os_page_size();
	size_t span = (len + pg - 1) & ~(pg - 1);
	return span < len ? 0 : span;
}

static int set_errno_last(void)
{
	errno = pmem_win_errno(GetLastError());
	return -1;
}

/* An unnamed file in directory dir: a new name there, opened so that it
 * is deleted when the last handle goes (the view table's, at unmap). */
static HANDLE open_tmpfile(const wchar_t *dir)
{
	DWORD a = GetFileAttributesW(dir);
	if (a == INVALID_FILE_ATTRIBUTES) {
		set_errno_last();
		return INVALID_HANDLE_VALUE;
	}
	if (!(a & FILE_ATTRIBUTE_DIRECTORY)) {
		errno = ENOTDIR;
		return INVALID_HANDLE_VALUE;
	}
	wchar_t name[MAX_PATH + 16];
	if (wcslen(dir) > MAX_PATH - 14) {
		errno = ENAMETOOLONG;
		return INVALID_HANDLE_VALUE;
	}
	if (!GetTempFileNameW(dir, L"pmem", 0, name)) {
		set_errno_last();
		return INVALID_HANDLE_VALUE;
	}
	HANDLE h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE | DELETE,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, OPEN_EXISTING, FILE_ATTRIBUTE_TEMPORARY |
			FILE_FLAG_DELETE_ON_CLOSE, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		set_errno_last();
		DeleteFileW(name);
	}
	return h;
}

/* Opens or creates path; *made: this call created it. */
static HANDLE open_path(const wchar_t *path, int flags, int *made)
{
	*made = 0;
	if (flags & PMEM_FILE_TMPFILE)
		return open_tmpfile(path);
	DWORD a = GetFileAttributesW(path);
	if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY)) {
		/* open(2) of a directory for writing: EISDIR, EEXIST first
		 * under CREATE|EXCL */
		errno = (flags & PMEM_FILE_CREATE) && (flags & PMEM_FILE_EXCL)
			? EEXIST : EISDIR;
		return INVALID_HANDLE_VALUE;
	}
	DWORD disp = !(flags & PMEM_FILE_CREATE) ? OPEN_EXISTING :
		(flags & PMEM_FILE_EXCL) ? CREATE_NEW : OPEN_ALWAYS;
	HANDLE h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE,
			FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
			NULL, disp, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		set_errno_last();
		return h;
	}
	*made = disp == CREATE_NEW ||
		(disp == OPEN_ALWAYS && GetLastError() != ERROR_ALREADY_EXISTS);
	return h;
}

/* Windows (and Wine) answer "path not found" for a name no file system
 * can hold; Linux and the manual page say ENAMETOOLONG.  The limits: 255
 * UTF-16 units a component (NTFS, ReFS, exFAT, FAT32 long names) and
 * 32767 a path (UNICODE_STRING, long paths enabled). */
#define NAME_MAX_WIN 255
#define PATH_MAX_WIN 32767

static int name_too_long(const wchar_t *w)
{
	if (wcslen(w) > PATH_MAX_WIN)
		return 1;
	size_t comp = 0;
	for (; *w; w++) {
		comp = *w == L'\\' || *w == L'/' ? 0 : comp + 1;
		if (comp > NAME_MAX_WIN)
			return 1;
	}
	return 0;
}

/* ENOSPC when the volume has clearly not the room for len bytes (what
 * the file holds already counts), as map.c's space_check on Linux: told
 * before the size is set, so a failed call changes nothing.  0 when it
 * may fit or cannot be told. */
static int space_check(HANDLE h, const wchar_t *path, size_t len)
{
	FILE_STANDARD_INFO si;
	wchar_t root[MAX_PATH + 1];
	ULARGE_INTEGER avail, total, free_bytes;
	if (!GetFileInformationByHandleEx(h, FileStandardInfo, &si,
			sizeof(si)) ||
	    !GetVolumePathNameW(path, root, MAX_PATH + 1) ||
	    !GetDiskFreeSpaceExW(root, &avail, &total, &free_bytes) ||
	    total.QuadPart == 0)
		return 0;
	unsigned long long have = si.AllocationSize.QuadPart > 0 ?
		(unsigned long long)si.AllocationSize.QuadPart : 0;
	unsigned long long need = len > have ? len - have : 0;
	return need > free_bytes.QuadPart ? ENOSPC : 0;
}

static int set_size(HANDLE h, long long size)
{
	FILE_END_OF_FILE_INFO eof;
	eof.EndOfFile.QuadPart = size;
	if (!SetFileInformationByHandle(h, FileEndOfFileInfo, &eof,
			sizeof(eof)))
		return set_errno_last();
	return 0;
}

/* ---- PMEM_MMAP_HINT, read once, as map.c reads it on Linux ---- */

static INIT_ONCE hint_once = INIT_ONCE_STATIC_INIT;
static int hint_set;
static uintptr_t hint_addr;

static BOOL CALLBACK hint_read(PINIT_ONCE once, PVOID arg, PVOID *ctx)
{
	(void)once;
	(void)arg;
	(void)ctx;
	const char *e = pmem_os_getenv("PMEM_MMAP_HINT");
	if (!e)
		return TRUE;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(e, &end, 16);	/* hex, as on Linux */
	if (errno || end == e || *end) {
		PMEM_LOG(WARNING, "invalid PMEM_MMAP_HINT \"%s\" ignored", e);
		return TRUE;
	}
	hint_addr = (uintptr_t)v;
	hint_set = 1;
	PMEM_LOG(INFO, "PMEM_MMAP_HINT 0x%llx", v);
	return TRUE;
}

/* First address >= from, aligned, with span free bytes (VirtualQuery
 * walks the regions as find_gap reads /proc/self/maps on Linux); 0 when
 * there is none below the top of the user address space. */
static uintptr_t find_gap(uintptr_t from, size_t span, size_t align)
{
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	uintptr_t top = (uintptr_t)si.lpMaximumApplicationAddress;
	/* 0 is a hint too (the lowest free place), not "no place". */
	uintptr_t cand = from ? (from + align - 1) & ~(align - 1) : align;
	while (cand && cand >= from && cand + span > cand &&
	       cand + span - 1 <= top) {
		MEMORY_BASIC_INFORMATION mbi;
		if (!VirtualQuery((void *)cand, &mbi, sizeof(mbi)))
			return 0;
		uintptr_t end = (uintptr_t)mbi.BaseAddress + mbi.RegionSize;
		if (mbi.State == MEM_FREE && end - cand >= span)
			return cand;
		cand = (end + align - 1) & ~(align - 1);
	}
	return 0;
}

/* The view at the first free aligned place at or above the hint; NULL
 * when there is none, so the caller maps as without the variable. */
static void *map_view_at_hint(HANDLE section, size_t len, size_t align)
{
	uintptr_t from = hint_addr;
	for (int tries = 0; tries < 16; tries++) {
		uintptr_t a = find_gap(from, pmem_map_span(len), align);
		if (!a)
			return NULL;
		void *p = MapViewOfFileEx(section, FILE_MAP_ALL_ACCESS, 0, 0,
				len, (void *)a);
		if (p)
			return p;
		/* another thread took it meanwhile: look again above */
		from = a + align;
		if (from < a)
			return NULL;
	}
	return NULL;
}

/* Maps len bytes of the section at an address aligned to align (huge
 * pages are likelier there), or wherever Windows puts it. */
static void *map_view(HANDLE section, size_t len, size_t align)
{
	InitOnceExecuteOnce(&hint_once, hint_read, NULL, NULL);
	if (hint_set) {
		void *p = map_view_at_hint(section, len, align);
		if (p)
			return p;
	}
	for (int tries = 0; tries < 4; tries++) {
		char *r = VirtualAlloc(NULL, len + align, MEM_RESERVE,
				PAGE_NOACCESS);
		if (!r)
			break;
		uintptr_t a = ((uintptr_t)r + align - 1) & ~(align - 1);
		VirtualFree(r, 0, MEM_RELEASE);
		/* another thread may take the place meanwhile: try again */
		void *p = MapViewOfFileEx(section, FILE_MAP_ALL_ACCESS, 0, 0,
				len, (void *)a);
		if (p)
			return p;
	}
	void *p = MapViewOfFile(section, FILE_MAP_ALL_ACCESS, 0, 0, len);
	if (!p)
		set_errno_last();
	return p;
}

PMEM_EXPORT void *pmem_map_fileU(const char *path, size_t len, int flags,
		mode_t mode, size_t *mapped_lenp, int *is_pmemp)
{
	(void)mode;	/* Windows has no mode bits (see the manual page) */
	PMEM_LOG(INFO, "path \"%s\" len %zu flags 0x%x", path ? path :
			"(null)", len, (unsigned)flags);
	if (!path) {
		pmem_err_errno(EINVAL, "invalid (NULL) path");
		return NULL;
	}
	if (pmem_map_check_flags(flags) != 0 ||
	    pmem_map_check_len(len, flags) != 0)
		return NULL;

	wchar_t *wpath = pmem_win_utf16(path);
	if (!wpath) {
		/* the message is UTF-8 (pmem_errormsgU): bad bytes as \xNN */
		int e = errno;
		char *shown = e == EINVAL ? pmem_utf8_escaped(path) : NULL;
		if (e == EINVAL)
			pmem_err_errno(e, "\"%s\" is not UTF-8", shown ? shown :
					"(path)");
		else
			pmem_err_errno(e, "cannot convert the path to UTF-16");
		free(shown);
		errno = e;
		return NULL;
	}
	if (name_too_long(wpath)) {
		pmem_err_errno(ENAMETOOLONG, "open \"%s\"", path);
		free(wpath);
		return NULL;
	}
	int made;
	HANDLE h = open_path(wpath, flags, &made);
	if (h == INVALID_HANDLE_VALUE) {
		pmem_err_errno(errno, "open \"%s\"", path);
		free(wpath);
		return NULL;
	}
	LARGE_INTEGER old;
	void *addr = NULL;
	int resized = 0;
	if (!GetFileSizeEx(h, &old)) {
		set_errno_last();
		pmem_err_errno(errno, "size of \"%s\"", path);
		goto err;
	}
	if (GetFileType(h) != FILE_TYPE_DISK) {
		pmem_err_errno(EINVAL, "\"%s\" is not a regular file", path);
		goto err;
	}
	if (!(flags & PMEM_FILE_CREATE)) {
		if (old.QuadPart <= 0) {
			pmem_err_errno(EINVAL, "\"%s\" is empty", path);
			goto err;
		}
		len = (size_t)old.QuadPart;
	} else {
		if (flags & PMEM_FILE_SPARSE) {
			/* Where the file system cannot, the file is simply
			 * not sparse: nothing a caller can act on. */
			DWORD ret;
			DeviceIoControl(h, FSCTL_SET_SPARSE, NULL, 0, NULL, 0,
					&ret, NULL);
		}
		int e = flags & PMEM_FILE_SPARSE ? 0 :
			space_check(h, wpath, len);
		if (e) {
			pmem_err_errno(e, "no room for %zu bytes for \"%s\"",
					len, path);
			goto err;
		}
		if ((long long)len != old.QuadPart) {
			if (set_size(h, (long long)len) != 0) {
				pmem_err_errno(errno, "set the size of \"%s\" "
						"to %zu", path, len);
				goto err;
			}
			resized = 1;
		}
	}
	HANDLE section = CreateFileMappingW(h, NULL, PAGE_READWRITE,
			(DWORD)((unsigned long long)len >> 32), (DWORD)len, NULL);
	if (!section) {
		set_errno_last();
		pmem_err_errno(errno, "CreateFileMapping %zu bytes of \"%s\"",
				len, path);
		goto err;
	}
	addr = map_view(section, len, pmem_map_alignment(len));
	int err = errno;
	CloseHandle(section);	/* the view keeps it */
	if (!addr) {
		pmem_err_errno(err, "MapViewOfFile %zu bytes of \"%s\"", len,
				path);
		goto err;
	}
	if (pmem_win_view_add(addr, len, h) != 0) {
		pmem_err_errno(ENOMEM, "cannot track the view of \"%s\"",
				path);
		UnmapViewOfFile(addr);
		goto err;
	}
	int dax = pmem_win_dax_volume(h);
	if (dax && pmem_registry_add(addr, len, PMEM_RANGE_MAP_SYNC, -1))
		PMEM_LOG(WARNING, "cannot track %p: out of memory", addr);
	PMEM_LOG(NOTICE, "mapped \"%s\" at %p, %zu bytes%s", path, addr, len,
			dax ? ", DAX volume" : "");
	free(wpath);
	if (mapped_lenp)
		*mapped_lenp = len;
	if (is_pmemp)
		*is_pmemp = pmem_is_pmem(addr, len);
	return addr;

err:;
	int e = errno;
	if (resized && !made)
		set_size(h, old.QuadPart);
	CloseHandle(h);
	if (made)
		DeleteFileW(wpath);
	free(wpath);
	errno = e;
	return NULL;
}
