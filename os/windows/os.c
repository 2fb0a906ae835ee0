/*
 * os/windows/os.c -- os/os.h on Windows: the Windows environment, errors
 * from GetLastError() mapped to errno, views unmapped with
 * UnmapViewOfFile and written back with FlushViewOfFile plus
 * FlushFileBuffers, plugins as DLLs (LoadLibraryExW, GetProcAddress).
 */
#include <windows.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "os.h"
#include "os_windows.h"
#include "wide.h"

const char pmem_os_lib_suffix[] = ".dll";
const char pmem_os_path_list_sep[] = ";";
const char pmem_os_dir_sep[] = "\\";

/* Windows takes both separators, and "C:name" is a file on drive C. */
int pmem_os_is_path(const char *s)
{
	if (strpbrk(s, "/\\") != NULL)
		return 1;
	return ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))
		&& s[1] == ':';
}

size_t pmem_os_page_size(void)
{
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	return si.dwPageSize;
}

/* ---- text ---- */

wchar_t *pmem_win_utf16(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1,
			NULL, 0);
	if (n <= 0) {
		errno = EINVAL;
		return NULL;
	}
	wchar_t *w = malloc((size_t)n * sizeof(*w));
	if (!w) {
		errno = ENOMEM;
		return NULL;
	}
	MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
	return w;
}

static char *utf8(const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	char *s = n > 0 ? malloc((size_t)n) : NULL;
	if (s)
		WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
	return s;
}

static INIT_ONCE plugin_dir_once = INIT_ONCE_STATIC_INIT;
static char *plugin_dir;

static BOOL CALLBACK find_plugin_dir(PINIT_ONCE once, PVOID param,
		PVOID *ctx)
{
	(void)once;
	(void)param;
	(void)ctx;
	static wchar_t w[4096];
	HMODULE self;
	/* the module holding this code: libpmem.dll, or the program that
	 * links libpmem.a */
	if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
			GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
			(LPCWSTR)(void *)&plugin_dir_once, &self))
		return TRUE;
	DWORD n = GetModuleFileNameW(self, w, 4096 - 16);
	wchar_t *slash = n > 0 && n < 4096 - 16 ? wcsrchr(w, L'\\') : NULL;
	if (slash) {
		wcscpy(slash + 1, L"backends");
		plugin_dir = utf8(w);
	}
	return TRUE;
}

const char *pmem_os_plugin_dir(void)
{
	InitOnceExecuteOnce(&plugin_dir_once, find_plugin_dir, NULL, NULL);
	return plugin_dir;
}

int pmem_win_errno(DWORD err)
{
	switch (err) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_DRIVE:
	case ERROR_BAD_NETPATH:
	case ERROR_MOD_NOT_FOUND:
		return ENOENT;
	case ERROR_FILE_EXISTS:
	case ERROR_ALREADY_EXISTS:
		return EEXIST;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
		return EACCES;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
	case ERROR_COMMITMENT_LIMIT:
		return ENOMEM;
	case ERROR_DISK_FULL:
	case ERROR_HANDLE_DISK_FULL:
		return ENOSPC;
	case ERROR_FILENAME_EXCED_RANGE:
		return ENAMETOOLONG;
	case ERROR_DIRECTORY:
		return ENOTDIR;
	case ERROR_TOO_MANY_OPEN_FILES:
		return EMFILE;
	case ERROR_WRITE_PROTECT:
		return EROFS;
	case ERROR_INVALID_HANDLE:
		return EBADF;
	case ERROR_BAD_EXE_FORMAT:
		return ENOEXEC;
	case ERROR_NOT_SUPPORTED:
		return ENOTSUP;
	case ERROR_FILE_TOO_LARGE:
		return EFBIG;
	case ERROR_INVALID_NAME:
	case ERROR_INVALID_PARAMETER:
	case ERROR_INVALID_ADDRESS:
		return EINVAL;
	default:
		return EIO;
	}
}

/* ---- environment: the process's, not the C runtime's copy ---- */

struct env_value {
	struct env_value *next;
	char *name, *value;
};

static SRWLOCK env_lock = SRWLOCK_INIT;
static struct env_value *env_seen;	/* never freed: callers keep them */

const char *pmem_os_getenv(const char *name)
{
	wchar_t *wname = pmem_win_utf16(name);
	if (!wname)
		return NULL;
	wchar_t small[256], *w = small;
	/* 0 is also an empty value's length, told apart by the error,
	 * which a success leaves as it was */
	SetLastError(0);
	DWORD n = GetEnvironmentVariableW(wname, small, 256);
	if (n > 256) {
		w = malloc(n * sizeof(*w));
		if (w)
			n = GetEnvironmentVariableW(wname, w, n);
	}
	free(wname);
	char *v = (w && n) || (w && GetLastError() != ERROR_ENVVAR_NOT_FOUND)
		? utf8(w) : NULL;
	if (w != small)
		free(w);
	if (!v)
		return NULL;
	/* The same text for the same name: one copy, kept for good. */
	AcquireSRWLockExclusive(&env_lock);
	const char *ret = NULL;
	for (struct env_value *e = env_seen; e && !ret; e = e->next)
		if (!strcmp(e->name, name) && !strcmp(e->value, v))
			ret = e->value;
	if (!ret) {
		struct env_value *e = malloc(sizeof(*e));
		char *nm = strdup(name);
		if (e && nm) {
			*e = (struct env_value){ env_seen, nm, v };
			env_seen = e;
			ret = v;
			v = NULL;
		} else {
			free(e);
			free(nm);
		}
	}
	ReleaseSRWLockExclusive(&env_lock);
	free(v);
	return ret;
}

