/*
 * test_plugin_env_x86.c -- end to end: build/pmem-info run as a child with the
 * environment set; its "flush:", "copy:", "movnt threshold:" and "refused:"
 * lines must say what the selection function predicts for this CPU and
 * that environment (and, for a few cases, exactly what a person expects).
 * Then `pmem-info PATH`, --json, --help and the exit statuses.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "select.h"
#include "select_fake.h"
#include "test_plugin_util.h"

static char info[PATH_MAX + 32];
static char plugins[PATH_MAX + 32];
static char backends[PATH_MAX + 32];

static void setup(void)
{
	snprintf(info, sizeof(info), "%s/../pmem-info", test_dir());
	snprintf(plugins, sizeof(plugins), "%s/plugins", test_dir());
	snprintf(backends, sizeof(backends), "%s/../backends", test_dir());
	cr_assert_eq(access(info, X_OK), 0, "%s not built", info);
}

TestSuite(pmem_info_env, .init = setup);
TestSuite(pmem_info_path, .init = setup);

static struct run_out r;

/* Runs pmem-info with vars; checks its lines against the prediction.
 * Returns its output for further checks. */
static const char *check_env(const char *const vars[])
{
	static struct pmem_selection want;
	fake_vars = vars;
	struct pmem_select_in in = {
		.cpu = pmem_backend_get_cpu(),
		.env = fake_env,
		.backends = pmem_static_backends,
		.auto_flush = pmem_has_auto_flush() == 1,
		.plugin_dir = PMEM_PLUGIN_DIR,
	};
	pmem_select_backends(&in, &want);

	char *argv[] = { info, NULL };
	cr_assert_eq(run_env(argv, vars, &r), 0);
	cr_assert_eq(r.status, 0, "pmem-info exit %d: %s", r.status, r.err);
	cr_assert_str_empty(r.err, "pmem-info printed on stderr: %s", r.err);

	char exp[1024], got[1024];
	snprintf(exp, sizeof(exp), "flush: %s (%s)", want.choice.flush->name,
			want.choice.flush_reason);
	cr_assert_not_null(line_starting(r.out, "flush: ", got, sizeof(got)));
	cr_assert_str_eq(got, exp);
	snprintf(exp, sizeof(exp), "copy: %s (%s)", want.choice.copy->name,
			want.choice.copy_reason);
	cr_assert_not_null(line_starting(r.out, "copy: ", got, sizeof(got)));
	cr_assert_str_eq(got, exp);
	if (want.choice.movnt)
		snprintf(exp, sizeof(exp), "movnt threshold: %zu",
				want.choice.movnt_threshold);
	else
		snprintf(exp, sizeof(exp), "movnt threshold: off "
				"(every copy temporal)");
	cr_assert_not_null(line_starting(r.out, "movnt threshold: ", got,
			sizeof(got)));
	cr_assert_str_eq(got, exp);
	if (want.choice.refusal) {
		snprintf(exp, sizeof(exp), "refused: %s", want.choice.refusal);
		cr_assert_not_null(line_starting(r.out, "refused: ", got,
				sizeof(got)), "no refusal in:\n%s", r.out);
		cr_assert_str_eq(got, exp);
	} else {
		cr_assert_null(line_starting(r.out, "refused: ", got,
				sizeof(got)), "unexpected %s", got);
	}
	return r.out;
}

static int has_line(const char *text, const char *line)
{
	char got[1024];
	return line_starting(text, line, got, sizeof(got)) != NULL &&
		strcmp(got, line) == 0;
}

/* Whether python3 (configure.py needs it anyway) reads json as strict
 * UTF-8 JSON, as d, and finds the expression check true. */
static int json_holds(const char *json, const char *check)
{
	char tmp[] = "/tmp/pmem-info-json-XXXXXX";
	int fd = mkstemp(tmp);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys; "
			"d=json.load(open(sys.argv[1], encoding=\"utf-8\", "
			"errors=\"strict\")); assert %s' %s", check, tmp);
	int st = system(cmd);
	unlink(tmp);
	return st == 0;
}

static int cpu_has(uint64_t bits)
{
	return (pmem_backend_get_cpu()->features & bits) == bits;
}

