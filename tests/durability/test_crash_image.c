/*
 * test_crash_image.c -- crash images from the recorded event stream.
 *
 * A small log: records appended with pmem_memcpy_persist (every fifth with
 * pmem_memset_persist), each followed by a commit word (the record count),
 * persisted alternately with pmem_memcpy_persist and with a store through
 * the primitives followed by pmem_persist.
 * After the run, the image that power loss would leave is built at EVERY
 * logged event, and every record the image's commit word counts must be
 * intact in it; at the last event all records must be committed.  This is
 * done for every flush/copy backend pair the CPU can run (nop under the
 * eADR model), and must fail for broken backends.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "libpmem.h"
#include "libpmem_backend.h"
#include "ops.h"
#include "pm_prims.h"
#include "check.h"
#include "broken.h"

extern const struct pmem_backend *const pmem_static_backends[];

#define LOGSZ 16384
struct logarea {
	uint64_t count;			/* commit word: records committed */
	char pad[56];
	char data[LOGSZ];
};

/* Sizes around the movnt threshold and line boundaries; packed from an
 * unaligned start, so heads and tails fall everywhere. */
static const size_t lens[] = {
	1, 7, 8, 63, 64, 65, 100, 255, 256, 300, 513, 1000,
	33, 2048, 5, 128, 129, 777, 64, 3, 4096, 17, 250, 260,
};
#define NREC (sizeof(lens) / sizeof(lens[0]))
#define START 3
#define FILLED(i) ((i) % 5 == 4)	/* written with pmem_memset_persist */

static struct logarea *lg;
static struct logarea img;
static char rec[NREC][4096];
static struct pmem_ops saved;

