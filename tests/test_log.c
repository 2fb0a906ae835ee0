/*
 * test_log.c -- PMDK 2's logging API: pmem_log_set_function,
 * pmem_log_set_threshold, pmem_log_get_threshold.  Built twice: against
 * the release library (build/tests/test_log: never prints) and against the
 * debug one (build/debug/tests/test_log: PMEM_LOG_LEVEL, PMEM_LOG_FILE).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpmem.h"
#include "log.h"
#include "util_fs.h"

#ifdef PMEM_DEBUG
#define MAIN_DEFAULT PMEM_LOG_LEVEL_DEBUG
#else
#define MAIN_DEFAULT PMEM_LOG_LEVEL_WARNING
#endif

/* What the user function heard. */
#define MAXMSG 64
static struct heard {
	enum pmem_log_level level;
	char file[64];
	char msg[512];
} heard[MAXMSG];
static int nheard;

static void catcher(enum pmem_log_level level, const char *file,
		unsigned line, const char *func, const char *msg)
{
	(void)line, (void)func;
	if (nheard >= MAXMSG)
		return;
	heard[nheard].level = level;
	snprintf(heard[nheard].file, sizeof(heard[0].file), "%s",
			file ? file : "");
	snprintf(heard[nheard].msg, sizeof(heard[0].msg), "%s", msg);
	nheard++;
}

static int heard_text(const char *s)
{
	for (int i = 0; i < nheard; i++)
		if (strstr(heard[i].msg, s))
			return 1;
	return 0;
}

static void reset(void)
{
	unsetenv("PMEM_LOG_LEVEL");
	unsetenv("PMEM_LOG_FILE");
	pmem_log_reset();
	nheard = 0;
}

Test(log, enum_values_as_pmdk_2)
{
	cr_expect_eq(PMEM_LOG_LEVEL_HARK, 0);
	cr_expect_eq(PMEM_LOG_LEVEL_FATAL, 1);
	cr_expect_eq(PMEM_LOG_LEVEL_ERROR, 2);
	cr_expect_eq(PMEM_LOG_LEVEL_WARNING, 3);
	cr_expect_eq(PMEM_LOG_LEVEL_NOTICE, 4);
	cr_expect_eq(PMEM_LOG_LEVEL_INFO, 5);
	cr_expect_eq(PMEM_LOG_LEVEL_DEBUG, 6);
	cr_expect_eq(PMEM_LOG_THRESHOLD, 0);
	cr_expect_eq(PMEM_LOG_THRESHOLD_AUX, 1);
	cr_expect_null(PMEM_LOG_USE_DEFAULT_FUNCTION);
}

Test(log, default_thresholds, .init = reset)
{
	enum pmem_log_level v = 99;
	cr_assert_eq(pmem_log_get_threshold(PMEM_LOG_THRESHOLD, &v), 0);
	cr_expect_eq(v, MAIN_DEFAULT);
	cr_assert_eq(pmem_log_get_threshold(PMEM_LOG_THRESHOLD_AUX, &v), 0);
	cr_expect_eq(v, PMEM_LOG_LEVEL_HARK);
}

Test(log, set_and_get, .init = reset)
{
	for (int t = 0; t <= 1; t++) {
		for (int l = PMEM_LOG_LEVEL_HARK; l <= PMEM_LOG_LEVEL_DEBUG;
				l++) {
			enum pmem_log_level v = 99;
			cr_assert_eq(pmem_log_set_threshold(t, l), 0);
			cr_assert_eq(pmem_log_get_threshold(t, &v), 0);
			cr_expect_eq(v, (enum pmem_log_level)l);
		}
	}
}

