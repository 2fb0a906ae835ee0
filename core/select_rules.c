/*
 * select_rules.c -- which flush and which copy backend, and why.
 *
 * Pure: everything comes from struct pmem_select_in (CPU, environment,
 * candidates), so tests drive it with fake CPUs and environments.  The
 * shape follows glibc's ifunc selectors: a backend's probe says whether it
 * is *usable*; the tables below say which usable one is *preferred*.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libpmem.h"
#include "log.h"
#include "plugin.h"
#include "select.h"

/* The feature each known backend's probe needs, for human reasons. */
static const struct {
	const char *name;
	uint64_t bits;		/* all needed */
	const char *feature;
} needs[] = {
	{ "clwb", PMEM_CPU_CLWB, "CLWB" },
	{ "clflushopt", PMEM_CPU_CLFLUSHOPT, "CLFLUSHOPT" },
	{ "clflush", PMEM_CPU_CLFLUSH, "CLFLUSH" },
	{ "nt-avx512", PMEM_CPU_AVX512F, "AVX-512F" },
	{ "nt-avx", PMEM_CPU_AVX | PMEM_CPU_AVX2, "AVX2" },
	{ "nt-sse2", PMEM_CPU_SSE2, "SSE2" },
	{ "dc-cvap", PMEM_CPU_DCPOP, "DCPoP (DC CVAP)" },
	{ "dc-cvac", PMEM_CPU_DC_CVAC, "DC CVAC" },
};

/* The AArch64 probe's bits (cpu_aarch64.c always sets DC_CVAC); every
 * other bit is x86-64's. */
#define AARCH64_BITS (PMEM_CPU_DC_CVAC | PMEM_CPU_DCPOP | PMEM_CPU_DCPODP | \
		PMEM_CPU_ASIMD)

/* Flush preference: the first usable wins.  `off` removes it (=1). */
static const struct {
	const char *name;
	const char *off;
} flush_order[] = {
	{ "clwb", "PMEM_NO_CLWB" },		/* writes back, keeps the line */
	{ "clflushopt", "PMEM_NO_CLFLUSHOPT" },	/* unordered, evicts */
	{ "clflush", NULL },			/* ordered, slowest */
	{ "dc-cvap", NULL },		/* AArch64: clean to PoP */
	{ "dc-cvac", NULL },		/* AArch64: clean to PoC */
};

/*
 * Copy preference per CPU vendor: MEASURED, not newest-first.  On AMD Zen
 * the 256-bit non-temporal path reaches more bandwidth than the 512-bit
 * one (docs/performance.md), so nt-avx comes first there.  Change the
 * order here when measurements say so; the last row is the default.
 */
#define COPY_MAX 3
static const struct copy_pref {
	const char *vendor;		/* NULL: any other vendor */
	const char *order[COPY_MAX];
	const char *why;		/* said when it differs from default */
} copy_prefs[] = {
	{ "AuthenticAMD", { "nt-avx", "nt-avx512", "nt-sse2" },
		"AMD: nt-avx measured faster than nt-avx512" },
	{ "HygonGenuine", { "nt-avx", "nt-avx512", "nt-sse2" },
		"Hygon: nt-avx measured faster than nt-avx512" },
	{ NULL, { "nt-avx512", "nt-avx", "nt-sse2" }, NULL },
};

/* Environment variables that remove a copy candidate (value "0"). */
static const struct {
	const char *name;
	const char *off;
} copy_off[] = {
	{ "nt-avx512", "PMEM_AVX512F" },
	{ "nt-avx", "PMEM_AVX" },
};

const char *pmem_select_needs(const char *backend_name)
{
	for (size_t i = 0; i < sizeof(needs) / sizeof(*needs); i++)
		if (strcmp(needs[i].name, backend_name) == 0)
			return needs[i].feature;
	return NULL;
}

