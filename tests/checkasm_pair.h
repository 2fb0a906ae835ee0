/*
 * checkasm_pair.h -- what the checkasm runners (test_checkasm.c under
 * Criterion, windows/test_win_checkasm.c without it) do before a group
 * runs: name the pair, and set it up as the library would run it on this
 * CPU, or say why it cannot run here.
 */
#ifndef PMEM_CHECKASM_PAIR_H
#define PMEM_CHECKASM_PAIR_H 1

#include <stdio.h>

#include "checkasm.h"
#include "matrix.h"
#include "select.h"

/* "clwb+nt-avx", or "clwb" for a flush group (c NULL). */
static inline const char *checkasm_pair_name(char *buf, size_t size,
		const struct pmem_backend *f, const struct pmem_backend *c)
{
	snprintf(buf, size, "%s%s%s", f->name, c ? "+" : "", c ? c->name : "");
	return buf;
}

/* Fills m->pair for group g of f (and c); NULL, or why it cannot run
 * here (in why[size] when the CPU lacks what a backend needs). */
static inline const char *checkasm_pair_prepare(struct matrix *m,
		const struct pmem_backend *f, const struct pmem_backend *c,
		enum matrix_group g, char *why, size_t size)
{
	struct pmem_cpu cpu;
	checkasm_cpu(&cpu);
	if (!pmem_backend_runs(f, &cpu) ||
			(c && !pmem_backend_runs(c, &cpu))) {
		const struct pmem_backend *b = pmem_backend_runs(f, &cpu) ? c : f;
		char nb[96];
		const char *need = pmem_select_needs(b, nb, sizeof(nb));
		snprintf(why, size, "%s: CPU lacks %s", b->name,
				need ? need : "what its probe asks for");
		return why;
	}
	if (!c) {
		m->pair.flush = f;
		m->pair.movnt = 1;
		matrix_model_for(f, &m->pair.eadr, &m->pair.page_cache);
		return NULL;
	}
	const char *r = matrix_pair_as_run(&m->pair, f, c, &cpu);
	return r ? r : matrix_group_skip(&m->pair, g);
}

#endif
