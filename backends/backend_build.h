/*
 * backend_build.h -- lets one backend source build both ways: linked into
 * libpmem (the descriptor is the hidden global pmem_backend_<ident>, listed
 * in the table configure.py generates) or as a plugin .so (the descriptor
 * is returned by the exported entry function).
 *
 * Usage:  PMEM_BACKEND_DESCRIPTOR(nt_avx) = { .abi_version = ..., };
 */
#ifndef PMEM_BACKEND_BUILD_H
#define PMEM_BACKEND_BUILD_H 1

#include "libpmem_backend.h"

#ifdef PMEM_BACKEND_PLUGIN
#define PMEM_BACKEND_DESCRIPTOR(ident) \
	static const struct pmem_backend pmem_backend_##ident; \
	PMEM_BACKEND_EXPORT(pmem_backend_##ident) \
	static const struct pmem_backend pmem_backend_##ident
#else
#define PMEM_BACKEND_DESCRIPTOR(ident) \
	const struct pmem_backend pmem_backend_##ident
#endif

/* The probe of a backend that needs nothing cpu_needs does not say: the
 * library runs a probe only on a CPU with every bit of cpu_needs
 * (pmem_backend_runs), so nothing is left to check. */
static inline int pmem_backend_probe_cpu_needs(const struct pmem_cpu *cpu)
{
	(void)cpu;
	return 1;
}

#endif
