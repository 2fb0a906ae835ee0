/*
 * flag_sets.h -- the flags the tests give pmem_memmove/memcpy/memset(...,
 * flags): none, each flag alone, and the pairs that take another path.
 */
#ifndef FLAG_SETS_H
#define FLAG_SETS_H 1

#include "libpmem.h"

static const unsigned flag_sets[] = {
	0, PMEM_F_MEM_NODRAIN, PMEM_F_MEM_NOFLUSH, PMEM_F_MEM_NONTEMPORAL,
	PMEM_F_MEM_TEMPORAL, PMEM_F_MEM_WC, PMEM_F_MEM_WB,
	PMEM_F_MEM_NONTEMPORAL | PMEM_F_MEM_NODRAIN,
	PMEM_F_MEM_NONTEMPORAL | PMEM_F_MEM_NOFLUSH,
	PMEM_F_MEM_TEMPORAL | PMEM_F_MEM_NOFLUSH,
};
#define NFLAGS (sizeof(flag_sets) / sizeof(flag_sets[0]))

#endif
