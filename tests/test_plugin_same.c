/*
 * test_plugin_same.c -- one source, two builds: each backend loaded as a
 * plugin (PMEM_BACKEND=build/backends/<name>.so) behaves exactly as the
 * linked-in one (PMEM_BACKEND=<name>).
 *
 * Both run as children of this program (the selection happens at start-
 * up, so the environment must be set before exec).  Each child runs the
 * same deterministic sequence of public copy, fill and persist calls over
 * sizes and alignments, and prints which backend code was chosen (dladdr of
 * its functions: the plugin file, or this executable; the descriptor
 * itself is the library's copy) and a hash of the buffer.
 * The hashes must agree with each other and with plain memmove/memset.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <dlfcn.h>
#include <stdint.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "select.h"
#include "test_plugin_util.h"

#define CHILD_VAR "PMEM_TEST_SEQUENCE_CHILD"
#define BUF_SIZE (4u << 20)
#define SRC_SIZE (2u << 20)

typedef void *copy_fn(void *dst, const void *src, size_t len, unsigned flags);
typedef void *set_fn(void *dst, int c, size_t len, unsigned flags);

/* The reference: what every backend must produce. */
static void *ref_copy(void *d, const void *s, size_t n, unsigned flags)
{
	(void)flags;
	return memmove(d, s, n);
}

static void *ref_set(void *d, int c, size_t n, unsigned flags)
{
	(void)flags;
	return memset(d, c, n);
}

/* The public API, each call form picked by `form`. */
static void *lib_copy(void *d, const void *s, size_t n, unsigned form)
{
	static const unsigned flags[] = { 0, PMEM_F_MEM_NONTEMPORAL,
		PMEM_F_MEM_TEMPORAL, PMEM_F_MEM_WC, PMEM_F_MEM_WB,
		PMEM_F_MEM_NODRAIN, PMEM_F_MEM_NOFLUSH };
	void *r;
	switch (form % 10) {
	case 0: r = pmem_memcpy_persist(d, s, n); break;
	case 1: r = pmem_memmove_persist(d, s, n); break;
	case 2: r = pmem_memcpy_nodrain(d, s, n); pmem_drain(); break;
	case 3: r = pmem_memmove_nodrain(d, s, n); pmem_drain(); break;
	default: r = pmem_memmove(d, s, n, flags[form % 10 - 3]);
		 pmem_drain();
	}
	if (r != d)
		abort();
	return r;
}

static void *lib_set(void *d, int c, size_t n, unsigned form)
{
	void *r;
	switch (form % 4) {
	case 0: r = pmem_memset_persist(d, c, n); break;
	case 1: r = pmem_memset_nodrain(d, c, n); pmem_drain(); break;
	case 2: r = pmem_memset(d, c, n, PMEM_F_MEM_NONTEMPORAL); break;
	default: r = pmem_memset(d, c, n, PMEM_F_MEM_TEMPORAL |
			PMEM_F_MEM_NODRAIN); pmem_flush(d, n); pmem_drain();
	}
	if (r != d)
		abort();
	return r;
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* The same calls in the same order on the same buffer, whatever copy and
 * set do: sizes 0..a few KiB and large, every misalignment class,
 * overlapping moves in both directions, every call form. */
static uint64_t sequence(unsigned char *buf, unsigned char *src, copy_fn *copy,
		set_fn *set, int use_persist)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 33,
		63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 1000, 1024,
		4095, 4096, 4097, 8191, 65536 + 17, 262144 + 5, 1 << 20,
		(1 << 20) + 3 };
	static const size_t doff[] = { 0, 1, 7, 31, 63 };
	static const size_t soff[] = { 0, 3, 32, 61 };
	uint32_t x = 12345;
	for (size_t i = 0; i < SRC_SIZE; i++) {
		x = x * 1103515245u + 12345u;
		src[i] = (unsigned char)(x >> 16);
	}
	memset(buf, 0x5a, BUF_SIZE);
	size_t pos = 0;
	unsigned form = 0;
	for (size_t si = 0; si < sizeof(sizes) / sizeof(*sizes); si++) {
		size_t n = sizes[si];
		for (size_t k = 0; k < sizeof(doff) / sizeof(*doff); k++) {
			size_t d = doff[k], s = soff[(k + si) % 4];
			/* keep [pos, pos + 2n + 128) inside the buffer */
			if (pos + 2 * n + 256 > BUF_SIZE)
				pos = (pos * 7 + 4096) % (BUF_SIZE / 4);
			unsigned char *dst = buf + pos + d;
			copy(dst, src + s, n, form++);
			/* overlapping, forward then backward */
			copy(dst + n / 3 + 1, dst, n / 2, form++);
			copy(dst, dst + n / 4 + 1, n / 2, form++);
			set(dst + n / 2, (int)(n + k) & 0xff, n / 2 + 1,
					form++);
			if (use_persist) {
				dst[0] ^= 0xff;
				pmem_persist(dst, 1);
				pmem_flush(dst, n);
				pmem_drain();
			} else {
				dst[0] ^= 0xff;
			}
			pos += n + 4096 + 64 * k + 5;
		}
	}
	return fnv1a(buf, BUF_SIZE);
}

