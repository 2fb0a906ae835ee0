/* log.c -- placeholder sink (the full logging of issue #3 replaces it). */
#include <stdarg.h>
#include <stdio.h>
#include "log.h"
#include "export.h"

static pmem_log_function *user_fn;

void pmem_log_msg(enum pmem_log_level level, const char *file, unsigned line,
		const char *func, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (user_fn)
		user_fn(level, file, line, func, msg);
#ifdef PMEM_DEBUG
	else
		fprintf(stderr, "libpmem: %s\n", msg);
#endif
}

PMEM_EXPORT int pmem_log_set_function(pmem_log_function *fn)
{
	user_fn = fn;
	return 0;
}
