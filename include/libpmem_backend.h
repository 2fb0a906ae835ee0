/*
 * libpmem_backend.h -- the backend ABI of libpmem.
 *
 * A backend is one strategy for making stores durable.  There are two kinds:
 *
 *   flush  writes cache lines back to memory (clflush, clwb, msync, ...)
 *          and orders that write-back (drain);
 *   copy   moves and fills memory with non-temporal stores.
 *
 * At start-up the library picks one backend of each kind and calls them
 * through one table.  Backends are linked in, or loaded from a plugin .so
 * that exports PMEM_BACKEND_ENTRY_SYMBOL; a vendor can build one out of tree
 * against this header alone.
 *
 * The descriptor grows only at its end.  `abi_version` and `size` say which
 * fields a plugin knows: the library accepts any version up to its own and
 * a size at least that of version 1, and refuses newer or smaller ones.  It
 * copies the first min(size, sizeof) bytes into its own storage and reads
 * the fields a plugin did not know as zero (version 1: no cpu_needs, no
 * caps).
 */
#ifndef LIBPMEM_BACKEND_H
#define LIBPMEM_BACKEND_H 1

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PMEM_BACKEND_ABI_VERSION 4

/* Name of the function a plugin exports; see pmem_backend_entry_fn. */
#define PMEM_BACKEND_ENTRY_SYMBOL "pmem_backend_entry"

enum pmem_backend_kind {
	PMEM_BACKEND_FLUSH = 1,
	PMEM_BACKEND_COPY = 2,
};

/* CPU features a probe may ask for: set only when the CPU has the
 * instructions and the OS saves the registers they use (XCR0). */
#define PMEM_CPU_SSE2		(1ULL << 0)
#define PMEM_CPU_AVX		(1ULL << 1)
#define PMEM_CPU_AVX2		(1ULL << 2)
#define PMEM_CPU_AVX512F	(1ULL << 3)
#define PMEM_CPU_AVX512BW	(1ULL << 4)
#define PMEM_CPU_AVX512VL	(1ULL << 5)
#define PMEM_CPU_CLFLUSH	(1ULL << 6)
#define PMEM_CPU_CLFLUSHOPT	(1ULL << 7)
#define PMEM_CPU_CLWB		(1ULL << 8)
#define PMEM_CPU_MOVDIR64B	(1ULL << 9)
#define PMEM_CPU_ERMS		(1ULL << 10)
#define PMEM_CPU_FSRM		(1ULL << 11)
/* Not a CPUID bit but a fact of the vendor's manual: CLFLUSH is ordered
 * with later writes (Intel SDM vol. 3A, memory ordering), so a CLFLUSH is
 * complete before any later store is seen.  Unset on AMD, whose APM orders
 * CLFLUSH only by MFENCE (docs/durability.md). */
#define PMEM_CPU_CLFLUSH_ORDERED	(1ULL << 12)
/* AArch64, from the kernel's hwcaps (getauxval), bits 32 and up. */
#define PMEM_CPU_DC_CVAC	(1ULL << 32)	/* EL0 may clean to PoC */
#define PMEM_CPU_DCPOP		(1ULL << 33)	/* DC CVAP (HWCAP_DCPOP) */
#define PMEM_CPU_DCPODP		(1ULL << 34)	/* DC CVADP (HWCAP2_DCPODP) */
#define PMEM_CPU_ASIMD		(1ULL << 35)	/* Advanced SIMD */
/* 64-bit POWER, from the kernel's hwcaps (getauxval), bits 40 and up. */
#define PMEM_CPU_DCBST		(1ULL << 40)	/* every 64-bit POWER */
#define PMEM_CPU_ARCH_3_1	(1ULL << 41)	/* dcbstps, phwsync (PPC_FEATURE2_ARCH_3_1) */

struct pmem_cpu {
	uint64_t features;	/* PMEM_CPU_* bits */
	char vendor[16];	/* "GenuineIntel", "AuthenticAMD", ...;
				 * "" on AArch64 (no CPUID vendor) */
	unsigned family;	/* display family (base + extended); 0 on ARM */
	unsigned model;		/* display model (base + extended); 0 on ARM */
};

/*
 * Capabilities: facts about a backend the library acts on (it never looks
 * at names).  Bits not listed here are refused; later versions add more.
 */
