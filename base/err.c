/*
 * err.c -- per-thread error messages.  Each failure also goes to the log
 * at ERROR level (PMDK 2 does the same), so a log function sees why a call
 * failed without asking pmem_errormsg().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A cut at s[i] splits no UTF-8 sequence when s[i] is not a
 * continuation byte (10xxxxxx). */
static int continuation(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/*
 * Puts msg (len bytes) and then suffix into last_error.  When they do not
 * fit, the middle of msg goes, where a long path is, and "..." marks the
 * cut: the start says what failed, the end names the file, and the suffix
 * (": strerror") says why.  Cuts fall on character boundaries, so a
 * message of UTF-8 stays UTF-8.
 */
static void put(const char *msg, size_t len, const char *suffix)
{
	size_t slen = strlen(suffix);
	if (slen > ERR_MAX / 2)
		slen = ERR_MAX / 2;	/* a suffix is a short reason */
	size_t room = ERR_MAX - 1 - slen;
	if (len <= room) {
		memcpy(last_error, msg, len);
	} else {
		static const char cut[] = "...";
		size_t keep = room - (sizeof(cut) - 1);
		size_t head = keep / 2, tail = len - (keep - head);
		while (head > 0 && continuation(msg[head]))
			head--;
		while (tail < len && continuation(msg[tail]))
			tail++;
		memcpy(last_error, msg, head);
		memcpy(last_error + head, cut, sizeof(cut) - 1);
		memcpy(last_error + head + sizeof(cut) - 1, msg + tail,
				len - tail);
		len = head + sizeof(cut) - 1 + len - tail;
	}
	size_t s = slen;
	while (s > 0 && s < strlen(suffix) && continuation(suffix[s]))
		s--;
	memcpy(last_error + len, suffix, s);
	last_error[len + s] = '\0';
}

/* Formats the whole message first (a path may be 40,000 bytes), so that
 * put() can keep its end; without memory for it, the start is kept. */
static void vset(const char *suffix, const char *fmt, va_list ap)
{
	char small[ERR_MAX];
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(again);
		put("(unprintable message)", 21, suffix);
		return;
	}
	char *whole = (size_t)n < sizeof(small) ? small : malloc((size_t)n + 1);
	if (whole == NULL) {
		size_t len = sizeof(small) - 1;
		while (len > 0 && continuation(small[len]))
			len--;
		/* put() cuts the middle of what is left */
		put(small, len, suffix);
	} else {
		if (whole != small)
			vsnprintf(whole, (size_t)n + 1, fmt, again);
		put(whole, (size_t)n, suffix);
		if (whole != small)
			free(whole);
	}
	va_end(again);
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
	vset("", fmt, ap);
	va_end(ap);
	to_log();
	errno = err;
}

void pmem_err_errno(int err, const char *fmt, ...)
{
	char buf[128], suffix[sizeof(buf) + 2];
	snprintf(suffix, sizeof(suffix), ": %s",
			pmem_os_strerror(err, buf, sizeof(buf)));
	va_list ap;
	va_start(ap, fmt);
	vset(suffix, fmt, ap);
	va_end(ap);
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