static unsigned char *shared_buf(size_t size)
{
	/* A shared file mapping, so msync-fallback has pages to sync. */
	int fd = memfd_create("pmem-seq", 0);
	if (fd < 0 || ftruncate(fd, (off_t)size) != 0)
		abort();
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		abort();
	return p;
}

static const char *object_of(const void *addr)
{
	Dl_info di;
	if (dladdr(addr, &di) == 0 || di.dli_fname == NULL)
		return "?";
	static char real[2][PATH_MAX];
	static int k;
	char *out = real[k++ & 1];
	if (realpath(di.dli_fname, out) == NULL)
		snprintf(out, PATH_MAX, "%s", di.dli_fname);
	return out;
}

/* Child mode: runs before Criterion's main, prints one line, exits. */
__attribute__((constructor)) static void child(void)
{
	if (getenv(CHILD_VAR) == NULL)
		return;
	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	unsigned char *buf = shared_buf(BUF_SIZE);
	unsigned char *src = shared_buf(SRC_SIZE);
	uint64_t h = sequence(buf, src, lib_copy, lib_set, 1);
	printf("flush=%s flushobj=%s copy=%s copyobj=%s hash=%016llx "
			"refusal=%s\n", c->flush->name,
			object_of((const void *)c->flush->flush),
			c->copy->name, object_of((const void *)c->copy->memmove_nt),
			(unsigned long long)h, c->refusal ? "yes" : "no");
	fflush(stdout);
	_exit(0);
}

static char *field(const char *out, const char *key, char *v, size_t size)
{
	char k[32];
	snprintf(k, sizeof(k), "%s=", key);
	const char *p = strstr(out, k);
	cr_assert_not_null(p, "no %s in '%s'", key, out);
	p += strlen(k);
	size_t n = strcspn(p, " \n");
	snprintf(v, size, "%.*s", (int)n, p);
	return v;
}

static struct run_out r;

static void run_child(const char *backend, char *out, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	cr_assert_gt(n, 0);
	exe[n] = '\0';
	char var[PATH_MAX + 32];
	snprintf(var, sizeof(var), "PMEM_BACKEND=%s", backend);
	char *argv[] = { exe, NULL };
	const char *env[] = { CHILD_VAR "=1", var, NULL };
	cr_assert_eq(run_env(argv, env, &r), 0);
	cr_assert_eq(r.status, 0, "child for %s: exit %d\n%s", backend,
			r.status, r.err);
	snprintf(out, size, "%s", r.out);
}

