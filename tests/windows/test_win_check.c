/*
 * test_win_check.c -- build/check/pmem-check.exe under Wine, as
 * tests/test_pmem_check.sh on Linux: exit 1 with the expected violation
 * on each broken check plugin (build/check/plugins/NAME.dll, named by
 * PMEM_BACKEND as a vendor would), exit 0 and 0 violations on every pair
 * of --list and on a check-built plugin of a real backend (clflush); a
 * pair this CPU cannot run is refused (exit 2) and skipped visibly.
 */
#include <windows.h>
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util_win.h"
#include "wtest.h"

static char build[MAX_PATH];	/* ...\build, from this program's path */
static char dir[MAX_PATH];
static char out[1 << 20];	/* the last run's output */

/* Runs pmem-check.exe args with PMEM_BACKEND=backend (NULL: unset); its
 * exit code, its output in out. */
static DWORD run(const char *backend, const char *args)
{
	char file[MAX_PATH + 16], cmd[2 * MAX_PATH];
	snprintf(file, sizeof(file), "%s\\out.txt", dir);
	snprintf(cmd, sizeof(cmd), "\"%s\\check\\pmem-check.exe\" %s", build,
			args);
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
	HANDLE h = CreateFileA(file, GENERIC_WRITE, FILE_SHARE_READ, &sa,
			CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		return 1000;
	SetEnvironmentVariableA("PMEM_BACKEND", backend);
	STARTUPINFOA si = { .cb = sizeof(si), .dwFlags = STARTF_USESTDHANDLES,
		.hStdOutput = h, .hStdError = h,
		.hStdInput = GetStdHandle(STD_INPUT_HANDLE) };
	PROCESS_INFORMATION pi;
	BOOL ok = CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL,
			&si, &pi);
	SetEnvironmentVariableA("PMEM_BACKEND", NULL);
	CloseHandle(h);
	if (!ok)
		return 1001;
	WaitForSingleObject(pi.hProcess, INFINITE);
	DWORD code = 1002;
	GetExitCodeProcess(pi.hProcess, &code);
	CloseHandle(pi.hProcess);
	CloseHandle(pi.hThread);
	FILE *f = fopen(file, "rb");
	size_t n = f ? fread(out, 1, sizeof(out) - 1, f) : 0;
	out[n] = 0;
	if (f)
		fclose(f);
	/* CRLF or LF: lines end at \n, the \r dropped */
	char *w = out;
	for (char *r = out; *r; r++)
		if (*r != '\r')
			*w++ = *r;
	*w = 0;
	return code;
}

/* The pair and violations of the summary, the last line (and the only
 * one naming a pair, "F,C: N operations, M violations"); 0 if none. */
static int summary(char *pair, size_t n, long *viol)
{
	char *last = NULL;
	int count = 0;
	for (char *l = out; l && *l; ) {
		char *e = strchr(l, '\n');
		char p[256];
		long ops, v;
		if (sscanf(l, "pmem-check: %255[^ :]: %ld operations, %ld "
				"violations", p, &ops, &v) == 3 &&
		    strchr(p, ',')) {
			count++;
			last = l;
			snprintf(pair, n, "%s", p);
			*viol = v;
		}
		l = e ? e + 1 : NULL;
	}
	if (count != 1)
		return 0;
	char *e = strchr(last, '\n');
	return !e || e[1] == 0;
}

/* A FAIL line containing what. */
static int fail_with(const char *what)
{
	for (char *l = out; l && *l; ) {
		char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		if (!strncmp(l, "FAIL ", 5)) {
			char line[1024];
			snprintf(line, sizeof(line), "%.*s", (int)len, l);
			if (strstr(line, what))
				return 1;
		}
		l = e ? e + 1 : NULL;
	}
	return 0;
}

static void broken(const char *name, const char *backend, const char *what)
{
	DWORD rc = run(backend, "--quick");
	char pair[256] = "";
	long v = 0;
	int s = summary(pair, sizeof(pair), &v);
	CHECK(rc == 1, "%s: exit %lu, want 1", name, (unsigned long)rc);
	CHECK(s && v > 0, "%s: summary '%s' %ld violations", name, pair, v);
	CHECK(fail_with(what), "%s: no violation mentions '%s'", name, what);
	printf("   %s: exit %lu, %ld violations\n", name, (unsigned long)rc,
			v);
}

