/*
 * sample.c -- criterion_lite's own test program (tests/test_criterion_lite.sh
 * builds and runs it): one test of each verdict, with known counts.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static int inited;

static void init(void)
{
	inited = 1;
}

static void fini(void)
{
	printf("fini ran\n");
}

TestSuite(suite, .init = init, .fini = fini);

Test(suite, passes)
{
	cr_assert_eq(inited, 1, "suite init did not run");
	cr_assert_str_eq("a", "a");
	cr_expect_neq(1, 2);
	cr_assert_null(NULL);
}

Test(suite, expect_fails_then_continues)
{
	cr_expect_eq(1, 2, "expected %d", 2);
	printf("after expect\n");
}

Test(suite, assert_fails)
{
	cr_assert_str_eq("a", "b", "strings differ");
	printf("not reached\n");
}

Test(suite, crashes)
{
	raise(SIGSEGV);
}

Test(suite, skips)
{
	cr_skip_test("no reason %d", 42);
}

Test(own, init_overrides_suite, .init = init)
{
	cr_assert(inited);
}

Test(own, times_out, .timeout = 1)
{
	sleep(30);
}

static int values[] = { 1, 2, 3 };

ParameterizedTestParameters(param, each)
{
	return cr_make_param_array(int, values, 3);
}

/* 1 and 3 pass, 2 fails: parameters are separate tests. */
ParameterizedTest(int *v, param, each)
{
	cr_assert_neq(*v, 2);
}
