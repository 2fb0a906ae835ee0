/*
 * test_map.c -- pmem_map_file(), its U/W forms and pmem_unmap().
 *
 * First the table of bad inputs (map_bad_inputs.h, shared with the
 * Windows test): each row must fail with exactly the errno PMDK 1.12
 * gives (checked against Debian's libpmem), leave *mapped_lenp and
 * *is_pmemp alone, leak no descriptor and leave no file behind.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <wchar.h>

#include "libpmem.h"
#include "map.h"
#include "registry.h"
#include "util_fs.h"
#include "emulator.h"
#include "map_bad_inputs.h"

#define C PMEM_FILE_CREATE
#define X PMEM_FILE_EXCL
#define S PMEM_FILE_SPARSE
#define T PMEM_FILE_TMPFILE

/* This OS's rows of the table (map_bad_inputs.h), for both tests. */
static struct bad rows[64];

static size_t linux_rows(void)
{
	size_t n = bad_inputs_for(0, rows, sizeof(rows) / sizeof(rows[0]));
	if (n == sizeof(rows) / sizeof(rows[0]))
		abort();	/* rows[] too small: some would go untested */
	return n;
}

static char dir[256];
static char path[PATH_MAX * 2];

/* Makes the path a row names, with whatever must exist for it. */
static const char *make_path(enum bad_kind k)
{
	char p[512];
	switch (k) {
	case K_NULL:
		return NULL;
	case K_EMPTY:
		return "";
	case K_MISSING:
		snprintf(path, sizeof(path), "%s/missing", dir);
		break;
	case K_IN_MISSING_DIR:
		snprintf(path, sizeof(path), "%s/nodir/file", dir);
		break;
	case K_DIR:
		snprintf(path, sizeof(path), "%s", dir);
		break;
	case K_FILE:
	case K_RO_FILE:
	case K_UNDER_FILE:
		snprintf(p, sizeof(p), "%s/file", dir);
		cr_assert_eq(write_file(p, ""), 0);
		cr_assert_eq(truncate(p, 4096), 0);
		if (k == K_RO_FILE)
			cr_assert_eq(chmod(p, 0444), 0);
		snprintf(path, sizeof(path), "%s%s", p,
				k == K_UNDER_FILE ? "/sub" : "");
		break;
	case K_EMPTY_FILE:
		snprintf(path, sizeof(path), "%s/empty", dir);
		cr_assert_eq(write_file(path, ""), 0);
		break;
	case K_FIFO:
		snprintf(path, sizeof(path), "%s/fifo", dir);
		cr_assert_eq(mkfifo(path, 0644), 0);
		break;
	case K_SOCKET: {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		snprintf(path, sizeof(path), "%s/sock", dir);
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
		close(s);
		break;
	}
	case K_DEVNULL:
		return "/dev/null";
	case K_DANGLING:
		snprintf(path, sizeof(path), "%s/dangling", dir);
		snprintf(p, sizeof(p), "%s/target", dir);
		cr_assert_eq(symlink(p, path), 0);
		break;
	case K_TOO_LONG:
		memset(path, 'a', PATH_MAX + 10);
		path[0] = '/';
		path[PATH_MAX + 10] = '\0';
		break;
	case K_NAME_TOO_LONG: {
		int n = snprintf(path, sizeof(path), "%s/", dir);
		memset(path + n, 'n', NAME_MAX + 1);
		path[n + NAME_MAX + 1] = '\0';
		break;
	}
	case K_RODIR:
	case K_IN_RODIR:
		snprintf(path, sizeof(path), "%s/rodir", dir);
		cr_assert_eq(mkdir(path, 0555), 0);
		if (k == K_IN_RODIR)
			strcat(path, "/file");
		break;
	}
	return path;
}

static void setup(void)
{
	cr_assert_eq(tmpdir_make(dir, sizeof(dir), "test_map"), 0);
}

static void teardown(void)
{
	tmpdir_remove(dir);
}

typedef void *map_file_fn(const char *, size_t, int, mode_t, size_t *,
		int *);

/* What one call did. */
struct outcome {
	int mapped;		/* returned non-NULL */
	int err;
	size_t len;		/* *mapped_lenp afterwards (12345 before) */
	int is_pmem;		/* *is_pmemp afterwards (678 before) */
	int fds_before, fds_after;
	int has_msg;		/* pmem_errormsg() not empty */
};