Test(pmem_info_env, automatic)
{
	const char *out = check_env((const char *const[]){ NULL });
	cr_assert(strstr(out, "\ncpu features: sse2") != NULL, "%s", out);
	cr_assert(strstr(out, "\nbackends (linked in):\n") != NULL);
	/* Every static backend is listed with its usability. */
	const struct pmem_backend *b;
	for (unsigned i = 0; (b = pmem_backend_get_static(i)); i++) {
		char want[256];
		snprintf(want, sizeof(want), "\n  %-16s %-5s  %s", b->name,
				b->kind == PMEM_BACKEND_FLUSH ? "flush" : "copy",
				pmem_backend_runs(b, pmem_backend_get_cpu()) ? "usable " :
				"not usable on this CPU");
		cr_assert(strstr(out, want) != NULL, "no '%s' in\n%s", want,
				out);
	}
	/* The plugins of the build tree are found and listed. */
	char want[PATH_MAX + 64];
	snprintf(want, sizeof(want), "/backends/nt-sse2.so [needs SSE2]\n");
	cr_assert(strstr(out, want) != NULL, "no plugin list in\n%s", out);
}

Test(pmem_info_env, no_flush)
{
	const char *out = check_env((const char *const[]){ "PMEM_NO_FLUSH=1",
			NULL });
	cr_assert(has_line(out, "flush: nop (PMEM_NO_FLUSH=1)"), "%s", out);
}

Test(pmem_info_env, no_clwb)
{
	const char *out = check_env((const char *const[]){ "PMEM_NO_CLWB=1",
			NULL });
	cr_assert(strstr(out, "flush: clwb") == NULL, "%s", out);
	if (cpu_has(PMEM_CPU_CLFLUSHOPT) && pmem_has_auto_flush() != 1)
		cr_assert(has_line(out, "flush: clflushopt (PMEM_NO_CLWB=1, "
				"CPU has CLFLUSHOPT)"), "%s", out);
}

Test(pmem_info_env, no_clwb_no_clflushopt)
{
	const char *out = check_env((const char *const[]){ "PMEM_NO_CLWB=1",
			"PMEM_NO_CLFLUSHOPT=1", NULL });
	if (pmem_has_auto_flush() != 1)
		cr_assert(has_line(out, "flush: clflush (PMEM_NO_CLWB=1, "
				"PMEM_NO_CLFLUSHOPT=1, CPU has CLFLUSH)"), "%s",
				out);
}

Test(pmem_info_env, no_flush_0)
{
	check_env((const char *const[]){ "PMEM_NO_FLUSH=0", NULL });
}

Test(pmem_info_env, avx_off)
{
	const char *out = check_env((const char *const[]){ "PMEM_AVX=0",
			"PMEM_AVX512F=0", NULL });
	cr_assert(strstr(out, "\ncopy: nt-sse2 (") != NULL, "%s", out);
	cr_assert(strstr(out, "PMEM_AVX=0") != NULL, "%s", out);
}

Test(pmem_info_env, avx512_off)
{
	check_env((const char *const[]){ "PMEM_AVX512F=0", NULL });
}

Test(pmem_info_env, no_movnt)
{
	const char *out = check_env((const char *const[]){ "PMEM_NO_MOVNT=1",
			NULL });
	cr_assert(has_line(out, "movnt threshold: off (every copy temporal)"));
}

Test(pmem_info_env, movnt_threshold)
{
	const char *out = check_env((const char *const[]){
			"PMEM_MOVNT_THRESHOLD=1024", NULL });
	cr_assert(has_line(out, "movnt threshold: 1024"), "%s", out);
	out = check_env((const char *const[]){ "PMEM_MOVNT_THRESHOLD=lots",
			NULL });
	cr_assert(has_line(out, "movnt threshold: 256"), "%s", out);
	cr_assert(strstr(out, "PMEM_MOVNT_THRESHOLD='lots' ignored") != NULL,
			"%s", out);
}