Test(log, bad_arguments, .init = reset)
{
	enum pmem_log_level v;
	cr_assert_eq(pmem_log_set_threshold(PMEM_LOG_THRESHOLD,
			PMEM_LOG_LEVEL_ERROR), 0);
	struct { int t, l; } bad[] = {
		{ 2, PMEM_LOG_LEVEL_ERROR }, { -1, PMEM_LOG_LEVEL_ERROR },
		{ PMEM_LOG_THRESHOLD, 7 }, { PMEM_LOG_THRESHOLD, -1 },
		{ PMEM_LOG_THRESHOLD_AUX, 100 },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		cr_expect_eq(pmem_log_set_threshold(bad[i].t, bad[i].l), 1,
				"row %u", i);
		cr_expect_eq(errno, EINVAL, "row %u", i);
		/* like every failure, it leaves a message */
		cr_expect(strstr(pmem_errormsg(), "invalid log ") != NULL,
				"row %u: '%s'", i, pmem_errormsg());
	}
	cr_assert_eq(pmem_log_get_threshold(PMEM_LOG_THRESHOLD, &v), 0);
	cr_expect_eq(v, PMEM_LOG_LEVEL_ERROR, "changed by a failed call");
	errno = 0;
	cr_expect_eq(pmem_log_get_threshold(PMEM_LOG_THRESHOLD, NULL), 1);
	cr_expect_eq(errno, EINVAL);
	cr_expect(strstr(pmem_errormsg(), "NULL value") != NULL, "'%s'",
			pmem_errormsg());
	errno = 0;
	cr_expect_eq(pmem_log_get_threshold(5, &v), 1);
	cr_expect_eq(errno, EINVAL);
}

Test(log, user_function_hears_hark_then_errors, .init = reset)
{
	cr_assert_eq(pmem_log_set_function(catcher), 0);
	cr_assert_geq(nheard, 1, "no HARK on set");
	cr_expect_eq(heard[0].level, PMEM_LOG_LEVEL_HARK);
	nheard = 0;
	errno = 0;
	cr_expect_null(pmem_map_file("/nonexistent/log-test", 0, 0, 0, NULL,
			NULL));
	cr_expect_eq(errno, ENOENT, "logging changed errno");
	cr_assert_geq(nheard, 1);
	cr_expect_eq(heard[nheard - 1].level, PMEM_LOG_LEVEL_ERROR);
	cr_expect_str_eq(heard[nheard - 1].msg, pmem_errormsg());
	cr_expect_str_eq(heard[nheard - 1].file, "", "error: no file");
}

Test(log, main_threshold_filters, .init = reset)
{
	cr_assert_eq(pmem_log_set_function(catcher), 0);
	pmem_log_set_threshold(PMEM_LOG_THRESHOLD, PMEM_LOG_LEVEL_ERROR);
	nheard = 0;
	PMEM_LOG(WARNING, "a warning %d", 1);
	PMEM_LOG(ERROR, "an error %d", 2);
	PMEM_LOG(DEBUG, "debug");
	cr_expect_eq(nheard, 1);
	cr_expect(heard_text("an error 2"));
	cr_expect_str_eq(heard[0].file, __FILE__);
	pmem_log_set_threshold(PMEM_LOG_THRESHOLD, PMEM_LOG_LEVEL_DEBUG);
	PMEM_LOG(DEBUG, "now debug");
	cr_expect(heard_text("now debug"));
	/* HARK passes any threshold. */
	pmem_log_set_threshold(PMEM_LOG_THRESHOLD, PMEM_LOG_LEVEL_HARK);
	nheard = 0;
	PMEM_LOG(FATAL, "fatal");
	PMEM_LOG(HARK, "hark");
	cr_expect_eq(nheard, 1);
	cr_expect(heard_text("hark"));
}

Test(log, default_function_restored, .init = reset)
{
	cr_assert_eq(pmem_log_set_function(catcher), 0);
	cr_assert_eq(pmem_log_set_function(PMEM_LOG_USE_DEFAULT_FUNCTION), 0);
	nheard = 0;
	PMEM_LOG(ERROR, "to the default");
	cr_expect_eq(nheard, 0);
}