/* Flush kind: flush() writes back no cache lines (nop, msync).  When it is
 * the chosen flush, pmem_deep_flush uses a flush instruction of its own. */
#define PMEM_BACKEND_CAP_NO_WRITEBACK	(1u << 0)
/* Flush kind: non-temporal stores are not made durable by it (msync sees
 * only the pages flush() is given): with it every copy is temporal. */
#define PMEM_BACKEND_CAP_NO_NT		(1u << 1)
/* Flush kind: right only where the CPU caches are in the persistence
 * domain (eADR, pmem_has_auto_flush); chosen then and for PMEM_NO_FLUSH=1. */
#define PMEM_BACKEND_CAP_EADR_ONLY	(1u << 2)
/* Flush kind: for mappings whose stores reach storage through the kernel's
 * page cache (no DAX); the automatic choice when no flush instruction is
 * usable. */
#define PMEM_BACKEND_CAP_PAGE_CACHE	(1u << 3)
/* Flush kind: flush() is ordered with later stores on a CPU with
 * PMEM_CPU_CLFLUSH_ORDERED (clflush).  There the library never calls
 * drain() after it, and every non-temporal copy ends with its own SFENCE,
 * since non-temporal stores are not ordered by CLFLUSH. */
#define PMEM_BACKEND_CAP_ORDERED_FLUSH	(1u << 4)
#define PMEM_BACKEND_CAPS_KNOWN		0x1fu

/* Writes back every cache line that overlaps [addr, addr + len). */
typedef void pmem_flush_fn(const void *addr, size_t len);

/*
 * What the library lends a backend that needs the operating system
 * (version 4, see attach): through it a plugin reaches the OS as the
 * library does, so it links against neither and builds the same on every
 * OS.  It grows only at its end; `size` says how much there is.
 */
struct pmem_backend_services {
	uint32_t size;		/* sizeof(struct pmem_backend_services) */
	uint32_t reserved;	/* zero */
	/* Writes the pages covering [addr, addr + len) to storage and waits
	 * (msync(MS_SYNC); FlushViewOfFile and FlushFileBuffers on Windows),
	 * rounding to the OS page.  0, or -1 with errno (ENOMEM: not mapped). */
	int (*msync)(const void *addr, size_t len);
};

struct pmem_backend {
	/* -- version 1 -- */
	uint32_t abi_version;	/* PMEM_BACKEND_ABI_VERSION it was built for */
	uint32_t size;		/* sizeof(struct pmem_backend) it was built with */
	const char *name;	/* short, unique: "clwb", "nt-avx" */
	const char *description;	/* one line for pmem-info */
	uint32_t kind;		/* enum pmem_backend_kind */
	uint32_t reserved;	/* zero */

	/*
	 * Required.  Non-zero when this CPU can run the backend.  It must not
	 * execute the backend's instructions to find out: a backend the CPU
	 * lacks is refused here, never by SIGILL.  Since version 2 it runs
	 * only on a CPU that has every bit of cpu_needs (pmem_backend_runs),
	 * so it checks only what cpu_needs cannot say, if anything.
	 */
	int (*probe)(const struct pmem_cpu *cpu);

	/* Flush kind: both required; NULL in copy backends. */

	/* Starts the write-back of every line overlapping the range.  Need
	 * not wait for it: durability is reached at the next drain. */
	pmem_flush_fn *flush;
	/* Waits until all earlier flushes and non-temporal stores are
	 * durable (on x86 an sfence). */
	void (*drain)(void);

	/* Copy kind: both required; NULL in flush backends. */

	/*
	 * Copies len bytes from src to dst, regions may overlap, like
	 * memmove.  The body is written with non-temporal stores; bytes it
	 * writes with ordinary stores (an unaligned head or tail) it passes
	 * to `flush`.  No final drain: the library issues it.  Any len,
	 * including 0, and any alignment must work.  Returns dst.
	 */
	void *(*memmove_nt)(void *dst, const void *src, size_t len,
			pmem_flush_fn *flush);
	/* Fills len bytes with (unsigned char)c, same rules.  Returns dst. */
	void *(*memset_nt)(void *dst, int c, size_t len, pmem_flush_fn *flush);

	/* -- version 2 -- */
	/*
	 * The PMEM_CPU_* bits the backend's code needs, all of them.  The
	 * library runs the probe only on a CPU that has every one, and says
	 * "needs ..." from this field (pmem-info, refusals).  0: none.
	 */
	uint64_t cpu_needs;
	uint32_t caps;		/* PMEM_BACKEND_CAP_* bits */
	uint32_t reserved2;	/* zero */

