/*
 * test_pmem_info_aarch64.c -- pmem-info on AArch64 (built only there:
 * configure.py, *_aarch64.c): the lines it prints say what the
 * selection function predicts for this CPU, name the ARM features seen,
 * and say why each backend can or cannot run; PMEM_BACKEND=dc-cvap is
 * refused with the feature it needs on a CPU without DCPoP.  The tests
 * are pmem_info_isa.h's, with AArch64's names.
 */
#include <criterion/criterion.h>

#define INFO_SUITE pmem_info_aarch64
#define ISA_BEST "dc-cvap"
#define ISA_BEST_NEEDS PMEM_CPU_DCPOP
#define ISA_BEST_FEATURE "DCPoP (DC CVAP)"
#define ISA_BEST_HWCAP "dcpop"
#define ISA_FALLBACK "dc-cvac"
#define ISA_FALLBACK_FEATURE "DC CVAC"
#define ISA_BASE_HWCAP "dc-cvac"
/* no x86 backend or feature */
#define ISA_FOREIGN { "clwb", "sse2", "nt-avx", NULL }
#define TEST_FORCED_BEST forced_dc_cvap_without_dcpop_is_refused
#include "pmem_info_isa.h"
