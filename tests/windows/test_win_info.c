/*
 * test_win_info.c -- pmem-info.exe on Windows: the choice and the plugin
 * DLLs, a directory and a file on a volume that is not DAX (exit 1 with
 * the reason), a missing path (exit 2), --json.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wtest.h"

static char info[MAX_PATH + 32];
static char out[65536];

/* Runs pmem-info.exe with args; its output in out, its exit status. */
static int run(const char *args)
{
	char cmd[MAX_PATH * 2];
	snprintf(cmd, sizeof(cmd), "\"\"%s\" %s 2>&1\"", info, args);
	FILE *p = _popen(cmd, "r");
	if (!p)
		return -1;
	size_t n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	return _pclose(p);
}

static void choice_and_plugins(void)
{
	CHECK(run("") == 0, "exit status");
	CHECK(strstr(out, "flush: ") && strstr(out, "copy: "), "%s", out);
	CHECK(strstr(out, "plugins:") && strstr(out, "nop.dll"), "%s", out);
}

static void not_dax(void)
{
	char tmp[MAX_PATH], args[MAX_PATH + 8];
	GetTempPathA(sizeof(tmp), tmp);
	tmp[strlen(tmp) - 1] = '\0';	/* no trailing backslash */
	snprintf(args, sizeof(args), "\"%s\"", tmp);
	CHECK(run(args) == 1, "directory: %s", out);
	CHECK(strstr(out, "type: directory") != NULL, "%s", out);
	CHECK(strstr(out, "writable: yes") != NULL, "%s", out);
	CHECK(strstr(out, "pmem: no (not on a DAX volume") != NULL, "%s",
			out);
	CHECK(strstr(out, "pmem_map_file: is_pmem 0") != NULL, "%s", out);
	snprintf(args, sizeof(args), "--json \"%s\"", info);
	CHECK(run(args) == 1, "file: %s", out);
	CHECK(strstr(out, "\"type\": \"regular file\"") &&
			strstr(out, "\"pmem\": false"), "%s", out);
}

/* PMEM_BACKEND from the Windows environment: names, and a plugin DLL by
 * path (a plugin-only name is searched in PMEM_BACKEND_PATH, ';'-separated). */
static void forced_by_environment(void)
{
	SetEnvironmentVariableA("PMEM_BACKEND", "clflushopt,nt-sse2");
	run("");
	CHECK(strstr(out, "flush: clflushopt (forced by PMEM_BACKEND)") &&
			strstr(out, "copy: nt-sse2 (forced"), "%s", out);
	char dll[MAX_PATH + 32];
	snprintf(dll, sizeof(dll), "%s", info);
	strcpy(strrchr(dll, '\\'), "/backends/clwb.dll");
	SetEnvironmentVariableA("PMEM_BACKEND", dll);
	run("");
	CHECK(strstr(out, "flush: clwb (forced by PMEM_BACKEND, plugin)"),
			"%s", out);
	/* A plugin that needs the OS: its probe refuses until the library
	 * has handed it its services (backend ABI 4, attach). */
	strcpy(strrchr(dll, '/'), "/msync-fallback.dll");
	SetEnvironmentVariableA("PMEM_BACKEND", dll);
	run("");
	CHECK(strstr(out, "flush: msync-fallback (forced by PMEM_BACKEND, "
			"plugin)") && !strstr(out, "refused"), "%s", out);
	strcpy(strrchr(dll, '/'), "/clwb.dll");
	/* issue 20 defect 4: backslashes only, and a drive letter, make a
	 * path too, not a backend name */
	strcpy(strrchr(dll, '/'), "\\clwb.dll");
	strcpy(strrchr(dll, '/'), "\\backends\\clwb.dll");
	SetEnvironmentVariableA("PMEM_BACKEND", dll);
	run("");
	CHECK(strchr(dll, '/') == NULL && strstr(out, "flush: clwb (forced by "
			"PMEM_BACKEND, plugin)"), "%s: %s", dll, out);
	SetEnvironmentVariableA("PMEM_BACKEND", "Z:no-such.dll");
	run("");
	CHECK(strstr(out, "Z:no-such.dll: cannot open plugin"), "%s", out);
	/* the default directory, named in the refusal, is Windows's */
	SetEnvironmentVariableA("PMEM_BACKEND", "no-such-backend");
	run("");
	char full[MAX_PATH], want[MAX_PATH + 64];
	GetFullPathNameA(info, sizeof(full), full, NULL);
	snprintf(want, sizeof(want), "no no-such-backend.dll in %s", full);
	strcpy(strrchr(want, '\\'), "\\backends)");
	CHECK(strstr(out, want) && !strstr(out, "/usr/"), "want '%s': %s",
			want, out);
	SetEnvironmentVariableA("PMEM_BACKEND", "no-such-backend");
	SetEnvironmentVariableA("PMEM_BACKEND_PATH", "C:/nowhere;C:/windows");
	run("");
	CHECK(strstr(out, "no no-such-backend.dll in C:/nowhere;C:/windows"),
			"%s", out);
	SetEnvironmentVariableA("PMEM_BACKEND", NULL);
	SetEnvironmentVariableA("PMEM_BACKEND_PATH", NULL);
}

static void missing(void)
{
	CHECK(run("C:\\no-such-file-here") == 2, "%s", out);
	CHECK(strstr(out, "pmem-info: C:\\no-such-file-here") != NULL, "%s",
			out);
}

int main(void)
{
	GetModuleFileNameA(NULL, info, MAX_PATH);
	strcpy(strrchr(info, '\\'), "\\..\\pmem-info.exe");
	TEST(choice_and_plugins);
	TEST(not_dax);
	TEST(forced_by_environment);
	TEST(missing);
	return wt_summary();
}