/* No set-uid programs on Windows. */
const char *pmem_os_secure_getenv(const char *name)
{
	return pmem_os_getenv(name);
}

/* No set-uid programs on Windows. */
int pmem_os_is_privileged(void)
{
	return 0;
}

/* The machine profile is not read on Windows: its trust rule (owner,
 * who may write) is written for POSIX owners and modes. */
int pmem_os_read_conf(const char *path, char *buf, size_t size,
		struct pmem_os_conf_file *f)
{
	(void)path;
	memset(f, 0, sizeof(*f));
	if (size)
		buf[0] = '\0';
	errno = ENOTSUP;
	return -1;
}

int pmem_os_getpid(void)
{
	return (int)GetCurrentProcessId();
}

FILE *pmem_os_fopen_w(const char *path)
{
	wchar_t *w = pmem_win_utf16(path);
	if (!w)
		return NULL;
	FILE *f = _wfopen(w, L"wN");	/* N: not inherited */
	free(w);
	/* msvcrt has no line buffering (_IOLBF is full buffering there):
	 * unbuffered, so a line is in the file once logged */
	if (f)
		setvbuf(f, NULL, _IONBF, 0);
	return f;
}

const char *pmem_os_strerror(int err, char *buf, size_t n)
{
	snprintf(buf, n, "%s", strerror(err));
	return buf;
}

/* ---- views ---- */

struct view {
	uintptr_t base;
	size_t len;
	HANDLE file;
};

static SRWLOCK view_lock = SRWLOCK_INIT;
static struct view *views;
static size_t nviews, capviews;

int pmem_win_view_add(void *base, size_t len, HANDLE file)
{
	int ret = 0;
	AcquireSRWLockExclusive(&view_lock);
	if (nviews == capviews) {
		size_t ncap = capviews ? 2 * capviews : 16;
		struct view *n = realloc(views, ncap * sizeof(*n));
		if (n) {
			views = n;
			capviews = ncap;
		}
	}
	if (nviews < capviews)
		views[nviews++] = (struct view){ (uintptr_t)base, len, file };
	else
		ret = -1;
	ReleaseSRWLockExclusive(&view_lock);
	if (ret)
		errno = ENOMEM;
	return ret;
}

/* The file of the view holding addr, or NULL; the lock is held. */
static HANDLE view_file(uintptr_t addr)
{
	for (size_t i = 0; i < nviews; i++)
		if (addr >= views[i].base && addr - views[i].base < views[i].len)
			return views[i].file;
	return NULL;
}

/* A view is unmapped whole: Windows cannot unmap part of one, so addr
 * must be where pmem_map_file() put it; anything else is EINVAL. */
const char pmem_os_unmap_name[] = "UnmapViewOfFile";

int pmem_os_unmap(void *addr, size_t len)
{
	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	HANDLE file = NULL;
	int found = 0;
	AcquireSRWLockExclusive(&view_lock);
	for (size_t i = 0; i < nviews; i++)
		if (views[i].base == (uintptr_t)addr) {
			file = views[i].file;
			views[i] = views[--nviews];
			found = 1;
			break;
		}
	ReleaseSRWLockExclusive(&view_lock);
	/* Only our views: UnmapViewOfFile inside a DLL or the program
	 * would unmap its whole image. */
	if (!found) {
		errno = EINVAL;
		return -1;
	}
	BOOL ok = UnmapViewOfFile(addr);
	DWORD err = GetLastError();
	CloseHandle(file);	/* a TMPFILE goes away here */
	if (!ok) {
		errno = pmem_win_errno(err);
		return -1;
	}
	return 0;
}

int pmem_os_msync(const void *addr, size_t len)
{
	if (len == 0)
		return 0;
	uintptr_t start = (uintptr_t)addr, end = start + len;
	/* As msync: memory that is not mapped fails ENOMEM; memory that
	 * is no file's (heap, stack) has nothing to write back. */
	for (uintptr_t p = start; p < end; ) {
		MEMORY_BASIC_INFORMATION mi;
		if (!VirtualQuery((void *)p, &mi, sizeof(mi)) ||
				mi.State == MEM_FREE) {
			errno = ENOMEM;
			return -1;
		}
		uintptr_t rend = (uintptr_t)mi.BaseAddress + mi.RegionSize;
		uintptr_t e = rend < end ? rend : end;
		if (mi.Type == MEM_MAPPED &&
				!FlushViewOfFile((void *)p, e - p)) {
			errno = pmem_win_errno(GetLastError());
			return -1;
		}
		p = e;
	}
	AcquireSRWLockShared(&view_lock);
	HANDLE file = view_file(start);
	BOOL ok = !file || FlushFileBuffers(file);
	DWORD err = GetLastError();
	ReleaseSRWLockShared(&view_lock);
	if (!ok) {
		errno = pmem_win_errno(err);
		return -1;
	}
	return 0;
}

