/*
 * plain_copy.h -- copy functions that store with plain memmove/memset, not
 * through the primitives, and flush: the bytes are right but the model is
 * told of no store, so the check must fail them (issue #10 item 1).  The
 * broken-unreported plugin and test_matrix_broken both use them.
 */
#ifndef PLAIN_COPY_H
#define PLAIN_COPY_H 1

#include <string.h>
#include "libpmem_backend.h"

static inline void *plain_move(void *d, const void *s, size_t n,
		pmem_flush_fn *flush)
{
	memmove(d, s, n);
	flush(d, n);
	return d;
}

static inline void *plain_set(void *d, int c, size_t n, pmem_flush_fn *flush)
{
	memset(d, c, n);
	flush(d, n);
	return d;
}

#endif
