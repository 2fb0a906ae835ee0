/*
 * test_profile.c -- the machine profile (core/profile.c) under every bad
 * input: the file (owner, mode, size, kind, links, text), the CPU it was
 * made on, what it asks for (nop without eADR, plugins, unknown or
 * unrunnable backends), PMEM_PROFILE=0, the variables that win over it,
 * a privileged process; and the good cases.  The selection runs on fake
 * CPUs and backends, as in test_select.c; the file is either given
 * through the read seam or a real one read by pmem_os_read_conf.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu.h"
#include "libpmem_backend.h"
#include "os.h"
#include "profile.h"
#include "select.h"
#include "select_fake_x86.h"

/* ---- fake CPUs (the backends: select_fake_x86.h) ---------------------- */

#define B(name) (find_fake(name))
static const struct pmem_backend *find_fake(const char *name)
{
	for (size_t i = 0; i < sizeof(fake) / sizeof(*fake); i++)
		if (strcmp(fake[i].name, name) == 0)
			return &fake[i];
	return NULL;
}

static const struct pmem_cpu zen4 = {
	BASE | AVX2 | AVX512 | FLUSHES, "AuthenticAMD", 0x19, 0x11 };
static const struct pmem_cpu zen3 = {
	BASE | AVX2 | FLUSHES, "AuthenticAMD", 0x19, 0x01 };
#define STEPPING 1

/* ---- fake environment and file --------------------------------------- */

static char file[PMEM_PROFILE_MAX * 2];
static size_t file_len;
static struct pmem_os_conf_file file_facts;
static int reads;

static int fake_read(const char *path, char *buf, size_t size,
		struct pmem_os_conf_file *f)
{
	(void)path;
	reads++;
	if (file_len >= size) {
		errno = EFBIG;
		return -1;
	}
	memcpy(buf, file, file_len);
	buf[file_len] = '\0';
	*f = file_facts;
	f->len = file_len;
	return 0;
}

/* The good profile for zen4: clflushopt,nt-avx threshold 512 short NT,
 * each line changed by an edit: "key=value" replaces key's line, "key"
 * drops it, "+text" adds a line. */
static void make(const struct pmem_cpu *cpu, const char *const *edits)
{
	char feats[256];
	pmem_cpu_features_str(cpu->features, feats, sizeof(feats));
	char lines[16][300];
	int n = 0;
	snprintf(lines[n++], 300, "format=1");
	snprintf(lines[n++], 300, "cpu-vendor=%s", cpu->vendor);
	snprintf(lines[n++], 300, "cpu-family=0x%x", cpu->family);
	snprintf(lines[n++], 300, "cpu-model=0x%x", cpu->model);
	snprintf(lines[n++], 300, "cpu-stepping=0x%x", STEPPING);
	snprintf(lines[n++], 300, "cpu-features=%s", feats);
	snprintf(lines[n++], 300, "flush=clflushopt");
	snprintf(lines[n++], 300, "copy=nt-avx");
	snprintf(lines[n++], 300, "movnt-threshold=512");
	snprintf(lines[n++], 300, "movnt-small=1");
	snprintf(lines[n++], 300, "date=2026-12-02T15:00:00Z");
	snprintf(lines[n++], 300, "ratio=1.050");
	snprintf(lines[n++], 300, "noise=0.010");
	for (; edits && *edits; edits++) {
		const char *e = *edits;
		if (e[0] == '+') {
			snprintf(lines[n++], 300, "%s", e + 1);
			continue;
		}
		size_t k = strcspn(e, "=");
		for (int i = 0; i < n; i++)
			if (strncmp(lines[i], e, k) == 0 && lines[i][k] == '=') {
				if (e[k])
					snprintf(lines[i], 300, "%s", e);
				else
					lines[i][0] = '\0';
			}
	}
	file_len = 0;
	file[0] = '\0';
	for (int i = 0; i < n; i++)
		if (lines[i][0])
			file_len += (size_t)snprintf(file + file_len,
					sizeof(file) - file_len, "%s\n",
					lines[i]);
}

