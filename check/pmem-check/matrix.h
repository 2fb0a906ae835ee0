/*
 * matrix.h -- the backend matrix of checkasm
 * (tests/portable/test_checkasm.c) and pmem-check, for any flush x copy
 * pair: every size 0..4 KiB and large, misalignments, overlaps, guard
 * bytes, compared with memmove/memset, in the manner of FFmpeg's checkasm
 * (DESIGN.md section 4).  Built with PMEM_CHECK (build/check/), every
 * case also asks the durability model (check/check.h) whether each
 * destination byte was stored through the primitives and each line is
 * durable after a persisting call, and on its way after a _nodrain one.
 *
 * One matrix runs in one process at a time (the model is global).
 */
#ifndef PMEM_MATRIX_H
#define PMEM_MATRIX_H 1

#include <stddef.h>
#include "libpmem_backend.h"

/* A pair as the library runs it. */
struct matrix_pair {
	const struct pmem_backend *flush, *copy;
	int movnt;		/* 0: every copy temporal, copy never called */
	size_t threshold;	/* copies from this size on are NT */
	int small_nt;		/* small aligned copies NT at that threshold */
	int eadr;		/* model: the cache is persistent */
	int page_cache;		/* model: only msync makes data durable */
	/* The CPU it runs on: its PMEM_CPU_CLFLUSH_ORDERED picks both the
	 * library's drain (pmem_ops_fill) and the model's CLFLUSH rule,
	 * so the Intel rule can be checked on an AMD machine too. */
	struct pmem_cpu cpu;
};

enum matrix_group {
	MATRIX_PERSIST_FLUSH_DRAIN,	/* pmem_persist, pmem_flush+drain */
	MATRIX_MEMMOVE_NT,	/* copy backend called directly */
	MATRIX_MEMSET_NT,
	MATRIX_API_MOVE,	/* public functions, every flag form */
	MATRIX_API_SET,
	MATRIX_NGROUPS,
};

typedef void matrix_fail_fn(void *ctx, const char *msg);

struct matrix {
	struct matrix_pair pair;
	matrix_fail_fn *fail;	/* one call per failed check */
	void *ctx;
	unsigned long max_fails;	/* a group stops after this many; 0: never */
	int quick;		/* fewer sizes and misalignments */
	/* Test only: drop the SFENCE that ends non-temporal copies when the
	 * flush is ordered (must be caught under the Intel CLFLUSH rule). */
	int broken_no_nt_fence;
	unsigned long cases;	/* operations run (all groups) */
	unsigned long fails;	/* failed checks (all groups) */
	unsigned long group_fails;
};

extern const char *const matrix_group_names[MATRIX_NGROUPS];

/* NULL when group g runs on the pair, else why it does not. */
const char *matrix_group_skip(const struct matrix_pair *p,
		enum matrix_group g);

/* Runs group g, installing the pair into pmem_ops.  Returns -1 when the
 * test buffers cannot be mapped, else 0 (failures go to m->fail). */
int matrix_run(struct matrix *m, enum matrix_group g);

/* "clwb+nt-avx" */
const char *matrix_pair_name(const struct matrix_pair *p);

/*
 * Fills p for flush and copy as the library would run them when
 * PMEM_BACKEND names both (core/select_rules.c decides movnt and the
 * threshold), on cpu.  Returns NULL, or why the library would not run
 * this pair (then p is not usable).
 */
const char *matrix_pair_as_run(struct matrix_pair *p,
		const struct pmem_backend *flush,
		const struct pmem_backend *copy, const struct pmem_cpu *cpu);

/* How the durability model must see the platform for this flush backend
 * (see the TEMPORARY note in matrix.c). */
void matrix_model_for(const struct pmem_backend *flush, int *eadr,
		int *page_cache);

/*
 * Every CPU rule the pair must be checked under (see matrix.c): cpu with
 * each rule's feature set and cleared, so a backend that is right only on
 * the machine at hand fails here.  Returns how many (1 where no rule
 * applies: cpu itself).
 */
#define MATRIX_MAX_RULES 4
struct matrix_cpu_rule {
	struct pmem_cpu cpu;
	char name[160];		/* "Intel: CLFLUSH ordered with later stores" */
};
unsigned matrix_cpu_rules(const struct pmem_cpu *cpu,
		struct matrix_cpu_rule out[MATRIX_MAX_RULES]);

#endif
