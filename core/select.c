/*
 * select.c -- start-up: read the CPU and the environment once, choose the
 * backends (select_rules.c) and fill pmem_ops; answer the introspection
 * calls of libpmem_backend.h.
 *
 * pmem_ops lives here, next to the constructor, so any static link that
 * calls a libpmem function also pulls in the code that fills it.
 */
#include <errno.h>
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
#include "os.h"
#include "ops.h"
#include "profile.h"
#include "select.h"
#include "services.h"

/* Safe before the constructor: CLFLUSH and temporal copies. */
struct pmem_ops pmem_ops = {
	.flush = pmem_builtin_flush_fn,
	.drain = pmem_builtin_drain_fn,
	.deep_flush = pmem_builtin_flush_fn,
	.memmove_nt = pmem_builtin_memmove_fn,
	.memset_nt = pmem_builtin_memset_fn,
	.memmove_nt_unfenced = pmem_builtin_memmove_fn,
	.memset_nt_unfenced = pmem_builtin_memset_fn,
	.movnt_threshold = PMEM_MOVNT_THRESHOLD_DEFAULT,
};

static struct pmem_cpu cpu;
static struct pmem_selection selection;
static struct pmem_profile_state profile_state;
/* Two steps, so a probe may ask for the CPU while the choice is made. */
static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_once_t attach_once = PTHREAD_ONCE_INIT;
/* Set while this thread is choosing: a probe or entry function that asks
 * for the choice gets `in_progress` instead of waiting on itself. */
static __thread int choosing;
static const struct pmem_selection in_progress = {
	.choice = {
		.flush = &pmem_builtin_flush,
		.copy = &pmem_builtin_copy,
		.flush_reason = "start-up selection in progress",
		.copy_reason = "start-up selection in progress",
		.movnt_threshold = PMEM_MOVNT_THRESHOLD_DEFAULT,
		.movnt = 1,
	},
};

/* Variables that load code or name files are ignored in set-uid/set-gid
 * programs. */
static const char *real_env(const char *name, void *ctx)
{
	(void)ctx;
	if (strcmp(name, "PMEM_BACKEND") == 0 ||
			strcmp(name, "PMEM_BACKEND_PATH") == 0 ||
			strcmp(name, "PMEM_PROFILE") == 0)
		return pmem_os_secure_getenv(name);
	return pmem_os_getenv(name);
}

/* PMEM_NO_CLWB=1 and PMEM_NO_CLFLUSHOPT=1 hold here too ("do not use that
 * instruction"), as in PMDK. */
pmem_flush_fn *pmem_select_deep_flush(const struct pmem_backend *chosen,
		const struct pmem_cpu *cpu)
{
	pmem_flush_fn *isa_deep = pmem_isa_deep_flush(cpu);
	if (isa_deep)	/* e.g. DC CVADP: deeper than any flush backend */
		return isa_deep;
	if (!(chosen->caps & PMEM_BACKEND_CAP_NO_WRITEBACK))
		return chosen->flush;
	const struct pmem_backend *b = pmem_select_flush_instruction(
			pmem_static_backends, cpu, real_env, NULL);
	if (b)
		return b->flush;
	if (pmem_select_usable(&pmem_builtin_flush, cpu))
		return pmem_builtin_flush.flush;
	return pmem_builtin_noflush_fn;
}

static void detect_cpu(void)
{
	pmem_cpu_detect(&cpu);
}

/* Before any probe runs or any caller gets a descriptor. */
static void attach_static(void)
{
	for (unsigned k = 0; pmem_static_backends[k]; k++)
		pmem_backend_attach(pmem_static_backends[k]);
}

static void init(void)
{
	/* Start-up must not leave errno to main (no /sys/bus/nd: ENOENT, a
	 * refused plugin: EINVAL). */
	int saved_errno = errno;
	pthread_once(&cpu_once, detect_cpu);
	pthread_once(&attach_once, attach_static);
	choosing = 1;
	struct pmem_select_in in = {
		.cpu = &cpu,
		.env = real_env,
		.backends = pmem_static_backends,
		/* -1 (cannot tell) is not auto flush */
		.auto_flush = pmem_has_auto_flush() == 1,
		.plugin_dir = pmem_os_plugin_dir(),
	};
	pmem_select_backends(&in, &selection);
	struct pmem_profile_in pin = {
		.sel = &in,
		.stepping = pmem_cpu_stepping(),
		.privileged = pmem_os_is_privileged(),
		.default_path = PMEM_PROFILE_PATH,
		.read = pmem_os_read_conf,
	};
	pmem_profile_apply(&pin, &selection, &profile_state);
	choosing = 0;
	const struct pmem_backend_choice *c = &selection.choice;
	if (c->refusal)
		pmem_err_msg("%s", c->refusal);

	pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
		.flush = c->flush,
		.copy = c->copy,
		.cpu = &cpu,
		.movnt_threshold = c->movnt_threshold,
		.small_nt = c->small_nt,
	});

	PMEM_LOG(DEBUG, "flush: %s (%s)", c->flush->name, c->flush_reason);
	PMEM_LOG(DEBUG, "copy: %s (%s), movnt threshold %zu%s", c->copy->name,
			c->copy_reason, pmem_ops.movnt_threshold,
			pmem_ops.small_nt ? ", small aligned copies NT" : "");
	errno = saved_errno;
}

__attribute__((constructor)) static void pmem_select_init(void)
{
	pthread_once(&once, init);
}

const struct pmem_selection *pmem_selection_get(void)
{
	if (choosing)
		return &in_progress;
	pthread_once(&once, init);
	return &selection;
}

const struct pmem_profile_state *pmem_profile_get_state(void)
{
	pmem_selection_get();
	return &profile_state;
}

PMEM_EXPORT const struct pmem_backend_choice *pmem_backend_get_choice(void)
{
	return &pmem_selection_get()->choice;
}

PMEM_EXPORT const struct pmem_cpu *pmem_backend_get_cpu(void)
{
	pthread_once(&cpu_once, detect_cpu);
	return &cpu;
}

PMEM_EXPORT const struct pmem_backend *pmem_backend_get_static(unsigned i)
{
	pthread_once(&attach_once, attach_static);
	for (unsigned k = 0; pmem_static_backends[k]; k++)
		if (k == i)
			return pmem_static_backends[k];
	return NULL;
}
