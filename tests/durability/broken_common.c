/* broken_common.c -- the correct pieces the broken backends reuse. */
#include "broken.h"
#include "flush_lines.h"

void good_flush_clflush(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_clflush);
}

void good_drain(void)
{
	pm_sfence();
}

/* The missing fence. */
void no_drain(void)
{
}
