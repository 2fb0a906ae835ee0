/* test_version.c -- pmem_check_version() and its U/W forms.  Built with
 * NVML_UTF8_API, so the plain names here are the U entry points. */
#define NVML_UTF8_API 1
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "libpmem.h"

Test(version, header_values_as_pmdk_1_12)
{
	cr_expect_eq(PMEM_MAJOR_VERSION, 1);
	cr_expect_eq(PMEM_MINOR_VERSION, 1);
}

Test(version, accepted)
{
	cr_expect_null(pmem_check_version(PMEM_MAJOR_VERSION,
			PMEM_MINOR_VERSION));
	cr_expect_null(pmem_check_version(1, 0));
	cr_expect_null(pmem_check_versionU(1, 1));
	cr_expect_null(pmem_check_versionW(1, 0));
}

struct row {
	unsigned major, minor;
	const char *why;
};

Test(version, refused_with_reason)
{
	struct row rows[] = {
		{ 0, 0, "major" }, { 0, 5, "major" }, { 2, 0, "major" },
		{ 2, 1, "major" }, { 1, 2, "minor" }, { 1, 100, "minor" },
		{ 4294967295u, 0, "major" }, { 1, 4294967295u, "minor" },
	};
	for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *m = pmem_check_version(rows[i].major,
				rows[i].minor);
		cr_assert_not_null(m, "%u.%u accepted", rows[i].major,
				rows[i].minor);
		cr_expect_neq(strstr(m, rows[i].why), NULL, "%s", m);
		char need[32];
		snprintf(need, sizeof(need), "need %u",
				strcmp(rows[i].why, "major") ? rows[i].minor
							      : rows[i].major);
		cr_expect_neq(strstr(m, need), NULL, "%s", m);
		cr_expect_eq(m, pmem_errormsg(), "the thread's message");
		cr_expect_not_null(pmem_check_versionU(rows[i].major,
				rows[i].minor));
	}
}

Test(version, wide_form)
{
	const wchar_t *w = pmem_check_versionW(1, 2);
	cr_assert_not_null(w);
	cr_expect_eq(wcscmp(w, L"libpmem minor version mismatch (need 2, "
			L"found 1)"), 0, "%ls", w);
	cr_expect_eq(w, pmem_errormsgW());
	cr_expect_null(pmem_check_versionW(1, 1));
}

#define STR(x) #x
#define XSTR(x) STR(x)

Test(version, utf8_api_names)
{
	cr_expect_str_eq(XSTR(pmem_check_version), "pmem_check_versionU");
	cr_expect_str_eq(XSTR(pmem_errormsg), "pmem_errormsgU");
	cr_expect_str_eq(XSTR(pmem_map_file), "pmem_map_fileU");
	cr_expect_not_null(pmem_check_version(3, 0));
	cr_expect_eq(pmem_check_version(3, 0), pmem_errormsg());
}
