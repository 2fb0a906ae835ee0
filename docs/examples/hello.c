/*
 * hello.c -- the example of libpmem(7): map a file, write a string, make it
 * durable, unmap.
 *
 *	cc hello.c $(pkg-config --cflags --libs libpmem) -o hello
 *	./hello /dev/shm/libpmem-hello
 *
 * On real persistent memory (a DAX file system or Device DAX) the mapping
 * is pmem and the string is made durable with CPU cache flushes
 * (pmem_persist); elsewhere, for example on tmpfs, it falls back to
 * msync(2) (pmem_msync).
 */
#include <stdio.h>
#include <string.h>
#include <libpmem.h>

#define PMEM_LEN 4096

int main(int argc, char *argv[])
{
	const char *path = argc > 1 ? argv[1] : "/dev/shm/libpmem-hello";
	const char *msg = "hello, persistent memory";
	size_t mapped_len;
	int is_pmem;

	/* create the file if needed, PMEM_LEN bytes, mapped read-write */
	char *addr = pmem_map_file(path, PMEM_LEN, PMEM_FILE_CREATE, 0666,
			&mapped_len, &is_pmem);
	if (addr == NULL) {
		fprintf(stderr, "pmem_map_file %s: %s\n", path,
				pmem_errormsg());
		return 1;
	}

	strcpy(addr, msg);

	/* flush the string out of the CPU caches, or msync if not pmem */
	if (is_pmem) {
		pmem_persist(addr, strlen(msg) + 1);
	} else if (pmem_msync(addr, strlen(msg) + 1) != 0) {
		fprintf(stderr, "pmem_msync: %s\n", pmem_errormsg());
		return 1;
	}

	printf("wrote \"%s\" to %s (%s)\n", addr, path,
			is_pmem ? "pmem, flushed with pmem_persist"
				: "not pmem, synced with pmem_msync");
	if (pmem_unmap(addr, mapped_len) != 0) {
		fprintf(stderr, "pmem_unmap: %s\n", pmem_errormsg());
		return 1;
	}
	return 0;
}
