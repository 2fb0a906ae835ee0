/*
 * obj_tx.c -- a libpmemobj transaction program for tests/deb/run.sh, built
 * against Debian's libpmemobj-dev and run in the chroot on whichever
 * libpmem.so.1 is installed.
 *
 *   obj_tx POOL   creates POOL, commits one transaction, aborts a second,
 *                 reopens the pool and checks that exactly the committed
 *                 one is there.  Exit 0 when so, 1 (with the reason) if not.
 */
#include <libpmemobj.h>
#include <stdio.h>
#include <string.h>

#define LAYOUT "deb-obj-tx"

struct root {
	uint64_t counter;
	char text[64];
};

static int fail(const char *what)
{
	fprintf(stderr, "obj_tx: %s: %s\n", what, pmemobj_errormsg());
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: obj_tx POOL\n");
		return 2;
	}
	PMEMobjpool *pop = pmemobj_create(argv[1], LAYOUT,
					  PMEMOBJ_MIN_POOL * 4, 0600);
	if (!pop)
		return fail("pmemobj_create");
	PMEMoid root = pmemobj_root(pop, sizeof(struct root));
	struct root *r = pmemobj_direct(root);
	if (!r)
		return fail("pmemobj_root");

	/* committed: counter 41 -> 42, text set */
	r->counter = 41;
	pmemobj_persist(pop, &r->counter, sizeof(r->counter));
	TX_BEGIN(pop) {
		pmemobj_tx_add_range(root, 0, sizeof(*r));
		r->counter++;
		strcpy(r->text, "committed");
	} TX_ONABORT {
		return fail("first transaction aborted");
	} TX_END

	/* aborted: its changes must be rolled back */
	TX_BEGIN(pop) {
		pmemobj_tx_add_range(root, 0, sizeof(*r));
		r->counter = 7;
		strcpy(r->text, "aborted");
		pmemobj_tx_abort(-1);
	} TX_END
	pmemobj_close(pop);

	pop = pmemobj_open(argv[1], LAYOUT);
	if (!pop)
		return fail("pmemobj_open");
	r = pmemobj_direct(pmemobj_root(pop, sizeof(struct root)));
	int ok = r && r->counter == 42 && strcmp(r->text, "committed") == 0;
	if (!ok)
		fprintf(stderr, "obj_tx: after reopen counter %llu text \"%.63s\","
			" expected 42 \"committed\"\n",
			r ? (unsigned long long)r->counter : 0ULL,
			r ? r->text : "");
	pmemobj_close(pop);
	if (ok)
		printf("obj_tx: committed transaction kept, aborted one rolled back\n");
	return ok ? 0 : 1;
}
