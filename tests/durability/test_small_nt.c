/*
 * test_small_nt.c -- the small_nt rule of core/memops.c: under the
 * threshold, a copy or fill whose address and length are multiples of 4
 * (and, for a move, that does not overlap its source) takes NT stores
 * (the line is WC in the model until the drain); any other small copy is
 * stored temporally and flushed (FLUSHING).  Either way the drain leaves
 * every byte durable and right.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "check.h"
#include "ops.h"
#include "select.h"
#include "model_util.h"

static char *pm;
static char src[256];
static struct pmem_ops saved;

static void setup(void)
{
	const struct pmem_backend *clwb = linked_backend("clwb");
	const struct pmem_backend *sse2 = linked_backend("nt-sse2");
	if (!clwb || !sse2 || !__builtin_cpu_supports("clwb"))
		cr_skip_test("SKIP small_nt: clwb or nt-sse2 not linked in, "
				"or no CLWB on this CPU");
	saved = pmem_ops;
	pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
		.flush = clwb, .copy = sse2, .cpu = pmem_backend_get_cpu(),
		.movnt_threshold = 256, .small_nt = 1,
	});
	pm = model_area(4096);
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (char)(i * 7 + 1);
}

static void teardown(void)
{
	check_reset();
	if (pm)
		munmap(pm, 4096);
	pmem_ops = saved;
}

TestSuite(small_nt, .init = setup, .fini = teardown);

/* Zeroes, src's first len bytes at pm + at (a move's source), then the
 * model starts watching. */
static void fresh_with(size_t at, size_t len)
{
	check_reset();
	memset(pm, 0, 4096);
	memcpy(pm + at, src, len);
	check_track(pm, 4096);
}

static void fresh(void)
{
	fresh_with(0, 0);
}

/* After a _nodrain copy to [off, off+len): the line of off is `want`;
 * after the drain every line is durable and the bytes are src's. */
static void copied(size_t off, size_t len, enum check_line_state want,
		const char *what)
{
	EXPECT_LINE(pm + off, want, what);
	pmem_drain();
	const char *bad = check_durable(pm, 4096);
	cr_expect_null(bad, "%s: %s", what, bad);
	cr_expect(memcmp(pm + off, src, len) == 0, "%s: wrong bytes", what);
}

/* Each { offset, length } copied with pmem_memcpy_nodrain leaves its
 * first line in state `want`. */
static void copies(const size_t (*cases)[2], size_t n,
		enum check_line_state want)
{
	for (size_t i = 0; i < n; i++) {
		fresh();
		pmem_memcpy_nodrain(pm + cases[i][0], src, cases[i][1]);
		char what[64];
		snprintf(what, sizeof(what), "memcpy %zu at +%zu",
				cases[i][1], cases[i][0]);
		copied(cases[i][0], cases[i][1], want, what);
	}
}

Test(small_nt, aligned_copies_are_nt)
{
	static const size_t cases[][2] = {	/* offset, length */
		{ 0, 64 }, { 4, 8 }, { 0, 100 }, { 100, 28 }, { 128, 192 },
		{ 60, 8 }, { 8, 4 },
	};
	copies(cases, sizeof(cases) / sizeof(*cases), CHECK_WC);
}

Test(small_nt, unaligned_copies_are_temporal)
{
	static const size_t cases[][2] = {
		{ 1, 8 }, { 0, 7 }, { 2, 64 }, { 64, 102 },
	};
	copies(cases, sizeof(cases) / sizeof(*cases), CHECK_FLUSHING);
}

/* 64 bytes of src placed at pm + from, moved to pm + 64. */
static void moved(size_t from, enum check_line_state want, const char *what)
{
	fresh_with(from, 64);
	pmem_memmove_nodrain(pm + 64, pm + from, 64);
	copied(64, 64, want, what);
}

Test(small_nt, overlapping_moves_are_temporal)
{
	moved(32, CHECK_FLUSHING, "memmove, dst above src");
	moved(96, CHECK_FLUSHING, "memmove, dst below src");
	moved(128, CHECK_WC, "memmove next to its source");	/* no overlap */
}