static void attempt(map_file_fn *fn, const struct bad *b, const char *p,
		struct outcome *o)
{
	o->fds_before = fd_count();
	size_t mapped = 12345;
	int is_pmem = 678;
	errno = 0;
	void *a = fn(p, b->len, b->flags, 0644, &mapped, &is_pmem);
	o->err = errno;
	o->mapped = a != NULL;
	o->len = mapped;
	o->is_pmem = is_pmem;
	o->fds_after = fd_count();
	o->has_msg = pmem_errormsg()[0] != '\0';
}

/* Rows that need a user without root's bypass run in a child, so the
 * test itself stays root and can clean up. */
static void attempt_as(map_file_fn *fn, const struct bad *b, const char *p,
		struct outcome *o)
{
	if (!b->nobody) {
		attempt(fn, b, p, o);
		return;
	}
	int fd[2];
	cr_assert_eq(pipe(fd), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct outcome c;
		close(fd[0]);
		if (become_nobody() != 0)
			_exit(2);
		attempt(fn, b, p, &c);
		_exit(write(fd[1], &c, sizeof(c)) == sizeof(c) ? 0 : 3);
	}
	close(fd[1]);
	ssize_t n = read(fd[0], o, sizeof(*o));
	close(fd[0]);
	int st;
	waitpid(pid, &st, 0);
	cr_assert_eq(n, (ssize_t)sizeof(*o), "%s: child failed (status %d)",
			b->name, st);
}

ParameterizedTestParameters(map, bad_input)
{
	return cr_make_param_array(struct bad, rows, linux_rows());
}

ParameterizedTest(struct bad *b, map, bad_input, .init = setup,
		.fini = teardown)
{
	const char *p = make_path(b->kind);
	struct outcome o;
	attempt_as(pmem_map_file, b, p, &o);
	cr_assert_eq(o.mapped, 0, "%s: mapped", b->name);
	cr_expect_eq(o.err, b->err, "%s: errno %d (%s), expected %d (%s)",
			b->name, o.err, strerror(o.err), b->err,
			strerror(b->err));
	cr_expect_eq(o.len, 12345, "%s: *mapped_lenp touched", b->name);
	cr_expect_eq(o.is_pmem, 678, "%s: *is_pmemp touched", b->name);
	cr_expect_eq(o.fds_after, o.fds_before, "%s: descriptor leaked",
			b->name);
	cr_expect(o.has_msg, "%s: no message", b->name);
	if (b->kind == K_MISSING || b->kind == K_IN_RODIR) {
		struct stat st;
		cr_expect_neq(stat(p, &st), 0, "%s: file left behind",
				b->name);
	}
	if (b->kind == K_DANGLING) {
		char t[512];
		snprintf(t, sizeof(t), "%s/target", dir);
		cr_expect_neq(access(t, F_OK), 0, "%s: target created",
				b->name);
	}
	if (b->kind == K_FILE || b->kind == K_RO_FILE) {
		struct stat st;
		cr_assert_eq(stat(p, &st), 0);
		cr_expect_eq(st.st_size, 4096, "%s: file resized", b->name);
		cr_expect_eq(st.st_blocks, 0, "%s: blocks left allocated",
				b->name);
	}
}

/*
 * The same rows on Debian's PMDK 1.12 libpmem, loaded with dlopen (our
 * own copy is linked in statically and not exported, so the names do not
 * clash): the errno must be the one in the table there too.  Only the
 * errno and the untouched out-parameters are compared; PMDK leaves behind
 * a file it created without PMEM_FILE_EXCL, which we do not (see the man
 * page).
 */
#define PMDK_LIB_DEFAULT "/usr/lib/x86_64-linux-gnu/libpmem.so.1"

/* A cross build's `ninja test` names PMDK's library for the target
 * (libpmem1:arm64, unpacked by tools/install-deps-cross.sh). */
static const char *pmdk_lib(void)
{
	const char *e = getenv("PMDK_LIBPMEM");
	return e && *e ? e : PMDK_LIB_DEFAULT;
}

ParameterizedTestParameters(map, bad_input_pmdk)
{
	return cr_make_param_array(struct bad, rows, linux_rows());
}

