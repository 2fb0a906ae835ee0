/* Flush backend with memmove_flush but no memset_flush: refused. */
#include "plugin_common.h"

static void *move_flush(void *dst, const void *src, size_t len)
{
	memmove(dst, src, len);
	flush_lines(dst, len);
	return dst;
}

PLUGIN_DESCRIPTOR = {
	PLUGIN_HEAD,
	.name = "half_flush_copy",
	FLUSH_FIELDS,
	.memmove_flush = move_flush,
};