static struct pmem_profile_state st;
static const struct pmem_cpu *cur_cpu;
static int cur_eadr, cur_privileged;

/* The automatic choice, then the profile applied on top; the variadic
 * part is the environment, NULL-ended. */
static const struct pmem_backend_choice *run(const char *path, ...)
{
	va_list ap;
	va_start(ap, path);
	fake_vars_from(ap);
	va_end(ap);
	struct pmem_select_in in = {
		.cpu = cur_cpu,
		.env = fake_env,
		.backends = all,
		.auto_flush = cur_eadr,
		.plugin_dir = "/nonexistent",
	};
	pmem_select_backends(&in, &sel);
	struct pmem_profile_in pin = {
		.sel = &in,
		.stepping = STEPPING,
		.privileged = cur_privileged,
		.default_path = path,
		.read = path && path[0] == '/' && strncmp(path, "/fake", 5) ?
			pmem_os_read_conf : fake_read,
	};
	reads = 0;
	pmem_profile_apply(&pin, &sel, &st);
	return &sel.choice;
}

static void reset(void)
{
	cur_cpu = &zen4;
	cur_eadr = 0;
	cur_privileged = 0;
	file_facts = (struct pmem_os_conf_file){ .owner = PMEM_OS_OWNER_ADMIN,
		.dir_owner = PMEM_OS_OWNER_ADMIN };
	make(&zen4, NULL);
}

TestSuite(profile, .init = reset, .timeout = 20);

#define HAS_TEXT(s, t) cr_assert((s) != NULL && strstr((s), (t)) != NULL, \
		"expected \"%s\" in \"%s\"", (t), (s) ? (s) : "(null)")
#define AUTOMATIC(c) do { \
	cr_assert_eq((c)->flush, B("clwb"), "flush %s; %s", (c)->flush->name, \
			st.status); \
	cr_assert_eq((c)->copy, B("nt-avx512"), "copy %s; %s", \
			(c)->copy->name, st.status); \
	cr_assert_eq((c)->movnt_threshold, PMEM_MOVNT_THRESHOLD_DEFAULT); \
	cr_assert_eq((c)->small_nt, 0); \
	cr_assert_eq(st.applied, 0, "%s", st.status); \
	cr_assert_null(strstr((c)->flush_reason, "profile")); \
	cr_assert_null(strstr((c)->copy_reason, "profile")); \
} while (0)
/* Ignored, with why in pmem-info's line. */
#define IGNORED(c, why) do { \
	AUTOMATIC(c); \
	HAS_TEXT(st.status, "ignored: "); \
	HAS_TEXT(st.status, why); \
} while (0)

/* ---- good cases ------------------------------------------------------ */

Test(profile, good_profile_replaces_the_choice_and_says_so)
{
	const struct pmem_backend_choice *c = run("/fake/profile", NULL);
	cr_assert_eq(c->flush, B("clflushopt"), "%s", st.status);
	cr_assert_eq(c->copy, B("nt-avx"));
	cr_assert_eq(c->movnt_threshold, 512);
	cr_assert_eq(c->small_nt, 1);
	cr_assert_eq(c->movnt, 1);
	cr_assert_eq(st.applied, 1);
	cr_assert_eq(reads, 1);
	HAS_TEXT(c->flush_reason, "from profile /fake/profile (calibrated "
			"2026-12-02T15:00:00Z)");
	HAS_TEXT(c->flush_reason, "automatic: clwb, CPU has CLWB");
	HAS_TEXT(c->copy_reason, "from profile /fake/profile (calibrated "
			"2026-12-02T15:00:00Z), threshold 512");
	HAS_TEXT(st.status, "applied");
}

Test(profile, owned_by_the_effective_user_and_comments_are_fine)
{
	file_facts.owner = PMEM_OS_OWNER_SELF;
	const char *const e[] = { "+# a comment", "+", NULL };
	make(&zen4, e);
	const struct pmem_backend_choice *c = run("/fake/p", NULL);
	cr_assert_eq(c->flush, B("clflushopt"), "%s", st.status);
}

