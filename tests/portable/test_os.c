/*
 * test_os.c -- the OS contract (os/os.h), one test built for every OS:
 * each function it declares, with the behaviour the header promises on
 * all of them, run against os/linux/os.c on Linux and os/windows/os.c on
 * Windows.  What only one OS does (UTF-16 names, GetLastError codes, DAX
 * volumes, drive letters, ELF and PE details) is in that OS's own tests
 * (tests/windows/test_win_os.c; test_select.c, test_profile.c on Linux).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "os.h"
#include "os_util.h"

static char dir[512];

static void setup(void)
{
	cr_assert_eq(tos_scratch_dir(dir, sizeof(dir), "os"), 0);
}

static const char *in_dir(char *buf, size_t n, const char *name)
{
	return tos_join(buf, n, dir, pmem_os_dir_sep, name);
}

/* What the tests below create. */
static void teardown(void)
{
	static const char *const made[] = { "log", "pool", "profile", "f",
		"text" };
	char p[600];
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++)
		remove(in_dir(p, sizeof(p), made[i]));
	tos_rmdir(dir);
}

TestSuite(os, .init = setup, .fini = teardown);

/* A plugin of the release build: build/backends/nop<suffix>, as the
 * tests run from the top of the tree. */
static const char *nop_plugin(char *buf, size_t n)
{
	const char *s = pmem_os_dir_sep;
	snprintf(buf, n, "build%sbackends%snop%s", s, s, pmem_os_lib_suffix);
	return buf;
}

Test(os, page_size_is_a_power_of_two)
{
	size_t pg = pmem_os_page_size();
	cr_assert_geq(pg, 4096);
	cr_assert_eq(pg & (pg - 1), 0, "page size %zu", pg);
	cr_assert_eq(pmem_os_page_size(), pg, "the same every time");
}

Test(os, environment)
{
	const char *n = "PMEM_OS_TEST_VAR";
	tos_setenv(n, NULL);
	cr_assert_null(pmem_os_getenv(n));
	cr_assert_null(pmem_os_secure_getenv(n));
	tos_setenv(n, "value 1");
	const char *v = pmem_os_getenv(n);
	cr_assert_str_eq(v, "value 1");
	/* no privileges here: the secure form reads the same */
	cr_assert_eq(pmem_os_is_privileged(), 0);
	cr_assert_eq(pmem_os_secure_getenv(n), v, "one copy");
	tos_setenv(n, "");
	v = pmem_os_getenv(n);
	cr_assert(v && v[0] == '\0', "empty value: %s", v ? v : "NULL");
	tos_setenv(n, NULL);
	cr_assert_null(pmem_os_getenv(n), "removed");
}

Test(os, getpid)
{
	cr_assert_gt(pmem_os_getpid(), 0);
	cr_assert_eq((long)pmem_os_getpid(), tos_getpid());
}

/* Truncates, and a line is in the file once it ends (PMEM_LOG_FILE). */
Test(os, fopen_w)
{
	char p[600], got[64];
	in_dir(p, sizeof(p), "log");
	cr_assert_eq(tos_write_file(p, "old contents, longer\n"), 0);
	FILE *f = pmem_os_fopen_w(p);
	cr_assert_not_null(f, "%s: %s", p, strerror(errno));
	cr_assert_eq(tos_read_file(p, got, sizeof(got)), 0, "not truncated");
	fputs("line 1\n", f);
	/* a text file: Windows ends the line with CR LF */
	cr_assert_geq(tos_read_file(p, got, sizeof(got)), 7, "not written");
	cr_assert(strncmp(got, "line 1", 6) == 0 && strchr(got, '\n'),
			"%s", got);
	fclose(f);
	in_dir(p, sizeof(p), "nodir");
	strcat(p, pmem_os_dir_sep);
	strcat(p, "log");
	errno = 0;
	cr_assert_null(pmem_os_fopen_w(p));
	cr_assert_eq(errno, ENOENT);
}

Test(os, strerror)
{
	char buf[256], tiny[4];
	const char *m = pmem_os_strerror(ENOENT, buf, sizeof(buf));
	cr_assert_str_eq(m, strerror(ENOENT));
	m = pmem_os_strerror(ENOENT, tiny, sizeof(tiny));
	cr_assert_not_null(m);
	cr_assert(m != tiny || strlen(m) < sizeof(tiny), "overran: %s", m);
}

/* unmap and msync on what pmem_map_file() mapped. */
Test(os, unmap_and_msync)
{
	char p[600], got[64];
	size_t mapped = 0;
	in_dir(p, sizeof(p), "pool");
	char *a = pmem_map_file(p, 1 << 20, PMEM_FILE_CREATE, 0600, &mapped,
			NULL);
	cr_assert_not_null(a, "%s", pmem_errormsg());
	cr_assert_eq((uintptr_t)a % pmem_os_page_size(), 0);
	size_t page = pmem_os_page_size();
	memcpy(a + 100, "msynced", 8);
	/* whole pages: core/msync.c rounds before it calls the OS layer */
	cr_assert_eq(pmem_os_msync(a, page), 0, "%s", strerror(errno));
	cr_assert_eq(pmem_os_msync(a + page, 0), 0, "len 0");
	FILE *f = fopen(p, "rb");
	cr_assert_not_null(f);
	cr_assert_eq(fseek(f, 100, SEEK_SET), 0);
	cr_assert_eq(fread(got, 1, 8, f), 8);
	fclose(f);
	cr_assert_str_eq(got, "msynced");
	/* memory that is no file's has nothing to write back */
	static char data[3 << 16];
	cr_assert_leq(page, 1u << 16);
	char *pg = (char *)(((uintptr_t)data + page - 1) & ~(uintptr_t)(page - 1));
	cr_assert_eq(pmem_os_msync(pg, page), 0, "%s", strerror(errno));

	cr_assert_str_neq(pmem_os_unmap_name, "");
	errno = 0;
	cr_assert_eq(pmem_os_unmap(a + 1, 4096), -1, "unaligned");
	cr_assert_eq(errno, EINVAL);
	errno = 0;
	cr_assert_eq(pmem_os_unmap(a, 0), -1, "len 0");
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(pmem_os_unmap(a, mapped), 0, "%s", strerror(errno));
	errno = 0;
	cr_assert_eq(pmem_os_msync(a, page), -1, "msync after unmap");
	cr_assert_eq(errno, ENOMEM);
}

