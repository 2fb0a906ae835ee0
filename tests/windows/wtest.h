/*
 * wtest.h -- the Windows tests' harness (Criterion is not built for
 * mingw): CHECK records a failure with its line and goes on; each TEST
 * is one test; the summary is the line tests/run.py counts.
 */
#ifndef WTEST_H
#define WTEST_H 1

#include <stdio.h>

static int wt_passed, wt_failed, wt_skipped;
static int wt_cur_failed __attribute__((unused));
static const char *wt_name __attribute__((unused));

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		wt_cur_failed = 1; \
		printf("FAIL %s:%d %s: %s: ", __FILE__, __LINE__, wt_name, \
				#cond); \
		printf(__VA_ARGS__); \
		printf("\n"); \
	} \
} while (0)

/* Runs fn as one test named name. */
#define TEST(fn) do { \
	wt_name = #fn; \
	wt_cur_failed = 0; \
	printf("-- %s\n", #fn); \
	fflush(stdout); \
	fn(); \
	if (wt_cur_failed) \
		wt_failed++; \
	else \
		wt_passed++; \
	fflush(stdout); \
} while (0)

static inline void wt_skip(const char *what, const char *why)
{
	printf("SKIP %s: %s\n", what, why);
	wt_skipped++;
}

static inline int wt_summary(void)
{
	printf("%d passed, %d failed, %d skipped\n", wt_passed, wt_failed,
			wt_skipped);
	return wt_failed != 0;
}

#endif