ParameterizedTest(struct bad *b, map, bad_input_pmdk, .init = setup,
		.fini = teardown)
{
	void *h = dlopen(pmdk_lib(), RTLD_NOW | RTLD_LOCAL);
	if (!h)
		cr_skip_test("SKIP PMDK comparison: %s not installed",
				pmdk_lib());
	map_file_fn *pmdk_map = (map_file_fn *)dlsym(h, "pmem_map_file");
	cr_assert_not_null(pmdk_map);
	const char *p = make_path(b->kind);
	struct outcome o;
	attempt_as(pmdk_map, b, p, &o);
	cr_assert_eq(o.mapped, 0, "%s: PMDK mapped it", b->name);
	cr_expect_eq(o.err, b->err, "%s: PMDK's errno %d (%s), table says "
			"%d (%s)", b->name, o.err, strerror(o.err), b->err,
			strerror(b->err));
	cr_expect_eq(o.len, 12345);
	cr_expect_eq(o.is_pmem, 678);
}

/* ---- successful mappings ---- */

/* dir/name, in a buffer the next call reuses. */
static const char *in_dir(const char *name)
{
	static char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static void *map_ok(const char *p, size_t len, int flags, mode_t mode,
		size_t *mapped, int *is_pmem)
{
	void *a = pmem_map_file(p, len, flags, mode, mapped, is_pmem);
	cr_assert_not_null(a, "pmem_map_file(%s, %zu, 0x%x): %s", p, len,
			flags, pmem_errormsg());
	return a;
}

Test(map, create_new_allocates_and_uses_mode, .init = setup,
		.fini = teardown)
{
	const char *p = in_dir("new");
	umask(0);
	size_t mapped = 0;
	int is_pmem = -1;
	int fds = fd_count();
	char *a = map_ok(p, 1 << 20, C, 0640, &mapped, &is_pmem);
	cr_expect_eq(fd_count(), fds, "descriptor leaked");
	cr_expect_eq(mapped, (size_t)1 << 20);
	cr_expect_eq(is_pmem, tmpfs_pmem_answer("map::create_new_allocates"),
			"tmpfs is not pmem");
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	cr_expect_eq(st.st_size, 1 << 20);
	cr_expect_eq(st.st_mode & 0777, 0640);
	cr_expect_geq((size_t)st.st_blocks * 512, (size_t)1 << 20,
			"space not allocated: %ld blocks", (long)st.st_blocks);
	/* The mapping is the file. */
	strcpy(a + 4096, "hello");
	cr_assert_eq(pmem_msync(a + 4096, 6), 0);
	char buf[8] = "";
	int fd = open(p, O_RDONLY);
	cr_assert_eq(pread(fd, buf, 6, 4096), 6);
	close(fd);
	cr_expect_str_eq(buf, "hello");
	cr_expect_eq(pmem_unmap(a, mapped), 0);
}

Test(map, sparse_allocates_nothing, .init = setup, .fini = teardown)
{
	const char *p = in_dir("sparse");
	size_t mapped;
	void *a = map_ok(p, 8 << 20, C | S, 0600, &mapped, NULL);
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	cr_expect_eq(st.st_size, 8 << 20);
	cr_expect_eq(st.st_blocks, 0, "SPARSE file has %ld blocks",
			(long)st.st_blocks);
	pmem_unmap(a, mapped);
}

Test(map, create_resizes_existing_file, .init = setup, .fini = teardown)
{
	const char *p = in_dir("f");
	cr_assert_eq(write_file(p, "0123456789"), 0);
	size_t mapped;
	char *a = map_ok(p, 8192, C, 0600, &mapped, NULL);
	cr_expect_eq(mapped, 8192);
	cr_expect_eq(memcmp(a, "0123456789", 10), 0, "contents kept");
	pmem_unmap(a, mapped);
	struct stat st;
	stat(p, &st);
	cr_expect_eq(st.st_size, 8192, "grown");
	a = map_ok(p, 100, C | S, 0600, &mapped, NULL);
	cr_expect_eq(mapped, 100);
	pmem_unmap(a, mapped);
	stat(p, &st);
	cr_expect_eq(st.st_size, 100, "shrunk");
	/* Without CREATE: the whole file, whatever its size. */
	a = map_ok(p, 0, 0, 0, &mapped, NULL);
	cr_expect_eq(mapped, 100);
	pmem_unmap(a, mapped);
}

Test(map, excl_and_sparse_alone_are_ignored, .init = setup,
		.fini = teardown)
{
	const char *p = in_dir("f");
	cr_assert_eq(write_file(p, "x"), 0);
	cr_assert_eq(truncate(p, 12288), 0);
	size_t mapped;
	void *a = map_ok(p, 0, X, 0, &mapped, NULL);
	cr_expect_eq(mapped, 12288);
	pmem_unmap(a, mapped);
	a = map_ok(p, 0, S, 0, &mapped, NULL);
	cr_expect_eq(mapped, 12288);
	pmem_unmap(a, mapped);
}

static int entries(const char *d)
{
	DIR *dd = opendir(d);
	int n = 0;
	while (readdir(dd))
		n++;
	closedir(dd);
	return n;
}

Test(map, tmpfile_leaves_no_name, .init = setup, .fini = teardown)
{
	int before = entries(dir);
	size_t mapped;
	char *a = map_ok(dir, 65536, C | T, 0777, &mapped, NULL);
	cr_expect_eq(mapped, 65536);
	a[65535] = 1;
	cr_expect_eq(entries(dir), before, "TMPFILE left a name");
	pmem_unmap(a, mapped);
	a = map_ok(dir, 4096, C | T | X, 0, &mapped, NULL);
	cr_expect_eq(entries(dir), before);
	pmem_unmap(a, mapped);
}

Test(map, null_out_params_allowed, .init = setup, .fini = teardown)
{
	const char *p = in_dir("f");
	void *a = map_ok(p, 4096, C, 0600, NULL, NULL);
	cr_expect_eq(pmem_unmap(a, 4096), 0);
}

Test(map, address_aligned_for_huge_pages, .init = setup, .fini = teardown)
{
	cr_expect_eq(pmem_map_alignment(4096), 2u << 20);
	cr_expect_eq(pmem_map_alignment((1u << 30) - 1), 2u << 20);
	cr_expect_eq(pmem_map_alignment(1u << 30), 1u << 30);
	const char *p = in_dir("f");
	size_t lens[] = { 4096, 3 << 20, (size_t)1 << 30, (size_t)3 << 30 };
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t mapped;
		void *a = map_ok(p, lens[i], C | S, 0600, &mapped, NULL);
		size_t al = pmem_map_alignment(lens[i]);
		cr_expect_eq((uintptr_t)a % al, 0, "len %zu at %p", lens[i],
				a);
		pmem_unmap(a, mapped);
	}
}

