/*
 * obj_tx.c -- a libpmemobj client: committed and aborted transactions, a
 * large persistent copy, then close, reopen and verify, and pmemobj_check.
 * Built against PMDK's own headers; run on our libpmem.so.1.
 *
 * Usage: obj_tx [create|verify] POOLFILE
 * (both by default); exit status 0 when everything held.
 */
#include <errno.h>
#include <libpmemobj.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LAYOUT "libpmem-interop"
#define NVAL 4096		/* values in the transactional array */
#define BIG (256 * 1024)	/* large enough for non-temporal copies */

struct root {
	uint64_t n;
	uint64_t sum;
	PMEMoid vals;		/* uint64_t[NVAL], allocated in a tx */
	PMEMoid big;		/* BIG bytes, written with memcpy_persist */
	char msg[64];
};

#define FAIL(...) do { \
	fprintf(stderr, "obj_tx: FAIL: " __VA_ARGS__); \
	fprintf(stderr, " (%s)\n", pmemobj_errormsg()); \
	return 1; \
} while (0)

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 131 + (i >> 9));
}

static int fill(PMEMobjpool *pop)
{
	struct root *r = pmemobj_direct(pmemobj_root(pop, sizeof(*r)));
	if (!r)
		FAIL("no root object");

	/* a committed transaction: allocate and fill the array */
	if (pmemobj_tx_begin(pop, NULL, TX_PARAM_NONE))
		FAIL("tx_begin");
	pmemobj_tx_add_range_direct(r, sizeof(*r));
	r->vals = pmemobj_tx_zalloc(NVAL * sizeof(uint64_t), 1);
	uint64_t *v = pmemobj_direct(r->vals);
	uint64_t sum = 0;
	for (uint64_t i = 0; v && i < NVAL; i++) {
		v[i] = i * i + 7;
		sum += v[i];
	}
	r->n = NVAL;
	r->sum = sum;
	pmemobj_tx_commit();
	if (pmemobj_tx_end() != 0 || !v)
		FAIL("committed transaction");

	/* an aborted transaction must leave everything as it was */
	if (pmemobj_tx_begin(pop, NULL, TX_PARAM_NONE))
		FAIL("tx_begin (abort)");
	pmemobj_tx_add_range_direct(r, sizeof(*r));
	pmemobj_tx_add_range(r->vals, 0, NVAL * sizeof(uint64_t));
	r->sum = 1;
	r->n = 2;
	memset(v, 0xee, NVAL * sizeof(uint64_t));
	pmemobj_tx_abort(ECANCELED);
	if (pmemobj_tx_end() != ECANCELED)
		FAIL("aborted transaction did not report ECANCELED");
	if (r->n != NVAL || r->sum != sum || v[NVAL - 1] != (NVAL - 1) *
			(uint64_t)(NVAL - 1) + 7)
		FAIL("abort did not roll back");

	/* atomic allocation + large persistent copy and fill */
	if (pmemobj_zalloc(pop, &r->big, BIG, 2))
		FAIL("zalloc %d", BIG);
	static uint8_t buf[BIG];
	for (size_t i = 0; i < BIG; i++)
		buf[i] = pattern(i);
	uint8_t *big = pmemobj_direct(r->big);
	pmemobj_memcpy_persist(pop, big, buf, BIG);
	pmemobj_memset_persist(pop, big + BIG - 100, 0x5a, 100);
	pmemobj_memcpy_persist(pop, r->msg, "hello, persistent memory", 25);
	return 0;
}

static int verify(PMEMobjpool *pop)
{
	struct root *r = pmemobj_direct(pmemobj_root(pop, sizeof(*r)));
	if (!r || r->n != NVAL)
		FAIL("root lost after reopen");
	uint64_t *v = pmemobj_direct(r->vals), sum = 0;
	for (uint64_t i = 0; i < NVAL; i++) {
		if (v[i] != i * i + 7)
			FAIL("vals[%lu] = %lu after reopen", (unsigned long)i,
					(unsigned long)v[i]);
		sum += v[i];
	}
	if (sum != r->sum)
		FAIL("sum mismatch after reopen");
	uint8_t *big = pmemobj_direct(r->big);
	for (size_t i = 0; i < BIG; i++) {
		uint8_t want = i >= BIG - 100 ? 0x5a : pattern(i);
		if (big[i] != want)
			FAIL("big[%zu] = %#x, want %#x", i, big[i], want);
	}
	if (strcmp(r->msg, "hello, persistent memory") != 0)
		FAIL("msg lost after reopen");
	return 0;
}

int main(int argc, char **argv)
{
	/* "create" and "verify" split the run in two processes, so a pool
	 * written on one libpmem can be verified on the other */
	const char *mode = argc == 3 ? argv[1] : "both";
	const char *path = argv[argc - 1];
	int create = strcmp(mode, "verify") != 0;
	int check = strcmp(mode, "create") != 0;
	if ((argc != 2 && argc != 3) || (argc == 3 && !create + !check != 1)) {
		fprintf(stderr, "usage: obj_tx [create|verify] POOLFILE\n");
		return 2;
	}
	if (create) {
		PMEMobjpool *pop = pmemobj_create(path, LAYOUT,
				PMEMOBJ_MIN_POOL * 2, 0600);
		if (!pop)
			FAIL("pmemobj_create %s", path);
		int ret = fill(pop);
		pmemobj_close(pop);
		if (ret)
			return ret;
	}
	if (!check)
		return 0;
	if (pmemobj_check(path, LAYOUT) != 1)
		FAIL("pmemobj_check: pool not consistent");
	PMEMobjpool *pop = pmemobj_open(path, LAYOUT);
	if (!pop)
		FAIL("pmemobj_open %s", path);
	int ret = verify(pop);
	pmemobj_close(pop);
	return ret;
}
