/*
 * criterion.h (criterion_lite) -- the part of Criterion's API the tests of
 * this tree use, for a target that has no Criterion (README.md here).  One
 * test program is one file that includes this header; it supplies main().
 * Each test runs in a child process: fork() on POSIX; on Windows, which
 * has no fork, the program starts itself with --crl-child N, N the test's
 * place in the run (as Criterion's BoxFort re-executes the program).
 */
#ifndef CRITERION_LITE_H
#define CRITERION_LITE_H 1

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

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
	int line;		/* where it is defined: the run's order */
};

struct crl_suite {
	const char *name;
	struct criterion_test_extra_data data;
	struct crl_suite *next;
};

static struct crl_test *crl_tests;
static struct crl_suite *crl_suites;
static const struct crl_test *crl_cur;
static long crl_param = -1;
static int crl_expect_failed, crl_in_fini;
static void (*crl_fini)(void);

/* In the order of the file: constructors run in reverse order on
 * Windows. */
static inline void crl_add(struct crl_test *t)
{
	struct crl_test **p = &crl_tests;
	while (*p && (*p)->line <= t->line)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
}

#define CRL_ID(kind, suite, name) crl_##kind##_##suite##_##name

#define Test(suite, name, ...) \
	static void CRL_ID(fn, suite, name)(void); \
	static struct crl_test CRL_ID(t, suite, name) = { #suite, #name, \
		CRL_ID(fn, suite, name), NULL, NULL, { __VA_ARGS__ }, NULL, \
		__LINE__ }; \
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
		CRL_ID(params, suite, name), { __VA_ARGS__ }, NULL, __LINE__ }; \
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

