/*
 * criterion.h (criterion_lite) -- the part of Criterion's API the tests of
 * this tree use, for a target that has no Criterion (README.md here).  One
 * test program is one file that includes this header; it supplies main().
 */
#ifndef CRITERION_LITE_H
#define CRITERION_LITE_H 1

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* cr_assert(x) passes an empty format: not a mistake here. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

struct criterion_test_extra_data {
	void (*init)(void);
	void (*fini)(void);
	double timeout;		/* seconds; 0: none */
	const char *description;
};

struct criterion_test_params {
	size_t size;		/* of one parameter */
	void *params;
	size_t length;
};

#define cr_make_param_array(type, arr, len) \
	((struct criterion_test_params){ sizeof(type), (void *)(arr), (len) })

struct crl_test {
	const char *suite, *name;
	void (*fn)(void);
	void (*pfn)(void *);
	struct criterion_test_params (*params)(void);
	struct criterion_test_extra_data data;
	struct crl_test *next;
};

struct crl_suite {
	const char *name;
	struct criterion_test_extra_data data;
	struct crl_suite *next;
};

static struct crl_test *crl_tests, **crl_tail = &crl_tests;
static struct crl_suite *crl_suites;
static const struct crl_test *crl_cur;
static long crl_param = -1;
static int crl_expect_failed, crl_in_fini;
static void (*crl_fini)(void);

static inline void crl_add(struct crl_test *t)
{
	*crl_tail = t;
	crl_tail = &t->next;
}

#define CRL_ID(kind, suite, name) crl_##kind##_##suite##_##name

#define Test(suite, name, ...) \
	static void CRL_ID(fn, suite, name)(void); \
	static struct crl_test CRL_ID(t, suite, name) = { #suite, #name, \
		CRL_ID(fn, suite, name), NULL, NULL, { __VA_ARGS__ }, NULL }; \
	__attribute__((constructor)) static void CRL_ID(reg, suite, name)(void) \
	{ \
		crl_add(&CRL_ID(t, suite, name)); \
	} \
	static void CRL_ID(fn, suite, name)(void)

#define TestSuite(suite, ...) \
	static struct crl_suite crl_s_##suite = { #suite, { __VA_ARGS__ }, \
		NULL }; \
	__attribute__((constructor)) static void crl_sreg_##suite(void) \
	{ \
		crl_s_##suite.next = crl_suites; \
		crl_suites = &crl_s_##suite; \
	}

#define ParameterizedTestParameters(suite, name) \
	static struct criterion_test_params CRL_ID(params, suite, name)(void)

/* The parameter is passed as void *: the body's typed pointer and void *
 * share their representation and calling convention. */
#define ParameterizedTest(param, suite, name, ...) \
	static void CRL_ID(fn, suite, name)(param); \
	static struct crl_test CRL_ID(t, suite, name) = { #suite, #name, NULL, \
		(void (*)(void *))CRL_ID(fn, suite, name), \
		CRL_ID(params, suite, name), { __VA_ARGS__ }, NULL }; \
	__attribute__((constructor)) static void CRL_ID(reg, suite, name)(void) \
	{ \
		crl_add(&CRL_ID(t, suite, name)); \
	} \
	static void CRL_ID(fn, suite, name)(param)

static void crl_label(FILE *f)
{
	fprintf(f, "%s::%s", crl_cur->suite, crl_cur->name);
	if (crl_param >= 0)
		fprintf(f, "[%ld]", crl_param);
}

/* A failed check: the file, line and message (or the expression). */
__attribute__((format(printf, 5, 6)))
__attribute__((unused)) static void crl_fail(int fatal, const char *expr, const char *file, int line,
		const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "[FAIL] ");
	crl_label(stderr);
	fprintf(stderr, ": %s:%d: ", file, line);
	va_start(ap, fmt);
	if (fmt[0])
		vfprintf(stderr, fmt, ap);
	else
		fprintf(stderr, "%s", expr);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(stderr);
	crl_expect_failed = 1;
	if (!fatal)
		return;
	if (crl_fini && !crl_in_fini) {	/* Criterion runs .fini after it */
		crl_in_fini = 1;
		crl_fini();
	}
	fflush(stdout);
	_exit(1);
}

static inline int crl_streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

#define CRL_CHECK(fatal, cond, expr, ...) do { \
	if (!(cond)) \
		crl_fail((fatal), (expr), __FILE__, __LINE__, "" __VA_ARGS__); \
} while (0)

