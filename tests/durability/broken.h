/*
 * broken.h -- deliberately broken backends for the durability tests
 * (check build only).  Each one has exactly one durability bug; the tests
 * install it into pmem_ops and assert that the model catches it, naming the
 * line the bug leaves behind.
 */
#ifndef BROKEN_H
#define BROKEN_H 1

#include <stddef.h>
#include <stdint.h>
#include "libpmem_backend.h"
#include "check.h"

struct broken {
	const char *name;
	const char *bug;		/* one line for messages */
	int needs_clwb;			/* skip when the CPU lacks CLWB */
	pmem_flush_fn *flush;
	void (*drain)(void);
	/* NULL: copies take the core's temporal path (threshold SIZE_MAX) */
	void *(*memmove_nt)(void *, const void *, size_t, pmem_flush_fn *);
	void *(*memset_nt)(void *, int, size_t, pmem_flush_fn *);
	size_t movnt_threshold;		/* used when memmove_nt is set */
	/*
	 * For a _persist copy or fill of [dst, dst + len): returns 1 and
	 * the first line the bug leaves behind and its state, or 0 when the
	 * bug does not show at this size and alignment.
	 */
	int (*expect)(uintptr_t dst, size_t len, uintptr_t *line,
		      enum check_line_state *st);
};

extern const struct broken broken_last_line;
extern const struct broken broken_no_fence_clwb;
extern const struct broken broken_no_fence_nt;
extern const struct broken broken_flush_first;
extern const struct broken broken_tail;

/* Correct helpers the broken backends are built from (broken_common.c). */
void good_flush_clflush(const void *addr, size_t len);
void good_drain(void);
void no_drain(void);

/* The expect of a bug that leaves the range's first line in state want
 * whenever anything is written. */
int broken_first_line(uintptr_t dst, size_t len, uintptr_t *line,
		enum check_line_state *st, enum check_line_state want);

/* A broken backend whose every copy takes its non-temporal functions. */
#define BROKEN_NT(move, set) .memmove_nt = move, .memset_nt = set, \
	.movnt_threshold = 0

/* Fills pmem_ops with b, through the library's one writer (pmem_ops_fill);
 * threshold is used when b has memmove_nt. */
void broken_install(const struct broken *b, size_t threshold);

#endif
