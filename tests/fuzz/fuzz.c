/*
 * fuzz.c -- a seeded random driver, run by `ninja fuzz` (and .ci/run).
 *
 *   fuzz [--seconds S] SEEDFILE
 *
 * Two stages share the time S (default 30), each starting from the seeds
 * in SEEDFILE (one number a line, '#' comments), then drawing new seeds
 * from them until its time is up, so a run is reproducible from its seeds:
 *
 * copy (2/3 of the time): for every flush,copy pair this CPU runs (from
 *   pmem_backend_get_static() and each probe), a child process of this
 *   program with PMEM_BACKEND=flush,copy does random pmem_memmove,
 *   pmem_memcpy, pmem_memset and their _persist/_nodrain forms (random
 *   sizes, offsets, overlaps, flags) on an mmap'd buffer and does the same
 *   with memmove/memset on a copy: every byte, guards included, must agree.
 *   The child first checks that the library runs the pair asked for.
 * select (1/3): pmem_select_backends() with random fake CPUs, random
 *   environments and the linked-in backends.  Invariants: it returns, a
 *   flush and a copy backend of the right kind are chosen and each one's
 *   probe accepts the CPU, the same input gives the same choice, a
 *   PMEM_BACKEND naming an unknown backend is refused (choice.refusal),
 *   and one naming a single usable linked-in backend is obeyed.
 *
 * A failure prints the seed that found it.  Ends with
 * "fuzz: N passed, N failed" (one test per pair, one for selection).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libpmem.h"
#include "../flag_sets.h"
#include "libpmem_backend.h"
#include "select.h"

/* ---- seeds and a small PRNG (splitmix64: every seed is a good one) ---- */

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static uint64_t seeds[256];
static unsigned nseeds;

static int read_seeds(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[128];
	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) && nseeds < 256) {
		char *end;
		uint64_t v = strtoull(line, &end, 0);
		if (end != line)
			seeds[nseeds++] = v;
	}
	fclose(f);
	if (!nseeds)
		fprintf(stderr, "%s: no seeds\n", path);
	return nseeds ? 0 : -1;
}