#define cr_assert(c, ...) CRL_CHECK(1, (c), #c, __VA_ARGS__)
#define cr_expect(c, ...) CRL_CHECK(0, (c), #c, __VA_ARGS__)
#define cr_assert_fail(...) CRL_CHECK(1, 0, "cr_assert_fail", __VA_ARGS__)
#define cr_expect_fail(...) CRL_CHECK(0, 0, "cr_expect_fail", __VA_ARGS__)
#define CRL_CMP(fatal, a, op, b, ...) \
	CRL_CHECK(fatal, (a) op (b), #a " " #op " " #b, __VA_ARGS__)
#define cr_assert_eq(a, b, ...) CRL_CMP(1, a, ==, b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...) CRL_CMP(1, a, !=, b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...) CRL_CMP(1, a, <, b, __VA_ARGS__)
#define cr_assert_leq(a, b, ...) CRL_CMP(1, a, <=, b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...) CRL_CMP(1, a, >, b, __VA_ARGS__)
#define cr_assert_geq(a, b, ...) CRL_CMP(1, a, >=, b, __VA_ARGS__)
#define cr_expect_eq(a, b, ...) CRL_CMP(0, a, ==, b, __VA_ARGS__)
#define cr_expect_neq(a, b, ...) CRL_CMP(0, a, !=, b, __VA_ARGS__)
#define cr_expect_lt(a, b, ...) CRL_CMP(0, a, <, b, __VA_ARGS__)
#define cr_expect_leq(a, b, ...) CRL_CMP(0, a, <=, b, __VA_ARGS__)
#define cr_expect_gt(a, b, ...) CRL_CMP(0, a, >, b, __VA_ARGS__)
#define cr_expect_geq(a, b, ...) CRL_CMP(0, a, >=, b, __VA_ARGS__)
#define cr_assert_null(p, ...) \
	CRL_CHECK(1, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_assert_not_null(p, ...) \
	CRL_CHECK(1, (p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_expect_null(p, ...) \
	CRL_CHECK(0, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_expect_not_null(p, ...) \
	CRL_CHECK(0, (p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...) \
	CRL_CHECK(1, crl_streq((a), (b)), #a " equals " #b, __VA_ARGS__)
#define cr_assert_str_neq(a, b, ...) \
	CRL_CHECK(1, !crl_streq((a), (b)), #a " differs from " #b, __VA_ARGS__)
#define cr_expect_str_eq(a, b, ...) \
	CRL_CHECK(0, crl_streq((a), (b)), #a " equals " #b, __VA_ARGS__)
#define cr_assert_str_empty(s, ...) \
	CRL_CHECK(1, crl_streq((s), ""), #s " is empty", __VA_ARGS__)

/* Ends the test as skipped; the reason goes on the SKIP line. */
__attribute__((format(printf, 1, 2), noreturn))
__attribute__((unused)) static void crl_skip(const char *fmt, ...)
{
	va_list ap;
	fflush(stderr);
	printf("SKIP ");
	crl_label(stdout);
	printf(": ");
	va_start(ap, fmt);
	vprintf(fmt[0] ? fmt : "skipped", ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	_exit(77);
}
#define cr_skip_test(...) crl_skip("" __VA_ARGS__)

static struct criterion_test_extra_data crl_merged(const struct crl_test *t)
{
	struct criterion_test_extra_data d = t->data;
	for (const struct crl_suite *s = crl_suites; s; s = s->next) {
		if (strcmp(s->name, t->suite) != 0)
			continue;
		if (!d.init)
			d.init = s->data.init;
		if (!d.fini)
			d.fini = s->data.fini;
		if (d.timeout <= 0)
			d.timeout = s->data.timeout;
	}
	return d;
}

/* Runs one test (one parameter) in a child; 0 passed, 1 failed, 2
 * skipped. */
static int crl_run(const struct crl_test *t, void *param, long ix)
{
	struct criterion_test_extra_data d = crl_merged(t);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		perror("criterion_lite: fork");
		return 1;
	}
	if (pid == 0) {
		crl_cur = t;
		crl_param = ix;
		crl_fini = d.fini;
		if (d.timeout > 0)
			alarm((unsigned)d.timeout + 1);
		if (d.init)
			d.init();
		if (t->pfn)
			t->pfn(param);
		else
			t->fn();
		if (d.fini) {
			crl_in_fini = 1;
			d.fini();
		}
		fflush(stdout);
		fflush(stderr);
		_exit(crl_expect_failed ? 1 : 0);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		;
	crl_cur = t;
	crl_param = ix;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77)
		return 2;
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "[CRASH] ");
		crl_label(stderr);
		fprintf(stderr, ": killed by signal %d%s\n", WTERMSIG(st),
				WTERMSIG(st) == SIGALRM ? " (timed out)" : "");
	} else if (WEXITSTATUS(st) != 1) {
		fprintf(stderr, "[FAIL] ");
		crl_label(stderr);
		fprintf(stderr, ": exit status %d\n", WEXITSTATUS(st));
	}
	return 1;
}

int main(int argc, char **argv)
{
	unsigned n[3] = { 0, 0, 0 };
	(void)argc;
	(void)argv;
	for (const struct crl_test *t = crl_tests; t; t = t->next) {
		if (!t->pfn) {
			n[crl_run(t, NULL, -1)]++;
			continue;
		}
		struct criterion_test_params p = t->params();
		for (size_t i = 0; i < p.length; i++)
			n[crl_run(t, (char *)p.params + i * p.size,
					(long)i)]++;
	}
	printf("%u passed, %u failed, %u skipped\n", n[0], n[1], n[2]);
	return n[1] ? 1 : 0;
}

#endif /* CRITERION_LITE_H */
