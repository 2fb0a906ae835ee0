/*
 * test_dll_hint.c -- PMEM_MMAP_HINT through the DLL, by pmem_map_fileU and
 * pmem_map_fileW.  The hint is read once, on the first mapping, so each
 * case runs in a child process (this program, with the case's name).
 */
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "libpmem.h"
#include "util_win.h"
#include "wtest.h"

#define MiB ((size_t)1 << 20)
#define LEN (4 * MiB)		/* below 1 GiB: 2 MiB alignment */
#define ALIGN (2 * MiB)

static char dir[MAX_PATH];

/* A free, aligned place for two views here, in the middle of a larger
 * free area: Windows, left to choose, would take the area's start (its
 * allocator is first fit), so landing here is the hint's doing. */
static uintptr_t free_aligned(void)
{
	size_t big = 256 * MiB;
	char *r = VirtualAlloc(NULL, big, MEM_RESERVE, PAGE_NOACCESS);
	if (!r)
		return 0;
	uintptr_t a = ((uintptr_t)r + big / 2) & ~(uintptr_t)(ALIGN - 1);
	VirtualFree(r, 0, MEM_RELEASE);
	return a;
}

static void set_hint(unsigned long long v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%llx", v);
	SetEnvironmentVariableA("PMEM_MMAP_HINT", buf);
}

static void *map(const char *name, int wide, size_t *len)
{
	char path[MAX_PATH + 32];
	snprintf(path, sizeof(path), "%s\\%s", dir, name);
	if (!wide)
		return pmem_map_fileU(path, LEN, PMEM_FILE_CREATE, 0, len,
				NULL);
	wchar_t w[MAX_PATH + 32];
	MultiByteToWideChar(CP_UTF8, 0, path, -1, w, MAX_PATH + 32);
	return pmem_map_fileW(w, LEN, PMEM_FILE_CREATE, 0, len, NULL);
}

/* A free, aligned hint: the U view lands at it; a W view made while the
 * U one is there lands at the first aligned free place above it (right
 * after it: the area is free); after
 * both are unmapped a W view lands at the hint again. */
static void child_free(void)
{
	uintptr_t h = free_aligned();
	CHECK(h != 0, "no free place found");
	set_hint(h);
	size_t l1 = 0, l2 = 0, l3 = 0;
	char *a = map("u", 0, &l1);
	CHECK(a == (char *)h, "U view at %p, hint %p", a, (void *)h);
	char *b = map("w", 1, &l2);
	CHECK(b == (char *)h + LEN, "second view at %p, hint %p", b,
	      (void *)h);
	if (a)
		CHECK(pmem_unmap(a, l1) == 0, "unmap U");
	if (b)
		CHECK(pmem_unmap(b, l2) == 0, "unmap W");
	char *c = map("w", 1, &l3);
	CHECK(c == (char *)h, "W view at %p, hint %p", c, (void *)h);
	if (c) {
		c[0] = 1;
		CHECK(pmem_unmap(c, l3) == 0, "unmap W again");
	}
}

/* A hint that is not hexadecimal is ignored: the call maps as without
 * it (2 MiB aligned, not at the number before the bad characters), by U
 * and by W. */
static void child_bad(void)
{
	uintptr_t h = free_aligned();
	char buf[40];
	snprintf(buf, sizeof(buf), "%llxzz", (unsigned long long)h);
	SetEnvironmentVariableA("PMEM_MMAP_HINT", buf);
	size_t l = 0;
	char *a = map("u", 0, &l);
	CHECK(a && ((uintptr_t)a & (ALIGN - 1)) == 0, "U view at %p: %s",
	      a, pmem_errormsgU());
	CHECK(a != (char *)h, "\"%s\" taken as a hint", buf);
	char *b = map("w", 1, &l);
	CHECK(b && b != a, "W view at %p: %s", b, pmem_errormsgU());
	if (a)
		pmem_unmap(a, LEN);
	if (b)
		pmem_unmap(b, LEN);
}

/* A hint above the user address space: no place there, so the view goes
 * where it would without the variable, as on Linux. */
static void child_high(void)
{
	set_hint(0xffffffffffe00000ULL);
	size_t l = 0;
	char *a = map("u", 0, &l);
	CHECK(a && ((uintptr_t)a & (ALIGN - 1)) == 0, "U view at %p: %s",
	      a, pmem_errormsgU());
	if (a)
		pmem_unmap(a, l);
	char *b = map("w", 1, &l);
	CHECK(b != NULL, "W view: %s", pmem_errormsgU());
	if (b)
		pmem_unmap(b, l);
}

/* Runs this program with the case's name; its exit code. */
static DWORD run_case(const char *name)
{
	wchar_t self[MAX_PATH], cmd[MAX_PATH + 64], wname[32];
	GetModuleFileNameW(NULL, self, MAX_PATH);
	MultiByteToWideChar(CP_UTF8, 0, name, -1, wname, 32);
	_snwprintf(cmd, MAX_PATH + 64, L"\"%ls\" %ls", self, wname);
	STARTUPINFOW si = { .cb = sizeof(si) };
	PROCESS_INFORMATION pi;
	fflush(stdout);
	if (!CreateProcessW(self, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si,
			&pi))
		return 1000;
	WaitForSingleObject(pi.hProcess, INFINITE);
	DWORD code = 1001;
	GetExitCodeProcess(pi.hProcess, &code);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	return code;
}

static void hint_free(void)
{
	DWORD c = run_case("free");
	CHECK(c == 0, "case free exited %lu", (unsigned long)c);
}

static void hint_bad(void)
{
	DWORD c = run_case("bad");
	CHECK(c == 0, "case bad exited %lu", (unsigned long)c);
}

static void hint_high(void)
{
	DWORD c = run_case("high");
	CHECK(c == 0, "case high exited %lu", (unsigned long)c);
}

int main(int argc, char **argv)
{
	SetEnvironmentVariableA("PMEM_MMAP_HINT", NULL);
	if (argc == 2) {
		/* a child: its own scratch directory, its result its code */
		wt_name = argv[1];
		win_scratch_dir(dir, sizeof(dir), argv[1]);
		if (!strcmp(argv[1], "free"))
			child_free();
		else if (!strcmp(argv[1], "bad"))
			child_bad();
		else if (!strcmp(argv[1], "high"))
			child_high();
		else
			return 2;
		char p[MAX_PATH + 8];
		snprintf(p, sizeof(p), "%s\\u", dir);
		DeleteFileA(p);
		snprintf(p, sizeof(p), "%s\\w", dir);
		DeleteFileA(p);
		RemoveDirectoryA(dir);
		printf("   child %s: %s\n", argv[1], wt_cur_failed ? "FAIL" :
				"ok");
		return wt_cur_failed;
	}
	TEST(hint_free);
	TEST(hint_bad);
	TEST(hint_high);
	return wt_summary();
}
