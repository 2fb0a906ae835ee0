/*
 * select_rules.c -- which flush and which copy backend, and why.
 *
 * Pure: everything comes from struct pmem_select_in (CPU, environment,
 * candidates), so tests drive it with fake CPUs and environments.  The
 * shape follows glibc's ifunc selectors: a backend's cpu_needs and probe
 * say whether it is *usable*; the tables below say which usable one is
 * *preferred*.  What a backend *does* (writes nothing back, forbids
 * non-temporal stores, is for eADR) comes from its caps, never its name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "libpmem.h"
#include "log.h"
#include "os.h"
#include "plugin.h"
#include "select.h"

/* The AArch64 probe's bits (cpu_aarch64.c always sets DC_CVAC); every
 * other bit is x86-64's. */
#define AARCH64_BITS (PMEM_CPU_DC_CVAC | PMEM_CPU_DCPOP | PMEM_CPU_DCPODP | \
		PMEM_CPU_ASIMD)
/* The ppc64 probe's (cpu_ppc64.c always sets DCBST). */
#define PPC64_BITS (PMEM_CPU_DCBST | PMEM_CPU_ARCH_3_1)

/* The instruction set a CPU description is of, from its probe's bits. */
enum isa { ISA_X86_64, ISA_AARCH64, ISA_PPC64 };

static enum isa isa_of(const struct pmem_cpu *cpu)
{
	return (cpu->features & AARCH64_BITS) ? ISA_AARCH64 :
		(cpu->features & PPC64_BITS) ? ISA_PPC64 : ISA_X86_64;
}

/* Flush preference: the first usable wins.  `off` removes it (=1).  A
 * backend of another instruction set is never linked in, so the reasons
 * leave it out instead of listing it as missing. */
static const struct {
	const char *name;
	const char *off;
	enum isa isa;
} flush_order[] = {
	{ "clwb", "PMEM_NO_CLWB", ISA_X86_64 },	/* writes back, keeps the line */
	{ "clflushopt", "PMEM_NO_CLFLUSHOPT", ISA_X86_64 }, /* unordered, evicts */
	{ "clflush", NULL, ISA_X86_64 },	/* ordered, slowest */
	{ "dc-cvap", NULL, ISA_AARCH64 },	/* clean to PoP */
	{ "dc-cvac", NULL, ISA_AARCH64 },	/* clean to PoC */
	{ "dcbstps", NULL, ISA_PPC64 },	/* ISA 3.1: to persistent storage */
	{ "dcbst", NULL, ISA_PPC64 },	/* to main storage */
};

/*
 * Copy preference, keyed by microarchitecture (vendor, family, model
 * range).  As in glibc, a backend's probe says whether it is *usable*;
 * this table says which usable one is *preferred*.  Every row cites the
 * run in docs/performance.md that measured its order; a CPU no row covers
 * gets default_order and a reason that says it was not measured.
 */
#define COPY_MAX 3
struct copy_row {
	const char *vendor;
	unsigned family, model_lo, model_hi;
	const char *order[COPY_MAX];
	const char *measured;		/* the measurement, for the reason */
};

#define ZEN3_ORDER { "nt-avx", "nt-sse2", NULL }
#define ZEN3_WHY "order measured on Zen 3 (AMD family 0x19): " \
	"docs/performance.md, \"Copy backend: nt-avx before nt-sse2\""
static const struct copy_row copy_rows[] = {
	/* Zen 3: measured on EPYC model 0x01; the same core is models
	 * 0x00-0x0f (Milan) and 0x20-0x5f (Vermeer, Trento, Rembrandt,
	 * Cezanne).  No AVX-512 there, so no order of nt-avx512 is claimed;
	 * Zen 4 (0x10-0x1f, 0x60-0x7f, 0xa0-0xaf) was not measured. */
	{ "AuthenticAMD", 0x19, 0x00, 0x0f, ZEN3_ORDER, ZEN3_WHY },
	{ "AuthenticAMD", 0x19, 0x20, 0x5f, ZEN3_ORDER, ZEN3_WHY },
	/* Zen 5: the issue #11 report's run (clwb flush, 11 rounds). */
	{ "AuthenticAMD", 0x1a, 0x00, 0xff,
		{ "nt-avx", "nt-avx512", "nt-sse2" },
		"order measured on Zen 5 (AMD family 0x1a): nt-avx512 "
		"0.93-1.05x nt-avx, issue #11 report in docs/performance.md" },
	/* The Intel CPU of the 2026-12-02/03 sessions (steppings 1 and 8,
	 * under a hypervisor): the widest stores first was measured right. */
	{ "GenuineIntel", 6, 0xa7, 0xa7,
		{ "nt-avx512", "nt-avx", "nt-sse2" },
		"order measured on Intel family 6 model 0xa7: docs/"
		"performance.md, \"Copy order on family 6 model 0xa7\"" },
};

