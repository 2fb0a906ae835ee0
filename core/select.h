/*
 * select.h -- the choice of one flush and one copy backend, as a pure
 * function of its inputs so tests can feed it fake CPUs, environments and
 * backend tables.  select.c calls it once at start-up with the real ones.
 */
#ifndef PMEM_SELECT_H
#define PMEM_SELECT_H 1

#include <stddef.h>
#include "libpmem_backend.h"

/* Default non-temporal threshold in bytes: copies this size and larger use
 * the copy backend (PMEM_MOVNT_THRESHOLD overrides it). */
#define PMEM_MOVNT_THRESHOLD_DEFAULT 256

/* PMEM_PLUGIN_DIR: os.h */
#include "os.h"

/* Looks up an environment variable; NULL when unset.  The real one uses
 * secure_getenv() for the variables that load code. */
typedef const char *pmem_env_fn(const char *name, void *ctx);

struct pmem_select_in {
	const struct pmem_cpu *cpu;
	pmem_env_fn *env;
	void *env_ctx;
	/* Linked-in candidates, NULL-terminated (pmem_static_backends). */
	const struct pmem_backend *const *backends;
	int auto_flush;			/* pmem_has_auto_flush() */
	const char *plugin_dir;		/* default for PMEM_BACKEND_PATH */
};

/* The choice and the storage its strings point into. */
struct pmem_selection {
	struct pmem_backend_choice choice;
	char flush_reason[512];
	char copy_reason[512];
	char refusal[1536];
};

/*
 * Chooses.  Never fails: refusals of PMEM_BACKEND keep the automatic choice
 * for that kind and are described in choice.refusal (and logged).  Plugins
 * named by PMEM_BACKEND are loaded with dlopen and stay loaded when chosen.
 * choice.flush and choice.copy are never NULL when backends holds at least
 * one usable backend of each kind, else the core's built-in fallbacks.
 */
void pmem_select_backends(const struct pmem_select_in *in,
		struct pmem_selection *out);

/* "CLWB", "AVX+AVX2", ...: b->cpu_needs as the manuals name the features,
 * written into buf; NULL when it needs none. */
const char *pmem_select_needs(const struct pmem_backend *b, char *buf,
		size_t size);

/* pmem_backend_runs (libpmem_backend.h), the one test of usability. */
int pmem_select_usable(const struct pmem_backend *b,
		const struct pmem_cpu *cpu);

/* The preferred flush instruction backend among `backends` (clwb,
 * clflushopt, clflush, minus what PMEM_NO_CLWB=1/PMEM_NO_CLFLUSHOPT=1
 * remove) that writes back cache lines and is usable; NULL if none. */
const struct pmem_backend *pmem_select_flush_instruction(
		const struct pmem_backend *const *backends,
		const struct pmem_cpu *cpu, pmem_env_fn *env, void *ctx);

/* The built-in last resorts (CLFLUSH, needs PMEM_CPU_CLFLUSH; a flush
 * that writes back nothing, for a CPU without CLFLUSH; temporal copy plus
 * flush). */
extern const struct pmem_backend pmem_builtin_flush;
extern const struct pmem_backend pmem_builtin_noflush;
extern const struct pmem_backend pmem_builtin_copy;
void pmem_builtin_noflush_fn(const void *addr, size_t len);
/* Their functions, also pmem_ops' values before the constructor runs. */
void pmem_builtin_flush_fn(const void *addr, size_t len);
void pmem_builtin_drain_fn(void);
void pmem_drain_ordered_fn(void);
/* The NT copies of a table whose drain is pmem_drain_ordered_fn: the
 * global pmem_ops' unfenced copy, then a fence (ops.h). */
void *pmem_fenced_memmove_fn(void *dst, const void *src, size_t len,
		pmem_flush_fn *flush);
void *pmem_fenced_memset_fn(void *dst, int c, size_t len,
		pmem_flush_fn *flush);
void *pmem_builtin_memmove_fn(void *dst, const void *src, size_t len,
		pmem_flush_fn *flush);
void *pmem_builtin_memset_fn(void *dst, int c, size_t len,
		pmem_flush_fn *flush);

/* The linked-in backends (build/gen/static_backends.c). */
extern const struct pmem_backend *const pmem_static_backends[];

/* Re-runs nothing: the start-up selection (select.c). */
const struct pmem_selection *pmem_selection_get(void);

/* The write-back pmem_deep_flush uses when `chosen` is the flush backend:
 * chosen itself, unless its caps say it writes back no cache lines
 * (PMEM_BACKEND_CAP_NO_WRITEBACK: nop, msync-fallback); then the best of
 * clwb, clflushopt, clflush the CPU runs and PMEM_NO_CLWB/
 * PMEM_NO_CLFLUSHOPT do not remove; then the built-in CLFLUSH if the CPU
 * has CLFLUSH; else a flush that executes nothing (pmem_deep_drain's
 * msync is then all there is). */
pmem_flush_fn *pmem_select_deep_flush(const struct pmem_backend *chosen,
		const struct pmem_cpu *cpu);

#endif