Test(log, long_message_truncated, .init = reset)
{
	cr_assert_eq(pmem_log_set_function(catcher), 0);
	char big[3000];
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	nheard = 0;
	PMEM_LOG(ERROR, "%s", big);
	cr_assert_eq(nheard, 1);
	cr_expect_gt(strlen(heard[0].msg), 100);
}

static int counted;

static void counter(enum pmem_log_level level, const char *file,
		unsigned line, const char *func, const char *msg)
{
	(void)level, (void)file, (void)line, (void)func, (void)msg;
	__atomic_add_fetch(&counted, 1, __ATOMIC_RELAXED);
}

static void *churn(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		pmem_log_set_function(i & 1 ? NULL : counter);
		/* HARK or FATAL: the debug default prints nothing */
		pmem_log_set_threshold(PMEM_LOG_THRESHOLD_AUX,
				(enum pmem_log_level)(i % 2));
		PMEM_LOG(ERROR, "churn %d", i);
	}
	return NULL;
}

/* Threads change the function and a threshold while logging: no crash,
 * no lost setting (run under the sanitizers in CI). */
Test(log, concurrent_changes, .init = reset)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	cr_expect_gt(counted, 0, "the user function never ran");
	enum pmem_log_level v;
	cr_expect_eq(pmem_log_get_threshold(PMEM_LOG_THRESHOLD_AUX, &v), 0);
	cr_expect_eq(v, PMEM_LOG_LEVEL_FATAL, "last value set: 1999 %% 2");
}

/* A log function that calls a libpmem function that fails (and so logs
 * an error): the message raised inside it is not delivered to it again,
 * or it would recurse until the stack runs out (issue #10 item 16). */
static int reentered, depth, max_depth;

static void calls_failing(enum pmem_log_level level, const char *file,
		unsigned line, const char *func, const char *msg)
{
	(void)level, (void)file, (void)line, (void)func, (void)msg;
	reentered++;
	if (++depth > max_depth)
		max_depth = depth;
	if (depth < 4) {	/* so that the test fails, not crashes */
		pmem_map_file(NULL, 0, 0, 0, NULL, NULL);
		pmem_log_set_threshold(PMEM_LOG_THRESHOLD, 99);
	}
	depth--;
}

Test(log, function_calling_failing_function_not_reentered, .init = reset)
{
	cr_assert_eq(pmem_log_set_function(calls_failing), 0);
	pmem_log_set_threshold(PMEM_LOG_THRESHOLD, PMEM_LOG_LEVEL_ERROR);
	reentered = max_depth = 0;
	errno = 0;
	cr_expect_null(pmem_map_file("/nonexistent/reenter", 0, 0, 0, NULL,
			NULL));
	cr_expect_eq(errno, ENOENT, "errno changed by the log function");
	cr_expect_eq(max_depth, 1, "log function entered %d deep",
			max_depth);
	cr_expect_eq(reentered, 1);
	/* The guard is per call: the next message arrives. */
	PMEM_LOG(ERROR, "after");
	cr_expect_eq(reentered, 2);
	cr_expect_eq(max_depth, 1);
}