/* The test's body, in the child: exits 0 passed, 1 failed, 77 skipped. */
__attribute__((noreturn))
static void crl_child(const struct crl_test *t, void *param, long ix)
{
	struct criterion_test_extra_data d = crl_merged(t);
	crl_cur = t;
	crl_param = ix;
	crl_fini = d.fini;
#ifndef _WIN32
	if (d.timeout > 0)
		alarm((unsigned)d.timeout + 1);
#endif
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

#ifdef _WIN32
/* A crash ends the child with exit code CRL_SIGNALED + the signal POSIX
 * would kill it with (raise() and a fault alike), or with the exception's
 * code: never a dialog or Wine's debugger. */
#define CRL_SIGNALED 0x100

static void crl_signaled(int sig)
{
	fflush(stdout);
	fflush(stderr);
	_exit(CRL_SIGNALED + sig);
}

static LONG WINAPI crl_crashed(EXCEPTION_POINTERS *e)
{
	DWORD c = e->ExceptionRecord->ExceptionCode;
	if (c == EXCEPTION_ACCESS_VIOLATION)
		crl_signaled(SIGSEGV);
	if (c == EXCEPTION_ILLEGAL_INSTRUCTION ||
			c == EXCEPTION_PRIV_INSTRUCTION)
		crl_signaled(SIGILL);
	if (c == EXCEPTION_INT_DIVIDE_BY_ZERO)
		crl_signaled(SIGFPE);
	fflush(stdout);
	fflush(stderr);
	TerminateProcess(GetCurrentProcess(), c);
	return EXCEPTION_CONTINUE_SEARCH;
}

static void crl_child_setup(void)
{
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
	SetUnhandledExceptionFilter(crl_crashed);
	signal(SIGSEGV, crl_signaled);
	signal(SIGILL, crl_signaled);
	signal(SIGFPE, crl_signaled);
	signal(SIGABRT, crl_signaled);
}

/* Copies what the child wrote so far to stdout: through a pipe, so its
 * lines and ours stay in order in a file (a file handle shared by two
 * Windows processes does not append). */
static void crl_relay(HANDLE rd)
{
	char buf[4096];
	DWORD avail, got;
	while (PeekNamedPipe(rd, NULL, 0, NULL, &avail, NULL) && avail &&
			ReadFile(rd, buf, avail < sizeof(buf) ? avail :
				sizeof(buf), &got, NULL) && got)
		fwrite(buf, 1, got, stdout);
	fflush(stdout);
}

/* Starts this program with --crl-child ord, its output and errors into
 * ours, and waits for it (timeout seconds, 0: none): 0 with its exit
 * code in *code, -1 on a time-out, -2 when it did not start. */
static int crl_spawn(unsigned long ord, double timeout, DWORD *code)
{
	static wchar_t exe[32768], cmd[32800];
	DWORD n = GetModuleFileNameW(NULL, exe, 32768);
	if (n == 0 || n >= 32768)
		return -2;
	swprintf(cmd, 32800, L"\"%ls\" --crl-child %lu", exe, ord);
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
	HANDLE rd, wr;
	if (!CreatePipe(&rd, &wr, &sa, 0))
		return -2;
	SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
	STARTUPINFOW si = { .cb = sizeof(si), .dwFlags = STARTF_USESTDHANDLES,
		.hStdInput = GetStdHandle(STD_INPUT_HANDLE),
		.hStdOutput = wr, .hStdError = wr };
	PROCESS_INFORMATION pi;
	BOOL started = CreateProcessW(exe, cmd, NULL, NULL, TRUE, 0, NULL,
			NULL, &si, &pi);
	CloseHandle(wr);
	if (!started) {
		CloseHandle(rd);
		return -2;
	}
	CloseHandle(pi.hThread);
	ULONGLONG end = GetTickCount64() + (ULONGLONG)((timeout + 1) * 1000);
	int ret = 0;
	while (WaitForSingleObject(pi.hProcess, 20) == WAIT_TIMEOUT) {
		crl_relay(rd);
		if (timeout > 0 && GetTickCount64() > end) {
			TerminateProcess(pi.hProcess, 1);
			WaitForSingleObject(pi.hProcess, INFINITE);
			ret = -1;
			break;
		}
	}
	crl_relay(rd);
	if (!GetExitCodeProcess(pi.hProcess, code))
		*code = 1;
	CloseHandle(pi.hProcess);
	CloseHandle(rd);
	return ret;
}
#endif

/* Runs one test (one parameter, the ord-th of the run) in a child; 0
 * passed, 1 failed, 2 skipped. */
static int crl_run(const struct crl_test *t, void *param, long ix,
		unsigned long ord)
{
	fflush(stdout);
	fflush(stderr);
#ifdef _WIN32
	(void)param;
	DWORD code = 1;
	int r = crl_spawn(ord, crl_merged(t).timeout, &code);
	crl_cur = t;
	crl_param = ix;
	if (r == 0 && (code == 0 || code == 77 || code == 1))
		return code == 0 ? 0 : code == 77 ? 2 : 1;
	int sig = r == 0 && code > CRL_SIGNALED && code < CRL_SIGNALED + 64 ?
		(int)(code - CRL_SIGNALED) : 0;
	/* an NTSTATUS error code (0xC.......) is an exception */
	int crash = r == -1 || sig ||
		(r == 0 && (code & 0xc0000000u) == 0xc0000000u);
	fprintf(stderr, crash ? "[CRASH] " : "[FAIL] ");
	crl_label(stderr);
	if (r == -1)
		fprintf(stderr, ": timed out\n");
	else if (r == -2)
		fprintf(stderr, ": could not start the child (error %lu)\n",
				(unsigned long)GetLastError());
	else if (sig)
		fprintf(stderr, ": killed by signal %d\n", sig);
	else if (crash)
		fprintf(stderr, ": exception 0x%08lx\n", (unsigned long)code);
	else
		fprintf(stderr, ": exit status %lu\n", (unsigned long)code);
	return 1;
#else
	(void)ord;
	pid_t pid = fork();
	if (pid < 0) {
		perror("criterion_lite: fork");
		return 1;
	}
	if (pid == 0)
		crl_child(t, param, ix);
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
#endif
}

int main(int argc, char **argv)
{
	unsigned n[3] = { 0, 0, 0 };
	unsigned long ord = 0, child = (unsigned long)-1;
	if (argc == 3 && strcmp(argv[1], "--crl-child") == 0)
		child = strtoul(argv[2], NULL, 10);
#ifdef _WIN32
	if (child != (unsigned long)-1)
		crl_child_setup();
#endif
	/* The child walks the same list to its test: the parameters are
	 * made again, as in Criterion's re-executed workers. */
	for (const struct crl_test *t = crl_tests; t; t = t->next) {
		if (!t->pfn) {
			if (ord == child)
				crl_child(t, NULL, -1);
			if (child == (unsigned long)-1)
				n[crl_run(t, NULL, -1, ord)]++;
			ord++;
			continue;
		}
		struct criterion_test_params p = t->params();
		for (size_t i = 0; i < p.length; i++, ord++) {
			void *param = (char *)p.params + i * p.size;
			if (ord == child)
				crl_child(t, param, (long)i);
			if (child == (unsigned long)-1)
				n[crl_run(t, param, (long)i, ord)]++;
		}
	}
	if (child != (unsigned long)-1) {
		fprintf(stderr, "criterion_lite: no test %lu\n", child);
		return 2;
	}
	printf("%u passed, %u failed, %u skipped\n", n[0], n[1], n[2]);
	return n[1] ? 1 : 0;
}

#endif /* CRITERION_LITE_H */