Test(profile, nop_with_eadr_is_taken)
{
	cur_eadr = 1;
	const char *const e[] = { "flush=nop", NULL };
	make(&zen4, e);
	const struct pmem_backend_choice *c = run("/fake/p", NULL);
	cr_assert_eq(c->flush, B("nop"), "%s", st.status);
}

Test(profile, written_text_reads_back_the_same)
{
	struct pmem_profile p, q;
	memset(&p, 0, sizeof(p));
	pmem_profile_sign(&p, &zen4, 7);
	strcpy(p.flush, "clwb");
	strcpy(p.copy, "nt-sse2");
	p.movnt_threshold = 1024;
	p.small_nt = 1;
	strcpy(p.date, "2026-12-02T15:30:00Z");
	strcpy(p.ratio, "1.020");
	strcpy(p.noise, "0.004");
	char text[PMEM_PROFILE_MAX], why[256];
	int n = pmem_profile_format(&p, "a note", text, sizeof(text));
	cr_assert_gt(n, 0);
	cr_assert_eq(pmem_profile_parse(text, (size_t)n, &q, why,
				sizeof(why)), 0, "%s", why);
	cr_assert_eq(memcmp(&p, &q, sizeof(p)), 0);
	cr_assert_eq(pmem_profile_match(&q, &zen4, 7, why, sizeof(why)), 0);
	cr_assert_eq(pmem_profile_format(&p, NULL, text, 100), -1);
}

/* ---- the file -------------------------------------------------------- */

Test(profile, wrong_owner)
{
	file_facts.owner = PMEM_OS_OWNER_OTHER;
	file_facts.owner_id = 1234;
	file_facts.self_id = 1000;
	IGNORED(run("/fake/p", NULL), "owned by uid 1234, neither root nor "
			"this process's user (uid 1000)");
}

Test(profile, writable_by_group_or_others)
{
	file_facts.others_write = 1;
	IGNORED(run("/fake/p", NULL), "its group or others may write it");
}

Test(profile, directory_of_another_user)
{
	file_facts.dir_owner = PMEM_OS_OWNER_OTHER;
	file_facts.dir_owner_id = 1234;
	file_facts.self_id = 1000;
	IGNORED(run("/fake/p", NULL), "its directory is owned by uid 1234, "
			"neither root nor this process's user (uid 1000)");
}

Test(profile, directory_writable_by_group_or_others)
{
	file_facts.dir_others_write = 1;
	IGNORED(run("/fake/p", NULL), "its directory is writable by its "
			"group or others and not sticky");
}

Test(profile, truncated_mid_line)
{
	file_len -= 3;
	IGNORED(run("/fake/p", NULL), "truncated (the last line has no "
			"newline)");
}

Test(profile, truncated_at_a_line)
{
	const char *const e[] = { "ratio", "noise", NULL };
	make(&zen4, e);
	IGNORED(run("/fake/p", NULL), "no 'ratio' line");
}

Test(profile, empty)
{
	file_len = 0;
	IGNORED(run("/fake/p", NULL), "empty file");
}

Test(profile, garbage_bytes)
{
	for (size_t i = 0; i < 200; i++)
		file[i] = (char)(i * 37 + 11);
	file[199] = '\n';
	file_len = 200;
	IGNORED(run("/fake/p", NULL), "not a text profile");
}

Test(profile, a_nul_byte)
{
	file[20] = '\0';
	IGNORED(run("/fake/p", NULL), "not a text profile (byte 0x00");
}