/* The "small copies:" line follows PMEM_MOVNT_SMALL on any CPU. */
Test(pmem_info_env, movnt_small)
{
	const char *out = check_env((const char *const[]){
			"PMEM_MOVNT_SMALL=1", NULL });
	cr_assert(strstr(out, "\nsmall copies: non-temporal when address "
			"and length are multiples of 4") != NULL, "%s", out);
	cr_assert(strstr(out, "PMEM_MOVNT_SMALL=1") != NULL, "%s", out);
	out = check_env((const char *const[]){ "PMEM_MOVNT_SMALL=0", NULL });
	cr_assert(strstr(out, "small copies:") == NULL, "%s", out);
}

Test(pmem_info_env, forced_one_name)
{
	const char *out = check_env((const char *const[]){
			"PMEM_BACKEND=clflush", NULL });
	cr_assert(has_line(out, "flush: clflush (forced by PMEM_BACKEND)"),
			"%s", out);
}

Test(pmem_info_env, forced_pair_both_orders)
{
	const char *out = check_env((const char *const[]){
			"PMEM_BACKEND=nt-sse2,msync-fallback", NULL });
	cr_assert(has_line(out, "flush: msync-fallback (forced by "
			"PMEM_BACKEND)"), "%s", out);
	cr_assert(has_line(out, "copy: nt-sse2 (forced by PMEM_BACKEND, "
			"msync-fallback: all copies temporal)"), "%s", out);
	out = check_env((const char *const[]){
			"PMEM_BACKEND=clflush,nt-sse2", NULL });
	cr_assert(has_line(out, "flush: clflush (forced by PMEM_BACKEND)"));
	cr_assert(has_line(out, "copy: nt-sse2 (forced by PMEM_BACKEND)"));
}

Test(pmem_info_env, forced_plugin_path)
{
	char var[2 * PATH_MAX];
	snprintf(var, sizeof(var), "PMEM_BACKEND=%s/nt-sse2.so", backends);
	const char *out = check_env((const char *const[]){ var, NULL });
	cr_assert(has_line(out, "copy: nt-sse2 (forced by PMEM_BACKEND, "
			"plugin)"), "%s", out);
}

Test(pmem_info_env, forced_name_in_backend_path)
{
	char var[2 * PATH_MAX];
	snprintf(var, sizeof(var), "PMEM_BACKEND_PATH=/nonexistent:%s",
			plugins);
	const char *out = check_env((const char *const[]){
			"PMEM_BACKEND=good_copy", var, NULL });
	cr_assert(has_line(out, "copy: good_copy (forced by PMEM_BACKEND, "
			"plugin)"), "%s", out);
	/* The directories of PMEM_BACKEND_PATH are listed, broken plugins
	 * with their reason. */
	cr_assert(strstr(out, "/plugins/good_copy.so\n") != NULL, "%s", out);
	cr_assert(strstr(out, "refused: ") != NULL, "%s", out);
	cr_assert(strstr(out, "abi99.so: declares ABI version 99") != NULL,
			"%s", out);
}

Test(pmem_info_env, refused_unknown)
{
	const char *out = check_env((const char *const[]){
			"PMEM_BACKEND=bogus", NULL });
	cr_assert(strstr(out, "\nrefused: PMEM_BACKEND: unknown backend "
			"'bogus'") != NULL, "%s", out);
}

Test(pmem_info_env, refused_broken_plugin)
{
	char var[2 * PATH_MAX];
	snprintf(var, sizeof(var), "PMEM_BACKEND=%s/no_entry.so", plugins);
	const char *out = check_env((const char *const[]){ var, NULL });
	cr_assert(strstr(out, "no entry symbol") != NULL, "%s", out);
}

Test(pmem_info_env, refused_cpu_cannot_run)
{
	const char *out = check_env((const char *const[]){
			"PMEM_BACKEND=nt-avx512", NULL });
	if (cpu_has(PMEM_CPU_AVX512F | PMEM_CPU_AVX512BW | PMEM_CPU_AVX512VL))
		cr_assert(has_line(out, "copy: nt-avx512 (forced by "
				"PMEM_BACKEND)"), "%s", out);
	else
		cr_assert(strstr(out, "'nt-avx512' refused: this CPU cannot "
				"run it") != NULL, "%s", out);
}

