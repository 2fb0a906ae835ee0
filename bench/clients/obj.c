/*
 * obj.c -- libpmemobj clients, one mode per run:
 *   tx_add64, tx_add1k  a transaction that snapshots (pmemobj_tx_add_range)
 *                       64 B or 1 KiB of the root object and rewrites it
 *   tx_alloc256         pmemobj_tx_alloc of 256 B, then pmemobj_tx_free of
 *                       it, each in its own transaction (one op: both)
 *   tx_counter          read-modify-write of a persistent counter in a tx
 *   memcpy64            pmemobj_memcpy_persist of 64 B into the root
 *   atomic_alloc        pmemobj_alloc of 256 B, then pmemobj_free (one op)
 * Offsets walk a 64 KiB area of the root object so that not every op hits
 * the same lines.
 */
#include <libpmemobj.h>

#include "common.h"

#define POOL (32UL << 20)
#define AREA (64UL << 10)

struct root {
	unsigned long long counter;
	char area[AREA];
};

typedef int (*op_fn)(PMEMobjpool *pop, struct root *r, long i);

static int tx_add(PMEMobjpool *pop, struct root *r, long i, size_t len)
{
	char *p = r->area + (size_t)i * len % AREA;
	volatile int ret = 0;	/* set in TX_ONABORT, after a longjmp */
	TX_BEGIN(pop) {
		pmemobj_tx_add_range_direct(p, len);
		memset(p, (int)i, len);
	} TX_ONABORT {
		ret = -1;
	} TX_END
	return ret;
}

static int op_tx_add64(PMEMobjpool *pop, struct root *r, long i)
{
	return tx_add(pop, r, i, 64);
}

static int op_tx_add1k(PMEMobjpool *pop, struct root *r, long i)
{
	return tx_add(pop, r, i, 1024);
}

static int op_tx_alloc256(PMEMobjpool *pop, struct root *r, long i)
{
	PMEMoid oid = OID_NULL;
	volatile int ret = 0;	/* set in TX_ONABORT, after a longjmp */
	(void)r; (void)i;
	TX_BEGIN(pop) {
		oid = pmemobj_tx_alloc(256, 1);
	} TX_ONABORT {
		ret = -1;
	} TX_END
	if (ret)
		return ret;
	TX_BEGIN(pop) {
		pmemobj_tx_free(oid);
	} TX_ONABORT {
		ret = -1;
	} TX_END
	return ret;
}

static int op_tx_counter(PMEMobjpool *pop, struct root *r, long i)
{
	volatile int ret = 0;	/* set in TX_ONABORT, after a longjmp */
	(void)i;
	TX_BEGIN(pop) {
		pmemobj_tx_add_range_direct(&r->counter, sizeof(r->counter));
		r->counter++;
	} TX_ONABORT {
		ret = -1;
	} TX_END
	return ret;
}

static int op_memcpy64(PMEMobjpool *pop, struct root *r, long i)
{
	static const char src[64] = "client benchmark: 64 bytes";
	pmemobj_memcpy_persist(pop, r->area + (size_t)i * 64 % AREA, src, 64);
	return 0;
}

static int op_atomic_alloc(PMEMobjpool *pop, struct root *r, long i)
{
	PMEMoid oid;
	(void)r; (void)i;
	if (pmemobj_alloc(pop, &oid, 256, 1, NULL, NULL))
		return -1;
	pmemobj_free(&oid);
	return 0;
}

static const struct {
	const char *name;
	op_fn fn;
} modes[] = {
	{"tx_add64", op_tx_add64},
	{"tx_add1k", op_tx_add1k},
	{"tx_alloc256", op_tx_alloc256},
	{"tx_counter", op_tx_counter},
	{"memcpy64", op_memcpy64},
	{"atomic_alloc", op_atomic_alloc},
};

static int run(op_fn fn, PMEMobjpool *pop, struct root *r, long ops)
{
	for (long i = 0; i < ops; i++)
		if (fn(pop, r, i))
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	long ops;
	op_fn fn = NULL;
	if (parse_args(argc, argv, &ops))
		return 2;
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
		if (strcmp(argv[1], modes[m].name) == 0)
			fn = modes[m].fn;
	if (!fn) {
		fprintf(stderr, "obj: unknown mode %s\n", argv[1]);
		return 2;
	}
	remove(argv[2]);
	PMEMobjpool *pop = pmemobj_create(argv[2], "bench", POOL, 0600);
	if (!pop) {
		fprintf(stderr, "%s: %s\n", argv[2], pmemobj_errormsg());
		return 1;
	}
	PMEMoid root = pmemobj_root(pop, sizeof(struct root));
	struct root *r = pmemobj_direct(root);
	if (!r || print_libpmem())
		return 1;
	if (run(fn, pop, r, ops / 10 + 1))	/* warm-up */
		goto fail;
	unsigned long long t0 = now_ns();
	if (run(fn, pop, r, ops))
		goto fail;
	print_result(argv[1], ops, now_ns() - t0);
	pmemobj_close(pop);
	return 0;
fail:
	fprintf(stderr, "%s: %s\n", argv[1], pmemobj_errormsg());
	return 1;
}