/* The reservation around an aligned mapping is given back. */
Test(map, no_reservation_left_behind, .init = setup, .fini = teardown)
{
	const char *p = in_dir("f");
	size_t mapped;
	char *a = map_ok(p, 4096, C, 0600, &mapped, NULL);
	/* The page right after the mapping was part of the reservation
	 * (which is larger by the alignment) and must be free again: mincore
	 * fails with ENOMEM on unmapped memory.  (The page before may
	 * belong to someone else when the reservation was aligned already.)
	 */
	unsigned char vec;
	errno = 0;
	cr_expect_eq(mincore(a + 4096, 4096, &vec), -1);
	cr_expect_eq(errno, ENOMEM);
	pmem_unmap(a, mapped);
}

/* PMEM_MMAP_HINT set (before the library's first mapping reads it), then
 * dir/f created and mapped. */
static void *map_hinted(const char *hint, size_t len, size_t *mapped)
{
	setenv("PMEM_MMAP_HINT", hint, 1);
	return map_ok(in_dir("f"), len, C, 0600, mapped, NULL);
}

Test(map, mmap_hint, .init = setup, .fini = teardown)
{
	/* Free in a plain run and under ASan, whose shadow ends at
	 * 0x10007fff8000 and whose heap starts at 0x600000000000. */
	size_t mapped;
	void *a = map_hinted("0x700000000000", 4096, &mapped);
	const char *p = in_dir("f");
	cr_expect_eq((uintptr_t)a, (uintptr_t)0x700000000000);
	/* The next one goes at the first free aligned place above it. */
	void *b = map_ok(p, 0, 0, 0, &mapped, NULL);
	cr_expect_gt((uintptr_t)b, (uintptr_t)a);
	cr_expect_eq((uintptr_t)b % (2 << 20), 0);
	pmem_unmap(a, 4096);
	pmem_unmap(b, 4096);
	/* Read once: changing it now has no effect. */
	setenv("PMEM_MMAP_HINT", "0x710000000000", 1);
	a = map_ok(p, 0, 0, 0, &mapped, NULL);
	cr_expect_eq((uintptr_t)a, (uintptr_t)0x700000000000);
	pmem_unmap(a, 4096);
}

