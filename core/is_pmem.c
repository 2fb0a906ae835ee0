/* is_pmem.c -- pmem_is_pmem(): the registry, or PMEM_IS_PMEM_FORCE. */
#include <pthread.h>
#include <stdlib.h>

#include "libpmem.h"
#include "export.h"
#include "log.h"
#include "os.h"
#include "registry.h"

static pthread_once_t force_once = PTHREAD_ONCE_INIT;
static int force = -1;	/* -1: ask the registry; 0 or 1: the answer */

/* Read on the first call, not at load time (as PMDK documents), so a
 * program may still set it before it first maps a pool.  Parsed with
 * atoi like PMDK: 0 (or text) never, 1 always, anything else ignored. */
static void force_read(void)
{
	const char *e = pmem_os_getenv("PMEM_IS_PMEM_FORCE");
	if (!e)
		return;
	int v = atoi(e);
	if (v == 0 || v == 1)
		force = v;
	PMEM_LOG(INFO, "PMEM_IS_PMEM_FORCE=%s", e);
}

PMEM_EXPORT int pmem_is_pmem(const void *addr, size_t len)
{
	/* An empty range is not pmem, as in PMDK 1.12, whose forced answer
	 * checks len 0 first too: PMEM_IS_PMEM_FORCE=1 says 0 here. */
	if (len == 0)
		return 0;
	pthread_once(&force_once, force_read);
	if (force >= 0)
		return force;
	return pmem_registry_covers(addr, len);
}
