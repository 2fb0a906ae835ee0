/*
 * spy.c -- LD_PRELOADed into every interop client, so each run proves which
 * libpmem it used.  At exit it appends one line to $PMEM_SPY_OUT:
 *
 *   pid=N maps=PATH[,PATH...] persist=PATH flush=NAME copy=NAME movnt=N
 *	refusal=TEXT
 *
 * maps: every libpmem.so* file mapped in the process (/proc/self/maps), so a
 * second copy (PMDK's) would show; persist: the file that defines the
 * pmem_persist the process binds to (dladdr); flush/copy/refusal: our
 * introspection, pmem_backend_get_choice(), which PMDK's library lacks
 * ("none" then); movnt: the non-temporal threshold, "off" under
 * PMEM_NO_MOVNT=1.  It changes nothing in the client.
 */
#define _GNU_SOURCE 1	/* dladdr */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../include/libpmem_backend.h"

static void add_maps(char *out, size_t size)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');
		if (!path || !strstr(path, "/libpmem.so"))
			continue;
		path[strcspn(path, "\n")] = '\0';
		if (strstr(out, path))	/* one line per segment: list once */
			continue;
		if (*out)
			strncat(out, ",", size - strlen(out) - 1);
		strncat(out, path, size - strlen(out) - 1);
	}
	fclose(f);
}

__attribute__((destructor)) static void spy_report(void)
{
	const char *outpath = getenv("PMEM_SPY_OUT");
	if (!outpath)
		return;
	char maps[8192] = "";
	add_maps(maps, sizeof(maps));

	const char *persist = "none";
	Dl_info info;
	void *fn = dlsym(RTLD_DEFAULT, "pmem_persist");
	if (fn && dladdr(fn, &info) && info.dli_fname)
		persist = info.dli_fname;

	const char *flush = "none", *copy = "none", *refusal = "none";
	char movnt[32] = "none";
	const struct pmem_backend_choice *(*get_choice)(void) =
		(const struct pmem_backend_choice *(*)(void))
		dlsym(RTLD_DEFAULT, "pmem_backend_get_choice");
	if (get_choice) {
		const struct pmem_backend_choice *c = get_choice();
		if (c && c->flush)
			flush = c->flush->name;
		if (c && c->copy)
			copy = c->copy->name;
		if (c && c->refusal)
			refusal = c->refusal;
		if (c && !c->movnt)
			snprintf(movnt, sizeof(movnt), "off");
		else if (c)
			snprintf(movnt, sizeof(movnt), "%zu",
					c->movnt_threshold);
	}

	char line[16384];
	int n = snprintf(line, sizeof(line),
			"pid=%d maps=%s persist=%s flush=%s copy=%s movnt=%s "
			"refusal=%s\n", (int)getpid(), *maps ? maps : "none",
			persist, flush, copy, movnt, refusal);
	int fd = open(outpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		return;
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	/* one write: lines of concurrent processes do not interleave */
	if (write(fd, line, (size_t)n) < 0)
		n = 0;
	close(fd);
}
