/*
 * flag_sets.h -- the flags the tests give pmem_memmove/memcpy/memset(...,
 * flags): none, each flag alone, and the pairs that take another path;
 * and one such call made on the library's buffer and on a reference.
 */
#ifndef FLAG_SETS_H
#define FLAG_SETS_H 1

#include <string.h>
#include "libpmem.h"

static const unsigned flag_sets[] = {
	0, PMEM_F_MEM_NODRAIN, PMEM_F_MEM_NOFLUSH, PMEM_F_MEM_NONTEMPORAL,
	PMEM_F_MEM_TEMPORAL, PMEM_F_MEM_WC, PMEM_F_MEM_WB,
	PMEM_F_MEM_NONTEMPORAL | PMEM_F_MEM_NODRAIN,
	PMEM_F_MEM_NONTEMPORAL | PMEM_F_MEM_NOFLUSH,
	PMEM_F_MEM_TEMPORAL | PMEM_F_MEM_NOFLUSH,
};
#define NFLAGS (sizeof(flag_sets) / sizeof(flag_sets[0]))

/* Flag form op (0 memmove inside the buffer, may overlap; 1 memcpy from
 * src; 2 memset to c) at d + to through the library, and the same with
 * libc at r + to. */
static inline void flags_op_both(unsigned op, unsigned char *d,
		unsigned char *r, const unsigned char *src, size_t to,
		size_t from, size_t len, int c, unsigned flags)
{
	switch (op) {
	case 0:
		pmem_memmove(d + to, d + from, len, flags);
		memmove(r + to, r + from, len);
		break;
	case 1:
		pmem_memcpy(d + to, src + from, len, flags);
		memcpy(r + to, src + from, len);
		break;
	default:
		pmem_memset(d + to, c, len, flags);
		memset(r + to, c, len);
	}
}

#endif