Test(profile, garbage_lines)
{
	static const struct {
		const char *edit, *why;
	} cases[] = {
		{ "+no equals sign", "is not key=value" },
		{ "+colour=blue", "unknown key 'colour'" },
		{ "+flush=clwb", "'flush' given twice" },
		{ "format=2", "this library reads format 1" },
		{ "cpu-family=25", "cpu-family '25' is not 0x" },
		{ "cpu-model=0xZZ", "cpu-model '0xZZ'" },
		{ "cpu-features=sse2 warp-drive", "unknown CPU feature "
			"'warp-drive'" },
		{ "movnt-threshold=-1", "movnt-threshold '-1'" },
		{ "movnt-threshold=99999999999", "movnt-threshold" },
		{ "movnt-small=yes", "movnt-small 'yes'" },
		{ "date=yesterday", "date 'yesterday'" },
		{ "ratio=fast", "ratio 'fast'" },
		{ "cpu-vendor=AuthenticAMDAuthenticAMD", "cpu-vendor too long" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *const e[] = { cases[i].edit, NULL };
		make(&zen4, e);
		IGNORED(run("/fake/p", NULL), cases[i].why);
	}
}

Test(profile, huge_is_refused_unread)
{
	char dir[] = "/tmp/test_profile.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/huge", dir);
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 64 << 20), 0);
	close(fd);
	IGNORED(run(path, NULL), "larger than 4095 bytes");
	/* one byte over the limit */
	fd = open(path, O_WRONLY | O_TRUNC);
	char big[PMEM_PROFILE_MAX];
	memset(big, '#', sizeof(big));
	cr_assert_eq(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	close(fd);
	IGNORED(run(path, NULL), "larger than");
	unlink(path);
	rmdir(dir);
}

/* Writes the good profile as a real file: path (mode, owner as made). */
static void real_file(char *dir, char *path, size_t n, mode_t mode)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, n, "%s/profile", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, file, file_len), (ssize_t)file_len);
	cr_assert_eq(fchmod(fd, mode), 0);
	close(fd);
}

Test(profile, a_real_file_is_applied)
{
	char dir[] = "/tmp/test_profile.XXXXXX", path[64];
	real_file(dir, path, sizeof(path), 0644);
	const struct pmem_backend_choice *c = run(path, NULL);
	cr_assert_eq(c->flush, B("clflushopt"), "%s", st.status);
	cr_assert_eq(c->copy, B("nt-avx"));
	/* the same file named by PMEM_PROFILE */
	char var[80];
	snprintf(var, sizeof(var), "PMEM_PROFILE=%s", path);
	c = run("/nonexistent/profile", var, NULL);
	cr_assert_eq(c->flush, B("clflushopt"), "%s", st.status);
	unlink(path);
	rmdir(dir);
}

Test(profile, a_real_file_writable_by_others)
{
	char dir[] = "/tmp/test_profile.XXXXXX", path[64];
	real_file(dir, path, sizeof(path), 0666);
	IGNORED(run(path, NULL), "its group or others may write it");
	cr_assert_eq(chmod(path, 0664), 0);
	IGNORED(run(path, NULL), "its group or others may write it");
	unlink(path);
	rmdir(dir);
}

/* A directory others may write lets them replace the file, unless it is
 * sticky (as /tmp): then only the file's owner may. */
Test(profile, a_real_file_in_a_directory_others_may_write)
{
	char dir[] = "/tmp/test_profile.XXXXXX", path[64];
	real_file(dir, path, sizeof(path), 0644);
	cr_assert_eq(chmod(dir, 0777), 0);
	IGNORED(run(path, NULL), "its directory is writable by its group or "
			"others and not sticky");
	cr_assert_eq(chmod(dir, 01777), 0);
	const struct pmem_backend_choice *c = run(path, NULL);
	cr_assert_eq(c->flush, B("clflushopt"), "%s", st.status);
	unlink(path);
	rmdir(dir);
}

Test(profile, a_real_file_of_another_user)
{
	if (geteuid() != 0)
		cr_skip_test("chown to another user needs root");
	char dir[] = "/tmp/test_profile.XXXXXX", path[64];
	real_file(dir, path, sizeof(path), 0644);
	cr_assert_eq(chown(path, 65534, 65534), 0);
	IGNORED(run(path, NULL), "owned by uid 65534, neither root nor this "
			"process's user (uid 0)");
	unlink(path);
	rmdir(dir);
}

