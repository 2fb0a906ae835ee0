/* noflush.c -- a flush backend whose flush does nothing (its drain
 * fences): right only on eADR, which the model does not assume for it. */
#include "plugin.h"
#include "pm_prims.h"

static void flush(const void *addr, size_t len)
{
	(void)addr;
	(void)len;
}

static void drain(void)
{
	pm_drain_fence();
}

BROKEN_PLUGIN = {
	BROKEN_FLUSH("broken-noflush", "flush does nothing", flush, drain),
};
