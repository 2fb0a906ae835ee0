/*
 * select_builtin.c -- the core's own flush and copy, correct on every CPU
 * of the instruction set.  They fill pmem_ops before the constructor has
 * run (a program's own constructor may call libpmem first) and stand in
 * when the build links in no usable backend of a kind.  Slow on purpose:
 * the ISA's baseline flush (pm_flush_line_any: CLFLUSH on x86-64, DC CVAC
 * on AArch64) and temporal stores, through the pm_prims so the check build
 * sees them.
 */
#include "flush_lines.h"
#include "ops.h"
#include "pm_prims.h"
#include "select.h"

static int probe_any(const struct pmem_cpu *cpu)
{
	(void)cpu;
	return 1;
}

void pmem_builtin_flush_fn(const void *addr, size_t len)
{
	FOR_EACH_LINE(addr, len, pm_flush_line_any);
}

/* For a CPU without CLFLUSH: executes nothing it could lack. */
void pmem_builtin_noflush_fn(const void *addr, size_t len)
{
	(void)addr;
	(void)len;
}

/* x86-64: MFENCE, the one fence both vendors order CLFLUSH with (see
 * clflush.c); AArch64: DSB. */
void pmem_builtin_drain_fn(void)
{
	pm_flush_any_drain();
}

/* The drain of an ORDERED_FLUSH backend where the CPU orders CLFLUSH:
 * nothing is left to wait for (the NT paths fence themselves). */
void pmem_drain_ordered_fn(void)
{
}

/* Only ever called through the global table (memops.c), so they read
 * the unfenced copy from it. */
void *pmem_fenced_memmove_fn(void *dst, const void *src, size_t len,
		pmem_flush_fn *flush)
{
	pmem_ops.memmove_nt_unfenced(dst, src, len, flush);
	pm_drain_fence();
	return dst;
}

void *pmem_fenced_memset_fn(void *dst, int c, size_t len,
		pmem_flush_fn *flush)
{
	pmem_ops.memset_nt_unfenced(dst, c, len, flush);
	pm_drain_fence();
	return dst;
}

void *pmem_builtin_memmove_fn(void *dst, const void *src, size_t len,
		pmem_flush_fn *flush)
{
	pm_store_copy(dst, src, len);
	flush(dst, len);
	return dst;
}

void *pmem_builtin_memset_fn(void *dst, int c, size_t len,
		pmem_flush_fn *flush)
{
	pm_store_fill(dst, c, len);
	flush(dst, len);
	return dst;
}

const struct pmem_backend pmem_builtin_flush = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = PM_FLUSH_ANY_NAME,
	.description = PM_FLUSH_ANY_DESC,
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe_any,
	.flush = pmem_builtin_flush_fn,
	.drain = pmem_builtin_drain_fn,
	.cpu_needs = PM_FLUSH_ANY_NEEDS,
	.caps = PM_FLUSH_ANY_CAPS,
};

const struct pmem_backend pmem_builtin_noflush = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "builtin-noflush",
	.description = "writes nothing back (no flush instruction, nothing "
		"linked in)",
	.kind = PMEM_BACKEND_FLUSH,
	.probe = probe_any,
	.flush = pmem_builtin_noflush_fn,
	.drain = pmem_builtin_drain_fn,
	.caps = PMEM_BACKEND_CAP_NO_WRITEBACK,
};

const struct pmem_backend pmem_builtin_copy = {
	.abi_version = PMEM_BACKEND_ABI_VERSION,
	.size = sizeof(struct pmem_backend),
	.name = "builtin-temporal",
	.description = "core's temporal copy plus flush (no copy backend)",
	.kind = PMEM_BACKEND_COPY,
	.probe = probe_any,
	.memmove_nt = pmem_builtin_memmove_fn,
	.memset_nt = pmem_builtin_memset_fn,
};
