/*
 * startup -- the smallest program using libpmem: one pmem_persist.
 * pmembench execs it against our library and PMDK's (LD_LIBRARY_PATH) to
 * compare start-up cost.  With -v it prints which library it got.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <libpmem.h>

int main(int argc, char **argv)
{
	static char buf[64];
	pmem_persist(buf, sizeof(buf));
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		Dl_info info;
		if (dladdr((void *)pmem_persist, &info))
			printf("%s\n", info.dli_fname);
	}
	return 0;
}
