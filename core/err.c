/*
 * err.c -- per-thread error messages.  Each failure also goes to the log
 * at ERROR level (PMDK 2 does the same), so a log function sees why a call
 * failed without asking pmem_errormsg().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "libpmem.h"
#include "err.h"
#include "export.h"
#include "log.h"
#include "os.h"
#include "wide.h"

#define ERR_MAX 512

static __thread char last_error[ERR_MAX];
static __thread wchar_t last_error_w[ERR_MAX];

static void vset(const char *fmt, va_list ap)
{
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
}

/* No file, line or function: the message itself says where. */
static void to_log(void)
{
	pmem_log_msg(PMEM_LOG_LEVEL_ERROR, NULL, 0, NULL, "%s", last_error);
}

void pmem_err_msg(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	vset(fmt, ap);
	va_end(ap);
	to_log();
	errno = err;
}

void pmem_err_errno(int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(fmt, ap);
	va_end(ap);
	size_t used = strlen(last_error);
	char buf[128];
	snprintf(last_error + used, sizeof(last_error) - used, ": %s",
			pmem_os_strerror(err, buf, sizeof(buf)));
	to_log();
	errno = err;
}

PMEM_EXPORT const char *pmem_errormsgU(void)
{
	return last_error;
}

PMEM_EXPORT const char *pmem_errormsg(void)
{
	return last_error;
}

/* A wide copy made on each call, in a buffer of the calling thread. */
PMEM_EXPORT const wchar_t *pmem_errormsgW(void)
{
	pmem_utf8_to_wide(last_error, last_error_w, ERR_MAX);
	return last_error_w;
}