static void same_as_static(const char *name)
{
	char path[PATH_MAX + 64], real[PATH_MAX], exe[PATH_MAX];
	snprintf(path, sizeof(path), "%s/../backends/%s.so", test_dir(), name);
	cr_assert_not_null(realpath(path, real), "%s not built", path);
	cr_assert_not_null(realpath("/proc/self/exe", exe));

	const struct pmem_backend *b = NULL;
	cr_assert_eq(pmem_backend_load(real, &b), 0, "%s", pmem_errormsg());
	cr_assert_str_eq(b->name, name);
	if (!pmem_backend_runs(b, pmem_backend_get_cpu())) {
		char need[128];
		const char *f = pmem_select_needs(b, need, sizeof(need));
		SKIP_VISIBLY("%s: CPU lacks %s", name,
				f ? f : "what its probe needs");
	}
	const char *kind = b->kind == PMEM_BACKEND_FLUSH ? "flush" : "copy";
	char kobj[16];
	snprintf(kobj, sizeof(kobj), "%sobj", kind);

	/* Reference hash: plain memmove/memset, no persistence. */
	unsigned char *buf = shared_buf(BUF_SIZE);
	unsigned char *src = shared_buf(SRC_SIZE);
	uint64_t want = sequence(buf, src, ref_copy, ref_set, 0);
	munmap(buf, BUF_SIZE);
	munmap(src, SRC_SIZE);
	char want_hex[32], v[PATH_MAX];
	snprintf(want_hex, sizeof(want_hex), "%016llx",
			(unsigned long long)want);

	static char plug[sizeof(r.out)], stat[sizeof(r.out)];
	run_child(real, plug, sizeof(plug));
	cr_assert_str_eq(field(plug, kind, v, sizeof(v)), name, "%s", plug);
	cr_assert_str_eq(field(plug, kobj, v, sizeof(v)), real,
			"the plugin was not the one chosen: %s", plug);
	cr_assert_str_eq(field(plug, "refusal", v, sizeof(v)), "no");
	cr_assert_str_eq(field(plug, "hash", v, sizeof(v)), want_hex,
			"plugin %s differs from memmove/memset", name);

	int linked = 0;
	for (unsigned i = 0; pmem_backend_get_static(i); i++)
		linked |= strcmp(pmem_backend_get_static(i)->name, name) == 0;
	if (!linked)
		return;	/* --backends left it out: the reference suffices */
	run_child(name, stat, sizeof(stat));
	cr_assert_str_eq(field(stat, kind, v, sizeof(v)), name, "%s", stat);
	cr_assert_str_eq(field(stat, kobj, v, sizeof(v)), exe,
			"the linked-in one was not chosen: %s", stat);
	cr_assert_str_eq(field(stat, "hash", v, sizeof(v)), want_hex,
			"linked-in %s differs from memmove/memset", name);
	/* The other kind was chosen automatically, the same in both. */
	const char *other = b->kind == PMEM_BACKEND_FLUSH ? "copy" : "flush";
	char v2[PATH_MAX];
	cr_assert_str_eq(field(plug, other, v, sizeof(v)),
			field(stat, other, v2, sizeof(v2)));
}

/* ---- one test per plugin built, from the directory and the table ---- */

#define MAX_PLUGINS 32
static char plugin_names[MAX_PLUGINS][64];
static unsigned nplugins;

/* The plugins built next to this program (build/backends/<name>.so). */
static unsigned list_plugins(void)
{
	char dir[PATH_MAX + 32];
	snprintf(dir, sizeof(dir), "%s/../backends", test_dir());
	DIR *d = opendir(dir);
	nplugins = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d)) && nplugins < MAX_PLUGINS;) {
		size_t len = strlen(e->d_name);
		if (len < 4 || len - 3 >= sizeof(plugin_names[0]) ||
				strcmp(e->d_name + len - 3, ".so") != 0)
			continue;
		snprintf(plugin_names[nplugins++], sizeof(plugin_names[0]),
				"%.*s", (int)(len - 3), e->d_name);
	}
	closedir(d);
	return nplugins;
}

ParameterizedTestParameters(plugin_same_as_static, each_plugin)
{
	static unsigned idx[MAX_PLUGINS];
	unsigned n = list_plugins();
	for (unsigned i = 0; i < n; i++)
		idx[i] = i;
	return cr_make_param_array(unsigned, idx, n);
}

ParameterizedTest(unsigned *i, plugin_same_as_static, each_plugin)
{
	list_plugins();
	cr_assert_lt(*i, nplugins);
	same_as_static(plugin_names[*i]);
}

/* Every linked-in backend is built as a plugin too, so each_plugin runs
 * over all of them (x86-64 and AArch64 alike). */
Test(plugin_same_as_static, every_linked_in_backend_has_a_plugin)
{
	list_plugins();
	const struct pmem_backend *b;
	unsigned k;
	for (k = 0; (b = pmem_backend_get_static(k)); k++) {
		int found = 0;
		for (unsigned i = 0; i < nplugins; i++)
			found |= strcmp(plugin_names[i], b->name) == 0;
		cr_assert(found, "%s is linked in but not built as a plugin",
				b->name);
	}
	cr_assert_geq(k, 3, "fewer linked-in backends than expected");
}