/* Widest stores first: what the instruction sets suggest, unmeasured. */
static const char *const default_order[COPY_MAX] = {
	"nt-avx512", "nt-avx", "nt-sse2" };
#define DEFAULT_WHY "default order (widest first): not measured on this CPU"

/* Environment variables that remove a copy candidate (value "0"). */
static const struct {
	const char *name;
	const char *off;
} copy_off[] = {
	{ "nt-avx512", "PMEM_AVX512F" },
	{ "nt-avx", "PMEM_AVX" },
};

const char *pmem_select_needs(const struct pmem_backend *b, char *buf,
		size_t size)
{
	if (b->cpu_needs == 0)
		return NULL;
	return pmem_cpu_features_label(b->cpu_needs, buf, size);
}

int pmem_select_usable(const struct pmem_backend *b,
		const struct pmem_cpu *cpu)
{
	return pmem_backend_runs(b, cpu);
}

struct sel {
	const struct pmem_select_in *in;
	struct pmem_selection *out;
	const struct pmem_backend *forced[3];	/* by kind */
	int empty_refused;	/* "," is one mistake, said once */
};

static const char *env(const struct sel *s, const char *name)
{
	return s->in->env(name, s->in->env_ctx);
}

static int env_is(const struct sel *s, const char *name, const char *val)
{
	const char *v = env(s, name);
	return v != NULL && strcmp(v, val) == 0;
}

/* Appends to a reason, separated by ", " (or sep). */
static void vnote(char *buf, size_t size, const char *sep, const char *fmt,
		va_list ap)
{
	size_t used = strlen(buf);
	if (used && used + 1 < size) {
		snprintf(buf + used, size - used, "%s", sep);
		used = strlen(buf);
	}
	if (used + 1 < size)
		vsnprintf(buf + used, size - used, fmt, ap);
}

