/*
 * isa_test.h -- Test() and TestSuite() for the shared per-ISA bodies
 * (isa_model.h, select_fake_temporal.h, pmem_info_isa.h), whose suite and
 * test names are macros the including file defines: Criterion pastes and
 * stringizes its arguments as written, so without this extra level a
 * test would be named "ISA_SUITE::TEST_BEST" and miss its suite's .init.
 */
#ifndef ISA_TEST_H
#define ISA_TEST_H 1

#include <criterion/criterion.h>

#define ISA_TEST(suite, name) Test(suite, name)
#define ISA_TEST_SUITE(suite, ...) TestSuite(suite, __VA_ARGS__)

#endif
