/*
 * blk_rw.c -- a libpmemblk client: write every block, zero and error some,
 * close, reopen, read everything back, pmemblk_check.  Built against PMDK's
 * own headers; run on our libpmem.so.1.
 *
 * Usage: blk_rw POOLFILE      exit status 0 when everything held.
 */
#include <errno.h>
#include <libpmemblk.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BSIZE 4096	/* large enough that copies go non-temporal */

#define FAIL(...) do { \
	fprintf(stderr, "blk_rw: FAIL: " __VA_ARGS__); \
	fprintf(stderr, " (%s)\n", pmemblk_errormsg()); \
	return 1; \
} while (0)

static void make(uint8_t *buf, long long i)
{
	for (size_t j = 0; j < BSIZE; j++)
		buf[j] = (uint8_t)(i * 13 + j);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: blk_rw POOLFILE\n");
		return 2;
	}
	PMEMblkpool *pbp = pmemblk_create(argv[1], BSIZE, PMEMBLK_MIN_POOL,
			0600);
	if (!pbp)
		FAIL("pmemblk_create %s", argv[1]);
	long long n = (long long)pmemblk_nblock(pbp);
	if (n < 100)
		FAIL("only %lld blocks", n);
	static uint8_t buf[BSIZE], got[BSIZE], zero[BSIZE];
	for (long long i = 0; i < n; i++) {
		make(buf, i);
		if (pmemblk_write(pbp, buf, i))
			FAIL("write block %lld", i);
	}
	/* every 10th block zeroed, block 5 marked in error */
	for (long long i = 0; i < n; i += 10)
		if (pmemblk_set_zero(pbp, i))
			FAIL("set_zero %lld", i);
	if (pmemblk_set_error(pbp, 5))
		FAIL("set_error 5");
	pmemblk_close(pbp);

	if (pmemblk_check(argv[1], BSIZE) != 1)
		FAIL("pmemblk_check: pool not consistent");
	pbp = pmemblk_open(argv[1], BSIZE);
	if (!pbp)
		FAIL("pmemblk_open %s", argv[1]);
	if ((long long)pmemblk_nblock(pbp) != n)
		FAIL("nblock changed");
	for (long long i = 0; i < n; i++) {
		int ret = pmemblk_read(pbp, got, i);
		if (i == 5) {
			if (ret != -1 || errno != EIO)
				FAIL("block 5 should read as EIO");
			continue;
		}
		if (ret)
			FAIL("read block %lld", i);
		make(buf, i);
		if (memcmp(got, i % 10 ? buf : zero, BSIZE) != 0)
			FAIL("block %lld differs after reopen", i);
	}
	pmemblk_close(pbp);
	return 0;
}
