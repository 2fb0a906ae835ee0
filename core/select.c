/*
 * select.c -- start-up: read the CPU and the environment once, choose the
 * backends (select_rules.c) and fill pmem_ops; answer the introspection
 * calls of libpmem_backend.h.
 *
 * pmem_ops lives here, next to the constructor, so any static link that
 * calls a libpmem function also pulls in the code that fills it.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "deep_flush_isa.h"
#include "err.h"
#include "export.h"
#include "libpmem.h"
#include "log.h"
#include "ops.h"
#include "select.h"

/* Safe before the constructor: CLFLUSH and temporal copies. */
struct pmem_ops pmem_ops = {
	.flush = pmem_builtin_flush_fn,
	.drain = pmem_builtin_drain_fn,
	.deep_flush = pmem_builtin_flush_fn,
	.memmove_nt = pmem_builtin_memmove_fn,
	.memset_nt = pmem_builtin_memset_fn,
	.movnt_threshold = PMEM_MOVNT_THRESHOLD_DEFAULT,
};

static struct pmem_cpu cpu;
static struct pmem_selection selection;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Variables that load code are ignored in set-uid/set-gid programs. */
static const char *real_env(const char *name, void *ctx)
{
	(void)ctx;
	if (strcmp(name, "PMEM_BACKEND") == 0 ||
			strcmp(name, "PMEM_BACKEND_PATH") == 0)
		return secure_getenv(name);
	return getenv(name);
}

/* The built-in CLFLUSH when no flush instruction backend is linked in.
 * PMEM_NO_CLWB=1 and PMEM_NO_CLFLUSHOPT=1 hold here too ("do not use that
 * instruction"), as in PMDK. */
pmem_flush_fn *pmem_select_deep_flush(const struct pmem_backend *chosen,
		const struct pmem_cpu *cpu)
{
	static const struct {
		const char *name, *off;
	} by_preference[] = {
		{ "clwb", "PMEM_NO_CLWB" },
		{ "clflushopt", "PMEM_NO_CLFLUSHOPT" },
		{ "clflush", NULL },
		{ "dc-cvap", NULL },	/* AArch64 */
		{ "dc-cvac", NULL },
	};
	pmem_flush_fn *isa_deep = pmem_isa_deep_flush(cpu);
	if (isa_deep)	/* e.g. DC CVADP: deeper than any flush backend */
		return isa_deep;
	if (strcmp(chosen->name, "nop") != 0 &&
			strcmp(chosen->name, "msync-fallback") != 0)
		return chosen->flush;
	for (size_t i = 0; i < sizeof(by_preference) / sizeof(*by_preference);
			i++) {
		const char *off = by_preference[i].off ?
			getenv(by_preference[i].off) : NULL;
		if (off && strcmp(off, "1") == 0)
			continue;
		for (unsigned k = 0; pmem_static_backends[k]; k++) {
			const struct pmem_backend *b = pmem_static_backends[k];
			if (strcmp(b->name, by_preference[i].name) == 0 &&
					b->probe(cpu))
				return b->flush;
		}
	}
	return pmem_builtin_flush_fn;
}

static void init(void)
{
	pmem_cpu_detect(&cpu);
	struct pmem_select_in in = {
		.cpu = &cpu,
		.env = real_env,
		.backends = pmem_static_backends,
		/* -1 (cannot tell) is not auto flush */
		.auto_flush = pmem_has_auto_flush() == 1,
		.plugin_dir = PMEM_PLUGIN_DIR,
	};
	pmem_select_backends(&in, &selection);
	const struct pmem_backend_choice *c = &selection.choice;
	if (c->refusal)
		pmem_err_msg("%s", c->refusal);

	pmem_ops.flush = c->flush->flush;
	pmem_ops.drain = c->flush->drain;
	pmem_ops.deep_flush = pmem_select_deep_flush(c->flush, &cpu);
	pmem_ops.memmove_nt = c->copy->memmove_nt;
	pmem_ops.memset_nt = c->copy->memset_nt;
	pmem_ops.movnt_threshold = c->movnt ? c->movnt_threshold : SIZE_MAX;

	PMEM_LOG(DEBUG, "flush: %s (%s)", c->flush->name, c->flush_reason);
	PMEM_LOG(DEBUG, "copy: %s (%s), movnt threshold %zu", c->copy->name,
			c->copy_reason, pmem_ops.movnt_threshold);
}

__attribute__((constructor)) static void pmem_select_init(void)
{
	pthread_once(&once, init);
}

const struct pmem_selection *pmem_selection_get(void)
{
	pthread_once(&once, init);
	return &selection;
}

PMEM_EXPORT const struct pmem_backend_choice *pmem_backend_get_choice(void)
{
	return &pmem_selection_get()->choice;
}

PMEM_EXPORT const struct pmem_cpu *pmem_backend_get_cpu(void)
{
	pthread_once(&once, init);
	return &cpu;
}

PMEM_EXPORT const struct pmem_backend *pmem_backend_get_static(unsigned i)
{
	for (unsigned k = 0; pmem_static_backends[k]; k++)
		if (k == i)
			return pmem_static_backends[k];
	return NULL;
}
