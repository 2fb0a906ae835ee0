/*
 * check.c -- loads the example backend the way a user would
 * (PMEM_BACKEND=<path> in the environment) and checks what the library made
 * of it, through the introspection of <libpmem_backend.h>:
 *
 *  - the plugin itself is a valid backend (pmem_backend_load accepts it);
 *  - if this CPU cannot run it, the library refused it for that reason,
 *    kept its automatic choice and still copies correctly; the plugin's
 *    correctness run is then skipped, visibly;
 *  - if it can, it is the active copy backend, and every copy and fill
 *    through the public API matches memmove/memset: sizes 0..1100 and a
 *    few large ones, every destination misalignment, overlaps both ways,
 *    guard bytes untouched.
 *
 * Usage: PMEM_BACKEND=/abs/movdir64b.so check /abs/movdir64b.so
 * Prints "vendor: N passed, N failed, N skipped".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpmem.h>
#include <libpmem_backend.h>

static int passed, failed, skipped;

#define CHECK(cond, ...) do { \
	if (cond) { \
		passed++; \
	} else { \
		failed++; \
		printf("FAIL "); \
		printf(__VA_ARGS__); \
		printf("\n"); \
	} \
} while (0)

#define BUF (1 << 20)
#define GUARD 64
static unsigned char *a, *ref;	/* BUF + 2 * GUARD each */

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 2654435761u);
}

/* One copy or fill through the library against the C library's, at
 * offsets doff (destination) and soff (source) of the same buffer, so
 * that overlaps happen; the first `region` bytes (and guards) compared. */
static int one_in(size_t region, int op, size_t doff, size_t soff,
		size_t len)
{
	fill(a, region + 2 * GUARD, 7);
	memcpy(ref, a, region + 2 * GUARD);
	unsigned char *d = a + GUARD + doff, *s = a + GUARD + soff;
	unsigned char *rd = ref + GUARD + doff, *rs = ref + GUARD + soff;
	void *ret;
	if (op == 0) {
		ret = pmem_memmove(d, s, len, PMEM_F_MEM_NONTEMPORAL);
		memmove(rd, rs, len);
	} else {
		ret = pmem_memset(d, 0xa5, len, PMEM_F_MEM_NONTEMPORAL);
		memset(rd, 0xa5, len);
	}
	return ret == d && memcmp(a, ref, region + 2 * GUARD) == 0;
}

#define one(...) one_in(BUF, __VA_ARGS__)
#define one_small(...) one_in(8192, __VA_ARGS__)

static void correctness(void)
{
	static const size_t big[] = { 4096, 4097, 65536 + 33, 300000 };
	size_t bad = 0, runs = 0;
	for (int op = 0; op < 2; op++)
		for (size_t len = 0; len <= 1100; len += len < 160 ? 1 : 61)
			for (size_t mis = 0; mis < 64; mis += len < 160 ? 9 : 1) {
				/* {dst, src}: apart, dst above src and below
				 * (overlapping when len is large enough) */
				size_t k = len / 3 + 1;
				size_t cases[3][2] = {
					{ mis, 4096 + 13 },
					{ 2048 + mis + k, 2048 },
					{ 2048 + mis, 2048 + mis + k },
				};
				for (int c = 0; c < 3; c++, runs++)
					if (!one_small(op, cases[c][0],
							cases[c][1], len))
						bad++;
			}
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++)
		for (int op = 0; op < 2; op++, runs += 2) {
			bad += !one(op, 1, 400000 + 5, big[i]);
			bad += !one(op, 400000 + 3, 400000 - 1000, big[i]);
		}
	CHECK(bad == 0, "%zu of %zu copies/fills differ from memmove/memset",
			bad, runs);
	if (bad == 0)
		printf("ok   %zu copies and fills through the plugin match "
				"memmove/memset\n", runs);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: PMEM_BACKEND=PLUGIN check PLUGIN\n");
		return 2;
	}
	const char *path = argv[1];
	const char *forced = getenv("PMEM_BACKEND");
	CHECK(forced && *forced, "PMEM_BACKEND is set (to the plugin's path "
			"or name)");

	/* start-up happened already: what did the library make of it? */
	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	const char *err = pmem_errormsg();

	const struct pmem_backend *p = NULL;
	int loaded = pmem_backend_load(path, &p);
	CHECK(loaded == 0 && p, "pmem_backend_load %s: %s", path,
			pmem_errormsg());
	if (loaded != 0 || !p)
		goto out;
	CHECK(p->kind == PMEM_BACKEND_COPY && p->abi_version ==
			PMEM_BACKEND_ABI_VERSION && p->size ==
			sizeof(struct pmem_backend), "descriptor fields");
	printf("plugin: %s (%s)\n", p->name, p->description);
	printf("flush: %s (%s)\ncopy: %s (%s)\nrefusal: %s\n",
			c->flush->name, c->flush_reason, c->copy->name,
			c->copy_reason, c->refusal ? c->refusal : "none");

	/* 64-byte aligned, so offsets are the misalignments tested */
	a = aligned_alloc(64, BUF + 2 * GUARD);
	ref = aligned_alloc(64, BUF + 2 * GUARD);
	if (!a || !ref)
		return 1;

	if (!pmem_backend_runs(p, pmem_backend_get_cpu())) {
		/* This CPU cannot run it: refused, saying what it needs. */
		CHECK(c->refusal && strstr(c->refusal, p->name) &&
				strstr(c->refusal, "needs MOVDIR64B"),
				"refusal names %s and its need: %s", p->name,
				c->refusal ? c->refusal : "(none)");
		CHECK(strcmp(c->copy->name, p->name) != 0,
				"refused plugin is not the copy backend");
		CHECK(strstr(err, p->name) != NULL,
				"pmem_errormsg() after start-up tells: %s", err);
		/* ... and the library keeps working with its own choice */
		CHECK(one(0, 3, 5000, 100000) && one(1, 3, 0, 100000) &&
				one(0, 17, 0, 100) && one(0, 0, 30, 300),
				"copies with the automatic choice");
		printf("SKIP %s correctness: this CPU lacks MOVDIR64B "
				"(probe refused it)\n", p->name);
		skipped++;
	} else {
		CHECK(c->refusal == NULL, "not refused: %s",
				c->refusal ? c->refusal : "");
		CHECK(strcmp(c->copy->name, p->name) == 0,
				"%s is the active copy backend (got %s)",
				p->name, c->copy->name);
		if (strcmp(c->copy->name, p->name) == 0)
			correctness();
	}
out:
	printf("vendor: %d passed, %d failed, %d skipped\n", passed, failed,
			skipped);
	return failed ? 1 : 0;
}