Test(profile, a_fifo_is_refused_without_blocking)
{
	char dir[] = "/tmp/test_profile.XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/fifo", dir);
	cr_assert_eq(mkfifo(path, 0644), 0);
	IGNORED(run(path, NULL), "not a regular file");
	unlink(path);
	rmdir(dir);
}

Test(profile, a_directory_or_device_is_refused)
{
	IGNORED(run("/tmp", NULL), "not a regular file");
	IGNORED(run("/dev/zero", NULL), "not a regular file");
}

Test(profile, symbolic_links_are_never_followed)
{
	char dir[] = "/tmp/test_profile.XXXXXX", path[64];
	real_file(dir, path, sizeof(path), 0644);
	char a[80], b[80], good[80];
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(good, sizeof(good), "%s/good", dir);
	cr_assert_eq(symlink(b, a), 0);		/* a -> b -> a */
	cr_assert_eq(symlink(a, b), 0);
	IGNORED(run(a, NULL), "a symbolic link (never followed)");
	cr_assert_eq(symlink(path, good), 0);	/* to a good profile */
	IGNORED(run(good, NULL), "a symbolic link (never followed)");
	unlink(a);
	unlink(b);
	unlink(good);
	unlink(path);
	rmdir(dir);
}

Test(profile, no_default_file_is_quiet_a_named_one_is_not)
{
	AUTOMATIC(run("/nonexistent/libpmem/profile", NULL));
	cr_assert_str_eq(st.status, "none (no /nonexistent/libpmem/profile)");
	IGNORED(run("/nonexistent/libpmem/profile",
				"PMEM_PROFILE=/nonexistent/other", NULL),
			"No such file");
	AUTOMATIC(run(NULL, NULL));
	cr_assert_str_eq(st.status, "none");
}

/* ---- the CPU --------------------------------------------------------- */

Test(profile, made_on_another_cpu)
{
	make(&zen3, NULL);
	IGNORED(run("/fake/p", NULL), "made on another CPU (AuthenticAMD "
			"family 0x19 model 0x1 stepping 0x1; this one is "
			"AuthenticAMD family 0x19 model 0x11 stepping 0x1)");
}

Test(profile, another_stepping_or_vendor)
{
	const char *const e1[] = { "cpu-stepping=0x2", NULL };
	make(&zen4, e1);
	IGNORED(run("/fake/p", NULL), "made on another CPU");
	const char *const e2[] = { "cpu-vendor=GenuineIntel", NULL };
	make(&zen4, e2);
	IGNORED(run("/fake/p", NULL), "made on another CPU");
}

Test(profile, other_cpu_features)
{
	const char *const e[] = { "cpu-features=sse2 avx avx2 clflush "
		"clflushopt clwb movdir64b", NULL };
	make(&zen4, e);
	IGNORED(run("/fake/p", NULL), "made with other CPU features (the "
			"profile's only: 'movdir64b'; this CPU's only: "
			"'avx512f avx512bw avx512vl')");
}

/* ---- what it asks for ------------------------------------------------ */

/* Each line, put into a profile of this CPU, makes it ignored for the
 * reason given: it asks for what the automatic rules would not accept as
 * durable here, or for something that is not a linked-in backend. */
static const struct {
	const char *line, *why;
} not_acceptable[] = {
	{ "flush=nop", "flush 'nop' is only durable where the CPU caches are "
		"persistent (eADR)" },
	{ "flush=msync-fallback", "writes back no cache lines" },
	{ "flush=/tmp/evil.so", "is not a backend name (a profile never "
		"names a file)" },
	{ "copy=../backends/x", "is not a backend name" },
	{ "flush=vendor-flush", "flush 'vendor-flush' is not a linked-in "
		"flush backend (a profile never loads a plugin)" },
	{ "copy=nt-quantum", "copy 'nt-quantum' is not a linked-in copy "
		"backend" },
	{ "copy=clwb", "not a linked-in copy backend" },	/* wrong kind */
};

