/*
 * threads.c -- the library's shared state used from many threads at once:
 * the registry of pmem ranges (add, is_pmem, partial unmap), file mapping
 * (pmem_map_file, pmem_unmap, failing calls and their thread-local
 * messages), and the copy paths (the resolved backend table, every flag)
 * checked against memmove/memset.  A plain program, not Criterion:
 * Criterion cannot start under ThreadSanitizer, and this is what
 * `ninja test-tsan` runs (docs/testing.md); `ninja test` runs it too.
 * Ends with "threads: N passed, N failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libpmem.h"
#include "../flag_sets.h"
#include "registry.h"
#include "../emulator.h"

#define THREADS 4
#define PG 4096u

static int wrong;	/* wrong answers, all threads */
/* What is_pmem must say of a /dev/shm file: 0, but 1 under qemu-user,
 * which fakes MAP_SYNC (tests/emulator.h). */
static int file_pmem;
static char dir[64];

static void bad(const char *what, unsigned id, unsigned round)
{
	if (__atomic_add_fetch(&wrong, 1, __ATOMIC_RELAXED) <= 10)
		printf("  thread %u round %u: %s\n", id, round, what);
}

/* Registers anonymous memory as pmem, asks, unmaps it in two parts. */
static void *registry_worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	for (unsigned i = 0; i < 400; i++) {
		size_t len = (2 + (i + id) % 7) * PG;
		char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) {
			bad("mmap failed", id, i);
			continue;
		}
		if (pmem_registry_add(m, len, (i & 1) ? PMEM_RANGE_DEVDAX :
				PMEM_RANGE_MAP_SYNC, (int)id) != 0)
			bad("registry_add failed", id, i);
		if (pmem_is_pmem(m, len) != 1)
			bad("registered range not pmem", id, i);
		if (pmem_unmap(m, PG) != 0 || pmem_is_pmem(m + PG, len - PG) != 1)
			bad("partial unmap", id, i);
		if (pmem_unmap(m + PG, len - PG) != 0)
			bad("unmap of the rest", id, i);
	}
	return NULL;
}

/* Maps files on /dev/shm (not pmem), and makes calls that fail. */
static void *map_worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	char path[128], missing[160];
	snprintf(path, sizeof(path), "%s/f%u", dir, id);
	snprintf(missing, sizeof(missing), "%s/none/f%u", dir, id);
	for (unsigned i = 0; i < 200; i++) {
		size_t len = (1 + i % 5) * PG, mapped = 0;
		int is_pmem = -1;
		char *p = pmem_map_file(path, len, PMEM_FILE_CREATE, 0600,
				&mapped, &is_pmem);
		if (!p || mapped != len || is_pmem != file_pmem) {
			bad("pmem_map_file", id, i);
			continue;
		}
		memset(p, (int)id, len);
		if (pmem_msync(p, len) != 0 ||
				pmem_is_pmem(p, len) != file_pmem)
			bad("msync or is_pmem on a file", id, i);
		if (pmem_unmap(p, len) != 0)
			bad("pmem_unmap", id, i);
		errno = 0;
		if (pmem_map_file(missing, 0, 0, 0, NULL, NULL) ||
				errno != ENOENT ||
				!strstr(pmem_errormsg(), missing))
			bad("failing map: errno or this thread's message",
					id, i);
	}
	unlink(path);
	return NULL;
}

#define BUF (64 * 1024)

/* Copies on a private buffer, mirrored with memmove/memset. */
static void *copy_worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg, seed = id + 1;
	unsigned char *dst = malloc(BUF), *ref = malloc(BUF);
	unsigned char *src = malloc(BUF);
	if (!dst || !ref || !src) {
		bad("malloc", id, 0);
		goto out;
	}
	for (size_t i = 0; i < BUF; i++)
		src[i] = dst[i] = ref[i] = (unsigned char)rand_r(&seed);
	for (unsigned r = 0; r < 400; r++) {
		size_t len = (size_t)rand_r(&seed) % (BUF / 2);
		size_t from = (size_t)rand_r(&seed) % (BUF - len);
		size_t to = (size_t)rand_r(&seed) % (BUF - len);
		unsigned flags = flag_sets[r % NFLAGS];
		int c = rand_r(&seed) & 0xff;
		switch (r % 4) {
		case 0:		/* overlapping, inside dst */
		case 1:
		case 2:
			flags_op_both(r % 4, dst, ref, src, to, from, len, c,
					flags);
			break;
		default:
			pmem_memmove_persist(dst + to, src + from, len);
			memmove(ref + to, src + from, len);
			pmem_persist(dst, BUF);
		}
		if (memcmp(dst, ref, BUF) != 0) {
			bad("copy result differs from memmove/memset", id, r);
			break;
		}
	}
out:
	free(dst), free(ref), free(src);
	return NULL;
}

static int passed, failed;

static void run(const char *name, void *(*fn)(void *))
{
	pthread_t t[THREADS];
	int before = wrong;
	for (unsigned i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, fn, (void *)(uintptr_t)i)) {
			printf("FAIL %s: pthread_create\n", name);
			failed++;
			return;
		}
	for (unsigned i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	if (wrong == before) {
		printf("ok   %s: %d threads\n", name, THREADS);
		passed++;
	} else {
		printf("FAIL %s: %d wrong answers\n", name, wrong - before);
		failed++;
	}
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/dev/shm/pmem-threadsXXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	run("registry: add, is_pmem, partial unmap", registry_worker);
	if (pmem_registry_count() != 0) {
		printf("FAIL registry: ranges left behind\n");
		failed++;
	}
	file_pmem = map_sync_is_faked();
	if (file_pmem)
		printf("SKIP map: a /dev/shm file is not pmem (MAP_SYNC faked "
				"by qemu-user, tests/emulator.h)\n");
	run("map: map_file, msync, unmap, failing calls", map_worker);
	run("copy: memmove/memcpy/memset, every flag", copy_worker);
	rmdir(dir);
	printf("threads: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
