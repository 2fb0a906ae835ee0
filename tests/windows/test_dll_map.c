/*
 * test_dll_map.c -- pmem_map_fileU/W, pmem_unmap, pmem_msync and the error
 * messages through libpmem.dll, as a program uses them: the bad-input
 * table (tests/map_bad_inputs.h, its rows that exist on Windows, with
 * the Windows errno), then what a good call does.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "libpmem.h"
#include "map_bad_inputs.h"
#include "wtest.h"
#include "util_win.h"

#define C PMEM_FILE_CREATE
#define X PMEM_FILE_EXCL
#define S PMEM_FILE_SPARSE
#define T PMEM_FILE_TMPFILE

static char dir[MAX_PATH];

static const char *path_for(enum bad_kind k, char *buf, size_t n)
{
	switch (k) {
	case K_NULL: return NULL;
	case K_EMPTY: return "";
	case K_MISSING: snprintf(buf, n, "%s\\missing", dir); break;
	case K_FILE:
		snprintf(buf, n, "%s\\file", dir);
		win_write_file(buf, 8192);
		break;
	case K_EMPTY_FILE:
		snprintf(buf, n, "%s\\empty", dir);
		win_write_file(buf, 0);
		break;
	case K_DIR:
		snprintf(buf, n, "%s\\sub", dir);
		CreateDirectoryA(buf, NULL);
		break;
	case K_UNDER_FILE:
		snprintf(buf, n, "%s\\file\\x", dir);
		break;
	case K_IN_MISSING_DIR:
		snprintf(buf, n, "%s\\nodir\\x", dir);
		break;
	case K_NAME_TOO_LONG: {
		size_t len = (size_t)snprintf(buf, n, "%s\\", dir);
		for (; len < strlen(dir) + 1 + 300 && len + 1 < n; len++)
			buf[len] = 'n';
		buf[len] = '\0';
		break;
	}
	default:	/* a FIFO, a socket...: rows marked NO for Windows */
		CHECK(0, "kind %d: no such file on Windows", (int)k);
		return NULL;
	case K_TOO_LONG: {
		/* short components: only the whole is too long */
		size_t len = (size_t)snprintf(buf, n, "%s", dir);
		while (len < 40000 && len + 12 < n)
			len += (size_t)snprintf(buf + len, n - len, "\\d%07zu",
					len);
		break;
	}
	}
	return buf;
}

static void bad_input_table(void)
{
	static struct bad rows[64];
	size_t nrows = bad_inputs_for(1, rows, 64);
	CHECK(nrows > 30 && nrows < 64, "%zu rows", nrows);
	for (size_t i = 0; i < nrows; i++) {
		const struct bad *b = &rows[i];
		static char buf[40100];
		const char *p = path_for(b->kind, buf, sizeof(buf));
		int before = win_count_entries(dir);
		long long size = p ? win_file_size(p) : -1;
		size_t mapped = 77;
		int is_pmem = 77;
		errno = 0;
		void *a = pmem_map_fileU(p, b->len, b->flags, 0600, &mapped,
				&is_pmem);
		int err = errno;
		CHECK(a == NULL, "%s: mapped", b->name);
		CHECK(err == b->err, "%s: errno %d (%s), table says %d",
				b->name, err, strerror(err), b->err);
		CHECK(pmem_errormsgU()[0] != '\0', "%s: no message", b->name);
		CHECK(mapped == 77 && is_pmem == 77, "%s: outputs written",
				b->name);
		/* nothing created, nothing resized */
		CHECK(win_count_entries(dir) == before, "%s: left a file",
				b->name);
		if (p)
			CHECK(win_file_size(p) == size, "%s: size changed",
					b->name);
		if (a)
			pmem_unmap(a, mapped);
	}
}

