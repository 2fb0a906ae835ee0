/*
 * pmdk_program.c -- a program written for PMDK 1.12's Windows libpmem
 * (UNICODE build: the plain names are the W functions, as its header
 * makes them), built with mingw against our include/libpmem.h and linked
 * to our libpmem.dll: a non-ASCII path, copy and persist, msync, unmap,
 * remap and verify, EEXIST and ENOENT with messages from
 * pmem_errormsgW(), pmem_check_versionW().  Each step is a check; the
 * last line is the summary tests/run.py counts.
 */
#define UNICODE
#define _UNICODE
#include <windows.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>
#include <libpmem.h>

#define POOL_SIZE (4 * 1024 * 1024)

static int passed, failed;

static void check(int ok, const char *what, const wchar_t *msg)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: %ls\n", what, msg ? msg : L"");
}

int main(void)
{
	wchar_t dir[MAX_PATH], path[MAX_PATH], missing[MAX_PATH];
	GetTempPathW(MAX_PATH, dir);
	/* "Persistenter Speicher \u00e4\u00f6\u00fc \u6301\u4e45" */
	swprintf(path, MAX_PATH, L"%lsPMDK-\u00e4\u00f6\u00fc-\u6301\u4e45-%lu.pool",
			dir, (unsigned long)GetCurrentProcessId());
	swprintf(missing, MAX_PATH, L"%lsno-such-dir-\u00e9\\pool", dir);
	DeleteFileW(path);

	const wchar_t *v = pmem_check_version(PMEM_MAJOR_VERSION,
			PMEM_MINOR_VERSION);	/* the W function here */
	check(v == NULL, "pmem_check_version", v);
	v = pmem_check_versionW(PMEM_MAJOR_VERSION + 1, 0);
	check(v != NULL && wcsstr(v, L"major version mismatch") != NULL,
			"pmem_check_versionW mismatch", v);

	size_t mapped_len;
	int is_pmem;
	char *addr = pmem_map_fileW(path, POOL_SIZE,
			PMEM_FILE_CREATE | PMEM_FILE_EXCL, 0666, &mapped_len,
			&is_pmem);
	check(addr != NULL, "pmem_map_fileW create", pmem_errormsgW());
	if (!addr)
		goto out;
	check(mapped_len == POOL_SIZE, "mapped_len", NULL);

	static char buf[POOL_SIZE / 2];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 3);
	if (is_pmem) {
		pmem_memcpy_persist(addr, buf, sizeof(buf));
	} else {
		memcpy(addr, buf, sizeof(buf));
		check(pmem_msync(addr, sizeof(buf)) == 0, "pmem_msync",
				pmem_errormsgW());
	}
	pmem_memset_persist(addr + sizeof(buf), 0x42, 4096);
	check(pmem_msync(addr, mapped_len) == 0, "pmem_msync all",
			pmem_errormsgW());
	check(pmem_unmap(addr, mapped_len) == 0, "pmem_unmap",
			pmem_errormsgW());

	addr = pmem_map_file(path, 0, 0, 0, &mapped_len, &is_pmem);
	check(addr != NULL, "pmem_map_file (W) reopen", pmem_errormsgW());
	if (!addr)
		goto out;
	check(mapped_len == POOL_SIZE, "reopened length", NULL);
	check(memcmp(addr, buf, sizeof(buf)) == 0, "data after remap", NULL);
	check(addr[sizeof(buf) + 4095] == 0x42, "memset after remap", NULL);
	check(pmem_unmap(addr, mapped_len) == 0, "pmem_unmap 2",
			pmem_errormsgW());

	errno = 0;
	addr = pmem_map_fileW(path, POOL_SIZE,
			PMEM_FILE_CREATE | PMEM_FILE_EXCL, 0666, NULL, NULL);
	check(addr == NULL && errno == EEXIST, "EEXIST", pmem_errormsgW());
	const wchar_t *m = pmem_errormsgW();
	check(wcsstr(m, L"\u6301\u4e45") != NULL && wcsstr(m, L"exists"),
			"EEXIST message names the file", m);
	printf("EEXIST: %ls\n", m);

	errno = 0;
	addr = pmem_map_fileW(missing, 0, 0, 0, NULL, NULL);
	check(addr == NULL && errno == ENOENT, "ENOENT", pmem_errormsgW());
	m = pmem_errormsgW();
	check(wcsstr(m, L"No such file") != NULL && wcsstr(m, L"\u00e9"),
			"ENOENT message", m);
	printf("ENOENT: %ls\n", m);
out:
	DeleteFileW(path);
	printf("%d passed, %d failed, 0 skipped\n", passed, failed);
	return failed != 0;
}