Test(pmem_info_env, json_is_valid_and_agrees)
{
	char *argv[] = { info, "--json", NULL };
	cr_assert_eq(run_env(argv, NULL, &r), 0);
	cr_assert_eq(r.status, 0);
	char want[256];
	snprintf(want, sizeof(want), "\"flush\": {\"name\": \"%s\"",
			pmem_backend_get_choice()->flush->name);
	/* The parent may run with PMEM_* set; only compare without. */
	if (getenv("PMEM_BACKEND") == NULL && getenv("PMEM_NO_FLUSH") == NULL
			&& getenv("PMEM_NO_CLWB") == NULL &&
			getenv("PMEM_NO_CLFLUSHOPT") == NULL)
		cr_assert(strstr(r.out, want) != NULL, "%s", r.out);
	cr_assert(json_holds(r.out, "d[\"cpu\"][\"features\"]"),
			"invalid JSON:\n%s", r.out);
}

/* ---- pmem-info PATH -------------------------------------------------- */

static void info_path(const char *path, int json, const char *const env[])
{
	char *argv[] = { info, json ? "--json" : (char *)path,
		json ? (char *)path : NULL, NULL };
	cr_assert_eq(run_env(argv, env, &r), 0);
}

static void need_tmpfs(void)
{
	struct statfs s;
	if (statfs("/dev/shm", &s) != 0 || s.f_type != 0x01021994)
		SKIP_VISIBLY("tmpfs: /dev/shm is not tmpfs here");
}

Test(pmem_info_path, tmpfs_directory_is_not_pmem)
{
	need_tmpfs();
	info_path("/dev/shm", 0, NULL);
	cr_assert_eq(r.status, 1, "exit %d\n%s", r.status, r.out);
	cr_assert(has_line(r.out, "type: directory"), "%s", r.out);
	cr_assert(has_line(r.out, "filesystem: tmpfs (0x1021994)"), "%s",
			r.out);
	cr_assert(strstr(r.out, "\nmap_sync: refused (") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "\npmem: no (not on a DAX file system: tmpfs")
			!= NULL, "%s", r.out);
	/* The library's own answer agrees. */
	cr_assert(has_line(r.out, "pmem_map_file: is_pmem 0"), "%s", r.out);
}

/* The region lines: tmpfs is on no libnvdimm region (its device has no
 * /sys/dev/block entry), in the text and as the JSON "region" object. */
Test(pmem_info_path, tmpfs_is_on_no_region)
{
	need_tmpfs();
	info_path("/dev/shm", 0, NULL);
	cr_assert(has_line(r.out, "region: no NVDIMM-bus region"), "%s",
			r.out);
	cr_assert(strstr(r.out, "\nregion notes: ") != NULL, "%s", r.out);
	info_path("/dev/shm", 1, NULL);
	cr_assert(json_holds(r.out, "d[\"region\"][\"kind\"] == \"none\" and "
			"d[\"region\"][\"nd_region\"] is None and "
			"d[\"region\"][\"synchronous\"] is None and "
			"d[\"region\"][\"notes\"]"), "region object:\n%s",
			r.out);
}

