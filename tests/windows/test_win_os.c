/*
 * test_win_os.c -- what only the Windows side of os/os.h does, linked
 * statically to reach it (the contract both OSes share is
 * tests/portable/test_os.c): a view of a file on a DAX volume is pmem
 * (Wine has none: the volume question answers through a fake here, the
 * only way this is tested), GetLastError() -> errno, the process
 * environment in UTF-16, UTF-16 conversions with surrogate pairs, plugin
 * DLLs, backslash and drive paths, the start-up choice.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "os.h"
#include "os_windows.h"
#include "registry.h"
#include "wide.h"
#include "wtest.h"
#include "util_win.h"

static char dir[MAX_PATH];
static char exe_dir[MAX_PATH];

static int fake_dax(HANDLE h)
{
	(void)h;
	return 1;
}

static void dax_volume_view_is_pmem(void)
{
	char p[MAX_PATH];
	snprintf(p, sizeof(p), "%s\\dax", dir);
	int (*real)(HANDLE) = pmem_win_dax_volume;
	size_t mapped;
	int is_pmem = -1;
	char *a = pmem_map_fileU(p, 1 << 20, PMEM_FILE_CREATE, 0600, &mapped,
			&is_pmem);
	CHECK(a && is_pmem == 0, "real answer on Wine: not DAX");
	if (a)
		pmem_unmap(a, mapped);
	pmem_win_dax_volume = fake_dax;
	a = pmem_map_fileU(p, 1 << 20, PMEM_FILE_CREATE, 0600, &mapped,
			&is_pmem);
	pmem_win_dax_volume = real;
	CHECK(a != NULL, "%s", pmem_errormsgU());
	if (!a)
		return;
	CHECK(is_pmem == 1, "a DAX volume's view is pmem");
	CHECK(pmem_is_pmem(a + 4096, 8192) == 1, "part of it");
	CHECK(pmem_is_pmem(a, mapped + 1) == 0, "past its end");
	pmem_memcpy_persist(a, "dax", 4);
	CHECK(pmem_deep_persist(a, 4) == 0, "%s", pmem_errormsgU());
	CHECK(pmem_unmap(a, mapped) == 0, "%s", pmem_errormsgU());
	CHECK(pmem_is_pmem(a, 4096) == 0, "still pmem after unmap");
	CHECK(pmem_registry_count() == 0, "registry not empty");
	DeleteFileA(p);
}

static void errno_of_last_error(void)
{
	static const struct { DWORD w; int e; } map[] = {
		{ ERROR_FILE_NOT_FOUND, ENOENT },
		{ ERROR_PATH_NOT_FOUND, ENOENT },
		{ ERROR_FILE_EXISTS, EEXIST },
		{ ERROR_ALREADY_EXISTS, EEXIST },
		{ ERROR_ACCESS_DENIED, EACCES },
		{ ERROR_SHARING_VIOLATION, EACCES },
		{ ERROR_NOT_ENOUGH_MEMORY, ENOMEM },
		{ ERROR_COMMITMENT_LIMIT, ENOMEM },
		{ ERROR_DISK_FULL, ENOSPC },
		{ ERROR_FILENAME_EXCED_RANGE, ENAMETOOLONG },
		{ ERROR_INVALID_PARAMETER, EINVAL },
		{ ERROR_BAD_EXE_FORMAT, ENOEXEC },
		{ ERROR_GEN_FAILURE, EIO },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		CHECK(pmem_win_errno(map[i].w) == map[i].e, "%lu -> %d",
				(unsigned long)map[i].w,
				pmem_win_errno(map[i].w));
}

/* Read from the process environment, not the C runtime's copy, as
 * UTF-8 (empty and removed values: test_os). */
static void windows_environment(void)
{
	SetEnvironmentVariableW(L"PMEM_WIN_TEST", L"\u00e4\u20ac");
	const char *v = pmem_os_getenv("PMEM_WIN_TEST");
	CHECK(v && strcmp(v, "\xc3\xa4\xe2\x82\xac") == 0, "%s", v);
	CHECK(pmem_os_secure_getenv("PMEM_WIN_TEST") == v, "one copy");
	SetEnvironmentVariableW(L"PMEM_WIN_TEST", NULL);
}