struct sel {
	const struct pmem_select_in *in;
	struct pmem_selection *out;
	const struct pmem_backend *forced[3];	/* by kind */
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

/* A known backend of the other instruction set: it is never linked in
 * here, so saying so would only be noise in the reasons. */
static int other_isa(const struct sel *s, const char *name)
{
	for (size_t i = 0; i < sizeof(needs) / sizeof(*needs); i++)
		if (strcmp(needs[i].name, name) == 0) {
			int cpu_arm = (s->in->cpu->features & AARCH64_BITS) != 0;
			int b_arm = (needs[i].bits & AARCH64_BITS) != 0;
			return cpu_arm != b_arm;
		}
	return 0;
}

static int usable(const struct sel *s, const struct pmem_backend *b)
{
	return b->probe(s->in->cpu) != 0;
}

/* "CPU lacks CLWB" when the feature bit is missing, else the probe's. */
static void note_unusable(const struct sel *s, char *buf, size_t size,
		const char *name)
{
	for (size_t i = 0; i < sizeof(needs) / sizeof(*needs); i++)
		if (strcmp(needs[i].name, name) == 0 &&
				(s->in->cpu->features & needs[i].bits) !=
				needs[i].bits) {
			note(buf, size, "CPU lacks %s", needs[i].feature);
			return;
		}
	note(buf, size, "%s: probe refuses this CPU", name);
}

static void note_usable(char *buf, size_t size, const char *name)
{
	const char *f = pmem_select_needs(name);
	if (f)
		note(buf, size, "CPU has %s", f);
	else
		note(buf, size, "%s usable", name);
}

/* ---- PMEM_BACKEND ---------------------------------------------------- */

/* Loads <dir>/<name>.so from the first directory of the search path that
 * has it.  Returns 1 if a file was found (loaded or not), 0 if none. */
static int search_path(struct sel *s, const char *name,
		const struct pmem_backend **b, void **handle, char *why,
		size_t whysize)
{
	const char *path = env(s, "PMEM_BACKEND_PATH");
	if (path == NULL || path[0] == '\0')
		path = s->in->plugin_dir;
	if (path == NULL)
		return 0;
	const char *p = path;
	while (*p) {
		size_t len = strcspn(p, ":");
		if (len > 0) {
			char file[4096];
			int n = snprintf(file, sizeof(file), "%.*s/%s.so",
					(int)len, p, name);
			if (n > 0 && (size_t)n < sizeof(file) &&
					access(file, F_OK) == 0) {
				if (pmem_plugin_open(file, b, handle) != 0) {
					snprintf(why, whysize, "%s",
							pmem_errormsg());
					*b = NULL;
				}
				return 1;
			}
		}
		p += len;
		if (*p == ':')
			p++;
	}
	snprintf(why, whysize, "unknown backend '%s' (not linked in, no "
			"%s.so in %s)", name, name, path);
	return 0;
}

/* One name or path from PMEM_BACKEND -> a usable backend, or NULL with a
 * refusal recorded. */
static const struct pmem_backend *resolve(struct sel *s, const char *tok,
		void **handle)
{
	const struct pmem_backend *b = NULL;
	char why[512] = "";

	if (tok[0] == '\0') {
		refuse(s, "PMEM_BACKEND: empty backend name");
		return NULL;
	}
	if (strchr(tok, '/')) {
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
		const char *f = pmem_select_needs(b->name);
		if (f)
			refuse(s, "PMEM_BACKEND: '%s' refused: this CPU cannot "
					"run it (needs %s)", b->name, f);
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
		b = find_static(s, "nop");
		if (b && usable(s, b))
			return b;
		note(r, rs, "nop not linked in");
	}

	for (size_t i = 0; i < sizeof(flush_order) / sizeof(*flush_order);
			i++) {
		const char *name = flush_order[i].name;
		const char *off = flush_order[i].off;
		b = find_static(s, name);
		if (b == NULL) {
			if (!other_isa(s, name))
				note(r, rs, "%s not linked in", name);
		} else if (off && env_is(s, off, "1")) {
			note(r, rs, "%s=1", off);
		} else if (!usable(s, b)) {
			note_unusable(s, r, rs, name);
		} else {
			note_usable(r, rs, name);
			return b;
		}
	}

	/* No flush instruction: msync, then anything else linked in. */
	for (const struct pmem_backend *const *p = s->in->backends; p && *p;
			p++) {
		b = *p;
		if (b->kind != PMEM_BACKEND_FLUSH || strcmp(b->name, "nop") == 0
				|| !usable(s, b))
			continue;
		if (strcmp(b->name, "msync-fallback") == 0 ||
				pmem_select_needs(b->name) == NULL) {
			note(r, rs, "no flush instruction usable, using %s",
					b->name);
			return b;
		}
	}
	note(r, rs, "nothing usable linked in, built-in CLFLUSH");
	return &pmem_builtin_flush;
}

/* ---- copy ------------------------------------------------------------ */

static const struct copy_pref *copy_pref_for(const char *vendor)
{
	const struct copy_pref *p = copy_prefs;
	for (; p->vendor; p++)
		if (strcmp(p->vendor, vendor) == 0)
			break;
	return p;
}

static const char *copy_removed_by(const struct sel *s, const char *name)
{
	for (size_t i = 0; i < sizeof(copy_off) / sizeof(*copy_off); i++)
		if (strcmp(copy_off[i].name, name) == 0 &&
				env_is(s, copy_off[i].off, "0"))
			return copy_off[i].off;
	return NULL;
}

/* First usable, not removed backend in `order`; notes why others lost
 * when r is given. */
static const struct pmem_backend *pick_copy(const struct sel *s,
		const char *const order[COPY_MAX], char *r, size_t rs)
{
	for (int i = 0; i < COPY_MAX && order[i]; i++) {
		const struct pmem_backend *b = find_static(s, order[i]);
		const char *off;
		if (b == NULL) {
			if (r && !other_isa(s, order[i]))
				note(r, rs, "%s not linked in", order[i]);
		} else if ((off = copy_removed_by(s, order[i])) != NULL) {
			if (r)
				note(r, rs, "%s=0", off);
		} else if (!usable(s, b)) {
			if (r)
				note_unusable(s, r, rs, order[i]);
		} else {
			if (r)
				note_usable(r, rs, order[i]);
			return b;
		}
	}
	return NULL;
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
	const struct copy_pref *pref = copy_pref_for(s->in->cpu->vendor);
	const struct pmem_backend *b = pick_copy(s, pref->order, r, rs);
	if (b && pref->why) {
		const struct copy_pref *def = copy_pref_for("");
		if (pick_copy(s, def->order, NULL, 0) != b)
			note(r, rs, "%s", pref->why);
	}
	if (b)
		return b;
	/* Something else linked in (not in the tables), else built-in. */
	for (const struct pmem_backend *const *p = s->in->backends; p && *p;
			p++)
		if ((*p)->kind == PMEM_BACKEND_COPY &&
				pmem_select_needs((*p)->name) == NULL &&
				usable(s, *p)) {
			note(r, rs, "%s usable", (*p)->name);
			return *p;
		}
	note(r, rs, "nothing usable linked in, built-in temporal copy");
	return &pmem_builtin_copy;
}

/* ---- threshold ------------------------------------------------------- */

static void choose_threshold(struct sel *s)
{
	struct pmem_backend_choice *c = &s->out->choice;
	char *r = s->out->copy_reason;
	size_t rs = sizeof(s->out->copy_reason);

	c->movnt = 1;
	c->movnt_threshold = PMEM_MOVNT_THRESHOLD_DEFAULT;
	if (env_is(s, "PMEM_NO_MOVNT", "1")) {
		c->movnt = 0;
		c->movnt_threshold = SIZE_MAX;
		note(r, rs, "PMEM_NO_MOVNT=1: all copies temporal");
		return;
	}
	/* msync-fallback is for mappings that are not pmem: msync writes back
	 * the pages flush() is given, and non-temporal stores bypass flush()
	 * for the body of a copy, so every byte must be stored temporally. */
	if (strcmp(s->out->choice.flush->name, "msync-fallback") == 0) {
		c->movnt = 0;
		c->movnt_threshold = SIZE_MAX;
		note(r, rs, "msync-fallback: all copies temporal");
		return;
	}
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
		note(r, rs, "PMEM_MOVNT_THRESHOLD='%.32s' ignored (not a "
				"number of bytes)", t);
		PMEM_LOG(WARNING, "PMEM_MOVNT_THRESHOLD='%s' ignored: not a "
				"number of bytes", t);
		return;
	}
	c->movnt_threshold = (size_t)v;
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

	out->choice.flush_reason = out->flush_reason;
	out->choice.copy_reason = out->copy_reason;
	out->choice.refusal = out->refusal[0] ? out->refusal : NULL;
	if (out->choice.refusal)
		PMEM_LOG(WARNING, "%s; using the automatic choice",
				out->refusal);
}