Test(pmem_info_path, tmpfs_file_is_not_pmem_unless_forced)
{
	need_tmpfs();
	char tmp[] = "/dev/shm/pmem-info-test-XXXXXX";
	int fd = mkstemp(tmp);
	cr_assert_geq(fd, 0);
	close(fd);
	info_path(tmp, 0, NULL);	/* empty: pmem_map_file refuses it */
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.out, "\npmem_map_file: failed (") != NULL, "%s",
			r.out);
	fd = open(tmp, O_WRONLY);
	cr_assert_eq(write(fd, "data", 4), 4);
	close(fd);
	info_path(tmp, 0, NULL);
	cr_assert_eq(r.status, 1);
	cr_assert(has_line(r.out, "type: regular file"), "%s", r.out);
	cr_assert(has_line(r.out, "writable: yes"), "%s", r.out);
	cr_assert(has_line(r.out, "pmem_map_file: is_pmem 0"), "%s", r.out);
	info_path(tmp, 0, (const char *const[]){ "PMEM_IS_PMEM_FORCE=1",
			NULL });
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "\npmem: yes (PMEM_IS_PMEM_FORCE=1; without "
			"it: not on a DAX file system") != NULL, "%s", r.out);
	cr_assert(has_line(r.out, "pmem_map_file: is_pmem 1"), "%s", r.out);
	/* Parsed as the library parses it: "01" forces 1, "2" is ignored. */
	info_path(tmp, 0, (const char *const[]){ "PMEM_IS_PMEM_FORCE=01",
			NULL });
	cr_assert_eq(r.status, 0, "%s", r.out);
	cr_assert(has_line(r.out, "pmem_map_file: is_pmem 1"), "%s", r.out);
	cr_assert(strstr(r.out, "\npmem: yes (PMEM_IS_PMEM_FORCE=01; ") !=
			NULL, "%s", r.out);
	info_path(tmp, 0, (const char *const[]){ "PMEM_IS_PMEM_FORCE=2",
			NULL });
	cr_assert_eq(r.status, 1, "%s", r.out);
	cr_assert(has_line(r.out, "pmem_map_file: is_pmem 0"), "%s", r.out);
	info_path(tmp, 1, NULL);
	cr_assert_eq(r.status, 1);
	cr_assert(strstr(r.out, "\"pmem\": false") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "\"map_sync\": false") != NULL, "%s", r.out);
	cr_assert(strstr(r.out, "\"filesystem\": \"tmpfs\"") != NULL);
	cr_assert(strstr(r.out, "\"type\": \"regular file\"") != NULL);
	cr_assert(strstr(r.out, "\"pmem_map_file_is_pmem\": false") != NULL);
	unlink(tmp);
}

Test(pmem_info_path, char_device_not_devdax)
{
	info_path("/dev/null", 0, NULL);
	cr_assert_eq(r.status, 1);
	cr_assert(has_line(r.out, "type: character device"), "%s", r.out);
	cr_assert(strstr(r.out, "pmem: no (not Device DAX, its sysfs "
			"subsystem is mem)") != NULL, "%s", r.out);
}

Test(pmem_info_path, permissions)
{
	/* sysfs refuses to open a read-only attribute for writing, even
	 * for root, so this works under CI's root too. */
	const char *ro = "/sys/devices/system/cpu/online";
	if (access(ro, R_OK) != 0)
		SKIP_VISIBLY("permissions: no %s", ro);
	info_path(ro, 0, NULL);
	cr_assert_eq(r.status, 1);
	cr_assert(has_line(r.out, "writable: no"), "%s", r.out);
	cr_assert(strstr(r.out, "pmem: no (permissions: cannot open the file "
			"for writing") != NULL, "%s", r.out);
}

Test(pmem_info_path, missing_path_and_usage_errors)
{
	info_path("/nonexistent/pmem", 0, NULL);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "/nonexistent/pmem: No such file") != NULL,
			"%s", r.err);
	char *two[] = { info, "/dev/shm", "/tmp", NULL };
	cr_assert_eq(run_env(two, NULL, &r), 0);
	cr_assert_eq(r.status, 2);
	char *bad[] = { info, "--frobnicate", NULL };
	cr_assert_eq(run_env(bad, NULL, &r), 0);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "usage: pmem-info") != NULL, "%s", r.err);
	char *help[] = { info, "--help", NULL };
	cr_assert_eq(run_env(help, NULL, &r), 0);
	cr_assert_eq(r.status, 0);
	cr_assert(strstr(r.out, "usage: pmem-info [--json] [PATH]") != NULL);
	cr_assert(strstr(r.out, "Exit status") != NULL);
}

Test(pmem_info_path, device_dax_if_present)
{
	/* Needs real or emulated Device DAX (the qemu tier has one). */
	const char *dev = NULL;
	static const char *const cand[] = { "/dev/dax0.0", "/dev/dax1.0" };
	for (size_t i = 0; i < 2; i++)
		if (access(cand[i], F_OK) == 0)
			dev = cand[i];
	if (dev == NULL)
		SKIP_VISIBLY("devdax: no Device DAX on this machine");
	info_path(dev, 0, NULL);
	cr_assert(has_line(r.out, "type: device dax"), "%s", r.out);
	cr_assert(strstr(r.out, "\ndevdax size: ") != NULL, "%s", r.out);
	cr_assert_eq(r.status, 0, "%s", r.out);
}