Test(small_nt, fills_follow_the_same_rule)
{
	fresh();
	pmem_memset_nodrain(pm + 100, 0x5a, 28);
	cr_expect_eq(check_line(pm + 100), CHECK_WC, "%s",
			check_state_name(check_line(pm + 100)));
	fresh();
	pmem_memset_nodrain(pm + 101, 0x5a, 28);
	cr_expect_eq(check_line(pm + 101), CHECK_FLUSHING, "%s",
			check_state_name(check_line(pm + 101)));
	pmem_drain();
	cr_expect_null(check_durable(pm, 4096));
}

/* Off (every CPU without a measured row, PMEM_MOVNT_THRESHOLD set): the
 * threshold alone decides; flags still win over the rule. */
Test(small_nt, off_or_flags)
{
	pmem_ops.small_nt = 0;
	fresh();
	pmem_memcpy_nodrain(pm, src, 64);
	copied(0, 64, CHECK_FLUSHING, "small_nt off");
	pmem_ops.small_nt = 1;
	fresh();
	pmem_memcpy(pm, src, 64, PMEM_F_MEM_NODRAIN | PMEM_F_MEM_TEMPORAL);
	copied(0, 64, CHECK_FLUSHING, "PMEM_F_MEM_TEMPORAL");
	fresh();
	pmem_memcpy(pm + 1, src, 8, PMEM_F_MEM_NODRAIN |
			PMEM_F_MEM_NONTEMPORAL);
	copied(1, 8, CHECK_FLUSHING, "NONTEMPORAL, unaligned: temporal edge");
}

/* An overlapping move of len bytes from pm + from to pm + to, above the
 * threshold: its first destination line is `want` before the drain, and
 * after it every line is durable and the bytes are memmove's. */
static void big_move(size_t to, size_t from, size_t len, unsigned flags,
		enum check_line_state want, const char *what)
{
	static char ref[4096];
	check_reset();
	for (size_t i = 0; i < 4096; i++)
		pm[i] = (char)(i * 13 + 5);
	memcpy(ref, pm, 4096);
	memmove(ref + to, ref + from, len);
	check_track(pm, 4096);
	pmem_memmove(pm + to, pm + from, len, flags | PMEM_F_MEM_NODRAIN);
	EXPECT_LINE(pm + to, want, what);
	pmem_drain();
	const char *bad = check_durable(pm, 4096);
	cr_expect_null(bad, "%s: %s", what, bad);
	cr_expect(memcmp(pm, ref, 4096) == 0, "%s: wrong bytes", what);
}

/* Overlapping moves up to 512 B stay temporal above the threshold (NT
 * stores would evict the source lines just read); longer ones, moves
 * that do not overlap and the NONTEMPORAL flag take NT stores. */
Test(small_nt, short_overlapping_moves_stay_temporal)
{
	pmem_ops.small_nt = 0;
	big_move(64, 0, 512, 0, CHECK_FLUSHING, "512 up by 64");
	big_move(0, 8, 512, 0, CHECK_FLUSHING, "512 down by 8");
	big_move(0, 8, 576, 0, CHECK_WC, "576 down by 8");
	big_move(64, 0, 1024, 0, CHECK_WC, "1024 up by 64");
	big_move(1088, 64, 1024, 0, CHECK_WC, "1024 next to its source");
	big_move(128, 64, 2048, 0, CHECK_WC, "2048 up by 64");
	big_move(64, 0, 512, PMEM_F_MEM_NONTEMPORAL, CHECK_WC,
			"512 up by 64, NONTEMPORAL");
}

/* The temporal path flushes chunk by chunk when the flush writes back
 * lines one by one: a capability (flush_by_line, from the backend's caps
 * by pmem_ops_fill), not the flush being the deep flush, which it is not
 * where a deeper instruction exists (DC CVADP on AArch64 with DCPoDP). */
static pmem_flush_fn *real_flush;
static int flush_calls;

static void counting_flush(const void *addr, size_t len)
{
	flush_calls++;
	real_flush(addr, len);
}

