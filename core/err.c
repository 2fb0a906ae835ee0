/* err.c -- per-thread error messages. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libpmem.h"
#include "err.h"
#include "export.h"

#define ERR_MAX 512

static __thread char last_error[ERR_MAX];

static void vset(const char *fmt, va_list ap)
{
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
}

void pmem_err_msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(fmt, ap);
	va_end(ap);
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
			strerror_r(err, buf, sizeof(buf)));
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
