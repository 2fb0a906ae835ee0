/*
 * test_dlclose.c -- a program that loads and unloads libpmem.so.1 (as a
 * plugin host does) must not lose memory on each cycle: the registry's
 * array is freed when the library is unloaded (issue #10 item 17: 384
 * bytes per cycle before).  Counted with mallinfo2(), or under
 * AddressSanitizer, whose allocator mallinfo2 does not see, with its own
 * count.
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <limits.h>
#include <malloc.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "util_fs.h"

#define CYCLES 200

/* Defined only when AddressSanitizer is linked in. */
extern size_t __sanitizer_get_current_allocated_bytes(void)
		__attribute__((weak));

static size_t allocated(void)
{
	if (__sanitizer_get_current_allocated_bytes)
		return __sanitizer_get_current_allocated_bytes();
	return mallinfo2().uordblks;
}

static char dir[256];
static char lib[PATH_MAX];

/* build/libpmem.so.1, found from this program's build/tests/ place. */
static void setup(void)
{
	char exe[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	cr_assert_gt(n, 0);
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';	/* build/tests */
	*strrchr(exe, '/') = '\0';	/* build */
	snprintf(lib, sizeof(lib), "%s/libpmem.so.1", exe);
	cr_assert_eq(access(lib, R_OK), 0, "no %s", lib);
	cr_assert_eq(tmpdir_make(dir, sizeof(dir), "test_dlclose"), 0);
}

static void teardown(void)
{
	tmpdir_remove(dir);
}

typedef void *map_fn(const char *, size_t, int, mode_t, size_t *, int *);
typedef int unmap_fn(void *, size_t);

/* Load, map and unmap a file (the registry is used), unload. */
static void cycle(void)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	cr_assert_not_null(h, "%s", dlerror());
	map_fn *map = (map_fn *)dlsym(h, "pmem_map_file");
	unmap_fn *unmap = (unmap_fn *)dlsym(h, "pmem_unmap");
	cr_assert(map && unmap);
	char p[512];
	snprintf(p, sizeof(p), "%s/f", dir);
	size_t len;
	void *a = map(p, 4096, PMEM_FILE_CREATE, 0600, &len, NULL);
	cr_assert_not_null(a);
	cr_assert_eq(unmap(a, len), 0);
	cr_assert_eq(dlclose(h), 0);
}

Test(dlclose, no_memory_lost_per_cycle, .init = setup, .fini = teardown)
{
	for (int i = 0; i < 5; i++)	/* the loader's own caches settle */
		cycle();
	size_t before = allocated();
	for (int i = 0; i < CYCLES; i++)
		cycle();
	size_t after = allocated();
	long lost = (long)after - (long)before;
	cr_expect_lt(lost, CYCLES * 16, "%ld bytes lost in %d cycles "
			"(%ld per cycle)", lost, CYCLES, lost / CYCLES);
}