static void plugin(char *buf, size_t n, const char *stem)
{
	snprintf(buf, n, "%s\\check\\plugins\\%s.dll", build, stem);
}

static void broken_plugins(void)
{
	char p[MAX_PATH + 32], b[MAX_PATH + 48];
	plugin(p, sizeof(p), "unreported");
	broken("unreported", p, "without a recorded store");
	plugin(p, sizeof(p), "noflush");
	broken("noflush", p, "DIRTY: stored, never flushed");
	plugin(p, sizeof(p), "tail");
	snprintf(b, sizeof(b), "clflushopt,%s", p);
	broken("tail", b, "DIRTY: stored, never flushed");
	plugin(p, sizeof(p), "clflush_sfence");
	broken("clflush_sfence", p, "no MFENCE since");
	plugin(p, sizeof(p), "flush_copy_tail");
	broken("flush_copy_tail", p, "DIRTY: stored, never flushed");
}

/* A false ORDERED_FLUSH claim loses data only on Intel: both CLFLUSH
 * rules must be run to catch it wherever pmem-check runs. */
static void false_ordered(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & (1u << 24))) {
		wt_skip("false_ordered", "this CPU has no CLWB");
		return;
	}
	char p[MAX_PATH + 32];
	plugin(p, sizeof(p), "false_ordered");
	broken("false_ordered", p, "is FLUSHING");
	CHECK(strstr(out, "pmem-check: CPU rule: Intel") &&
	      strstr(out, "pmem-check: CPU rule: AMD"),
	      "not run under both CLFLUSH rules");
}

static void every_pair(void)
{
	DWORD rc = run(NULL, "--list");
	CHECK(rc == 0, "--list exited %lu", (unsigned long)rc);
	char *list = strdup(out);
	int pairs = 0;
	for (char *save, *p = strtok_r(list, "\n", &save); p;
	     p = strtok_r(NULL, "\n", &save)) {
		pairs++;
		rc = run(p, "--quick");
		char pair[256] = "";
		long v = -1;
		int s = summary(pair, sizeof(pair), &v);
		if (rc == 2 && strstr(out, "refused")) {
			char why[200];
			sscanf(out, "%199[^\n]", why);
			printf("SKIP %s: %s\n", p, why);
			wt_skipped++;
			continue;
		}
		CHECK(rc == 0 && s && !strcmp(pair, p) && v == 0,
		      "%s: exit %lu, summary '%s' %ld violations", p,
		      (unsigned long)rc, pair, v);
		printf("   %s: exit %lu, %ld violations\n", p,
				(unsigned long)rc, v);
	}
	CHECK(pairs > 0, "--list printed no pair");
	free(list);
}

static void real_plugin(void)
{
	char p[MAX_PATH + 32];
	plugin(p, sizeof(p), "clflush");
	DWORD rc = run(p, "--quick");
	char pair[256] = "";
	long v = -1;
	int s = summary(pair, sizeof(pair), &v);
	CHECK(rc == 0 && s && v == 0 && strstr(out, "plugin"),
	      "clflush.dll plugin: exit %lu, summary '%s' %ld",
	      (unsigned long)rc, pair, v);
}

int main(void)
{
	GetModuleFileNameA(NULL, build, MAX_PATH);
	for (int i = 0; i < 2; i++) {
		char *s = strrchr(build, '\\');
		if (s)
			*s = 0;
	}
	win_scratch_dir(dir, sizeof(dir), "check");
	TEST(broken_plugins);
	TEST(false_ordered);
	TEST(real_plugin);
	TEST(every_pair);
	char f[MAX_PATH + 16];
	snprintf(f, sizeof(f), "%s\\out.txt", dir);
	DeleteFileA(f);
	RemoveDirectoryA(dir);
	return wt_summary();
}