/* Runs fn with stderr going to a file; returns what was written. */
static char captured[8192];
static const char *capture_stderr(void (*fn)(void))
{
	char p[] = "/dev/shm/test_log_stderrXXXXXX";
	int fd = mkstemp(p);
	cr_assert_geq(fd, 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ssize_t n = pread(fd, captured, sizeof(captured) - 1, 0);
	captured[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(p);
	return captured;
}

static void noisy(void)
{
	pmem_map_file("/nonexistent/quiet", 0, 0, 0, NULL, NULL);
	PMEM_LOG(ERROR, "an error");
	PMEM_LOG(WARNING, "a warning");
	PMEM_LOG(DEBUG, "a debug message");
}

#ifndef PMEM_DEBUG

Test(log, release_never_prints, .init = reset)
{
	pmem_log_set_threshold(PMEM_LOG_THRESHOLD, PMEM_LOG_LEVEL_DEBUG);
	pmem_log_set_threshold(PMEM_LOG_THRESHOLD_AUX, PMEM_LOG_LEVEL_DEBUG);
	setenv("PMEM_LOG_LEVEL", "4", 1);
	pmem_log_reset();
	pmem_log_set_threshold(PMEM_LOG_THRESHOLD_AUX, PMEM_LOG_LEVEL_DEBUG);
	cr_expect_str_eq(capture_stderr(noisy), "");
}

#else	/* the debug build */

static char dir[256];

static void setup_dir(void)
{
	reset();
	cr_assert_eq(tmpdir_make(dir, sizeof(dir), "test_log"), 0);
}

static void teardown_dir(void)
{
	tmpdir_remove(dir);
}

static int entries_in(const char *d)
{
	DIR *dd = opendir(d);
	cr_assert_not_null(dd);
	int n = 0;
	for (struct dirent *e; (e = readdir(dd));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dd);
	return n;
}

/* Sets the variables, re-reads them as at start-up, makes noise, and
 * returns the log file's contents. */
static const char *log_with(const char *level, const char *file_suffix,
		const char *read_suffix)
{
	static char buf[8192];
	char f[512], r[512];
	snprintf(f, sizeof(f), "%s/log%s", dir, file_suffix);
	snprintf(r, sizeof(r), "%s/log%s", dir, read_suffix);
	if (level)
		setenv("PMEM_LOG_LEVEL", level, 1);
	setenv("PMEM_LOG_FILE", f, 1);
	pmem_log_reset();
	noisy();
	buf[0] = '\0';
	cr_assert_eq(read_file(r, buf, sizeof(buf)), 0, "no file %s", r);
	return buf;
}

Test(debug_log, level_unset_prints_nothing, .init = setup_dir,
		.fini = teardown_dir)
{
	cr_expect_str_eq(log_with(NULL, "", ""), "");
}

Test(debug_log, level_0_prints_nothing, .init = setup_dir,
		.fini = teardown_dir)
{
	cr_expect_str_eq(log_with("0", "", ""), "");
}

Test(debug_log, level_1_errors_and_warnings, .init = setup_dir,
		.fini = teardown_dir)
{
	const char *s = log_with("1", "", "");
	cr_expect_neq(strstr(s, "<libpmem>: <1> "), NULL, "%s", s);
	cr_expect_neq(strstr(s, "/nonexistent/quiet"), NULL, "%s", s);
	cr_expect_neq(strstr(s, "an error"), NULL);
	cr_expect_neq(strstr(s, "a warning"), NULL);
	cr_expect_eq(strstr(s, "a debug message"), NULL, "%s", s);
	cr_expect_neq(strstr(s, "test_log.c:"), NULL, "no source position");
	enum pmem_log_level v;
	pmem_log_get_threshold(PMEM_LOG_THRESHOLD_AUX, &v);
	cr_expect_eq(v, PMEM_LOG_LEVEL_WARNING);
}

Test(debug_log, level_4_everything, .init = setup_dir,
		.fini = teardown_dir)
{
	const char *s = log_with("4", "", "");
	cr_expect_neq(strstr(s, "a debug message"), NULL, "%s", s);
	cr_expect_neq(strstr(s, "<4>"), NULL, "%s", s);
	cr_expect_eq(strstr(s, "libpmem API"), NULL, "HARK printed");
}

Test(debug_log, level_above_4_is_4, .init = setup_dir,
		.fini = teardown_dir)
{
	cr_expect_neq(strstr(log_with("9", "", ""), "a debug message"),
			NULL);
}

Test(debug_log, file_with_pid, .init = setup_dir, .fini = teardown_dir)
{
	char pid[32];
	snprintf(pid, sizeof(pid), "-%d", (int)getpid());
	const char *s = log_with("1", "-", pid);
	cr_expect_neq(strstr(s, "an error"), NULL);
}

Test(debug_log, unusable_file_falls_back_to_stderr, .init = setup_dir,
		.fini = teardown_dir)
{
	setenv("PMEM_LOG_LEVEL", "1", 1);
	setenv("PMEM_LOG_FILE", "/nonexistent/dir/log", 1);
	pmem_log_reset();
	const char *s = capture_stderr(noisy);
	cr_expect_neq(strstr(s, "an error"), NULL, "%s", s);
}

/* A PMEM_LOG_FILE longer than a path may be is refused, not cut to
 * another name (which could be a file that exists): the log goes to
 * standard error, after a line that says why (issue #10 item 16). */
static void long_name_then_noise(void)
{
	pmem_log_reset();
	noisy();
}

Test(debug_log, too_long_file_name_refused, .init = setup_dir,
		.fini = teardown_dir)
{
	/* dir/././.../abcdefghij: cut at 4095 bytes it would name
	 * dir/abcde, a file that can be made. */
	static char f[5000];
	int n = snprintf(f, sizeof(f), "%s/", dir);
	while (n < 4090)
		n += snprintf(f + n, sizeof(f) - n, "./");
	if (n > 4090)
		n -= 1, f[n - 1] = '/';	/* odd start: "././/" */
	snprintf(f + n, sizeof(f) - n, "abcdefghij");
	cr_assert_gt(strlen(f), 4095);
	setenv("PMEM_LOG_LEVEL", "1", 1);
	setenv("PMEM_LOG_FILE", f, 1);
	const char *s = capture_stderr(long_name_then_noise);
	cr_expect_eq(entries_in(dir), 0, "a file was made in %s", dir);
	cr_expect_neq(strstr(s, "PMEM_LOG_FILE"), NULL, "no reason: %s", s);
	cr_expect_neq(strstr(s, "too long"), NULL, "no reason: %s", s);
	cr_expect_neq(strstr(s, "an error"), NULL, "not on stderr: %s", s);
	/* A trailing - adds the process ID: that must fit too. */
	f[4092] = '\0';
	strcat(f, "x-");	/* 4094 bytes, + a pid of 2 digits or more */
	cr_assert_eq(strlen(f), 4094);
	setenv("PMEM_LOG_FILE", f, 1);
	s = capture_stderr(long_name_then_noise);
	cr_expect_eq(entries_in(dir), 0, "a file was made in %s", dir);
	cr_expect_neq(strstr(s, "too long"), NULL, "no reason: %s", s);
}

/* A file that cannot be opened: stderr, and a line saying why. */
Test(debug_log, unopenable_file_says_why, .init = setup_dir,
		.fini = teardown_dir)
{
	setenv("PMEM_LOG_LEVEL", "1", 1);
	setenv("PMEM_LOG_FILE", "/nonexistent/dir/log", 1);
	const char *s = capture_stderr(long_name_then_noise);
	cr_expect_neq(strstr(s, "/nonexistent/dir/log"), NULL, "%s", s);
	cr_expect_neq(strstr(s, "No such file"), NULL, "%s", s);
	cr_expect_neq(strstr(s, "an error"), NULL, "%s", s);
}

Test(debug_log, set_threshold_overrides_env, .init = setup_dir,
		.fini = teardown_dir)
{
	setenv("PMEM_LOG_LEVEL", "4", 1);
	pmem_log_reset();
	pmem_log_set_threshold(PMEM_LOG_THRESHOLD_AUX, PMEM_LOG_LEVEL_ERROR);
	const char *s = capture_stderr(noisy);
	cr_expect_neq(strstr(s, "an error"), NULL, "%s", s);
	cr_expect_eq(strstr(s, "a warning"), NULL, "%s", s);
}

#endif
