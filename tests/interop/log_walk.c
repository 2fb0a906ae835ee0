/*
 * log_walk.c -- a libpmemlog client: append records (append and appendv),
 * close, reopen, walk the log and compare with what was written, rewind.
 * Built against PMDK's own headers; run on our libpmem.so.1.
 *
 * Usage: log_walk POOLFILE    exit status 0 when everything held.
 */
#include <libpmemlog.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#define NREC 200
#define TOTAL_MAX (NREC * 3000)

#define FAIL(...) do { \
	fprintf(stderr, "log_walk: FAIL: " __VA_ARGS__); \
	fprintf(stderr, " (%s)\n", pmemlog_errormsg()); \
	return 1; \
} while (0)

static uint8_t expect[TOTAL_MAX];
static size_t expect_len;
static size_t walked;
static int walk_bad;

static size_t rec_len(int i)
{
	return (size_t)(1 + (i * 37) % 2999);	/* 1..2999 bytes, odd sizes */
}

static int walk_cb(const void *buf, size_t len, void *arg)
{
	(void)arg;
	if (walked + len > expect_len ||
			memcmp(buf, expect + walked, len) != 0)
		walk_bad = 1;
	walked += len;
	return 1;	/* keep walking */
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: log_walk POOLFILE\n");
		return 2;
	}
	PMEMlogpool *plp = pmemlog_create(argv[1], PMEMLOG_MIN_POOL, 0600);
	if (!plp)
		FAIL("pmemlog_create %s", argv[1]);
	static uint8_t rec[3000];
	for (int i = 0; i < NREC; i++) {
		size_t len = rec_len(i);
		for (size_t j = 0; j < len; j++)
			rec[j] = (uint8_t)(i + j * 7);
		int ret;
		if (i % 2) {
			ret = pmemlog_append(plp, rec, len);
		} else {	/* the same bytes as two iovecs */
			struct iovec iov[2] = {
				{ rec, len / 2 }, { rec + len / 2, len - len / 2 }
			};
			ret = pmemlog_appendv(plp, iov, 2);
		}
		if (ret)
			FAIL("append %d", i);
		memcpy(expect + expect_len, rec, len);
		expect_len += len;
	}
	if ((size_t)pmemlog_tell(plp) != expect_len)
		FAIL("tell %lld, want %zu", (long long)pmemlog_tell(plp),
				expect_len);
	pmemlog_close(plp);

	if (pmemlog_check(argv[1]) != 1)
		FAIL("pmemlog_check: log not consistent");
	plp = pmemlog_open(argv[1]);
	if (!plp)
		FAIL("pmemlog_open %s", argv[1]);
	pmemlog_walk(plp, 0, walk_cb, NULL);	/* whole log in one call */
	if (walk_bad || walked != expect_len)
		FAIL("walk (whole) read %zu of %zu bytes%s", walked,
				expect_len, walk_bad ? ", content differs" : "");
	walked = 0;
	pmemlog_walk(plp, 4096, walk_cb, NULL);	/* in 4 KiB chunks */
	if (walk_bad || walked != expect_len)
		FAIL("walk (chunks) read %zu of %zu bytes", walked, expect_len);
	pmemlog_rewind(plp);
	if (pmemlog_tell(plp) != 0)
		FAIL("tell after rewind");
	pmemlog_close(plp);
	return 0;
}