Test(map, mmap_hint_invalid_ignored, .init = setup, .fini = teardown)
{
	size_t mapped;
	void *a = map_hinted("not-a-number", 4096, &mapped);
	cr_expect_eq((uintptr_t)a % (2 << 20), 0, "aligned as without hint");
	pmem_unmap(a, mapped);
}

/* A hint no mapping can honour (above the user address space): PMDK 1.12
 * maps elsewhere, aligned, rather than fail. */
Test(map, mmap_hint_unusable_falls_back, .init = setup, .fini = teardown)
{
	size_t mapped;
	void *a = map_hinted("ffff800000000000", 4 << 20, &mapped);
	cr_expect_eq((uintptr_t)a % (2 << 20), 0, "aligned as without hint");
	pmem_unmap(a, mapped);
}

/* Hint 0 means the lowest free aligned place, as in PMDK 1.12, not the
 * kernel's randomised choice. */
Test(map, mmap_hint_zero_is_lowest, .init = setup, .fini = teardown)
{
	size_t mapped;
	void *a = map_hinted("0", 4096, &mapped);
	cr_expect_eq((uintptr_t)a % (2 << 20), 0);
	cr_expect_lt((uintptr_t)a, (uintptr_t)1 << 44, "%p", a);
	pmem_unmap(a, mapped);
}

Test(map, file_created_by_failed_call_is_removed, .init = setup,
		.fini = teardown)
{
	const char *p = in_dir("big");
	/* Fails in posix_fallocate (no 1 TiB in /dev/shm). */
	cr_assert_null(pmem_map_file(p, (size_t)1 << 40, C, 0600, NULL,
			NULL));
	cr_expect_eq(errno, ENOSPC);
	cr_expect_neq(access(p, F_OK), 0, "file left behind");
	/* A file that existed before is not removed. */
	cr_assert_eq(write_file(p, "keep"), 0);
	cr_assert_null(pmem_map_file(p, (size_t)1 << 40, C, 0600, NULL,
			NULL));
	cr_expect_eq(access(p, F_OK), 0, "existing file removed");
}

/* A dangling symbolic link with CREATE: the target is created and
 * mapped; a later failure removes the target, not the link. */
Test(map, create_through_dangling_symlink, .init = setup, .fini = teardown)
{
	char link[512], target[512];
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(target, sizeof(target), "%s/sub", dir);
	cr_assert_eq(mkdir(target, 0755), 0);
	snprintf(target, sizeof(target), "%s/sub/target", dir);
	/* relative, through a second link */
	char link2[512];
	snprintf(link2, sizeof(link2), "%s/sub/link2", dir);
	cr_assert_eq(symlink("target", link2), 0);
	cr_assert_eq(symlink("sub/link2", link), 0);
	cr_assert_null(pmem_map_file(link, (size_t)1 << 40, C, 0600, NULL,
			NULL));
	cr_expect_eq(errno, ENOSPC);
	cr_expect_neq(access(target, F_OK), 0, "target left behind");
	struct stat st;
	cr_expect_eq(lstat(link, &st), 0, "the link itself removed");
	cr_expect_eq(lstat(link2, &st), 0, "the second link removed");
	size_t mapped;
	void *a = map_ok(link, 8192, C, 0600, &mapped, NULL);
	cr_expect_eq(stat(target, &st), 0, "target not created");
	cr_expect_eq(st.st_size, 8192);
	pmem_unmap(a, mapped);
	/* A link loop is refused, as open(2) refuses it. */
	char loop[512];
	snprintf(loop, sizeof(loop), "%s/loop", dir);
	cr_assert_eq(symlink("loop", loop), 0);
	cr_expect_null(pmem_map_file(loop, 4096, C, 0600, NULL, NULL));
	cr_expect_eq(errno, ELOOP);
}

static unsigned long vm_size(void)
{
	char buf[4096];
	cr_assert_eq(read_file("/proc/self/status", buf, sizeof(buf)), 0);
	const char *v = strstr(buf, "VmSize:");
	cr_assert_not_null(v);
	return strtoul(v + 7, NULL, 10) * 1024;
}

