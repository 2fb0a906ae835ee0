/*
 * emulator.h -- what the tests must know about running under qemu-user
 * (the AArch64 cross build's `ninja test`, docs/testing.md).
 *
 * qemu 7.2's user mode maps a MAP_FIXED file mapping in its own way and
 * loses MAP_SHARED_VALIDATE on the way, so MAP_SYNC "succeeds" on any file
 * mapped over a reservation (as pmem_map_file maps), and a tmpfs file is
 * reported as pmem.  A real kernel
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

/* 1 when MAP_SYNC is accepted on a file of /dev/shm (tmpfs) or /tmp,
 * where the tests make their files and which are not DAX here: the answer
 * is then an emulator's, not Linux's own. */
__attribute__((unused))
static int map_sync_is_faked(void)
{
	char path[] = "/dev/shm/libpmem-mapsync-XXXXXX";
	char alt[] = "/tmp/libpmem-mapsync-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 && (fd = mkstemp(alt)) >= 0)
		unlink(alt);
	if (fd < 0)
		return 0;
	unlink(path);
	int faked = 0;
	/* Over a reservation, as pmem_map_file maps: qemu refuses a plain
	 * MAP_SYNC mapping but not a MAP_FIXED one. */
	void *r = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	if (r != MAP_FAILED && ftruncate(fd, 4096) == 0) {
		void *m = mmap(r, 4096, PROT_READ | PROT_WRITE,
				MAP_SHARED_VALIDATE | MAP_SYNC | MAP_FIXED, fd,
				0);
		faked = m != MAP_FAILED;
	}
	if (r != MAP_FAILED)
		munmap(r, 4096);
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
		fprintf(stderr, "SKIP %s: a non-DAX file is not pmem (MAP_SYNC "
				"faked by qemu-user, tests/emulator.h)\n", test);
	return faked;
}

#endif
