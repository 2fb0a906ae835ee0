/*
 * pmem-check -- runs the durability matrix (matrix.c) on the flush and
 * copy backend the check-build library resolves, so PMEM_BACKEND works
 * exactly as in any program: a name, a pair, or a plugin path.  A vendor
 * builds an out-of-tree backend with the check primitives (pm_prims.h,
 * PMEM_CHECK defined) and runs
 *
 *     PMEM_BACKEND=/path/to/mine.so build/check/pmem-check
 *
 * Ends with one line "pmem-check: FLUSH,COPY: N operations, M violations";
 * exits 0 when M is 0, 1 when not, 2 when it could not run (PMEM_BACKEND
 * refused: checking the automatic pair instead would prove nothing about
 * the one asked for).
 *
 * The matrix runs once per CPU rule that changes how a backend runs
 * (matrix_cpu_rules: on x86-64 both vendors' CLFLUSH ordering), whatever
 * CPU pmem-check itself runs on.
 *
 *   -v       print every violation, not just the first 20
 *   --quick  a smaller matrix: every size to 300 then every 29th, every
 *            7th misalignment (what `ninja test` runs on each pair)
 *   --list   print the linked-in pairs, "flush,copy" one a line, and exit
 */
#include <stdio.h>
#include <string.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "matrix.h"

#define SHOWN 20

static int verbose;

static void print_fail(void *ctx, const char *msg)
{
	unsigned long *n = ctx;
	if (verbose || ++*n <= SHOWN)
		printf("%s\n", msg);
	else if (*n == SHOWN + 1)
		printf("(more violations not shown; -v shows all)\n");
}

static void list_pairs(void)
{
	const struct pmem_backend *f, *c;

	for (unsigned i = 0; (f = pmem_backend_get_static(i)); i++)
		for (unsigned k = 0; f->kind == PMEM_BACKEND_FLUSH &&
				(c = pmem_backend_get_static(k)); k++)
			if (c->kind == PMEM_BACKEND_COPY)
				printf("%s,%s\n", f->name, c->name);
}

int main(int argc, char **argv)
{
	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	unsigned long printed = 0;
	struct matrix m = { .fail = print_fail, .ctx = &printed };

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			verbose = 1;
		} else if (strcmp(argv[i], "--quick") == 0) {
			m.quick = 1;
		} else if (strcmp(argv[i], "--list") == 0) {
			list_pairs();
			return 0;
		} else {
			fprintf(stderr, "usage: %s [-v] [--quick] [--list]  "
				"(PMEM_BACKEND picks the pair)\n", argv[0]);
			return 2;
		}
	}
	if (c->refusal) {
		fprintf(stderr, "pmem-check: %s\n", c->refusal);
		return 2;
	}
	m.pair.flush = c->flush;
	m.pair.copy = c->copy;
	m.pair.movnt = c->movnt;
	m.pair.threshold = c->movnt_threshold;
	m.pair.small_nt = c->small_nt;
	matrix_model_for(c->flush, &m.pair.eadr, &m.pair.page_cache);
	printf("pmem-check: flush %s (%s)\n", c->flush->name, c->flush_reason);
	printf("pmem-check: copy %s (%s)\n", c->copy->name, c->copy_reason);
	printf("pmem-check: model: %s\n", m.pair.eadr ? "eADR (cache "
	       "persistent)" : m.pair.page_cache ? "page cache (only msync "
	       "persists)" : "ADR (flush and fence needed)");
	/* Every CPU rule, not only this machine's: a backend passed here
	 * must not lose data on the other vendor's CPU. */
	struct matrix_cpu_rule rules[MATRIX_MAX_RULES];
	unsigned nrules = matrix_cpu_rules(pmem_backend_get_cpu(), rules);
	for (unsigned r = 0; r < nrules; r++) {
		m.pair.cpu = rules[r].cpu;
		printf("pmem-check: CPU rule: %s\n", rules[r].name);
		for (int g = 0; g < MATRIX_NGROUPS; g++) {
			const char *why = matrix_group_skip(&m.pair, g);
			unsigned long cases = m.cases, fails = m.fails;
			if (why) {
				printf("pmem-check: %s skipped: %s\n",
				       matrix_group_names[g], why);
				continue;
			}
			if (matrix_run(&m, g)) {
				perror("pmem-check: mmap of test buffers");
				return 2;
			}
			printf("pmem-check: %s: %lu operations, %lu "
			       "violations\n", matrix_group_names[g],
			       m.cases - cases, m.fails - fails);
		}
	}
	printf("pmem-check: %s,%s: %lu operations, %lu violations\n",
	       c->flush->name, c->copy->name, m.cases, m.fails);
	return m.fails ? 1 : 0;
}