static void create_write_remap(void)
{
	char p[MAX_PATH];
	snprintf(p, sizeof(p), "%s\\pool", dir);
	size_t mapped = 0;
	int is_pmem = -1;
	char *a = pmem_map_fileU(p, 3 << 20, C | X, 0600, &mapped, &is_pmem);
	CHECK(a != NULL, "%s", pmem_errormsgU());
	if (!a)
		return;
	CHECK(mapped == 3 << 20, "%zu", mapped);
	CHECK(is_pmem == 0, "Wine has no DAX volume");
	CHECK(((uintptr_t)a & ((2 << 20) - 1)) == 0, "%p: not 2 MiB aligned",
			(void *)a);
	CHECK(win_file_size(p) == 3 << 20, "size %lld", win_file_size(p));
	pmem_memcpy_persist(a + 100, "persistent", 11);
	pmem_memset_persist(a + (2 << 20), 0x5a, 4096);
	CHECK(pmem_msync(a, mapped) == 0, "%s", pmem_errormsgU());
	CHECK(pmem_msync(a + 1, 0) == 0, "msync len 0");
	CHECK(pmem_unmap(a + 1, 4096) == -1 && errno == EINVAL,
			"unaligned unmap");
	CHECK(pmem_unmap(a, mapped) == 0, "%s", pmem_errormsgU());
	a = pmem_map_fileU(p, 0, 0, 0, &mapped, &is_pmem);
	CHECK(a != NULL, "%s", pmem_errormsgU());
	if (!a)
		return;
	CHECK(mapped == 3 << 20, "%zu", mapped);
	CHECK(strcmp(a + 100, "persistent") == 0, "lost the string");
	CHECK(a[(2 << 20) + 4095] == 0x5a, "lost the memset");
	CHECK(pmem_unmap(a, mapped) == 0, "%s", pmem_errormsgU());
	/* CREATE on an existing file gives it the new length */
	a = pmem_map_fileU(p, 1 << 20, C | S, 0600, &mapped, NULL);
	CHECK(a != NULL && mapped == 1 << 20, "%s", pmem_errormsgU());
	CHECK(win_file_size(p) == 1 << 20, "size %lld", win_file_size(p));
	if (a) {
		CHECK(strcmp(a + 100, "persistent") == 0, "shrink lost data");
		pmem_unmap(a, mapped);
	}
	DeleteFileA(p);
}

static void tmpfile_goes_away(void)
{
	char d[MAX_PATH];
	snprintf(d, sizeof(d), "%s\\tmp", dir);
	CreateDirectoryA(d, NULL);
	for (int excl = 0; excl < 2; excl++) {
		size_t mapped = 0;
		char *a = pmem_map_fileU(d, 1 << 20, C | T | (excl ? X : 0),
				0600, &mapped, NULL);
		CHECK(a != NULL, "%s", pmem_errormsgU());
		if (!a)
			return;
		a[0] = 1;
		pmem_persist(a, 1);
		CHECK(pmem_msync(a, 1) == 0, "%s", pmem_errormsgU());
		CHECK(pmem_unmap(a, mapped) == 0, "%s", pmem_errormsgU());
		CHECK(win_count_entries(d) == 0, "%d files left",
				win_count_entries(d));
	}
	RemoveDirectoryA(d);
}

static void unmap_and_msync_errors(void)
{
	static char page[8192] __attribute__((aligned(4096)));
	CHECK(pmem_unmap(page, 4096) == -1 && errno == EINVAL,
			"unmap of memory no view holds");
	CHECK(pmem_msync(page, 100) == 0, "msync of data: %s",
			pmem_errormsgU());
	void *gone = VirtualAlloc(NULL, 65536, MEM_RESERVE | MEM_COMMIT,
			PAGE_READWRITE);
	VirtualFree(gone, 0, MEM_RELEASE);
	CHECK(pmem_msync(gone, 100) == -1 && errno == ENOMEM,
			"msync of unmapped memory");
}

/* The same file by a UTF-8 and a UTF-16 name; messages in both forms. */
static void non_ascii_names(void)
{
	char u[MAX_PATH];
	wchar_t w[MAX_PATH];
	snprintf(u, sizeof(u), "%s\\p\xc3\xa4m-\xe2\x82\xac-\xf0\x9f\x98\x80",
			dir);
	MultiByteToWideChar(CP_UTF8, 0, u, -1, w, MAX_PATH);
	size_t mapped;
	char *a = pmem_map_fileW(w, 4096, C | X, 0600, &mapped, NULL);
	CHECK(a != NULL, "%s", pmem_errormsgU());
	if (!a)
		return;
	strcpy(a, "wide");
	pmem_persist(a, 5);
	pmem_unmap(a, mapped);
	a = pmem_map_fileU(u, 0, 0, 0, &mapped, NULL);
	CHECK(a != NULL && strcmp(a, "wide") == 0, "%s", pmem_errormsgU());
	if (a)
		pmem_unmap(a, mapped);
	CHECK(pmem_map_fileW(w, 4096, C | X, 0600, NULL, NULL) == NULL &&
			errno == EEXIST, "EXCL");
	const wchar_t *mw = pmem_errormsgW();
	wchar_t expect[512];
	MultiByteToWideChar(CP_UTF8, 0, pmem_errormsgU(), -1, expect, 512);
	CHECK(wcscmp(mw, expect) == 0, "W message differs from U");
	CHECK(wcsstr(mw, L"\U0001F600") != NULL, "UTF-16 pair missing: %ls",
			mw);
	CHECK(strstr(pmem_errormsgU(), "exists") != NULL, "%s",
			pmem_errormsgU());
	DeleteFileW(w);
	/* A lone surrogate is no name */
	wchar_t lone[] = { L'x', 0xd800, 0 };
	CHECK(pmem_map_fileW(lone, 4096, C, 0600, NULL, NULL) == NULL &&
			errno == EINVAL, "lone surrogate");
}