static void utf16_both_ways(void)
{
	const char *u = "a\xf0\x9f\x98\x80" "b";
	wchar_t w[8];
	pmem_utf8_to_wide(u, w, 8);
	CHECK(w[0] == L'a' && w[1] == 0xd83d && w[2] == 0xde00 &&
			w[3] == L'b' && w[4] == 0, "surrogate pair");
	char *back = pmem_wide_to_utf8(w);
	CHECK(back && strcmp(back, u) == 0, "round trip");
	free(back);
	/* No half pair when the buffer ends between its halves. */
	pmem_utf8_to_wide(u, w, 3);
	CHECK(w[0] == L'a' && w[1] == 0, "half a pair written");
	wchar_t lone[] = { 0xde00, L'x', 0 };
	errno = 0;
	CHECK(pmem_wide_to_utf8(lone) == NULL && errno == EINVAL, "lone low");
}

static void plugin_dlls(void)
{
	char p[MAX_PATH * 2];
	const struct pmem_backend *b = NULL;
	snprintf(p, sizeof(p), "%s\\..\\backends\\nop.dll", exe_dir);
	CHECK(pmem_backend_load(p, &b) == 0, "%s", pmem_errormsgU());
	CHECK(b && strcmp(b->name, "nop") == 0, "nop.dll");
	snprintf(p, sizeof(p), "%s\\not-a-dll.dll", dir);
	win_write_file(p, 1000);
	CHECK(pmem_backend_load(p, &b) == -1 && errno == ENOEXEC, "text");
	CHECK(strstr(pmem_errormsgU(), "not a PE DLL") != NULL, "%s",
			pmem_errormsgU());
	DeleteFileA(p);
	snprintf(p, sizeof(p), "%s\\missing.dll", dir);
	CHECK(pmem_backend_load(p, &b) == -1 && errno == ENOENT, "missing");
	CHECK(pmem_backend_load(dir, &b) == -1 && errno == EINVAL, "dir");
	/* issue 20 defect 3: a name that is not UTF-8 is refused as such,
	 * and the message stays UTF-8 (\xNN for the bad byte) */
	snprintf(p, sizeof(p), "%s\\bad-\xff.dll", dir);
	CHECK(pmem_backend_load(p, &b) == -1 && errno == EINVAL, "not UTF-8");
	const char *m = pmem_errormsgU();
	CHECK(MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, m, -1, NULL,
			0) > 0, "message not UTF-8: %s", m);
	CHECK(strstr(m, "bad-\\xff.dll: path is not UTF-8") != NULL, "%s", m);
}

/* issue 20 defect 4: Windows paths in PMEM_BACKEND, and the default
 * plugin directory is beside the module, in Windows form (slashes and
 * names: test_os). */
static void path_rules(void)
{
	CHECK(pmem_os_is_path("C:\\x\\nop.dll"), "backslashes");
	CHECK(pmem_os_is_path("x\\nop.dll"), "relative, backslash");
	CHECK(pmem_os_is_path("C:nop.dll") && pmem_os_is_path("z:x"), "drive");
	const char *d = pmem_os_plugin_dir();
	char want[MAX_PATH + 16];
	snprintf(want, sizeof(want), "%s\\backends", exe_dir);
	CHECK(d && strcmp(d, want) == 0, "default %s, want %s", d ? d : "NULL",
			want);
}

static void chose_backends(void)
{
	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	CHECK(c->flush && c->copy, "no choice");
	CHECK(pmem_backend_runs(c->flush, pmem_backend_get_cpu()),
			"%s unusable",
			c->flush->name);
	CHECK(pmem_backend_runs(c->copy, pmem_backend_get_cpu()),
			"%s unusable",
			c->copy->name);
	printf("chosen: %s (%s), %s (%s)\n", c->flush->name,
			c->flush_reason, c->copy->name, c->copy_reason);
}

int main(int argc, char *argv[])
{
	(void)argc;
	GetModuleFileNameA(NULL, exe_dir, sizeof(exe_dir));
	*strrchr(exe_dir, '\\') = '\0';
	(void)argv;
	win_scratch_dir(dir, sizeof(dir), "os");
	TEST(dax_volume_view_is_pmem);
	TEST(errno_of_last_error);
	TEST(windows_environment);
	TEST(utf16_both_ways);
	TEST(plugin_dlls);
	TEST(path_rules);
	TEST(chose_backends);
	return wt_summary();
}
