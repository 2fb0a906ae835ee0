/*
 * emulator.h -- what the tests must know about running under qemu-user
 * (the AArch64 cross build's `ninja test`, docs/testing.md).
 *
 * qemu 7.2's user mode passes MAP_SHARED_VALIDATE | MAP_SYNC to the host
 * kernel as a plain MAP_SHARED mapping, so MAP_SYNC "succeeds" on any
 * file, and pmem_map_file reports a tmpfs file as pmem.  A real kernel
 * refuses MAP_SYNC there (EOPNOTSUPP).  Tests whose expectation rests on
 * that refusal ask this first and skip that part visibly.
 */
#ifndef TEST_EMULATOR_H
#define TEST_EMULATOR_H 1

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

/* 1 when MAP_SYNC is accepted on a /dev/shm (tmpfs) file, which cannot be
 * DAX: the kernel underneath is an emulator's, not Linux's own answer. */
__attribute__((unused))
static int map_sync_is_faked(void)
{
	char path[] = "/dev/shm/libpmem-mapsync-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	unlink(path);
	int faked = 0;
	if (ftruncate(fd, 4096) == 0) {
		void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
		if (m != MAP_FAILED) {
			faked = 1;
			munmap(m, 4096);
		}
	}
	close(fd);
	return faked;
}

/* What pmem_map_file must say of a tmpfs file: 0 on Linux; 1 where the
 * emulator fakes MAP_SYNC, and a SKIP line says that check is not made. */
__attribute__((unused))
static int tmpfs_pmem_answer(const char *test)
{
	static int faked = -1;
	if (faked < 0)
		faked = map_sync_is_faked();
	if (faked)
		fprintf(stderr, "SKIP %s: tmpfs is not pmem (MAP_SYNC faked by "
				"qemu-user, tests/emulator.h)\n", test);
	return faked;
}

#endif
