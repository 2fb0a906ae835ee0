/*
 * deep.c -- in the AArch64 system guest (static, check build): where the
 * kernel reports DCPoDP, pmem_deep_flush must clean every line with DC
 * CVADP (executing it), and after the drain's DSB the model must call the
 * range durable.  Exit 0 passed, 1 failed, 2 skipped (no DCPoDP).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "check.h"
#include "pm_prims.h"

#define LEN 4096

int main(void)
{
	if (!(pmem_backend_get_cpu()->features & PMEM_CPU_DCPODP)) {
		printf("deep: SKIP: no DCPoDP\n");
		return 2;
	}
	char *buf = aligned_alloc(64, LEN);
	if (!buf)
		return 1;
	memset(buf, 0, LEN);
	check_reset();
	check_track(buf + 5, LEN - 10);
	check_log_start();
	pm_store_fill(buf + 5, 0x5a, LEN - 10);
	pmem_deep_flush(buf + 5, LEN - 10);
	pmem_drain();
	size_t cvadp = 0, n = check_log_count();
	for (size_t i = 0; i < n; i++) {
		int ev;
		const void *a;
		size_t len;
		if (check_log_event(i, &ev, &a, &len) == 0 &&
				ev == PM_EV_DC_CVADP)
			cvadp++;
	}
	const char *why = check_durable(buf + 5, LEN - 10);
	printf("deep: %zu DC CVADP for %d lines, %s\n", cvadp, LEN / 64,
			why ? why : "durable");
	return cvadp == LEN / 64 && why == NULL ? 0 : 1;
}
