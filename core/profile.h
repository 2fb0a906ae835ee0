/*
 * profile.h -- the machine profile: what `pmem-info --calibrate --save`
 * measured on this machine, applied at start-up on top of the automatic
 * choice.  A profile can only make the library choose another pair the
 * automatic rules accept as durable here (never a plugin, never nop
 * without eADR, never a backend the CPU cannot run), so a stale or
 * hostile one can slow a program down but never weaken durability.
 *
 * Parsing, checking and applying are pure functions of their inputs
 * (struct pmem_profile_in), so tests feed them fake files, CPUs,
 * environments and privileges; select.c calls them with the real ones.
 */
#ifndef PMEM_PROFILE_H
#define PMEM_PROFILE_H 1

#include <stddef.h>
#include <stdint.h>

#include "os.h"
#include "select.h"

/* <sysconfdir>/libpmem/profile: configure.py passes it. */
#ifndef PMEM_PROFILE_PATH
#define PMEM_PROFILE_PATH "/usr/local/etc/libpmem/profile"
#endif

/* A profile is a few hundred bytes; anything longer is refused unread. */
#define PMEM_PROFILE_MAX 4096

#define PMEM_PROFILE_FORMAT 1

struct pmem_profile {
	/* the CPU it was measured on: must match exactly */
	char vendor[16];
	unsigned family, model, stepping;
	uint64_t features;		/* PMEM_CPU_* bits */
	/* what it chooses */
	char flush[33], copy[33];	/* backend names */
	size_t movnt_threshold;
	int small_nt;			/* the short-copies rule, 0 or 1 */
	/* what it measured */
	char date[32];			/* YYYY-MM-DD[THH:MM[:SS]Z] */
	char ratio[16], noise[16];	/* decimal numbers, as written */
};

/* Parses a profile's text (len bytes, may hold NULs): 0, or -1 with
 * the first problem in why. */
int pmem_profile_parse(const char *text, size_t len, struct pmem_profile *p,
		char *why, size_t whysize);

/* The text of p, with `note` as a comment line when not NULL: its
 * length, or -1 when it does not fit in size. */
int pmem_profile_format(const struct pmem_profile *p, const char *note,
		char *buf, size_t size);

/* Fills p's signature from this CPU. */
void pmem_profile_sign(struct pmem_profile *p, const struct pmem_cpu *cpu,
		unsigned stepping);

/* 0 when p's signature is cpu's, else -1 with the difference in why. */
int pmem_profile_match(const struct pmem_profile *p,
		const struct pmem_cpu *cpu, unsigned stepping, char *why,
		size_t whysize);

typedef int pmem_profile_read_fn(const char *path, char *buf, size_t size,
		struct pmem_os_conf_file *f);

struct pmem_profile_in {
	/* the CPU, the environment (PMEM_PROFILE and the variables that
	 * win over the profile), the candidates, auto flush */
	const struct pmem_select_in *sel;
	unsigned stepping;		/* pmem_cpu_stepping() */
	int privileged;			/* pmem_os_is_privileged() */
	const char *default_path;	/* PMEM_PROFILE_PATH */
	pmem_profile_read_fn *read;	/* pmem_os_read_conf */
};

struct pmem_profile_state {
	/* one line for pmem-info: the file and what became of it */
	char status[1024];
	int applied;			/* 1: some of it is in use */
};

/*
 * Reads the profile PMEM_PROFILE or default_path names, once, and when it
 * is trusted, well formed, made on this CPU and acceptable, puts its
 * choice into sel (the backends, threshold, short-copies rule and their
 * reasons), except what the environment decides.  Never fails: anything
 * wrong leaves sel as it was and says why in st->status.
 */
void pmem_profile_apply(const struct pmem_profile_in *in,
		struct pmem_selection *sel, struct pmem_profile_state *st);

/* The start-up profile state (select.c), for pmem-info. */
const struct pmem_profile_state *pmem_profile_get_state(void);

#endif
