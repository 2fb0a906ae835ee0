/*
 * test_pmem_info_ppc64.c -- pmem-info on 64-bit POWER (built only there:
 * configure.py, *_ppc64.c): the lines it prints say what the selection
 * predicts for this CPU, name the POWER features seen, and say why each
 * backend can or cannot run; PMEM_BACKEND=dcbstps is refused with the
 * feature it needs on a CPU without ISA 3.1.  The tests are
 * pmem_info_isa.h's, with POWER's names.
 */
#include <criterion/criterion.h>

#define INFO_SUITE pmem_info_ppc64
#define ISA_BEST "dcbstps"
#define ISA_BEST_NEEDS PMEM_CPU_ARCH_3_1
#define ISA_BEST_FEATURE "Power ISA 3.1 (dcbstps)"
#define ISA_BEST_HWCAP "arch_3_1"
#define ISA_FALLBACK "dcbst"
#define ISA_FALLBACK_FEATURE "dcbst"
#define ISA_BASE_HWCAP "dcbst"
/* no x86 or ARM backend or feature */
#define ISA_FOREIGN { "clwb", "sse2", "nt-avx", "dc-cva", NULL }
#define TEST_FORCED_BEST forced_dcbstps_without_isa_3_1_is_refused
#include "pmem_info_isa.h"
