/*
 * stream.c -- a QEMU-like stream: aligned 4 KiB pages copied into a
 * mapped file with pmem_memcpy_persist, as a migration into pmem=on RAM
 * writes guest pages.  Calls only libpmem's public API.
 *
 * Mode: page4k.  FILE is created (64 MiB); the warm-up writes all of it
 * once, then OPS pages are copied in order, wrapping around.
 */
#include <libpmem.h>

#include "common.h"

#define POOL (64UL << 20)
#define PAGE 4096UL

static void copy_pages(char *dst, const char *src, long ops)
{
	size_t off = 0;
	for (long i = 0; i < ops; i++) {
		pmem_memcpy_persist(dst + off, src + (off % (1UL << 20)), PAGE);
		off = (off + PAGE) % POOL;
	}
}

int main(int argc, char **argv)
{
	long ops;
	size_t mapped;
	int is_pmem;
	if (parse_args(argc, argv, &ops) || strcmp(argv[1], "page4k") != 0)
		return 2;
	char *dst = pmem_map_file(argv[2], POOL, PMEM_FILE_CREATE, 0600,
				  &mapped, &is_pmem);
	if (!dst) {
		perror(argv[2]);
		return 1;
	}
	char *src = aligned_alloc(PAGE, 1UL << 20);	/* guest RAM, cached */
	if (!src || print_libpmem())
		return 1;
	memset(src, 0x5a, 1UL << 20);
	copy_pages(dst, src, POOL / PAGE);	/* warm-up: fault every page in */
	unsigned long long t0 = now_ns();
	copy_pages(dst, src, ops);
	print_result(argv[1], ops, now_ns() - t0);
	pmem_unmap(dst, mapped);
	free(src);
	return 0;
}