/* The i-th seed of a stage: the file's, then new ones drawn from them. */
static uint64_t seed_at(unsigned i)
{
	if (i < nseeds)
		return seeds[i];
	rnd_state = seeds[i % nseeds] ^ ((uint64_t)i << 32);
	return rnd();
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- copy stage (child side) ------------------------------------------ */

#define AREA (256 * 1024)	/* one buffer: dst and (for moves) src */
#define GUARD 4096		/* untouched bytes around the area */

static const unsigned flag_bits[] = {
	PMEM_F_MEM_NODRAIN, PMEM_F_MEM_NONTEMPORAL, PMEM_F_MEM_TEMPORAL,
	PMEM_F_MEM_WC, PMEM_F_MEM_WB, PMEM_F_MEM_NOFLUSH,
};

static unsigned random_flags(void)
{
	unsigned f = 0;
	for (size_t i = 0; i < sizeof(flag_bits) / sizeof(flag_bits[0]); i++)
		if (rnd() % 4 == 0)
			f |= flag_bits[i];
	return f;
}

/* Sizes: mostly small and around cache lines, sometimes large. */
static size_t random_len(void)
{
	switch (rnd() % 4) {
	case 0: return below(130);
	case 1: return below(4200);
	case 2: return 64 * below(64) + below(3);	/* whole lines, +0..2 */
	default: return below(AREA / 2);
	}
}

static unsigned char *map_area(void)
{
	unsigned char *p = mmap(NULL, AREA + 2 * GUARD, PROT_READ |
			PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* One operation on buf + GUARD and the same with libc on ref + GUARD.
 * Returns a description of it for a failure message. */
static const char *one_op(unsigned char *buf, unsigned char *ref,
		const unsigned char *src, char *what, size_t wsize)
{
	size_t len = random_len();
	size_t to = below(AREA - len + 1), from = below(AREA - len + 1);
	unsigned flags = random_flags();
	int c = (int)(rnd() & 0xff);
	unsigned char *d = buf + GUARD, *r = ref + GUARD;
	unsigned op = (unsigned)(rnd() % 8);

	snprintf(what, wsize, "op %u len %zu to %zu from %zu flags 0x%x",
			op, len, to, from, flags);
	switch (op) {
	case 0:		/* may overlap */
	case 1:
	case 2:
		flags_op_both(op, d, r, src, to, from, len, c, flags);
		break;
	case 3:
		pmem_memmove_persist(d + to, d + from, len);
		memmove(r + to, r + from, len);
		break;
	case 4:
		pmem_memcpy_nodrain(d + to, src + from, len);
		memcpy(r + to, src + from, len);
		pmem_drain();
		break;
	case 5:
		pmem_memset_persist(d + to, c, len);
		memset(r + to, c, len);
		break;
	case 6:
		pmem_memmove_nodrain(d + to, d + from, len);
		memmove(r + to, r + from, len);
		break;
	default:
		pmem_memset_nodrain(d + to, c, len);
		memset(r + to, c, len);
		pmem_persist(d + to, len);
	}
	return what;
}

static int copy_child(const char *pair, double seconds, unsigned first)
{
	const struct pmem_backend_choice *ch = pmem_backend_get_choice();
	char got[128];
	snprintf(got, sizeof(got), "%s,%s", ch->flush->name, ch->copy->name);
	if (strcmp(got, pair) != 0 || ch->refusal) {
		printf("FAIL copy %s: the library runs %s (refusal: %s)\n",
				pair, got, ch->refusal ? ch->refusal : "none");
		return 1;
	}
	unsigned char *buf = map_area(), *ref = map_area(), *src = map_area();
	if (!buf || !ref || !src) {
		printf("FAIL copy %s: mmap\n", pair);
		return 1;
	}
	double end = now() + seconds;
	unsigned long ops = 0;
	unsigned s = first;
	do {
		uint64_t seed = seed_at(s++);
		rnd_state = seed;
		for (size_t i = 0; i < AREA + 2 * GUARD; i++)
			buf[i] = ref[i] = src[i] = (unsigned char)rnd();
		for (unsigned k = 0; k < 500; k++, ops++) {
			char what[128];
			one_op(buf, ref, src + GUARD, what, sizeof(what));
			if (memcmp(buf, ref, AREA + 2 * GUARD) != 0) {
				size_t at = 0;
				while (buf[at] == ref[at])
					at++;
				printf("FAIL copy %s: seed %" PRIu64 " op %u (%s):"
						" byte %zd of the area differs\n",
						pair, seed, k, what,
						(ssize_t)at - GUARD);
				return 1;
			}
		}
	} while (now() < end);
	printf("ok   copy %s: %lu operations, %u seeds\n", pair, ops,
			s - first);
	return 0;
}

/* ---- copy stage (parent side) ----------------------------------------- */

static int run_pair(const char *self, const char *pair, double seconds,
		unsigned first)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		char secs[32], f[32];
		snprintf(secs, sizeof(secs), "%g", seconds);
		snprintf(f, sizeof(f), "%u", first);
		setenv("PMEM_BACKEND", pair, 1);
		execl(self, self, "--copy-child", pair, secs, f, (char *)NULL);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return 1;
	if (WIFSIGNALED(st)) {
		printf("FAIL copy %s: killed by signal %d\n", pair,
				WTERMSIG(st));
		return 1;
	}
	return WEXITSTATUS(st) != 0;
}

static int passed, failed;

static void copy_stage(const char *self, double seconds)
{
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	const struct pmem_backend *b, *fl[32], *cp[32];
	unsigned nf = 0, nc = 0;
	for (unsigned i = 0; (b = pmem_backend_get_static(i)); i++) {
		if (!pmem_backend_runs(b, cpu)) {
			printf("SKIP copy: %s: this CPU lacks what it needs\n",
					b->name);
			continue;
		}
		if (b->kind == PMEM_BACKEND_FLUSH && nf < 32)
			fl[nf++] = b;
		else if (b->kind == PMEM_BACKEND_COPY && nc < 32)
			cp[nc++] = b;
	}
	if (!nf || !nc) {
		printf("FAIL copy: no usable flush or copy backend\n");
		failed++;
		return;
	}
	double each = seconds / (nf * nc);
	unsigned first = 0;
	for (unsigned f = 0; f < nf; f++)
		for (unsigned c = 0; c < nc; c++) {
			char pair[128];
			snprintf(pair, sizeof(pair), "%s,%s", fl[f]->name,
					cp[c]->name);
			if (run_pair(self, pair, each, first))
				failed++;
			else
				passed++;
			first += 3;	/* pairs start at different seeds */
		}
}

/* ---- selection stage -------------------------------------------------- */

static const char *env_names[] = {
	"PMEM_BACKEND", "PMEM_BACKEND_PATH", "PMEM_NO_CLWB",
	"PMEM_NO_CLFLUSHOPT", "PMEM_NO_FLUSH", "PMEM_NO_MOVNT",
	"PMEM_MOVNT_THRESHOLD", "PMEM_AVX", "PMEM_AVX512F", "PMEM_MOVDIR64B",
	"PMEM_MOVNT_SMALL",
};
#define NENV (sizeof(env_names) / sizeof(env_names[0]))
static const char *env_values[NENV];

static const char *fuzz_env(const char *name, void *ctx)
{
	(void)ctx;
	for (unsigned i = 0; i < NENV; i++)
		if (strcmp(name, env_names[i]) == 0)
			return env_values[i];
	return NULL;
}

static const char *const odd_values[] = {
	"", "0", "1", "2", "-1", "yes", "no", " 1", "1 ", "0x10", "256",
	"18446744073709551616", "99999999999999999999999", "4096", "64",
	"1k", "\x01", "\xff\xfe", "1,1", "=",
};
#define NODD (sizeof(odd_values) / sizeof(odd_values[0]))

/* A backend name: a linked-in one, a bogus one, or junk. */
static const char *random_name(const struct pmem_backend *const *all,
		unsigned nall, char *buf, size_t size, int *bogus)
{
	static const char junk[] = "abcxyz-_.0123456789 \t:;%";
	unsigned kind = (unsigned)(rnd() % 3);
	if (kind == 0 && nall) {
		*bogus = 0;
		return all[below(nall)]->name;
	}
	if (kind == 1) {	/* a plugin path that does not exist */
		*bogus = 1;
		snprintf(buf, size, "/nonexistent/fuzz/%" PRIu64 ".so",
				rnd() % 1000);
		return buf;
	}
	size_t n = 1 + below(20);
	for (size_t i = 0; i < n && i + 1 < size; i++)
		buf[i] = junk[below(sizeof(junk) - 1)];
	buf[n < size ? n : size - 1] = '\0';
	*bogus = 1;
	for (unsigned i = 0; i < nall; i++)
		if (strcmp(buf, all[i]->name) == 0)
			*bogus = 0;
	return buf;
}

static const char *vendors[] = {
	"GenuineIntel", "AuthenticAMD", "HygonGenuine", "CentaurHauls",
	"", "GenuineIntelX",
};

static unsigned long n_bogus, n_forced;	/* inputs of these kinds */

/* One random input; checks the invariants, prints what broke. */
static int select_once(const struct pmem_backend *const *all, unsigned nall,
		uint64_t seed)
{
	rnd_state = seed;
	struct pmem_cpu cpu = { 0 };
	cpu.features = rnd() & ((1ULL << 12) - 1);
	if (rnd() % 4 == 0)
		cpu.features = rnd();	/* bits no one knows */
	snprintf(cpu.vendor, sizeof(cpu.vendor), "%s",
			vendors[below(sizeof(vendors) / sizeof(vendors[0]))]);
	cpu.family = (unsigned)below(0x20);
	cpu.model = (unsigned)below(0x100);

	char names[2][64], backend[160];
	int bogus0 = 0, bogus1 = 0, two = (int)(rnd() % 2);
	const char *a = random_name(all, nall, names[0], sizeof(names[0]),
			&bogus0);
	const char *b = random_name(all, nall, names[1], sizeof(names[1]),
			&bogus1);
	snprintf(backend, sizeof(backend), "%s%s%s", a, two ? "," : "",
			two ? b : "");
	int bogus = a[0] && (bogus0 || (two && bogus1)) && !strchr(a, ',') &&
			(!two || b[0]);

	for (unsigned i = 0; i < NENV; i++)
		env_values[i] = rnd() % 3 ? NULL : odd_values[below(NODD)];
	if (rnd() % 4)
		env_values[0] = backend;
	else
		bogus = 0;
	env_values[1] = rnd() % 2 ? "/nonexistent/fuzz-dir" : NULL;

	struct pmem_select_in in = {
		.cpu = &cpu, .env = fuzz_env, .backends = all,
		.auto_flush = (int)(rnd() % 2),
		.plugin_dir = "/nonexistent/fuzz-plugins",
	};
	static struct pmem_selection out, again;
	pmem_select_backends(&in, &out);
	pmem_select_backends(&in, &again);
	const struct pmem_backend_choice *c = &out.choice;
	const char *why = NULL;
	if (!c->flush || !c->copy)
		why = "no flush or no copy backend";
	else if (c->flush->kind != PMEM_BACKEND_FLUSH ||
			c->copy->kind != PMEM_BACKEND_COPY)
		why = "a backend of the wrong kind";
	else if (!pmem_backend_runs(c->flush, &cpu) ||
			!pmem_backend_runs(c->copy, &cpu))
		why = "a backend whose probe refuses this CPU";
	else if (c->flush != again.choice.flush ||
			c->copy != again.choice.copy ||
			c->movnt != again.choice.movnt ||
			c->movnt_threshold != again.choice.movnt_threshold ||
			c->small_nt != again.choice.small_nt)
		why = "the same input chose differently";
	else if (c->small_nt && !c->movnt)
		why = "small copies NT while NT stores are off";
	else if (bogus && (n_bogus++, !c->refusal))
		why = "a bogus PMEM_BACKEND was not refused";
	else if (env_values[0] == backend && !two && !bogus0) {
		for (unsigned i = 0; i < nall; i++)
			if (strcmp(all[i]->name, a) == 0 &&
					pmem_backend_runs(all[i], &cpu) && (n_forced++,
					strcmp(a, c->flush->name) != 0 &&
					strcmp(a, c->copy->name) != 0))
				why = "a usable forced backend was not chosen";
	}
	if (!why)
		return 0;
	printf("FAIL select: seed %" PRIu64 ": %s: PMEM_BACKEND='%s' "
			"vendor '%s' features 0x%" PRIx64 " -> %s,%s "
			"(refusal: %s)\n", seed, why,
			env_values[0] ? env_values[0] : "(unset)", cpu.vendor,
			cpu.features, c->flush ? c->flush->name : "NULL",
			c->copy ? c->copy->name : "NULL",
			c->refusal ? c->refusal : "none");
	return 1;
}

static void select_stage(double seconds)
{
	const struct pmem_backend *all[64];
	unsigned nall = 0;
	while (nall < 63 && (all[nall] = pmem_backend_get_static(nall)))
		nall++;
	all[nall] = NULL;
	double end = now() + seconds;
	unsigned long runs = 0, bad = 0;
	unsigned s = 0;
	do {
		for (unsigned k = 0; k < 200; k++, runs++) {
			uint64_t seed = seed_at(s++);
			if (select_once(all, nall, seed) && ++bad >= 5)
				goto done;
		}
	} while (now() < end);
done:
	if (bad) {
		printf("FAIL select: %lu of %lu inputs broke an invariant\n",
				bad, runs);
		failed++;
	} else {
		printf("ok   select: %lu random inputs (%lu with a bogus "
				"PMEM_BACKEND, %lu forcing one usable backend)\n",
				runs, n_bogus, n_forced);
		passed++;
	}
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--copy-child") == 0) {
		/* the child reads the parent's seed file */
		const char *file = getenv("PMEM_FUZZ_SEEDS");
		if (!file || read_seeds(file))
			return 1;
		return copy_child(argv[2], atof(argv[3]),
				(unsigned)atoi(argv[4]));
	}
	double seconds = 30;
	int i = 1;
	if (argc > 2 && strcmp(argv[1], "--seconds") == 0) {
		seconds = atof(argv[2]);
		i = 3;
	}
	if (argc != i + 1) {
		fprintf(stderr, "usage: %s [--seconds S] SEEDFILE\n", argv[0]);
		return 2;
	}
	if (read_seeds(argv[i]))
		return 2;
	setenv("PMEM_FUZZ_SEEDS", argv[i], 1);
	unsetenv("PMEM_BACKEND");
	double start = now();
	copy_stage("/proc/self/exe", seconds * 2 / 3);
	select_stage(seconds / 3);
	printf("fuzz: %d passed, %d failed (%.1f s)\n", passed, failed,
			now() - start);
	return failed ? 1 : 0;
}