/* ---- DAX volumes ---- */

#ifndef FILE_DAX_VOLUME
#define FILE_DAX_VOLUME 0x20000000
#endif

static int real_dax_volume(HANDLE file)
{
	DWORD flags = 0;
	if (!GetVolumeInformationByHandleW(file, NULL, 0, NULL, NULL, &flags,
			NULL, 0))
		return 0;
	return (flags & FILE_DAX_VOLUME) != 0;
}

int (*pmem_win_dax_volume)(HANDLE file) = real_dax_volume;

/* ---- plugins: DLLs ---- */

int pmem_os_regular_file(const char *path)
{
	wchar_t *w = pmem_win_utf16(path);
	if (!w)
		return -1;
	DWORD a = GetFileAttributesW(w);
	DWORD err = GetLastError();
	free(w);
	if (a == INVALID_FILE_ATTRIBUTES) {
		errno = pmem_win_errno(err);
		return -1;
	}
	if (a & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* A regular file starting with a PE header for this machine. */
int pmem_os_lib_check(const char *path, const char *shown)
{
	wchar_t *w = pmem_win_utf16(path);
	if (!w && errno == EINVAL) {
		/* no file has this name; the message stays UTF-8 */
		char esc[4 * 256 + 1];
		pmem_utf8_escape(shown, esc, sizeof(esc));
		pmem_err_errno(EINVAL, "%s: path is not UTF-8", esc);
		return -1;
	}
	free(w);
	if (pmem_os_regular_file(path) != 0) {
		if (errno == EINVAL)
			pmem_err_msg("%s: not a regular file", shown);
		else
			pmem_err_errno(errno, "%s: cannot open plugin", shown);
		return -1;
	}
	w = pmem_win_utf16(path);
	FILE *f = w ? _wfopen(w, L"rb") : NULL;
	free(w);
	if (!f) {
		pmem_err_errno(errno, "%s: cannot open plugin", shown);
		return -1;
	}
	unsigned char h[512] = { 0 };
	size_t n = fread(h, 1, sizeof(h), f);
	fclose(f);
	uint32_t pe = n >= 64 ? (uint32_t)h[60] | (uint32_t)h[61] << 8 |
		(uint32_t)h[62] << 16 | (uint32_t)h[63] << 24 : 0;
	if (n < 64 || h[0] != 'M' || h[1] != 'Z' || pe + 6 > n ||
			memcmp(h + pe, "PE\0\0", 4) != 0) {
		pmem_err_msg("%s: not a PE DLL", shown);
		errno = ENOEXEC;
		return -1;
	}
	unsigned machine = h[pe + 4] | h[pe + 5] << 8;
	if (machine != IMAGE_FILE_MACHINE_AMD64) {
		pmem_err_msg("%s: built for PE machine 0x%x, this library is "
				"x86-64 (0x%x)", shown, machine,
				IMAGE_FILE_MACHINE_AMD64);
		errno = ENOEXEC;
		return -1;
	}
	return 0;
}

void *pmem_os_lib_open(const char *path, char *why, size_t whysize)
{
	wchar_t *w = pmem_win_utf16(path);
	if (!w) {
		snprintf(why, whysize, "path is not UTF-8");
		return NULL;
	}
	HMODULE h = LoadLibraryExW(w, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
	DWORD err = GetLastError();
	free(w);
	if (!h) {
		char msg[160] = "";
		FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
				FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0,
				msg, sizeof(msg), NULL);
		msg[strcspn(msg, "\r\n")] = '\0';
		snprintf(why, whysize, "LoadLibrary error %lu%s%s",
				(unsigned long)err, msg[0] ? ": " : "", msg);
	}
	return (void *)h;
}

void *pmem_os_lib_sym(void *lib, const char *name)
{
	void *p;
	FARPROC f = GetProcAddress((HMODULE)lib, name);
	memcpy(&p, &f, sizeof(p));
	return p;
}

/* Code lies in executable pages, data does not. */
int pmem_os_lib_sym_is_function(void *sym)
{
	MEMORY_BASIC_INFORMATION mi;
	if (!VirtualQuery(sym, &mi, sizeof(mi)))
		return -1;
	return (mi.Protect & (PAGE_EXECUTE | PAGE_EXECUTE_READ |
			PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY)) != 0;
}

void pmem_os_lib_close(void *lib)
{
	FreeLibrary((HMODULE)lib);
}
