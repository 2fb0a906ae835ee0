/*
 * criterion_sample.c -- a Criterion program for tests/test_runner.py: one
 * test passes, two skip without printing anything (one with a quote in its
 * reason, which Criterion 2.4 writes into its JSON report unescaped), one
 * crashes.  run.py must count 1 passed, 1 failed (the crash, once) and 2
 * skipped, and print both reasons.  Not run by `ninja test` itself: it
 * fails on purpose.
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

Test(sample, skips_with_a_quote)
{
	cr_skip_test("needs \"%s\"", "widget");
}

Test(sample, crashes)
{
	raise(SIGSEGV);
}