/* ---- set-uid: variables that load code are ignored ------------------- */

/*
 * A set-uid copy of pmem-info owned by nobody, run by root, has AT_SECURE
 * set (effective uid != real uid): secure_getenv() then hides
 * PMEM_BACKEND and PMEM_BACKEND_PATH, while PMEM_NO_CLWB (loads no code)
 * still applies.
 */
Test(pmem_info_env, setuid_ignores_code_loading_variables)
{
#ifdef __SANITIZE_ADDRESS__
	/* LeakSanitizer dies in a set-uid (non-dumpable) process; the
	 * release run of this test covers it. */
	SKIP_VISIBLY("setuid: not under AddressSanitizer");
#endif
	if (geteuid() != 0)
		SKIP_VISIBLY("setuid: needs root to make a set-uid copy");
	char copy[PATH_MAX + 64];
	snprintf(copy, sizeof(copy), "%s/pmem-info-setuid", test_dir());
	char cmd[6 * PATH_MAX];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chown 65534 '%s' && "
			"chmod 4755 '%s'", info, copy, copy, copy);
	cr_assert_eq(system(cmd), 0);
	struct statvfs vfs;
	if (statvfs(copy, &vfs) == 0 && (vfs.f_flag & ST_NOSUID)) {
		unlink(copy);
		SKIP_VISIBLY("setuid: %s is on a nosuid file system", copy);
	}
	char var[PATH_MAX + 64];
	snprintf(var, sizeof(var), "PMEM_BACKEND_PATH=%s", plugins);
	char *argv[] = { copy, NULL };
	const char *env[] = { "PMEM_BACKEND=clflush,good_copy", var,
		"PMEM_NO_CLWB=1", NULL };
	int rc = run_env(argv, env, &r);
	unlink(copy);
	cr_assert_eq(rc, 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char got[1024];
	cr_assert_not_null(line_starting(r.out, "flush: ", got, sizeof(got)));
	cr_assert(strstr(got, "forced") == NULL, "PMEM_BACKEND was read: %s",
			got);
	cr_assert(strstr(got, "PMEM_NO_CLWB=1") != NULL ||
			strstr(got, "auto flush") != NULL, "%s", got);
	cr_assert(strstr(r.out, "good_copy") == NULL,
			"PMEM_BACKEND_PATH was read:\n%s", r.out);
	/* The same copy without set-uid does read them. */
	cr_assert_eq(run_env((char *[]){ info, NULL }, env, &r), 0);
	cr_assert(has_line(r.out, "flush: clflush (forced by PMEM_BACKEND)"),
			"%s", r.out);
	cr_assert(strstr(r.out, "\ncopy: good_copy (forced") != NULL);
}

/* ---- start-up in a program linked to libpmem.so (issue #10 items 6, 7,
 * 12): tests/helpers/startup_report prints errno at main and the choice;
 * run_env kills it after run_timeout seconds, so a hang fails. ---------- */

static char helper[PATH_MAX + 64];

static const char *run_helper(const char *const env[])
{
	snprintf(helper, sizeof(helper), "%s/helpers/startup_report",
			test_dir());
	cr_assert_eq(access(helper, X_OK), 0, "%s not built", helper);
	run_timeout = 20;
	char *argv[] = { helper, NULL };
	cr_assert_eq(run_env(argv, env, &r), 0);
	cr_assert_eq(r.status, 0, "start-up: exit %d (142 = hung, killed)\n"
			"%s%s", r.status, r.out, r.err);
	return r.out;
}

TestSuite(startup, .init = setup);

/* A probe and an entry that call pmem_backend_get_cpu() and
 * pmem_backend_get_choice() while the library is choosing. */
Test(startup, probe_may_ask_the_library)
{
	char var[2 * PATH_MAX];
	snprintf(var, sizeof(var), "PMEM_BACKEND=%s/probe_calls_lib.so",
			plugins);
	const char *out = run_helper((const char *const[]){ var, NULL });
	cr_assert(has_line(out, "copy: probe_calls_lib"), "%s", out);
	cr_assert(has_line(out, "refused: none"), "%s", out);
}

