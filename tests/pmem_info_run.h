/*
 * pmem_info_run.h -- what the per-ISA pmem-info tests share: finding
 * build/pmem-info next to the test programs' folder, running it with an
 * environment, and looking for a line in what it printed.
 */
#ifndef PMEM_INFO_RUN_H
#define PMEM_INFO_RUN_H 1

#include <criterion/criterion.h>
#include <string.h>

#include "test_plugin_util.h"

static char info[PATH_MAX + 32];
static struct run_out r;

/* The suite's .init. */
static void find_pmem_info(void)
{
	snprintf(info, sizeof(info), "%s/../pmem-info", test_dir());
	cr_assert_eq(access(info, X_OK), 0, "%s not built", info);
}

/* pmem-info's standard output; it must exit 0. */
static const char *run(const char *const vars[])
{
	char *argv[] = { info, NULL };
	cr_assert_eq(run_env(argv, vars, &r), 0);
	cr_assert_eq(r.status, 0, "pmem-info exit %d: %s", r.status, r.err);
	return r.out;
}

static int has(const char *out, const char *text)
{
	return strstr(out, text) != NULL;
}

#endif