Test(profile, what_it_may_not_choose)
{
	for (size_t i = 0; i < sizeof(not_acceptable) /
			sizeof(*not_acceptable); i++) {
		const char *const e[] = { not_acceptable[i].line, NULL };
		make(&zen4, e);
		IGNORED(run("/fake/p", NULL), not_acceptable[i].why);
	}
}

Test(profile, a_backend_this_cpu_cannot_run)
{
	/* A CPU without AVX-512 that otherwise matches the profile. */
	static const struct pmem_cpu no512 = {
		BASE | AVX2 | FLUSHES, "AuthenticAMD", 0x19, 0x11 };
	cur_cpu = &no512;
	const char *const e[] = { "copy=nt-avx512", NULL };
	make(&no512, e);
	const struct pmem_backend_choice *c = run("/fake/p", NULL);
	cr_assert_eq(c->copy, B("nt-avx"));
	cr_assert_eq(st.applied, 0);
	HAS_TEXT(st.status, "copy 'nt-avx512': this CPU cannot run it (needs "
			"AVX-512F+AVX-512BW+AVX-512VL)");
}

/* ---- the environment and the process --------------------------------- */

Test(profile, pmem_profile_0_reads_nothing)
{
	AUTOMATIC(run("/fake/p", "PMEM_PROFILE=0", NULL));
	cr_assert_eq(reads, 0);
	cr_assert_str_eq(st.status, "off (PMEM_PROFILE=0)");
}

Test(profile, a_privileged_process_reads_nothing)
{
	cur_privileged = 1;
	AUTOMATIC(run("/fake/p", "PMEM_PROFILE=/fake/q", NULL));
	cr_assert_eq(reads, 0);
	HAS_TEXT(st.status, "not read (a set-uid or set-gid process)");
}

Test(profile, pmem_backend_wins_over_all_of_it)
{
	const struct pmem_backend_choice *c = run("/fake/p",
			"PMEM_BACKEND=clflush", NULL);
	cr_assert_eq(c->flush, B("clflush"));
	cr_assert_eq(c->copy, B("nt-avx512"));
	cr_assert_eq(c->movnt_threshold, PMEM_MOVNT_THRESHOLD_DEFAULT);
	cr_assert_eq(st.applied, 0);
	HAS_TEXT(st.status, "not applied: PMEM_BACKEND is set");
}

Test(profile, pmem_no_flush_wins_over_its_flush)
{
	const struct pmem_backend_choice *c = run("/fake/p",
			"PMEM_NO_FLUSH=1", NULL);
	cr_assert_eq(c->flush, B("nop"));
	cr_assert_eq(c->copy, B("nt-avx"));	/* the rest still applies */
	HAS_TEXT(st.status, "flush: PMEM_NO_FLUSH=1 wins");
}

Test(profile, pmem_no_clflushopt_wins_over_its_flush)
{
	const struct pmem_backend_choice *c = run("/fake/p",
			"PMEM_NO_CLFLUSHOPT=1", NULL);
	cr_assert_eq(c->flush, B("clwb"));
	cr_assert_eq(c->copy, B("nt-avx"));
	HAS_TEXT(st.status, "flush: PMEM_NO_CLFLUSHOPT=1 wins over clflushopt");
	cr_assert_null(strstr(c->flush_reason, "profile"));
}

Test(profile, pmem_avx_0_wins_over_its_copy)
{
	const struct pmem_backend_choice *c = run("/fake/p", "PMEM_AVX=0",
			NULL);
	cr_assert_eq(c->flush, B("clflushopt"));
	cr_assert_eq(c->copy, B("nt-avx512"));
	HAS_TEXT(st.status, "copy: PMEM_AVX=0 wins over nt-avx");
	cr_assert_eq(c->movnt_threshold, 512);	/* not set by the variable */
}

