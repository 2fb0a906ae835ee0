/*
 * select_fake.h -- what the tests of the pure choice (select_rules.c)
 * share: backends with a descriptor's facts (name, kind, cpu_needs, caps)
 * and dummy functions, a fake environment, choose() and its assertions.
 * The including file points fake_backends (and fake_plugin_dir) at its
 * table; fakes_match_linked() proves that table has the facts of every
 * backend this build links in under the same name.
 */
#ifndef SELECT_FAKE_H
#define SELECT_FAKE_H 1

#include <criterion/criterion.h>
#include <stdarg.h>
#include <string.h>

#include "libpmem_backend.h"
#include "plugin.h"
#include "select.h"

static inline void fake_flush(const void *a, size_t n)
{
	(void)a;
	(void)n;
}

static inline void fake_drain(void)
{
}

static inline void *fake_move(void *d, const void *s, size_t n,
		pmem_flush_fn *f)
{
	(void)s; (void)n; (void)f;
	return d;
}

static inline void *fake_set(void *d, int c, size_t n, pmem_flush_fn *f)
{
	(void)c; (void)n; (void)f;
	return d;
}

/* As the real probes: cpu_needs says it all (pmem_backend_runs). */
static inline int fake_probe(const struct pmem_cpu *cpu)
{
	(void)cpu;
	return 1;
}

#define FAKE_FLUSH(nm, needs, cp) { .abi_version = 2, \
	.size = sizeof(struct pmem_backend), .name = nm, \
	.kind = PMEM_BACKEND_FLUSH, .probe = fake_probe, \
	.flush = fake_flush, .drain = fake_drain, .cpu_needs = needs, \
	.caps = cp }
#define FAKE_COPY(nm, needs) { .abi_version = 2, \
	.size = sizeof(struct pmem_backend), .name = nm, \
	.kind = PMEM_BACKEND_COPY, .probe = fake_probe, \
	.memmove_nt = fake_move, .memset_nt = fake_set, .cpu_needs = needs }
/* The two flush backends every ISA's build links in. */
#define FAKE_MSYNC_FALLBACK FAKE_FLUSH("msync-fallback", 0, \
	PMEM_BACKEND_CAP_NO_WRITEBACK | PMEM_BACKEND_CAP_NO_NT | \
	PMEM_BACKEND_CAP_PAGE_CACHE)
#define FAKE_NOP FAKE_FLUSH("nop", 0, PMEM_BACKEND_CAP_NO_WRITEBACK | \
	PMEM_BACKEND_CAP_EADR_ONLY)

/* ---- a fake environment: "NAME=value" strings, NULL-terminated ---- */

static __attribute__((unused)) const char *vars[16];
static __attribute__((unused)) const char *const *fake_vars = vars;

static inline const char *fake_env(const char *name, void *ctx)
{
	(void)ctx;
	size_t n = strlen(name);
	for (int i = 0; fake_vars && fake_vars[i]; i++)
		if (strncmp(fake_vars[i], name, n) == 0 &&
				fake_vars[i][n] == '=')
			return fake_vars[i] + n + 1;
	return NULL;
}

/* The fake environment from the "NAME=value" arguments up to NULL. */
static inline void fake_vars_from(va_list ap)
{
	int i = 0;
	for (const char *v; (v = va_arg(ap, const char *)) != NULL && i < 15;)
		vars[i++] = v;
	vars[i] = NULL;
	fake_vars = vars;
}

/* ---- choose(cpu, auto_flush, "NAME=value", ..., NULL) ---- */

static __attribute__((unused)) const struct pmem_backend *const *fake_backends;
static __attribute__((unused)) const char *fake_plugin_dir = "/nonexistent/libpmem/backends";
static __attribute__((unused)) struct pmem_selection sel;

static inline const struct pmem_backend_choice *choose(
		const struct pmem_cpu *cpu, int auto_flush, ...)
{
	va_list ap;
	va_start(ap, auto_flush);
	fake_vars_from(ap);
	va_end(ap);
	struct pmem_select_in in = {
		.cpu = cpu,
		.env = fake_env,
		.backends = fake_backends,
		.auto_flush = auto_flush,
		.plugin_dir = fake_plugin_dir,
	};
	pmem_select_backends(&in, &sel);
	return &sel.choice;
}

/* Every fake named as a backend this build links in has its facts, so
 * the fake table cannot drift from the descriptors; returns how many
 * were compared. */
static inline unsigned fakes_match_linked(
		const struct pmem_backend *const *fakes)
{
	unsigned compared = 0;
	for (unsigned i = 0; fakes[i]; i++) {
		const struct pmem_backend *f = fakes[i], *b;
		for (unsigned k = 0; (b = pmem_backend_get_static(k)); k++) {
			if (strcmp(b->name, f->name) != 0)
				continue;
			cr_assert_eq(f->kind, b->kind, "%s: kind", f->name);
			cr_assert_eq(f->cpu_needs, b->cpu_needs,
					"%s: fake cpu_needs %#llx, real %#llx",
					f->name,
					(unsigned long long)f->cpu_needs,
					(unsigned long long)b->cpu_needs);
			cr_assert_eq(f->caps, b->caps, "%s: fake caps %#x, "
					"real %#x", f->name, f->caps, b->caps);
			compared++;
		}
	}
	return compared;
}

/* With no backend linked in, the core's own last resorts for this ISA:
 * returns the choice for the test to check the names it gives. */
static inline const struct pmem_backend_choice *choose_builtins(
		const struct pmem_cpu *cpu)
{
	static const struct pmem_backend *const none[] = { NULL };
	struct pmem_select_in in = { .cpu = cpu, .env = fake_env,
		.backends = none };
	vars[0] = NULL;
	fake_vars = vars;
	pmem_select_backends(&in, &sel);
	cr_assert_eq(sel.choice.flush, &pmem_builtin_flush);
	cr_assert_eq(sel.choice.copy, &pmem_builtin_copy);
	char why[128];
	cr_assert_eq(pmem_backend_validate(&pmem_builtin_flush, why,
			sizeof(why)), 0, "%s", why);
	return &sel.choice;
}

#define NAMES(c, f, cp) do { \
	cr_assert_str_eq((c)->flush->name, f, "flush %s, reason: %s", \
			(c)->flush->name, (c)->flush_reason); \
	cr_assert_str_eq((c)->copy->name, cp, "copy %s, reason: %s", \
			(c)->copy->name, (c)->copy_reason); \
} while (0)
#define HAS_TEXT(s, t) cr_assert((s) != NULL && strstr((s), (t)) != NULL, \
		"expected \"%s\" in \"%s\"", (t), (s) ? (s) : "(null)")
#define NO_TEXT(s, t) cr_assert((s) == NULL || strstr((s), (t)) == NULL, \
		"did not expect \"%s\" in \"%s\"", (t), (s))
#define NO_REFUSAL(c) cr_assert_null((c)->refusal, "refusal: %s", \
		(c)->refusal)

#endif
