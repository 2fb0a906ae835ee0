/*
 * pairs.c -- lists the flush,copy backend pairs this CPU can run, one
 * "PAIR flush,copy" line each, and a "SKIP name: ..." line for every
 * linked-in backend whose probe refuses this CPU.  The interop driver runs
 * its clients once per PAIR.  Linked with build/libpmem.a.
 */
#include <stdio.h>
#include <string.h>

#include "libpmem_backend.h"

/* What each known backend needs, for a readable skip message. */
static const char *needs(const char *name)
{
	static const struct { const char *name, *needs; } tab[] = {
		{ "nt-avx512", "AVX512F" }, { "nt-avx", "AVX" },
		{ "nt-sse2", "SSE2" }, { "clwb", "CLWB" },
		{ "clflushopt", "CLFLUSHOPT" }, { "clflush", "CLFLUSH" },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(tab[i].name, name) == 0)
			return tab[i].needs;
	return "a feature it probes for";
}

int main(void)
{
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	const struct pmem_backend *flush[32], *copy[32];
	unsigned nf = 0, nc = 0;

	for (unsigned i = 0; pmem_backend_get_static(i); i++) {
		const struct pmem_backend *b = pmem_backend_get_static(i);
		if (!pmem_backend_runs(b, cpu)) {
			printf("SKIP %s: CPU lacks %s (probe refuses it)\n",
					b->name, needs(b->name));
			continue;
		}
		if (b->kind == PMEM_BACKEND_FLUSH && nf < 32)
			flush[nf++] = b;
		else if (b->kind == PMEM_BACKEND_COPY && nc < 32)
			copy[nc++] = b;
	}
	for (unsigned f = 0; f < nf; f++)
		for (unsigned c = 0; c < nc; c++)
			printf("PAIR %s,%s\n", flush[f]->name, copy[c]->name);
	return nf && nc ? 0 : 1;
}
