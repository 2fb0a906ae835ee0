/*
 * log.c -- PMDK 2's logging API: one log function (ours by default), two
 * thresholds.  PMEM_LOG_THRESHOLD filters what reaches the function;
 * PMEM_LOG_THRESHOLD_AUX is for the function itself: the default one (debug
 * build only) writes a message when its level is at or above AUX in
 * severity and it is not HARK.  In the debug build PMEM_LOG_LEVEL 0-4
 * sets AUX and PMEM_LOG_FILE the destination, read on first use.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "err.h"
#include "export.h"
#include "os.h"

#ifdef PMEM_DEBUG
#define MAIN_DEFAULT PMEM_LOG_LEVEL_DEBUG
#else
#define MAIN_DEFAULT PMEM_LOG_LEVEL_WARNING
#endif

#define MSG_MAX 512

enum pmem_log_level pmem_log_threshold_main = MAIN_DEFAULT;
static enum pmem_log_level threshold_aux = PMEM_LOG_LEVEL_HARK;
static pmem_log_function *log_fn;	/* NULL: the default function */

/* Set while this thread runs the log function: a message raised inside
 * it (it called a libpmem function that failed) is dropped, not handed
 * to it again, which would recurse without end. */
static __thread int in_log_fn;

#ifdef PMEM_DEBUG
static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static FILE *out;	/* stderr or PMEM_LOG_FILE */

/* PMEM_LOG_LEVEL's numbers, as PMDK 1's manual defines them, in PMDK 2's
 * levels: 1 errors (and warnings), 2 basic operations, 3 call tracing,
 * 4 everything. */
static const enum pmem_log_level from_env_level[] = {
	PMEM_LOG_LEVEL_HARK, PMEM_LOG_LEVEL_WARNING, PMEM_LOG_LEVEL_NOTICE,
	PMEM_LOG_LEVEL_INFO, PMEM_LOG_LEVEL_DEBUG,
};

/* Says on stderr why PMEM_LOG_FILE is not used, like a level 1 line, when
 * PMEM_LOG_LEVEL asks for messages at all.  Written directly: the log
 * itself is not set up yet. */
static void file_refused(const char *file, const char *why)
{
	if (__atomic_load_n(&threshold_aux, __ATOMIC_RELAXED) <
			PMEM_LOG_LEVEL_WARNING)
		return;
	fprintf(stderr, "<libpmem>: <1> PMEM_LOG_FILE \"%.200s%s\" not used: "
			"%s; logging to standard error\n", file,
			strlen(file) > 200 ? "..." : "", why);
}

/* PMEM_LOG_FILE with a trailing - replaced by the process ID into path;
 * -1 when that is longer than a path may be (never cut to another name). */
static int log_file_name(const char *file, char *path, size_t n)
{
	size_t len = strlen(file);
	int r = file[len - 1] == '-'
		? snprintf(path, n, "%s%d", file, pmem_os_getpid())
		: snprintf(path, n, "%s", file);
	return r < 0 || (size_t)r >= n ? -1 : 0;
}

static void env_read(void)
{
	out = stderr;
	const char *lvl = pmem_os_secure_getenv("PMEM_LOG_LEVEL");
	if (lvl && *lvl) {
		char *end;
		long v = strtol(lvl, &end, 10);
		if (*end == '\0' && v >= 0) {
			if (v > 4)
				v = 4;
			__atomic_store_n(&threshold_aux, from_env_level[v],
					__ATOMIC_RELAXED);
		}
	}
	const char *file = pmem_os_secure_getenv("PMEM_LOG_FILE");
	if (file && *file) {
		/* Stay on stderr when the file cannot be used: the library
		 * never exits over this. */
		char path[PATH_MAX];
		if (log_file_name(file, path, sizeof(path)) != 0) {
			file_refused(file, "name too long");
			return;
		}
		FILE *f = pmem_os_fopen_w(path);
		if (!f) {
			char buf[128];
			file_refused(path, pmem_os_strerror(errno, buf, sizeof(buf)));
			return;
		}
		out = f;
	}
}

static void env_init(void)
{
	pthread_once(&env_once, env_read);
}

