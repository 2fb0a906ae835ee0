/* broken_common.c -- the correct pieces the broken backends reuse. */
#include "broken.h"
#include "flush_lines.h"

void good_flush_clflush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_clflush);
}

/* MFENCE, as the real clflush drain where CLFLUSH is not ordered (AMD):
 * right under both CLFLUSH rules of the model. */
void good_drain(void)
{
	pm_mfence();
}

/* The missing fence. */
void no_drain(void)
{
}