/* Out of address space (ulimit -v): the failed CREATE leaves the file it
 * found as it was, size and bytes (issue #10 item 15). */
Test(map, failed_create_under_rlimit_as_changes_nothing, .init = setup,
		.fini = teardown)
{
	const char *p = in_dir("f");
	static char before[100 * 1024], after[sizeof(before)];
	for (size_t i = 0; i < sizeof(before); i++)
		before[i] = (char)('a' + i % 26);
	int fd = open(p, O_RDWR | O_CREAT, 0600);
	cr_assert_eq(write(fd, before, sizeof(before)), sizeof(before));
	close(fd);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		/* 1 MiB more than now: less than the mapping's 2 MiB
		 * alignment slack, so the reservation fails. */
		struct rlimit rl;
		getrlimit(RLIMIT_AS, &rl);
		rl.rlim_cur = vm_size() + (1 << 20);
		if (setrlimit(RLIMIT_AS, &rl) != 0)
			_exit(10);
		/* qemu-user does not pass RLIMIT_AS on (it would limit
		 * qemu itself): then there is nothing to test. */
		void *big = mmap(NULL, 8 << 20, PROT_NONE, MAP_PRIVATE |
				MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (big != MAP_FAILED)
			_exit(13);
		errno = 0;
		void *a = pmem_map_file(p, 4096, C, 0600, NULL, NULL);
		_exit(a ? 11 : errno == ENOMEM ? 0 : 12);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "child died: status 0x%x", st);
	if (WEXITSTATUS(st) == 13) {
		fprintf(stderr, "SKIP map::failed_create_under_rlimit_as: "
				"RLIMIT_AS not enforced (qemu-user)\n");
		cr_skip_test("RLIMIT_AS not enforced");
	}
	cr_expect_eq(WEXITSTATUS(st), 0, "child: 10 setrlimit, 11 mapped, "
			"12 not ENOMEM, 13 no RLIMIT_AS: %d", WEXITSTATUS(st));
	struct stat sb;
	cr_assert_eq(stat(p, &sb), 0);
	cr_expect_eq(sb.st_size, (off_t)sizeof(before), "resized to %lld",
			(long long)sb.st_size);
	fd = open(p, O_RDONLY);
	cr_assert_eq(read(fd, after, sizeof(after)), sizeof(after));
	close(fd);
	cr_expect_eq(memcmp(before, after, sizeof(before)), 0,
			"contents changed");
}

/* A character device that is not Device DAX is refused before it is
 * opened for writing: as a user who may only read it, the answer is
 * EINVAL, not open's EACCES (issue #10 item 17). */
Test(map, non_dax_chardev_not_opened, .init = setup, .fini = teardown)
{
	const char *p = in_dir("null");
	if (mknod(p, S_IFCHR | 0444, makedev(1, 3)) != 0)
		cr_skip_test("SKIP non_dax_chardev_not_opened: mknod: %s",
				strerror(errno));
	int flags[] = { 0, C, C | S };
	size_t lens[] = { 0, 4096, 4096 };
	for (int i = 0; i < 3; i++) {
		pid_t pid = fork();
		cr_assert_geq(pid, 0);
		if (pid == 0) {
			if (become_nobody() != 0)
				_exit(10);
			errno = 0;
			void *a = pmem_map_file(p, lens[i], flags[i], 0600,
					NULL, NULL);
			_exit(a ? 11 : errno);
		}
		int st;
		cr_assert_eq(waitpid(pid, &st, 0), pid);
		cr_assert(WIFEXITED(st));
		cr_expect_eq(WEXITSTATUS(st), EINVAL, "flags 0x%x: %d (%s)",
				flags[i], WEXITSTATUS(st),
				strerror(WEXITSTATUS(st)));
	}
	/* /dev/zero and /dev/null as root: EINVAL too. */
	cr_expect_null(pmem_map_file("/dev/zero", 0, 0, 0, NULL, NULL));
	cr_expect_eq(errno, EINVAL);
	cr_expect_null(pmem_map_file("/dev/null", 4096, C, 0, NULL, NULL));
	cr_expect_eq(errno, EINVAL);
}