__attribute__((format(printf, 3, 4)))
static void note(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vnote(buf, size, ", ", fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void refuse(struct sel *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vnote(s->out->refusal, sizeof(s->out->refusal), "; ", fmt, ap);
	va_end(ap);
}

static const struct pmem_backend *find_static(const struct sel *s,
		const char *name)
{
	for (const struct pmem_backend *const *b = s->in->backends; b && *b;
			b++)
		if (strcmp((*b)->name, name) == 0)
			return *b;
	return NULL;
}

static int usable(const struct sel *s, const struct pmem_backend *b)
{
	return pmem_select_usable(b, s->in->cpu);
}

/* "CPU lacks CLWB" from the descriptor's cpu_needs, else the probe's. */
static void note_unusable(const struct sel *s, char *buf, size_t size,
		const struct pmem_backend *b)
{
	uint64_t missing = b->cpu_needs & ~s->in->cpu->features;
	char f[128];
	if (missing)
		note(buf, size, "CPU lacks %s", pmem_cpu_features_label(
				missing, f, sizeof(f)));
	else
		note(buf, size, "%s: probe refuses this CPU", b->name);
}

static void note_usable(char *buf, size_t size, const struct pmem_backend *b)
{
	char f[128];
	if (pmem_select_needs(b, f, sizeof(f)))
		note(buf, size, "CPU has %s", f);
	else
		note(buf, size, "%s usable", b->name);
}

/* ---- PMEM_BACKEND ---------------------------------------------------- */

/* Loads <dir>/<name>.so from the first directory of the search path that
 * has it (any file there counts: a FIFO is found, then refused).  Returns
 * 1 if a file was found (loaded or not), 0 if none. */
static int search_path(struct sel *s, const char *name,
		const struct pmem_backend **b, void **handle, char *why,
		size_t whysize)
{
	const char *path = env(s, "PMEM_BACKEND_PATH");
	if (path == NULL || path[0] == '\0')
		path = s->in->plugin_dir;
	if (path == NULL) {
		snprintf(why, whysize, "unknown backend '%.64s' (not linked in, "
				"no plugin directory)", name);
		return 0;
	}
	char failed[320] = "";	/* the first directory we could not search */
	for (const char *p = path; *p; ) {
		size_t len = strcspn(p, pmem_os_path_list_sep);
		char file[4096];
		int n = snprintf(file, sizeof(file), "%.*s%s%s%s", (int)len, p,
				pmem_os_dir_sep, name, pmem_os_lib_suffix);
		p += len;
		if (*p)
			p++;
		if (len == 0 || n < 0 || (size_t)n >= sizeof(file))
			continue;
		int fd = pmem_os_regular_file(file);
		int err = errno;
		if (fd < 0 && (err == ENOENT || err == ENOTDIR))
			continue;
		if (fd < 0 && err != EINVAL) {	/* EACCES, ELOOP, ... */
			char sp[201];
			if (!failed[0])
				snprintf(failed, sizeof(failed), "%s: %s",
						pmem_short_path(file, sp, 200),
						strerror(err));
			continue;
		}
		if (pmem_plugin_open(file, b, handle) != 0) {
			snprintf(why, whysize, "%s", pmem_errormsg());
			*b = NULL;
		}
		return 1;
	}
	char sp[201];
	if (failed[0])
		snprintf(why, whysize, "unknown backend '%.64s' (not linked in; "
				"%s)", name, failed);
	else
		snprintf(why, whysize, "unknown backend '%.64s' (not linked in, "
				"no %.64s%s in %s)", name, name, pmem_os_lib_suffix,
				pmem_short_path(path, sp, 200));
	return 0;
}

/* One name or path from PMEM_BACKEND -> a usable backend, or NULL with a
 * refusal recorded. */
static const struct pmem_backend *resolve(struct sel *s, const char *tok,
		void **handle)
{
	const struct pmem_backend *b = NULL;
	char why[768] = "";

	if (tok[0] == '\0') {
		if (!s->empty_refused)
			refuse(s, "PMEM_BACKEND: empty backend name");
		s->empty_refused = 1;
		return NULL;
	}
	if (pmem_os_is_path(tok)) {
		if (pmem_plugin_open(tok, &b, handle) != 0)
			snprintf(why, sizeof(why), "%s", pmem_errormsg());
	} else if ((b = find_static(s, tok)) == NULL) {
		search_path(s, tok, &b, handle, why, sizeof(why));
	}
	if (b == NULL) {
		refuse(s, "PMEM_BACKEND: %s", why);
		return NULL;
	}
	if (!usable(s, b)) {
		char f[128];
		if (b->cpu_needs & ~s->in->cpu->features)
			refuse(s, "PMEM_BACKEND: '%s' refused: this CPU cannot "
					"run it (needs %s)", b->name,
					pmem_select_needs(b, f, sizeof(f)));
		else
			refuse(s, "PMEM_BACKEND: '%s' refused: its probe "
					"refuses this CPU", b->name);
		pmem_plugin_close(*handle);
		*handle = NULL;
		return NULL;
	}
	return b;
}

static void parse_forced(struct sel *s)
{
	const char *v = env(s, "PMEM_BACKEND");
	if (v == NULL || v[0] == '\0')
		return;
	char buf[4096];
	if (strlen(v) >= sizeof(buf)) {
		refuse(s, "PMEM_BACKEND: value too long");
		return;
	}
	strcpy(buf, v);

	const struct pmem_backend *got[2] = { NULL, NULL };
	void *handle[2] = { NULL, NULL };
	char *comma = strchr(buf, ',');
	if (comma) {
		*comma = '\0';
		if (strchr(comma + 1, ',')) {
			refuse(s, "PMEM_BACKEND='%s': more than two names", v);
			return;
		}
	}
	got[0] = resolve(s, buf, &handle[0]);
	if (comma)
		got[1] = resolve(s, comma + 1, &handle[1]);

	if (got[0] && got[1] && got[0]->kind == got[1]->kind) {
		refuse(s, "PMEM_BACKEND='%s': two %s backends ('%s' and "
				"'%s'), give one flush and one copy", v,
				got[0]->kind == PMEM_BACKEND_FLUSH ? "flush" :
				"copy", got[0]->name, got[1]->name);
		pmem_plugin_close(handle[0]);
		pmem_plugin_close(handle[1]);
		return;
	}
	for (int i = 0; i < 2; i++)
		if (got[i])
			s->forced[got[i]->kind] = got[i];
}

static void note_forced(const struct sel *s, const struct pmem_backend *b,
		char *buf, size_t size)
{
	note(buf, size, "forced by PMEM_BACKEND");
	if (find_static(s, b->name) != b)
		note(buf, size, "plugin");
}

/* ---- flush ----------------------------------------------------------- */

/* The first usable static flush backend with all of `caps`. */
static const struct pmem_backend *find_with_caps(const struct sel *s,
		uint32_t caps)
{
	for (const struct pmem_backend *const *p = s->in->backends; p && *p;
			p++)
		if ((*p)->kind == PMEM_BACKEND_FLUSH &&
				((*p)->caps & caps) == caps && usable(s, *p))
			return *p;
	return NULL;
}

const struct pmem_backend *pmem_select_flush_instruction(
		const struct pmem_backend *const *backends,
		const struct pmem_cpu *cpu, pmem_env_fn *envf, void *ctx)
{
	for (size_t i = 0; i < sizeof(flush_order) / sizeof(*flush_order);
			i++) {
		const char *off = flush_order[i].off ?
			envf(flush_order[i].off, ctx) : NULL;
		if (off && strcmp(off, "1") == 0)
			continue;
		for (const struct pmem_backend *const *p = backends; p && *p;
				p++)
			if ((*p)->kind == PMEM_BACKEND_FLUSH &&
					!((*p)->caps &
					PMEM_BACKEND_CAP_NO_WRITEBACK) &&
					strcmp((*p)->name,
						flush_order[i].name) == 0 &&
					pmem_select_usable(*p, cpu))
				return *p;
	}
	return NULL;
}

static int in_flush_order(const char *name)
{
	for (size_t i = 0; i < sizeof(flush_order) / sizeof(*flush_order);
			i++)
		if (strcmp(flush_order[i].name, name) == 0)
			return 1;
	return 0;
}

static const struct pmem_backend *choose_flush(struct sel *s)
{
	char *r = s->out->flush_reason;
	size_t rs = sizeof(s->out->flush_reason);
	const struct pmem_backend *b;

	if (s->forced[PMEM_BACKEND_FLUSH]) {
		b = s->forced[PMEM_BACKEND_FLUSH];
		note_forced(s, b, r, rs);
		return b;
	}

	const char *no_flush = env(s, "PMEM_NO_FLUSH");
	int nop_wanted = 0;
	if (no_flush && strcmp(no_flush, "1") == 0) {
		nop_wanted = 1;
		note(r, rs, "PMEM_NO_FLUSH=1");
	} else if (s->in->auto_flush) {
		if (no_flush && strcmp(no_flush, "0") == 0)
			note(r, rs, "PMEM_NO_FLUSH=0 despite auto flush");
		else {
			nop_wanted = 1;
			note(r, rs, "platform has auto flush (eADR)");
		}
	}
	if (nop_wanted) {
		b = find_with_caps(s, PMEM_BACKEND_CAP_EADR_ONLY);
		if (b)
			return b;
		note(r, rs, "no eADR-only flush backend (nop) linked in");
	}

	for (size_t i = 0; i < sizeof(flush_order) / sizeof(*flush_order);
			i++) {
		const char *name = flush_order[i].name;
		const char *off = flush_order[i].off;
		b = find_static(s, name);
		if (b == NULL) {
			if (flush_order[i].isa == isa_of(s->in->cpu))
				note(r, rs, "%s not linked in", name);
		} else if (off && env_is(s, off, "1")) {
			note(r, rs, "%s=1", off);
		} else if (!usable(s, b)) {
			note_unusable(s, r, rs, b);
		} else {
			note_usable(r, rs, b);
			return b;
		}
	}

	/* No flush instruction: the page-cache backend (msync), then
	 * anything else linked in that is not for eADR only. */
	b = find_with_caps(s, PMEM_BACKEND_CAP_PAGE_CACHE);
	for (const struct pmem_backend *const *p = s->in->backends;
			b == NULL && p && *p; p++)
		if ((*p)->kind == PMEM_BACKEND_FLUSH &&
				!((*p)->caps & PMEM_BACKEND_CAP_EADR_ONLY) &&
				!in_flush_order((*p)->name) && usable(s, *p))
			b = *p;
	if (b) {
		note(r, rs, "no flush instruction usable, using %s", b->name);
		return b;
	}
	if (pmem_select_usable(&pmem_builtin_flush, s->in->cpu)) {
		note(r, rs, "nothing usable linked in, built-in CLFLUSH");
		return &pmem_builtin_flush;
	}
	note(r, rs, "nothing usable linked in and no CLFLUSH: built-in "
			"no-op flush (nothing is written back)");
	return &pmem_builtin_noflush;
}

/* ---- copy ------------------------------------------------------------ */

static const struct copy_row *copy_row_for(const struct pmem_cpu *cpu)
{
	for (size_t i = 0; i < sizeof(copy_rows) / sizeof(*copy_rows); i++) {
		const struct copy_row *row = &copy_rows[i];
		if (strcmp(row->vendor, cpu->vendor) == 0 &&
				row->family == cpu->family &&
				cpu->model >= row->model_lo &&
				cpu->model <= row->model_hi)
			return row;
	}
	return NULL;
}

static const char *copy_removed_by(const struct sel *s, const char *name)
{
	for (size_t i = 0; i < sizeof(copy_off) / sizeof(*copy_off); i++)
		if (strcmp(copy_off[i].name, name) == 0 &&
				env_is(s, copy_off[i].off, "0"))
			return copy_off[i].off;
	return NULL;
}

/* First usable, not removed backend in `order`; notes why others lost. */
static const struct pmem_backend *pick_copy(const struct sel *s,
		const char *const order[COPY_MAX], char *r, size_t rs)
{
	for (int i = 0; i < COPY_MAX && order[i]; i++) {
		const struct pmem_backend *b = find_static(s, order[i]);
		const char *off;
		if (b == NULL) {
			/* The copy orders name x86-64's backends only. */
			if (isa_of(s->in->cpu) == ISA_X86_64)
				note(r, rs, "%s not linked in", order[i]);
		} else if ((off = copy_removed_by(s, order[i])) != NULL) {
			note(r, rs, "%s=0", off);
		} else if (!usable(s, b)) {
			note_unusable(s, r, rs, b);
		} else {
			note_usable(r, rs, b);
			return b;
		}
	}
	return NULL;
}

static int in_default_order(const char *name)
{
	for (int i = 0; i < COPY_MAX; i++)
		if (default_order[i] && strcmp(default_order[i], name) == 0)
			return 1;
	return 0;
}

static const struct pmem_backend *choose_copy(struct sel *s)
{
	char *r = s->out->copy_reason;
	size_t rs = sizeof(s->out->copy_reason);

	if (s->forced[PMEM_BACKEND_COPY]) {
		const struct pmem_backend *b = s->forced[PMEM_BACKEND_COPY];
		note_forced(s, b, r, rs);
		return b;
	}
	const struct copy_row *row = copy_row_for(s->in->cpu);
	const struct pmem_backend *b = pick_copy(s, row ? row->order :
			default_order, r, rs);
	if (b) {
		note(r, rs, "%s", row ? row->measured : DEFAULT_WHY);
		return b;
	}
	/* Something else linked in (not in the orders), else built-in. */
	for (const struct pmem_backend *const *p = s->in->backends; p && *p;
			p++)
		if ((*p)->kind == PMEM_BACKEND_COPY &&
				!in_default_order((*p)->name) &&
				usable(s, *p)) {
			note(r, rs, "%s usable", (*p)->name);
			return *p;
		}
	note(r, rs, "nothing usable linked in, built-in temporal copy");
	return &pmem_builtin_copy;
}

/* ---- threshold ------------------------------------------------------- */

/* PMEM_MOVNT_THRESHOLD: 1 when it set the threshold. */
static void parse_threshold(struct sel *s)
{
	struct pmem_backend_choice *c = &s->out->choice;
	const char *t = env(s, "PMEM_MOVNT_THRESHOLD");
	if (t == NULL)
		return;
	/* Digits only: "", "-1", "12k", "1e3" are mistakes, not numbers. */
	int ok = t[0] != '\0' && strspn(t, "0123456789") == strlen(t);
	unsigned long long v = 0;
	if (ok) {
		char *end;
		errno = 0;
		v = strtoull(t, &end, 10);
		ok = errno == 0 && v < SIZE_MAX;
	}
	if (!ok) {
		note(s->out->copy_reason, sizeof(s->out->copy_reason),
				"PMEM_MOVNT_THRESHOLD='%.32s' ignored (not a "
				"number of bytes)", t);
		PMEM_LOG(WARNING, "PMEM_MOVNT_THRESHOLD='%s' ignored: not a "
				"number of bytes", t);
		return;
	}
	c->movnt_threshold = (size_t)v;
}

static void choose_threshold(struct sel *s)
{
	struct pmem_backend_choice *c = &s->out->choice;
	char *r = s->out->copy_reason;
	size_t rs = sizeof(s->out->copy_reason);

	c->movnt_threshold = PMEM_MOVNT_THRESHOLD_DEFAULT;
	if (env_is(s, "PMEM_NO_MOVNT", "1")) {
		c->movnt_threshold = SIZE_MAX;
		note(r, rs, "PMEM_NO_MOVNT=1: all copies temporal");
		return;
	}
	/* A flush that cannot make non-temporal stores durable (msync writes
	 * back only the pages flush() is given; an NT body bypasses flush())
	 * needs every byte stored temporally. */
	const struct pmem_backend *f = s->out->choice.flush;
	if (f->caps & PMEM_BACKEND_CAP_NO_NT) {
		c->movnt_threshold = SIZE_MAX;
		note(r, rs, "%s: all copies temporal", f->name);
		return;
	}
	parse_threshold(s);
	/* Short aligned copies NT: only when PMEM_MOVNT_SMALL=1 asks.  They
	 * persist faster in pmembench on Zen 3 but leave the lines uncached
	 * (docs/performance.md, "Small aligned copies non-temporal"), and
	 * the real clients of the issue #17 report (libpmemobj, libpmemlog,
	 * fio on Zen 3) ran faster without them. */
	c->small_nt = 0;
	const char *v = env(s, "PMEM_MOVNT_SMALL");
	if (v && (strcmp(v, "0") == 0 || strcmp(v, "1") == 0)) {
		c->small_nt = v[0] == '1';
		note(r, rs, "PMEM_MOVNT_SMALL=%s", v);
	} else if (v) {
		note(r, rs, "PMEM_MOVNT_SMALL='%.32s' ignored (not 0 or 1)", v);
		PMEM_LOG(WARNING, "PMEM_MOVNT_SMALL='%s' ignored: not 0 or 1",
				v);
	}
}

void pmem_select_backends(const struct pmem_select_in *in,
		struct pmem_selection *out)
{
	struct sel s = { .in = in, .out = out };
	memset(out, 0, sizeof(*out));

	parse_forced(&s);
	out->choice.flush = choose_flush(&s);
	out->choice.copy = choose_copy(&s);
	choose_threshold(&s);
	/* Kept in the ABI; the threshold says it (SIZE_MAX: no NT copy). */
	out->choice.movnt = out->choice.movnt_threshold != SIZE_MAX;

	out->choice.flush_reason = out->flush_reason;
	out->choice.copy_reason = out->copy_reason;
	out->choice.refusal = out->refusal[0] ? out->refusal : NULL;
	if (out->choice.refusal)
		PMEM_LOG(WARNING, "%s; using the automatic choice",
				out->refusal);
}
