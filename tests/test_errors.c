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