/* The PMEM_LOG_LEVEL number a message shows, like PMDK 1's output. */
static int env_number(enum pmem_log_level level)
{
	for (int i = 1; i <= 4; i++)
		if (level <= from_env_level[i])
			return i;
	return 4;
}

static void default_fn(enum pmem_log_level level, const char *file,
		unsigned line, const char *func, const char *msg)
{
	if (level == PMEM_LOG_LEVEL_HARK ||
	    level > __atomic_load_n(&threshold_aux, __ATOMIC_RELAXED))
		return;
	if (file)
		fprintf(out, "<libpmem>: <%d> [%s:%u %s] %s\n",
				env_number(level), file, line, func, msg);
	else
		fprintf(out, "<libpmem>: <%d> %s\n", env_number(level), msg);
}
#else
static void env_init(void)
{
}

/* The release library never prints. */
static void default_fn(enum pmem_log_level level, const char *file,
		unsigned line, const char *func, const char *msg)
{
	(void)level, (void)file, (void)line, (void)func, (void)msg;
}
#endif

void pmem_log_msg(enum pmem_log_level level, const char *file, unsigned line,
		const char *func, const char *fmt, ...)
{
	if (level > __atomic_load_n(&pmem_log_threshold_main,
			__ATOMIC_RELAXED) || in_log_fn)
		return;
	int err = errno;	/* logging never changes errno */
	env_init();
	char msg[MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pmem_log_function *fn = __atomic_load_n(&log_fn, __ATOMIC_ACQUIRE);
	in_log_fn = 1;
	(fn ? fn : default_fn)(level, file, line, func, msg);
	in_log_fn = 0;
	errno = err;
}

/* EINVAL, with a message for pmem_errormsg() like every failure. */
static int fail(const char *what, int value)
{
	pmem_err_errno(EINVAL, "%s %d", what, value);
	return 1;
}

static int valid_threshold(enum pmem_log_threshold t)
{
	return t == PMEM_LOG_THRESHOLD || t == PMEM_LOG_THRESHOLD_AUX;
}

static enum pmem_log_level *slot(enum pmem_log_threshold t)
{
	return t == PMEM_LOG_THRESHOLD ? &pmem_log_threshold_main
				       : &threshold_aux;
}

PMEM_EXPORT int pmem_log_set_function(pmem_log_function *log_function)
{
	env_init();
	__atomic_store_n(&log_fn, log_function, __ATOMIC_RELEASE);
	/* As PMDK 2: the new function first hears what library this is. */
	PMEM_LOG(HARK, "libpmem API %d.%d (drop-in for PMDK 1.12)",
			PMEM_MAJOR_VERSION, PMEM_MINOR_VERSION);
	return 0;
}

PMEM_EXPORT int pmem_log_set_threshold(enum pmem_log_threshold threshold,
		enum pmem_log_level value)
{
	if (!valid_threshold(threshold))
		return fail("invalid log threshold", (int)threshold);
	if ((int)value < PMEM_LOG_LEVEL_HARK || value > PMEM_LOG_LEVEL_DEBUG)
		return fail("invalid log level", (int)value);
	env_init();	/* PMEM_LOG_LEVEL must not override a later call */
	__atomic_store_n(slot(threshold), value, __ATOMIC_RELAXED);
	return 0;
}

PMEM_EXPORT int pmem_log_get_threshold(enum pmem_log_threshold threshold,
		enum pmem_log_level *value)
{
	if (!valid_threshold(threshold))
		return fail("invalid log threshold", (int)threshold);
	if (!value)
		return fail("NULL value pointer for log threshold",
				(int)threshold);
	env_init();
	*value = __atomic_load_n(slot(threshold), __ATOMIC_RELAXED);
	return 0;
}

void pmem_log_reset(void)
{
	__atomic_store_n(&log_fn, NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&pmem_log_threshold_main, MAIN_DEFAULT,
			__ATOMIC_RELAXED);
	__atomic_store_n(&threshold_aux, PMEM_LOG_LEVEL_HARK,
			__ATOMIC_RELAXED);
#ifdef PMEM_DEBUG
	/* Read the environment again, as at start-up (tests set it). */
	env_init();
	if (out != stderr)
		fclose(out);
	env_read();
#endif
}
