/*
 * log.c -- libpmemlog appends: mode append64 or append4k, rewinding the
 * log when it is full (the rewind is inside the timed loop, as a client
 * that keeps logging would do it).
 */
#include <libpmemlog.h>

#include "common.h"

#define POOL (16UL << 20)

static int append(PMEMlogpool *plp, const char *buf, size_t len, long ops)
{
	for (long i = 0; i < ops; i++) {
		if (pmemlog_append(plp, buf, len) == 0)
			continue;
		pmemlog_rewind(plp);
		if (pmemlog_append(plp, buf, len) != 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long ops;
	static char buf[4096];
	if (parse_args(argc, argv, &ops))
		return 2;
	size_t len = strcmp(argv[1], "append64") == 0 ? 64 :
		strcmp(argv[1], "append4k") == 0 ? 4096 : 0;
	if (!len) {
		fprintf(stderr, "log: unknown mode %s\n", argv[1]);
		return 2;
	}
	remove(argv[2]);
	PMEMlogpool *plp = pmemlog_create(argv[2], POOL, 0600);
	if (!plp) {
		perror(argv[2]);
		return 1;
	}
	if (print_libpmem())
		return 1;
	memset(buf, 0x3c, sizeof(buf));
	if (append(plp, buf, len, ops / 10 + 1))	/* warm-up */
		return 1;
	unsigned long long t0 = now_ns();
	if (append(plp, buf, len, ops)) {
		perror("pmemlog_append");
		return 1;
	}
	print_result(argv[1], ops, now_ns() - t0);
	pmemlog_close(plp);
	return 0;
}