Test(profile, pmem_movnt_variables_win)
{
	const struct pmem_backend_choice *c = run("/fake/p",
			"PMEM_MOVNT_THRESHOLD=1024", "PMEM_MOVNT_SMALL=0", NULL);
	cr_assert_eq(c->copy, B("nt-avx"));
	cr_assert_eq(c->movnt_threshold, 1024);
	cr_assert_eq(c->small_nt, 0);
	HAS_TEXT(st.status, "threshold: PMEM_MOVNT_THRESHOLD wins");
	HAS_TEXT(st.status, "short copies: PMEM_MOVNT_SMALL wins");
	c = run("/fake/p", "PMEM_NO_MOVNT=1", NULL);
	cr_assert_eq(c->movnt, 0);
	cr_assert_eq(c->movnt_threshold, SIZE_MAX);
	cr_assert_eq(c->small_nt, 0);
	HAS_TEXT(st.status, "non-temporal stores are off");
}

/* ---- anything at all ------------------------------------------------- */

/* Random edits of the good profile (bytes changed, cut, lines repeated,
 * values swapped for other keys' values, a backend name swapped): never a
 * crash, and whatever is applied is still durable here, with no eADR. */
Test(profile, random_edits_never_choose_what_is_not_durable)
{
	static const char *const names[] = { "nop", "msync-fallback", "clwb",
		"clflushopt", "clflush", "nt-sse2", "nt-avx", "nt-avx512",
		"/x.so", "", "0x19", "1" };
	char good[sizeof(file)];
	size_t good_len = file_len;
	memcpy(good, file, file_len);
	unsigned seed = 17, applied = 0;
	for (int it = 0; it < 3000; it++) {
		memcpy(file, good, good_len);
		file_len = good_len;
		int edits = 1 + rand_r(&seed) % 3;
		for (int e = 0; e < edits && file_len > 0; e++) {
			file[file_len] = '\0';	/* for strcspn below */
			size_t at = (size_t)rand_r(&seed) % file_len;
			switch (rand_r(&seed) % 4) {
			case 0:		/* one byte, any value */
				file[at] = (char)(rand_r(&seed) & 0xff);
				break;
			case 1:		/* cut */
				file_len = at;
				break;
			case 2: {	/* a line again at the end */
				const char *l = memchr(file + at, '\n',
						file_len - at);
				size_t s = l ? (size_t)(l - file) + 1 : 0;
				size_t len = strcspn(file + s, "\n") + 1;
				if (s < file_len && file_len + len < sizeof(file)) {
					memmove(file + file_len, file + s, len);
					file_len += len;
				}
				break;
			}
			default: {	/* a value replaced by a name */
				const char *eq = memchr(file + at, '=',
						file_len - at);
				if (!eq)
					break;
				size_t v = (size_t)(eq - file) + 1;
				size_t old = strcspn(file + v, "\n");
				if (old > file_len - v)
					old = file_len - v;
				const char *nm = names[rand_r(&seed) %
					(sizeof(names) / sizeof(*names))];
				size_t nl = strlen(nm);
				if (file_len - old + nl >= sizeof(file))
					break;
				memmove(file + v + nl, file + v + old,
						file_len - v - old);
				memcpy(file + v, nm, nl);
				file_len = file_len - old + nl;
			}
			}
		}
		const struct pmem_backend_choice *c = run("/fake/p", NULL);
		cr_assert_neq(c->flush->caps & PMEM_BACKEND_CAP_NO_WRITEBACK,
				PMEM_BACKEND_CAP_NO_WRITEBACK, "%s: %s",
				c->flush->name, st.status);
		cr_assert_eq(c->copy->cpu_needs & ~zen4.features, 0);
		cr_assert_eq(c->flush->cpu_needs & ~zen4.features, 0);
		applied += (unsigned)st.applied;
	}
	/* the edits left some profiles good: the check above saw both */
	cr_assert_gt(applied, 0);
	cr_assert_lt(applied, 3000);
}