/* Whether s is well-formed UTF-8 (MultiByteToWideChar refuses it else). */
static int valid_utf8(const char *s)
{
	return MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL,
			0) > 0;
}

/* Issue 20 defect 3: a path that is not UTF-8 names no file (EINVAL), and
 * the message, which the U form promises as UTF-8, shows its bad bytes as
 * \xNN (as pmem-info does) instead of copying them. */
static void bad_utf8_path_message(void)
{
	char p[MAX_PATH];
	snprintf(p, sizeof(p), "%s\\bad-\xff\xc3-\xe2\x82\xac", dir);
	errno = 0;
	CHECK(pmem_map_fileU(p, 4096, C, 0600, NULL, NULL) == NULL &&
			errno == EINVAL, "errno %d", errno);
	const char *m = pmem_errormsgU();
	CHECK(valid_utf8(m), "not UTF-8: %s", m);
	CHECK(strstr(m, "bad-\\xff\\xc3-\xe2\x82\xac") != NULL, "%s", m);
	CHECK(strstr(m, "not UTF-8") != NULL, "%s", m);
	CHECK(wcsstr(pmem_errormsgW(), L"\\xff") != NULL, "%ls",
			pmem_errormsgW());
}

static void versions(void)
{
	CHECK(pmem_check_versionU(PMEM_MAJOR_VERSION, 0) == NULL, "1.0");
	CHECK(pmem_check_versionW(PMEM_MAJOR_VERSION, 0) == NULL, "1.0 W");
	const wchar_t *w = pmem_check_versionW(PMEM_MAJOR_VERSION + 1, 0);
	CHECK(w && wcsstr(w, L"major version mismatch"), "W message");
	const char *u = pmem_check_versionU(1, PMEM_MINOR_VERSION + 1);
	CHECK(u && strstr(u, "minor version mismatch"), "U message");
}

/* Exported by name as PMDK 1.12's Windows libpmem.dll: the U and W pairs
 * and the rest of the page; the plain names are header macros there. */
static void exports_by_name(void)
{
	static const char *const names[] = {
		"pmem_map_fileU", "pmem_map_fileW", "pmem_check_versionU",
		"pmem_check_versionW", "pmem_errormsgU", "pmem_errormsgW",
		"pmem_unmap", "pmem_is_pmem", "pmem_persist", "pmem_flush",
		"pmem_drain", "pmem_msync", "pmem_has_hw_drain",
		"pmem_has_auto_flush", "pmem_deep_flush", "pmem_deep_drain",
		"pmem_deep_persist", "pmem_memmove_persist",
		"pmem_memcpy_persist", "pmem_memset_persist",
		"pmem_memmove_nodrain", "pmem_memcpy_nodrain",
		"pmem_memset_nodrain", "pmem_memmove", "pmem_memcpy",
		"pmem_memset",
	};
	HMODULE dll = GetModuleHandleA("libpmem.dll");
	CHECK(dll != NULL, "libpmem.dll not loaded");
	if (!dll)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		CHECK(GetProcAddress(dll, names[i]) != NULL, "%s", names[i]);
	CHECK(GetProcAddress(dll, "pmem_map_file") == NULL, "plain name");
	CHECK(GetProcAddress(dll, "pmem_errormsg") == NULL, "plain name");
	CHECK(GetProcAddress(dll, "pmem_os_msync") == NULL, "internal");
}

int main(void)
{
	win_scratch_dir(dir, sizeof(dir), "map");
	TEST(bad_input_table);
	TEST(create_write_remap);
	TEST(tmpfile_goes_away);
	TEST(unmap_and_msync_errors);
	TEST(non_ascii_names);
	TEST(bad_utf8_path_message);
	TEST(versions);
	TEST(exports_by_name);
	return wt_summary();
}
