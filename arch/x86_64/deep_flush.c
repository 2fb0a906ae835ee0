/*
 * arch/x86_64/deep_flush.c -- x86-64 has no deeper write-back instruction than its
 * flush backends' (the deep part is the region's deep_flush file).
 */
#include <stddef.h>

#include "deep_flush_isa.h"

pmem_flush_fn *pmem_isa_deep_flush(const struct pmem_cpu *cpu)
{
	(void)cpu;
	return NULL;
}
