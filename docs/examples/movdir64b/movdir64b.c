/*
 * movdir64b.c -- an example vendor backend for libpmem: a copy backend
 * built on MOVDIR64B, the 64-byte direct store of recent Intel processors
 * (Tremont, Sapphire Rapids and later).  It is complete and loadable, and
 * is the example of pmem_backend(7).
 *
 * It needs only the installed <libpmem_backend.h>; build it out of tree:
 *
 *	cc -O2 -Wall -Wextra -shared -fPIC -mmovdir64b \
 *		$(pkg-config --cflags libpmem) movdir64b.c -o movdir64b.so
 *
 * and load it:
 *
 *	PMEM_BACKEND=$PWD/movdir64b.so ./my-program
 *
 * On a CPU without MOVDIR64B its probe says no, and the library refuses it
 * and keeps its automatic choice: pmem_backend_get_choice()->refusal says
 * why.  Built with -DMOVDIR64B_EMULATE, each 64-byte store is done with
 * plain C instead (a test aid for machines without the instruction: the
 * same memory effect, so the head/tail/overlap logic can be tested).
 */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include <libpmem_backend.h>

#define LINE 64

/*
 * One 64-byte direct store: dst must be 64-byte aligned, src need not be.
 * MOVDIR64B reads all 64 source bytes before it writes, so overlapping
 * lines are safe.  Like a non-temporal store it bypasses the caches and is
 * weakly ordered; the library's drain (SFENCE) makes it durable.
 */
static inline void store_line(void *dst, const void *src)
{
#ifdef MOVDIR64B_EMULATE
	unsigned char tmp[LINE];
	memcpy(tmp, src, LINE);
	memcpy(dst, tmp, LINE);
#else
	_movdir64b(dst, src);
#endif
}

/* Never executes MOVDIR64B: on a CPU without it, the answer is no. */
static int probe(const struct pmem_cpu *cpu)
{
#ifdef MOVDIR64B_EMULATE
	(void)cpu;
	return 1;
#else
	return (cpu->features & PMEM_CPU_MOVDIR64B) != 0;
#endif
}

/* Bytes stored with ordinary stores are the backend's to flush. */
static void temporal(unsigned char *d, const unsigned char *s, size_t n,
		pmem_flush_fn *flush)
{
	if (n == 0)
		return;
	memmove(d, s, n);
	flush(d, n);
}

/*
 * Unaligned head with ordinary stores, whole 64-byte lines of the
 * destination with MOVDIR64B, unaligned tail with ordinary stores.  When
 * the destination lies above an overlapping source, everything runs back
 * to front so no source byte is overwritten before it is read.
 */
static void *memmove_nt(void *dst, const void *src, size_t len,
		pmem_flush_fn *flush)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (len == 0 || d == s)
		return dst;

	size_t head = (LINE - ((uintptr_t)d & (LINE - 1))) & (LINE - 1);
	if (head > len)
		head = len;
	size_t body = (len - head) & ~(size_t)(LINE - 1);
	size_t tail = len - head - body;

	if (d < s || d >= s + len) {
		temporal(d, s, head, flush);
		for (size_t i = head; i < head + body; i += LINE)
			store_line(d + i, s + i);
		temporal(d + head + body, s + head + body, tail, flush);
	} else {
		temporal(d + head + body, s + head + body, tail, flush);
		for (size_t i = head + body; i > head; i -= LINE)
			store_line(d + i - LINE, s + i - LINE);
		temporal(d, s, head, flush);
	}
	return dst;
}

static void *memset_nt(void *dst, int c, size_t len, pmem_flush_fn *flush)
{
	unsigned char *d = dst;
	if (len == 0)
		return dst;
	size_t head = (LINE - ((uintptr_t)d & (LINE - 1))) & (LINE - 1);
	if (head > len)
		head = len;
	size_t body = (len - head) & ~(size_t)(LINE - 1);
	size_t tail = len - head - body;

	if (head) {
		memset(d, c, head);
		flush(d, head);
	}
	if (body) {
		unsigned char line[LINE] __attribute__((aligned(LINE)));
		memset(line, c, LINE);
		for (size_t i = head; i < head + body; i += LINE)
			store_line(d + i, line);
	}
	if (tail) {
		memset(d + head + body, c, tail);
		flush(d + head + body, tail);
	}
	return dst;
}

static const struct pmem_backend movdir64b = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
#ifdef MOVDIR64B_EMULATE
	.name = "movdir64b-emulated",
	.description = "MOVDIR64B copy, emulated in C (test build)",
#else
	.name = "movdir64b",
	.description = "MOVDIR64B 64-byte direct stores (example vendor backend)",
#endif
	.kind = PMEM_BACKEND_COPY,
	.probe = probe,
	.memmove_nt = memmove_nt,
	.memset_nt = memset_nt,
#ifndef MOVDIR64B_EMULATE
	/* the library runs the probe only where this is set, and says
	 * "needs MOVDIR64B" where it is not */
	.cpu_needs = PMEM_CPU_MOVDIR64B,
#endif
};

/* The one symbol the library looks up (PMEM_BACKEND_ENTRY_SYMBOL). */
PMEM_BACKEND_EXPORT(movdir64b)