Test(os, read_conf)
{
	char p[600], buf[64];
	struct pmem_os_conf_file f;
	in_dir(p, sizeof(p), "profile");
	cr_assert_eq(tos_write_file(p, "flush clwb\n"), 0);
	errno = 0;
	int r = pmem_os_read_conf(p, buf, sizeof(buf), &f);
	if (!TOS_HAS_CONF_FILES) {
		cr_assert_eq(r, -1);
		cr_assert_eq(errno, ENOTSUP);
		cr_assert_eq(buf[0], '\0');
		return;
	}
	cr_assert_eq(r, 0, "%s", strerror(errno));
	cr_assert_str_eq(buf, "flush clwb\n");
	cr_assert_eq(f.len, 11);
	cr_assert_eq(f.owner_id, f.self_id, "we wrote it");
	cr_assert_neq(f.owner, PMEM_OS_OWNER_OTHER);
	errno = 0;
	cr_assert_eq(pmem_os_read_conf(p, buf, 5, &f), -1, "too long");
	cr_assert_eq(errno, EFBIG);
	errno = 0;
	cr_assert_eq(pmem_os_read_conf(dir, buf, sizeof(buf), &f), -1);
	cr_assert_eq(errno, EINVAL, "a directory");
	in_dir(p, sizeof(p), "missing");
	errno = 0;
	cr_assert_eq(pmem_os_read_conf(p, buf, sizeof(buf), &f), -1);
	cr_assert_eq(errno, ENOENT);
}

Test(os, plugin_names)
{
	char p[600];
	cr_assert_eq(pmem_os_lib_suffix[0], '.');
	cr_assert_eq(strlen(pmem_os_dir_sep), 1);
	cr_assert_eq(strlen(pmem_os_path_list_sep), 1);
	cr_assert_str_neq(pmem_os_dir_sep, pmem_os_path_list_sep);
	/* the build names its plugins that way */
	cr_assert_eq(pmem_os_regular_file(nop_plugin(p, sizeof(p))), 0,
			"%s: %s", p, strerror(errno));
	/* a '/' makes a path on every OS; a backend name or a pair is none */
	cr_assert(pmem_os_is_path("/x/nop.so") && pmem_os_is_path("d/x"));
	cr_assert(pmem_os_is_path("C:/x/nop.dll"));
	cr_assert(!pmem_os_is_path("nop") && !pmem_os_is_path("clwb,nt-sse2")
			&& !pmem_os_is_path("") && !pmem_os_is_path("1:x"));
	const char *d = pmem_os_plugin_dir();
	cr_assert_not_null(d);
	cr_assert(pmem_os_is_path(d), "plugin directory %s", d);
}

Test(os, regular_file)
{
	char p[600];
	cr_assert_eq(tos_write_file(in_dir(p, sizeof(p), "f"), "x"), 0);
	cr_assert_eq(pmem_os_regular_file(p), 0, "%s", strerror(errno));
	errno = 0;
	cr_assert_eq(pmem_os_regular_file(dir), -1);
	cr_assert_eq(errno, EINVAL, "a directory");
	errno = 0;
	cr_assert_eq(pmem_os_regular_file(in_dir(p, sizeof(p), "none")), -1);
	cr_assert_eq(errno, ENOENT);
}

/* A refusal sets errno and a message that starts with the name shown. */
static void check_refused(const char *path, int err)
{
	errno = 0;
	cr_assert_eq(pmem_os_lib_check(path, "SHOWN"), -1, "%s", path);
	cr_assert_eq(errno, err, "%s: errno %d, want %d", path, errno, err);
	cr_assert_eq(strncmp(pmem_errormsg(), "SHOWN: ", 7), 0, "%s",
			pmem_errormsg());
}

Test(os, lib_check)
{
	char p[600];
	cr_assert_eq(pmem_os_lib_check(nop_plugin(p, sizeof(p)), p), 0, "%s",
			pmem_errormsg());
	in_dir(p, sizeof(p), "text");
	cr_assert_eq(tos_write_file(p, "not a shared object, a text file of "
			"some length for the header reads\n"), 0);
	check_refused(p, ENOEXEC);
	check_refused(in_dir(p, sizeof(p), "missing"), ENOENT);
	check_refused(dir, EINVAL);
}

Test(os, lib_open_sym_close)
{
	char p[600], why[256] = "";
	void *lib = pmem_os_lib_open(nop_plugin(p, sizeof(p)), why,
			sizeof(why));
	cr_assert_not_null(lib, "%s: %s", p, why);
	void *entry = pmem_os_lib_sym(lib, PMEM_BACKEND_ENTRY_SYMBOL);
	cr_assert_not_null(entry);
	cr_assert_eq(pmem_os_lib_sym_is_function(entry), 1);
	cr_assert_null(pmem_os_lib_sym(lib, "pmem_no_such_symbol"));
	pmem_os_lib_close(lib);
	why[0] = '\0';
	cr_assert_null(pmem_os_lib_open(in_dir(p, sizeof(p), "missing"), why,
			sizeof(why)));
	cr_assert_str_neq(why, "", "no reason given");
}
