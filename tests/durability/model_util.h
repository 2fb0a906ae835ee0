/*
 * model_util.h -- what the durability model's tests share: the backend of
 * a name this build links in, an area for the model to track, and the
 * check of one line's state that names both states when it fails.
 */
#ifndef MODEL_UTIL_H
#define MODEL_UTIL_H 1

#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem_backend.h"
#include "check.h"

/* NULL when this build does not link it in. */
static inline const struct pmem_backend *linked_backend(const char *name)
{
	const struct pmem_backend *b;
	for (unsigned i = 0; (b = pmem_backend_get_static(i)); i++)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

/* len bytes of private anonymous memory; fails the test without. */
static inline char *model_area(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(p != MAP_FAILED);
	return p;
}

#define EXPECT_LINE(p, want, what) cr_expect_eq(check_line(p), want, \
		"%s: %s, expected %s", what, check_state_name(check_line(p)), \
		check_state_name(want))

#endif