Test(startup, errno_is_left_as_found)
{
	char abi99[2 * PATH_MAX];
	snprintf(abi99, sizeof(abi99), "PMEM_BACKEND=%s/abi99.so", plugins);
	const char *out = run_helper((const char *const[]){ NULL });
	cr_assert(has_line(out, "errno at main: 0"), "%s", out);
	out = run_helper((const char *const[]){ "PMEM_BACKEND=bogus", NULL });
	cr_assert(has_line(out, "errno at main: 0"), "%s", out);
	out = run_helper((const char *const[]){ abi99, NULL });
	cr_assert(has_line(out, "errno at main: 0"), "%s", out);
	cr_assert(strstr(out, "declares ABI version 99") != NULL, "%s", out);
}

Test(startup, fifo_is_refused_not_waited_on)
{
	char dir[] = "/tmp/pmem-fifo-env-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char fifo[64], var[128], path[128];
	snprintf(fifo, sizeof(fifo), "%s/pipe.so", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	snprintf(var, sizeof(var), "PMEM_BACKEND=%s", fifo);
	const char *out = run_helper((const char *const[]){ var, NULL });
	cr_assert(strstr(out, "pipe.so: not a regular file") != NULL, "%s",
			out);
	snprintf(path, sizeof(path), "PMEM_BACKEND_PATH=%s", dir);
	out = run_helper((const char *const[]){ "PMEM_BACKEND=pipe", path,
			NULL });
	cr_assert(strstr(out, "pipe.so: not a regular file") != NULL, "%s",
			out);
	unlink(fifo);
	rmdir(dir);
}

/* ---- pmem-info output a plugin cannot forge (item 18) ---------------- */

Test(pmem_info_env, hostile_name_is_escaped)
{
	char var[2 * PATH_MAX];
	snprintf(var, sizeof(var), "PMEM_BACKEND_PATH=%s", plugins);
	const char *env[] = { "PMEM_BACKEND=evil_name", var, NULL };
	char *argv[] = { info, NULL };
	cr_assert_eq(run_env(argv, env, &r), 0);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char got[1024];
	cr_assert_null(line_starting(r.out, "refused: forged", got,
			sizeof(got)), "forged line in\n%s", r.out);
	cr_assert(has_line(r.out, "copy: evil\\nrefused: forged \\xff (forced "
			"by PMEM_BACKEND, plugin)"), "%s", r.out);

	char *jargv[] = { info, "--json", NULL };
	cr_assert_eq(run_env(jargv, env, &r), 0);
	cr_assert_eq(r.status, 0);
	cr_assert(json_holds(r.out, "d[\"copy\"][\"name\"] == "
			"\"evil\\nrefused: forged \\ufffd\", d[\"copy\"]"),
			"invalid UTF-8 or JSON:\n%s", r.out);
}

/* PMEM_BACKEND_PATH=/x/sub:/x: /x is another directory, not a part of
 * /x/sub already listed. */
Test(pmem_info_env, subdirectory_first_does_not_hide_parent)
{
	char dir[] = "/tmp/pmem-info-sub-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char cmd[4 * PATH_MAX], var[256];
	snprintf(cmd, sizeof(cmd), "mkdir %s/sub && cp %s/good_flush.so "
			"%s/sub/ && cp %s/good_copy.so %s/", dir, plugins, dir,
			plugins, dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(var, sizeof(var), "PMEM_BACKEND_PATH=%s/sub:%s", dir, dir);
	char *argv[] = { info, NULL };
	cr_assert_eq(run_env(argv, (const char *const[]){ var, NULL }, &r), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
	char want[512];
	snprintf(want, sizeof(want), "%s/sub/good_flush.so", dir);
	cr_assert(strstr(r.out, want) != NULL, "%s", r.out);
	snprintf(want, sizeof(want), "%s/good_copy.so", dir);
	cr_assert(strstr(r.out, want) != NULL, "%s hidden:\n%s", dir, r.out);
}