Test(map, regular_file_not_registered, .init = setup, .fini = teardown)
{
	const char *p = in_dir("f");
	size_t n = pmem_registry_count();
	size_t mapped;
	void *a = map_ok(p, 4096, C, 0600, &mapped, NULL);
	int faked = tmpfs_pmem_answer("map::regular_file_not_registered");
	cr_expect_eq(pmem_registry_count(), n + (size_t)faked,
			"tmpfs mapping registered");
	cr_expect_eq(pmem_is_pmem(a, mapped), faked);
	pmem_unmap(a, mapped);
}

/* ---- U and W names ---- */

Test(map, utf8_name, .init = setup, .fini = teardown)
{
	const char *p = in_dir("caf\xc3\xa9-\xe2\x82\xac");
	size_t mapped;
	void *a = pmem_map_fileU(p, 4096, C, 0600, &mapped, NULL);
	cr_assert_not_null(a);
	cr_expect_eq(access(p, F_OK), 0);
	pmem_unmap(a, mapped);
}

Test(map, wide_name, .init = setup, .fini = teardown)
{
	wchar_t w[512];
	swprintf(w, 512, L"%s/caf\u00e9-\u20ac-\U0001F600", dir);
	size_t mapped = 0;
	int is_pmem = -1;
	void *a = pmem_map_fileW(w, 4096, C, 0600, &mapped, &is_pmem);
	cr_assert_not_null(a, "%s", pmem_errormsg());
	cr_expect_eq(mapped, 4096);
	cr_expect_eq(is_pmem, tmpfs_pmem_answer("map::wide_name"));
	char p[512];
	snprintf(p, sizeof(p), "%s/caf\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80",
			dir);
	cr_expect_eq(access(p, F_OK), 0, "not the UTF-8 name");
	pmem_unmap(a, mapped);
	/* The same errors as the U form. */
	swprintf(w, 512, L"%s/missing", dir);
	cr_expect_null(pmem_map_fileW(w, 0, 0, 0, NULL, NULL));
	cr_expect_eq(errno, ENOENT);
}

Test(map, wide_bad_inputs)
{
	size_t mapped = 1;
	int is_pmem = 2;
	errno = 0;
	cr_expect_null(pmem_map_fileW(NULL, 0, 0, 0, &mapped, &is_pmem));
	cr_expect_eq(errno, EINVAL);
	wchar_t bad[] = { L'/', L't', (wchar_t)0xD800, L'\0' };
	errno = 0;
	cr_expect_null(pmem_map_fileW(bad, 4096, C, 0600, &mapped, &is_pmem));
	cr_expect_eq(errno, EINVAL, "lone surrogate");
	wchar_t big[] = { L'/', (wchar_t)0x110000, L'\0' };
	errno = 0;
	cr_expect_null(pmem_map_fileW(big, 4096, C, 0600, &mapped, &is_pmem));
	cr_expect_eq(errno, EINVAL, "beyond U+10FFFF");
	cr_expect_eq(mapped, 1);
	cr_expect_eq(is_pmem, 2);
}

/* ---- pmem_unmap ---- */

Test(unmap, errors)
{
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(m, MAP_FAILED);
	errno = 0;
	cr_expect_eq(pmem_unmap(m + 1, 4096), -1);
	cr_expect_eq(errno, EINVAL, "unaligned address");
	cr_expect_neq(strstr(pmem_errormsg(), "aligned"), NULL);
	errno = 0;
	cr_expect_eq(pmem_unmap(m, 0), -1);
	cr_expect_eq(errno, EINVAL, "length 0");
	errno = 0;
	cr_expect_eq(pmem_unmap((void *)(UINTPTR_MAX & ~(uintptr_t)4095),
			8192), -1);
	cr_expect_eq(errno, EINVAL, "range beyond the address space");
	cr_expect_eq(pmem_unmap(m, 8192), 0);
}

Test(unmap, part_of_a_mapping, .init = setup, .fini = teardown)
{
	const char *p = in_dir("f");
	size_t mapped;
	char *a = map_ok(p, 4 * 4096, C, 0600, &mapped, NULL);
	cr_expect_eq(pmem_unmap(a + 4096, 4096), 0);
	unsigned char vec[2];
	cr_expect_eq(mincore(a + 4096, 4096, vec), -1, "still mapped");
	cr_expect_eq(mincore(a, 4096, vec), 0, "head lost");
	cr_expect_eq(mincore(a + 8192, 8192, vec), 0, "tail lost");
	cr_expect_eq(pmem_unmap(a, 4 * 4096), 0, "hole in the middle is ok");
}
