/*
 * test_errors.c -- pmem_errormsg() and its U/W forms: per thread, never
 * NULL, strerror included when errno was set, and the internal setters.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <wchar.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "err.h"
#include "wide.h"

Test(errors, never_null_and_empty_at_first)
{
	cr_assert_not_null(pmem_errormsg());
	cr_assert_not_null(pmem_errormsgU());
	cr_assert_not_null(pmem_errormsgW());
	cr_expect_str_eq(pmem_errormsg(), "");
	cr_expect_eq(pmem_errormsgW()[0], L'\0');
	cr_expect_eq(pmem_errormsg(), pmem_errormsgU(), "same buffer");
}

Test(errors, includes_strerror)
{
	errno = 0;
	cr_expect_null(pmem_map_file("/nonexistent/x", 0, 0, 0, NULL, NULL));
	cr_expect_eq(errno, ENOENT);
	const char *m = pmem_errormsg();
	cr_expect_neq(strstr(m, "/nonexistent/x"), NULL, "%s", m);
	cr_expect_neq(strstr(m, strerror(ENOENT)), NULL, "%s", m);
}

Test(errors, setters)
{
	errno = 42;
	pmem_err_msg("plain %d", 7);
	cr_expect_eq(errno, 42, "pmem_err_msg changed errno");
	cr_expect_str_eq(pmem_errormsg(), "plain 7");
	pmem_err_errno(EBADF, "with %s", "errno");
	cr_expect_eq(errno, EBADF);
	char want[256];
	snprintf(want, sizeof(want), "with errno: %s", strerror(EBADF));
	cr_expect_str_eq(pmem_errormsg(), want);
}

Test(errors, long_message_truncated)
{
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pmem_err_errno(EIO, "%s", big);
	size_t n = strlen(pmem_errormsg());
	cr_expect_gt(n, 100);
	cr_expect_lt(n, sizeof(big));
	cr_expect_eq(wcslen(pmem_errormsgW()), n);
}

/* Whether s is well-formed UTF-8 (no cut sequence, no stray byte). */
static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 :
			(*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0)
			return 0;
		p++;
		for (; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

static int ends_with(const char *s, const char *t)
{
	size_t n = strlen(s), m = strlen(t);
	return n >= m && strcmp(s + n - m, t) == 0;
}

/* Issue 20 defect 2: a path too long for the buffer loses its middle,
 * never the reason, and never half a character.  Every offset of the
 * multi-byte characters against the cut is tried. */
static void long_path_keeps_reason(const char *unit, size_t total)
{
	char reason[160];
	snprintf(reason, sizeof(reason), ": %s", strerror(ENOENT));
	for (size_t shift = 0; shift < 4; shift++) {
		char *path = malloc(total + 16);
		cr_assert_not_null(path);
		size_t n = 0;
		memcpy(path, "/nonexistent/", 13);
		n = 13;
		memset(path + n, 'a', shift);
		n += shift;
		while (n + strlen(unit) + 10 < total) {
			memcpy(path + n, unit, strlen(unit));
			n += strlen(unit);
		}
		/* and against the kept end, measured from the end */
		memset(path + n, 'b', shift);
		n += shift;
		memcpy(path + n, "/END.x", 7);
		errno = 0;
		cr_expect_null(pmem_map_fileU(path, 0, 0, 0, NULL, NULL));
		int err = errno;
		const char *m = pmem_errormsgU();
		cr_expect(err == ENOENT || err == ENAMETOOLONG, "errno %d", err);
		snprintf(reason, sizeof(reason), ": %s", strerror(err));
		cr_expect(ends_with(m, reason), "no reason at the end: %s", m);
		cr_expect(strstr(m, "END.x") != NULL, "file name lost: %s", m);
		cr_expect(strstr(m, "/nonexistent/") != NULL, "start lost: %s",
				m);
		cr_expect(strstr(m, "...") != NULL, "cut not marked: %s", m);
		cr_expect(valid_utf8(m), "not UTF-8 (shift %zu): %s", shift, m);
		cr_expect_lt(strlen(m), 512);
		cr_expect_gt(strlen(m), 400, "cut more than needed: %s", m);
		free(path);
	}
}

Test(errors, long_ascii_path_keeps_reason)
{
	long_path_keeps_reason("abcdefghi/", 3000);
}

Test(errors, long_utf8_path_keeps_reason)
{
	/* 2-, 3- and 4-byte characters */
	long_path_keeps_reason("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80/", 3000);
	long_path_keeps_reason("\xe6\x97\xa5\xe6\x9c\xac", 40000);
}

Test(errors, long_message_without_errno_keeps_its_end)
{
	char big[2000];
	memset(big, 'x', sizeof(big) - 1);
	memcpy(big + sizeof(big) - 5, "TAIL", 5);
	pmem_err_msg("start %s", big);
	const char *m = pmem_errormsg();
	cr_expect(ends_with(m, "TAIL"), "%s", m);
	cr_expect(strncmp(m, "start x", 7) == 0, "%s", m);
	cr_expect_eq(strlen(m), 511);
}

/* The plugin loader shortens paths itself: on a character boundary. */
Test(errors, long_utf8_plugin_path_stays_utf8)
{
	for (size_t shift = 0; shift < 3; shift++) {
		char path[1200] = "/nonexistent/";
		size_t n = strlen(path);
		while (n + 12 < sizeof(path)) {
			memcpy(path + n, "\xe2\x82\xac", 3);
			n += 3;
		}
		/* the kept tail is measured from the end */
		memset(path + n, 'a', shift);
		n += shift;
		memcpy(path + n, "/p.so", 6);
		const struct pmem_backend *b;
		cr_expect_neq(pmem_backend_load(path, &b), 0);
		const char *m = pmem_errormsgU();
		cr_expect(strstr(m, "p.so") != NULL, "%s", m);
		cr_expect(valid_utf8(m), "not UTF-8 (shift %zu): %s", shift, m);
	}
}

/* What Windows messages show of a path that is not UTF-8 (defect 3). */
Test(errors, utf8_escape)
{
	char out[64];
	pmem_utf8_escape("a\xff" "b\xc3" "c\xed\xa0\x80" "\xc3\xa9\xf0\x9f\x98\x80",
			out, sizeof(out));
	cr_expect_str_eq(out, "a\\xffb\\xc3c\\xed\\xa0\\x80\xc3\xa9\xf0\x9f\x98\x80");
	cr_expect(valid_utf8(out));
	pmem_utf8_escape("ab\xff", out, 4);	/* no half escape */
	cr_expect_str_eq(out, "ab");
	pmem_utf8_escape("a\xe2\x82\xac", out, 4);	/* no half character */
	cr_expect_str_eq(out, "a");
	char *e = pmem_utf8_escaped("\x80\x80");
	cr_assert_not_null(e);
	cr_expect_str_eq(e, "\\x80\\x80");
	free(e);
}

static void *other_thread(void *arg)
{
	(void)arg;
	static __thread char seen[64];
	snprintf(seen, sizeof(seen), "%s", pmem_errormsg());
	pmem_err_msg("thread's own");
	return strcmp(seen, "") == 0 &&
		strcmp(pmem_errormsg(), "thread's own") == 0 ? (void *)1 : NULL;
}

Test(errors, per_thread)
{
	pmem_err_msg("main's");
	pthread_t t;
	void *ok;
	cr_assert_eq(pthread_create(&t, NULL, other_thread, NULL), 0);
	pthread_join(t, &ok);
	cr_expect_eq(ok, (void *)1, "other thread saw main's message");
	cr_expect_str_eq(pmem_errormsg(), "main's");
}

Test(errors, wide_copy)
{
	pmem_err_msg("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 end");
	const wchar_t *w = pmem_errormsgW();
	cr_expect_eq(wcscmp(w, L"caf\u00e9 \u20ac \U0001F600 end"), 0,
			"%ls", w);
	cr_expect_eq(pmem_errormsgW(), w, "one buffer per thread");
}

Test(errors, wide_of_malformed_utf8)
{
	/* Bad bytes become U+FFFD, one each; decoding goes on after them. */
	pmem_err_msg("a\xff" "b\xc3" "c\xed\xa0\x80" "d\xc0\xaf" "e");
	const wchar_t *w = pmem_errormsgW();
	cr_expect_eq(wcscmp(w, L"a\ufffdb\ufffdc\ufffd\ufffd\ufffdd"
			L"\ufffd\ufffde"), 0, "%ls", w);
}

Test(errors, utf8_conversions)
{
	wchar_t out[4];
	pmem_utf8_to_wide("abcdef", out, 4);
	cr_expect_eq(wcscmp(out, L"abc"), 0, "truncated and terminated");
	pmem_utf8_to_wide("x", out, 0);	/* n 0: nothing written */
	char *u = pmem_wide_to_utf8(L"\u00e9\U0010FFFF");
	cr_assert_not_null(u);
	cr_expect_str_eq(u, "\xc3\xa9\xf4\x8f\xbf\xbf");
	free(u);
	u = pmem_wide_to_utf8(L"");
	cr_expect_str_eq(u, "");
	free(u);
}
