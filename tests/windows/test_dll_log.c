/*
 * test_dll_log.c -- the debug DLL (build/debug/libpmem.dll) as a program
 * finds it: this program is copied to a directory with no libpmem.dll and
 * run there with build\debug first on PATH, PMEM_LOG_LEVEL=N and
 * PMEM_LOG_FILE=<dir>\log- (the child's pid appended).  With build\ (the
 * release DLL) first on PATH no log file appears.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "libpmem.h"
#include "util_win.h"
#include "wtest.h"

static char dir[MAX_PATH];
static wchar_t child_exe[MAX_PATH + 32];
static wchar_t build_dir[MAX_PATH];	/* ...\build, from this program's */

/* The child: a message at each level 1-4 (the library's own). */
static int child(void)
{
	/* level 1: a failure (ERROR) and a bad variable (WARNING) */
	SetEnvironmentVariableA("PMEM_MMAP_HINT", "zz");
	char path[MAX_PATH + 16];
	GetTempPathA(MAX_PATH, path);
	strcat(path, "pmem-log-no-such-file");
	if (pmem_map_fileU(path, 0, 0, 0, NULL, NULL))
		return 3;
	/* level 2 (NOTICE: mapped), level 3 (INFO: the call's arguments);
	 * level 4 (DEBUG: the backend choice) came at start-up */
	strcat(path, "-made");
	size_t len;
	void *a = pmem_map_fileU(path, 1 << 20, PMEM_FILE_CREATE, 0, &len,
			NULL);
	if (!a)
		return 4;
	pmem_unmap(a, len);
	DeleteFileA(path);
	return 0;
}

/* Runs the copied program as a child with pathdir first on PATH and the
 * log variables set (level < 0: unset); its pid, 0 on failure. */
static DWORD run_child(const wchar_t *pathdir, int level, const char *file)
{
	static wchar_t old_path[32768];
	GetEnvironmentVariableW(L"PATH", old_path, 32768);
	wchar_t *np = malloc(sizeof(wchar_t) * 33000);
	_snwprintf(np, 33000, L"%ls;%ls", pathdir, old_path);
	SetEnvironmentVariableW(L"PATH", np);
	char lv[8];
	snprintf(lv, sizeof(lv), "%d", level);
	SetEnvironmentVariableA("PMEM_LOG_LEVEL", level < 0 ? NULL : lv);
	SetEnvironmentVariableA("PMEM_LOG_FILE", file);
	wchar_t cmd[MAX_PATH + 48];
	_snwprintf(cmd, MAX_PATH + 48, L"\"%ls\" child", child_exe);
	STARTUPINFOW si = { .cb = sizeof(si) };
	PROCESS_INFORMATION pi;
	BOOL ok = CreateProcessW(child_exe, cmd, NULL, NULL, FALSE, 0, NULL,
			NULL, &si, &pi);
	SetEnvironmentVariableW(L"PATH", old_path);
	SetEnvironmentVariableA("PMEM_LOG_LEVEL", NULL);
	SetEnvironmentVariableA("PMEM_LOG_FILE", NULL);
	free(np);
	if (!ok)
		return 0;
	WaitForSingleObject(pi.hProcess, INFINITE);
	DWORD code = 1;
	GetExitCodeProcess(pi.hProcess, &code);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	CHECK(code == 0, "child exited %lu", (unsigned long)code);
	return pi.dwProcessId;
}

/* The highest "<N>" level among the lines of path; -1 when it does not
 * exist, 0 when it has no log line; *lines the count. */
static int max_level(const char *path, int *lines)
{
	*lines = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[1024];
	int max = 0;
	while (fgets(line, sizeof(line), f)) {
		int n;
		if (sscanf(line, "<libpmem>: <%d>", &n) == 1) {
			(*lines)++;
			if (n > max)
				max = n;
		}
	}
	fclose(f);
	return max;
}

static void debug_levels(void)
{
	wchar_t dbg[MAX_PATH + 8];
	_snwprintf(dbg, MAX_PATH + 8, L"%ls\\debug", build_dir);
	for (int level = 0; level <= 4; level++) {
		char file[MAX_PATH + 16], path[MAX_PATH + 32];
		snprintf(file, sizeof(file), "%s\\log%d-", dir, level);
		DWORD pid = run_child(dbg, level, file);
		CHECK(pid != 0, "level %d: no child", level);
		snprintf(path, sizeof(path), "%s%lu", file,
				(unsigned long)pid);
		int lines;
		int max = max_level(path, &lines);
		/* level 0 logs nothing; the file is opened on the first
		 * message the library raises */
		CHECK(max == level, "level %d: %s has lines up to <%d> (%d "
		      "lines)", level, path, max, lines);
		CHECK(win_file_size(file) < 0, "level %d: %s written without "
		      "the pid", level, file);
		printf("   level %d: %d lines, up to <%d>, in %s\n", level,
				lines, max, path);
		DeleteFileA(path);
	}
}

static void release_silent(void)
{
	char file[MAX_PATH + 16], path[MAX_PATH + 32];
	snprintf(file, sizeof(file), "%s\\rel-", dir);
	DWORD pid = run_child(build_dir, 4, file);
	CHECK(pid != 0, "no child");
	snprintf(path, sizeof(path), "%s%lu", file, (unsigned long)pid);
	CHECK(win_file_size(path) < 0 && win_file_size(file) < 0,
	      "the release DLL wrote %s", path);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "child"))
		return child();
	/* build\tests\test_dll_log.exe -> build */
	GetModuleFileNameW(NULL, build_dir, MAX_PATH);
	for (int i = 0; i < 2; i++) {
		wchar_t *s = wcsrchr(build_dir, L'\\');
		if (s)
			*s = 0;
	}
	win_scratch_dir(dir, sizeof(dir), "log");
	/* a copy with no libpmem.dll beside it: the DLL comes from PATH */
	wchar_t self[MAX_PATH];
	GetModuleFileNameW(NULL, self, MAX_PATH);
	_snwprintf(child_exe, MAX_PATH + 32, L"%hs\\child.exe", dir);
	if (!CopyFileW(self, child_exe, FALSE)) {
		printf("FAIL cannot copy the program to %s\n", dir);
		return 1;
	}
	TEST(debug_levels);
	TEST(release_silent);
	DeleteFileW(child_exe);
	RemoveDirectoryA(dir);
	return wt_summary();
}
