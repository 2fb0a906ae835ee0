/*
 * obj_pool.c -- a libpmemobj pool on our libpmem.so.1, in the qemu guest
 * (tests/dax/): Debian's libpmemobj, built against PMDK's headers only.
 *
 *   obj_pool PATH NONCE
 *
 * Proves which libpmem it loaded (/proc/self/maps, and a symbol only ours
 * has), creates a pool at PATH, writes the root object in a transaction,
 * closes it, reopens it, checks what it wrote and that the pool is
 * consistent.  Prints "DAXT: ok|FAIL NAME: detail" lines as dax_tests.
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libpmemobj.h>

#define LAYOUT "libpmem-dax-tier"
#define POOL_SIZE ((size_t)16 << 20)

struct root {
	uint64_t nonce;
	uint64_t count;
	char text[64];
};

static int failed;

static int check(int cond, const char *name, const char *detail)
{
	printf("DAXT: %s obj: %s%s%s\n", cond ? "ok" : "FAIL", name,
			detail && *detail ? ": " : "", detail ? detail : "");
	failed += !cond;
	return cond;
}

/* The libpmem.so file mapped here (the first), into buf. */
static void mapped_libpmem(char *buf, size_t n)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	snprintf(buf, n, "none");
	while (f && fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');
		if (path && strstr(path, "/libpmem.so")) {
			path[strcspn(path, "\n")] = '\0';
			snprintf(buf, n, "%s", path);
			break;
		}
	}
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	const char *path = argv[1];
	uint64_t nonce = strtoull(argv[2], NULL, 16);
	char lib[256], msg[256];
	setvbuf(stdout, NULL, _IOLBF, 0);

	mapped_libpmem(lib, sizeof(lib));
	void *ours = dlsym(RTLD_DEFAULT, "pmem_backend_get_choice");
	snprintf(msg, sizeof(msg), "%s", lib);
	if (!check(ours != NULL && strstr(lib, "/ours/") != NULL,
			"libpmemobj runs on our libpmem.so.1", msg))
		return 0;

	unlink(path);
	PMEMobjpool *pop = pmemobj_create(path, LAYOUT, POOL_SIZE, 0600);
	snprintf(msg, sizeof(msg), "%s", pop ? "" : pmemobj_errormsg());
	if (!check(pop != NULL, "pmemobj_create 16 MiB", msg))
		return 0;
	PMEMoid oid = pmemobj_root(pop, sizeof(struct root));
	struct root *r = pmemobj_direct(oid);
	volatile int aborted = 0;
	TX_BEGIN(pop) {
		pmemobj_tx_add_range(oid, 0, sizeof(*r));
		r->nonce = nonce;
		r->count = 3;
		snprintf(r->text, sizeof(r->text), "written in a transaction");
	} TX_ONABORT {
		aborted = 1;
	} TX_END
	check(!aborted, "transaction on the root object commits", "");
	pmemobj_close(pop);

	pop = pmemobj_open(path, LAYOUT);
	snprintf(msg, sizeof(msg), "%s", pop ? "" : pmemobj_errormsg());
	if (!check(pop != NULL, "pmemobj_open after close", msg))
		return 0;
	r = pmemobj_direct(pmemobj_root(pop, sizeof(struct root)));
	snprintf(msg, sizeof(msg), "nonce %" PRIx64 " count %" PRIu64 " \"%.40s\"",
			r->nonce, r->count, r->text);
	check(r->nonce == nonce && r->count == 3 &&
			strcmp(r->text, "written in a transaction") == 0,
			"the reopened root holds what was written", msg);
	pmemobj_close(pop);
	int c = pmemobj_check(path, LAYOUT);
	snprintf(msg, sizeof(msg), "returned %d", c);
	check(c == 1, "pmemobj_check says consistent", msg);
	return 0;
}
