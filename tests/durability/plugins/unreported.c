/* unreported.c -- a copy backend that writes with plain memmove/memset and
 * reports nothing to the model (pmem-check must fail it: issue #10 item
 * 1).  It even flushes and its bytes are right. */
#include "plain_copy.h"
#include "plugin.h"

BROKEN_PLUGIN = {
	BROKEN_COPY("broken-unreported", "writes without reporting its stores",
			plain_move, plain_set),
};