/* pmem_memcpy_persist of src into a fresh pm: how often it flushed. */
static int persist_counting(const void *src, size_t len)
{
	fresh();
	flush_calls = 0;
	pmem_memcpy_persist(pm, src, len);
	return flush_calls;
}

Test(small_nt, chunking_follows_the_flush_caps)
{
	const struct pmem_backend *nop = linked_backend("nop");
	cr_assert(pmem_ops.flush_by_line, "clwb writes back line by line");
	if (nop) {
		struct pmem_ops t;
		pmem_ops_fill(&t, &(struct pmem_ops_spec){ .flush = nop,
			.cpu = pmem_backend_get_cpu(),
			.movnt_threshold = SIZE_MAX });
		cr_assert(!t.flush_by_line, "nop writes back nothing");
	}
	real_flush = pmem_ops.flush;
	pmem_ops.flush = counting_flush;
	pmem_ops.deep_flush = real_flush;	/* not pmem_ops.flush */
	pmem_ops.movnt_threshold = SIZE_MAX;
	pmem_ops.small_nt = 0;
	static char big[1024];
	/* A flush backend with its own temporal copy takes copies longer than
	 * one chunk (FLUSH_COPY_MIN), and the model sees its flushes; without
	 * one they are chunked below. */
	if (pmem_ops.memmove_flush) {
		cr_expect_eq(persist_counting(big, 257), 0,
				"memmove_flush: pmem_ops.flush called");
		cr_expect_null(check_durable(pm, 4096));
		cr_expect_eq(persist_counting(big, 256), 1,
				"one chunk: not one flush call");
		cr_expect_null(check_durable(pm, 4096));
		pmem_ops.memmove_flush = NULL;
		pmem_ops.memset_flush = NULL;
	}
	int n = persist_counting(big, sizeof(big));
	cr_expect_eq(n, 4, "1 KiB in 256-byte chunks: %d flushes", n);
	cr_expect_null(check_durable(pm, 4096));
	pmem_ops.flush_by_line = 0;
	n = persist_counting(big, sizeof(big));
	cr_expect_eq(n, 1, "not line by line: %d flushes", n);
}

/* An overlapping temporal move of OVERLAP_FLUSH_COPY_MIN (8 KiB) or more
 * goes to the flush backend's own loop, a shorter one is chunked in the
 * library; both directions end durable and equal to memmove's result. */
Test(small_nt, long_overlapping_moves_take_the_flush_copy)
{
	enum { AREA = 3 * 8192 };
	static char want[AREA];
	char *a = model_area(AREA);
	real_flush = pmem_ops.flush;
	pmem_ops.flush = counting_flush;
	pmem_ops.deep_flush = real_flush;
	pmem_ops.movnt_threshold = SIZE_MAX;
	pmem_ops.small_nt = 0;
	static const size_t lens[] = { 8191, 8192, 12345 };
	static const long shifts[] = { 8, -8, 40, -192, 4096 };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (size_t j = 0; j < sizeof(shifts) / sizeof(shifts[0]); j++) {
			size_t len = lens[i], from = 4096 + 3;
			size_t to = (size_t)((long)from + shifts[j]);
			for (size_t k = 0; k < AREA; k++)
				want[k] = (char)(k * 13 + i + j);
			memcpy(a, want, AREA);
			memmove(want + to, want + from, len);
			check_track(a, AREA);
			flush_calls = 0;
			pmem_memmove_persist(a + to, a + from, len);
			int chunked = flush_calls > 0;
			cr_expect_eq(chunked, !pmem_ops.memmove_flush ||
					len < 8192, "len %zu shift %ld: %d "
					"flush calls", len, shifts[j],
					flush_calls);
			cr_expect_null(check_durable(a, AREA),
					"len %zu shift %ld", len, shifts[j]);
			cr_expect(memcmp(a, want, AREA) == 0,
					"len %zu shift %ld: wrong bytes", len,
					shifts[j]);
			check_reset();
		}
	}
	munmap(a, AREA);
}