	/* -- version 3 -- */
	/*
	 * Flush kind, optional (NULL: the library copies with ordinary
	 * stores and then calls flush).  A temporal copy, regions may
	 * overlap like memmove, that writes back every line it stores,
	 * block by block as it goes, so the flush instruction can sit in
	 * the copy loop.  No final drain.  Any len, including
	 * zero, any alignment.  Returns dst.
	 */
	void *(*memmove_flush)(void *dst, const void *src, size_t len);
	/* Fills len bytes with (unsigned char)c, same rules.  Returns dst. */
	void *(*memset_flush)(void *dst, int c, size_t len);
	/* -- version 4 -- */
	/*
	 * Optional.  The library calls it with its services before the first
	 * probe: for a plugin when pmem_backend_load() or start-up loads it,
	 * for a linked-in backend at start-up.  The pointer stays valid for
	 * the life of the process; a second call passes the same one.  A
	 * backend that cannot work without them refuses in its probe until
	 * attach has run.
	 */
	void (*attach)(const struct pmem_backend_services *services);
};

/*
 * 1 when cpu runs b: it has every bit of b->cpu_needs and then b's probe
 * accepts it.  The one test of usability, the library's own; call it, not
 * b->probe, which may count on cpu_needs having been checked.  b: a
 * descriptor of pmem_backend_get_static() or pmem_backend_load() (the
 * library's copy, whose cpu_needs is 0 for a version 1 plugin).
 */
static inline int pmem_backend_runs(const struct pmem_backend *b,
		const struct pmem_cpu *cpu)
{
	return (cpu->features & b->cpu_needs) == b->cpu_needs &&
		b->probe(cpu) != 0;
}

/* What a plugin exports under PMEM_BACKEND_ENTRY_SYMBOL. */
typedef const struct pmem_backend *pmem_backend_entry_fn(void);

/*
 * Defines and exports a plugin's entry, returning &desc, the plugin's
 * static const descriptor:
 *     static const struct pmem_backend mine = { ... };
 *     PMEM_BACKEND_EXPORT(mine)
 * The declaration lets the compiler check the entry's type.
 */
#define PMEM_BACKEND_EXPORT(desc) \
	pmem_backend_entry_fn pmem_backend_entry; \
	__attribute__((visibility("default"))) \
	const struct pmem_backend *pmem_backend_entry(void) \
	{ \
		return &(desc); \
	}

/* ---- introspection: which backends the library chose, and why -------- */

struct pmem_backend_choice {
	const struct pmem_backend *flush;	/* never NULL after start-up */
	const struct pmem_backend *copy;	/* never NULL after start-up */
	const char *flush_reason;	/* e.g. "CPU has CLWB" */
	const char *copy_reason;
	const char *refusal;	/* why PMEM_BACKEND was refused, or NULL */
	size_t movnt_threshold;	/* copies from this size on are NT */
	int movnt;		/* movnt_threshold != SIZE_MAX: 0 under
				 * PMEM_NO_MOVNT=1 or msync-fallback */
	/* 1: copies under the threshold whose address and length are
	 * multiples of 4 and (moves) that do not overlap their source are
	 * non-temporal too (the CPU's measured preference) */
	int small_nt;
};

/*
 * The choice made at start-up.  Never NULL.  Called from a probe or entry
 * function while the library is still choosing (from that thread), it
 * returns a placeholder: the built-in backends with the reason "start-up
 * selection in progress".  pmem_backend_get_cpu() is always safe: the CPU
 * is read before any probe runs.
 */
const struct pmem_backend_choice *pmem_backend_get_choice(void);

/* The CPU features the library saw. */
const struct pmem_cpu *pmem_backend_get_cpu(void);

/* The i-th linked-in backend, or NULL past the last. */
const struct pmem_backend *pmem_backend_get_static(unsigned i);

/*
 * Loads and validates the plugin at path: on success stores its
 * descriptor in *out (the plugin stays loaded) and returns 0; on failure
 * returns -1, sets errno and leaves the reason in pmem_errormsg().
 */
int pmem_backend_load(const char *path, const struct pmem_backend **out);

#ifdef __cplusplus
}
#endif
#endif /* LIBPMEM_BACKEND_H */
