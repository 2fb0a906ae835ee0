/* Copy backend that also sets the flush kind's memset_flush: refused. */
#include "plugin_common.h"

static void *fill_flush(void *dst, int c, size_t len)
{
	memset(dst, c, len);
	flush_lines(dst, len);
	return dst;
}

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "copy_flush_fns",
	.kind = PMEM_BACKEND_COPY,
	.probe = probe_yes,
	.memmove_nt = copy_plain,
	.memset_nt = set_plain,
	.memset_flush = fill_flush,
};
