/*
 * cpu.h -- what the CPU (and the OS) lets the library use, read once at
 * start-up: CPUID and XGETBV on x86-64 (cpu_x86.c), the kernel's hwcaps on
 * AArch64 (cpu_aarch64.c).  No instruction-set flags needed: the core runs
 * on any CPU of the instruction set.
 */
#ifndef PMEM_CPU_H
#define PMEM_CPU_H 1

#include <stddef.h>
#include "libpmem_backend.h"

/* Fills *cpu: PMEM_CPU_* bits, vendor string, display family and model.
 * Vector features are set only when XCR0 says the OS saves their state.
 * One implementation per instruction set (arch/<isa>/cpu.c). */
void pmem_cpu_detect(struct pmem_cpu *cpu);

/* The stepping (revision) of the CPU, for the machine profile's
 * signature: CPUID leaf 1 on x86-64; 0 where the ISA gives none to EL0. */
unsigned pmem_cpu_stepping(void);

/* Lower-case name of one PMEM_CPU_* bit ("avx512f"), NULL if unknown. */
const char *pmem_cpu_feature_name(uint64_t bit);

/* Writes the names of every bit in features, space separated, into buf
 * (always terminated); returns buf. */
char *pmem_cpu_features_str(uint64_t features, char *buf, size_t size);

/* The same bits as the manuals name them, joined by '+'
 * ("AVX-512F+AVX-512BW"), for reasons and refusals; returns buf. */
char *pmem_cpu_features_label(uint64_t features, char *buf, size_t size);

#endif
