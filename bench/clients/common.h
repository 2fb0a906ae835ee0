/*
 * common.h -- what every client benchmark program shares: the name of the
 * libpmem.so* file mapped in the process (so the runner can prove which
 * library it timed), the clock, and the "ops ns" result line.
 *
 * Each program: PROG MODE FILE OPS.  It warms up, times OPS operations of
 * MODE with CLOCK_MONOTONIC and prints
 *   libpmem: PATH
 *   result: MODE OPS NS
 */
#ifndef BENCH_CLIENTS_COMMON_H
#define BENCH_CLIENTS_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline unsigned long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL +
		(unsigned long long)ts.tv_nsec;
}

/* Prints the one libpmem.so* file mapped here; fails on none or two. */
static inline int print_libpmem(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096], found[4096] = "";
	int n = 0;
	if (!f) {
		perror("/proc/self/maps");
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');
		if (!path || !strstr(path, "/libpmem.so"))
			continue;
		path[strcspn(path, "\n")] = '\0';
		if (strcmp(path, found) == 0)
			continue;	/* another segment of the same file */
		snprintf(found, sizeof(found), "%s", path);
		n++;
	}
	fclose(f);
	if (n != 1) {
		fprintf(stderr, "%d libpmem.so files mapped\n", n);
		return -1;
	}
	printf("libpmem: %s\n", found);
	return 0;
}

static inline void print_result(const char *mode, long ops,
				unsigned long long ns)
{
	printf("result: %s %ld %llu\n", mode, ops, ns);
}

static inline int parse_args(int argc, char **argv, long *ops)
{
	if (argc != 4 || (*ops = atol(argv[3])) <= 0) {
		fprintf(stderr, "usage: %s MODE FILE OPS\n", argv[0]);
		return -1;
	}
	return 0;
}

#endif
