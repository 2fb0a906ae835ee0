/*
 * criterion_sample.c -- a Criterion program for tests/test_runner.py: one
 * test passes, one skips without printing anything, one crashes.  run.py
 * must count 1 passed, 1 failed (the crash, once) and 1 skipped, and print
 * the skip's reason.  Not run by `ninja test` itself: it fails on purpose.
 */
#include <criterion/criterion.h>
#include <signal.h>

Test(sample, passes)
{
	cr_assert_eq(1 + 1, 2);
}

Test(sample, skips_silently)
{
	cr_skip_test("sample reason %d", 42);
}

Test(sample, crashes)
{
	raise(SIGSEGV);
}
