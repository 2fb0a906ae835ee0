/* parameterized.h -- ParameterizedTest is in criterion.h (criterion_lite). */
#include "criterion.h"