static void setup(void)
{
	lg = mmap(NULL, sizeof(*lg), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(lg != MAP_FAILED);
	for (size_t i = 0; i < NREC; i++)
		for (size_t j = 0; j < lens[i]; j++)	/* never 0: the base */
			rec[i][j] = (char)(FILLED(i) ? i + 1
					   : 1 + (i * 37 + j * 11) % 255);
	saved = pmem_ops;
}

static void teardown(void)
{
	pmem_ops = saved;
	check_reset();
	munmap(lg, sizeof(*lg));
}

static void write_log(void)
{
	size_t off = START;

	for (size_t i = 0; i < NREC; i++) {
		uint64_t c = i + 1;
		if (FILLED(i))
			pmem_memset_persist(lg->data + off, (int)(i + 1),
					    lens[i]);
		else
			pmem_memcpy_persist(lg->data + off, rec[i], lens[i]);
		if (i % 2) {
			pmem_memcpy_persist(&lg->count, &c, sizeof(c));
		} else {	/* what a program does: store, then persist */
			pm_store_copy(&lg->count, &c, sizeof(c));
			pmem_persist(&lg->count, sizeof(c));
		}
		off += lens[i];
	}
}

/*
 * Checks the crash image at every event.  Returns -1 when all hold, else
 * the first event index whose image breaks the log, described in why.
 */
static long verify(size_t *images, char *why, size_t whylen)
{
	size_t n = check_log_count();

	for (size_t k = 0; k <= n; k++) {
		cr_assert_eq(check_crash_image(k, lg, sizeof(*lg), &img), 0);
		(*images)++;
		uint64_t c = img.count;
		if (c > NREC) {
			snprintf(why, whylen, "commit word %llu is garbage",
				 (unsigned long long)c);
			return (long)k;
		}
		if (k == n && c != NREC) {
			snprintf(why, whylen, "at the end only %llu of %zu "
				 "records are committed",
				 (unsigned long long)c, NREC);
			return (long)k;
		}
		size_t off = START;
		for (size_t r = 0; r < c; r++) {
			if (memcmp(img.data + off, rec[r], lens[r])) {
				size_t b = 0;
				while (img.data[off + b] == rec[r][b])
					b++;
				snprintf(why, whylen, "committed record %zu "
					 "(%zu bytes) is torn at byte %zu",
					 r, lens[r], b);
				return (long)k;
			}
			off += lens[r];
		}
	}
	return -1;
}

/* Runs the log on a freshly tracked area and checks every crash image. */
static long run(int eadr, size_t *events, size_t *images, char *why,
		size_t whylen)
{
	check_reset();
	memset(lg, 0, sizeof(*lg));
	check_track(lg, sizeof(*lg));
	check_set_eadr(eadr);
	check_log_start();
	write_log();
	*events = check_log_count();
	return verify(images, why, whylen);
}

static void describe(long k, char *buf, size_t len)
{
	int ev;
	const void *addr;
	size_t n;

	if (k == 0 || check_log_event((size_t)k - 1, &ev, &addr, &n))
		snprintf(buf, len, "before any event");
	else if (!addr)
		snprintf(buf, len, "after event %ld (%s)", k - 1,
			 check_event_name(ev));
	else
		snprintf(buf, len, "after event %ld (%s at log+%zu, %zu bytes)",
			 k - 1, check_event_name(ev),
			 (size_t)((const char *)addr - (const char *)lg), n);
}

Test(crash, every_backend_pair_keeps_committed_records, .init = setup,
     .fini = teardown)
{
	const struct pmem_cpu *cpu = pmem_backend_get_cpu();
	unsigned pairs = 0;

	for (unsigned i = 0; pmem_static_backends[i]; i++) {
		const struct pmem_backend *f = pmem_static_backends[i];
		if (f->kind != PMEM_BACKEND_FLUSH)
			continue;
		if (!pmem_backend_runs(f, cpu)) {
			printf("SKIP crash images with %s: CPU cannot run it\n",
			       f->name);
			continue;
		}
		for (unsigned j = 0; pmem_static_backends[j]; j++) {
			const struct pmem_backend *c = pmem_static_backends[j];
			if (c->kind != PMEM_BACKEND_COPY ||
					!pmem_backend_runs(c, cpu))
				continue;	/* pmem-info tells which */
			pmem_ops_fill(&pmem_ops, &(struct pmem_ops_spec){
				.flush = f, .copy = c, .cpu = cpu,
				.movnt_threshold = 256,
			});
			size_t events, images = 0;
			char why[160], at[160];
			long k = run(strcmp(f->name, "nop") == 0, &events,
				     &images, why, sizeof(why));
			describe(k, at, sizeof(at));
			cr_assert_eq(k, -1, "%s+%s: crash image %s: %s",
				     f->name, c->name, at, why);
			/* everything was persisted: the last image is memory */
			cr_assert_eq(check_crash_image(events, lg, sizeof(*lg),
						       &img), 0);
			cr_assert(!memcmp(&img, lg, sizeof(*lg)),
				  "%s+%s: final crash image differs from "
				  "memory", f->name, c->name);
			printf("%s+%s: %zu events, %zu crash images, all "
			       "committed records intact\n", f->name, c->name,
			       events, images);
			pairs++;
		}
	}
	cr_assert_gt(pairs, 0);
}

/* With a broken backend the same check must fail. */
static void must_fail(const struct broken *b, size_t threshold)
{
	if (b->needs_clwb && !__builtin_cpu_supports("clwb"))
		cr_skip_test("CPU lacks CLWB");
	broken_install(b, threshold);
	size_t events, images = 0;
	char why[160], at[160];
	long k = run(0, &events, &images, why, sizeof(why));
	cr_assert_neq(k, -1, "%s (%s): every crash image looked fine",
		      b->name, b->bug);
	describe(k, at, sizeof(at));
	printf("%s (%s): caught, crash image %s: %s\n", b->name, b->bug,
	       at, why);
}

TestSuite(crash_broken, .init = setup, .fini = teardown);

Test(crash_broken, unaligned_tail) { must_fail(&broken_tail, 0); }
Test(crash_broken, flush_before_store) { must_fail(&broken_flush_first, 256); }
Test(crash_broken, nt_without_fence) { must_fail(&broken_no_fence_nt, 256); }
Test(crash_broken, last_line) { must_fail(&broken_last_line, 0); }
Test(crash_broken, clwb_without_fence) { must_fail(&broken_no_fence_clwb, 0); }
