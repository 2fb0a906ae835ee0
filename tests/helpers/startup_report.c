/*
 * startup_report -- linked against libpmem.so (not the archive), so the
 * library's constructor runs before main as in any program and plugins
 * resolve the library's symbols from it.  Prints what main sees: errno
 * and the choice.  The tests run it with a timeout: a start-up that hangs
 * fails instead of stalling.
 */
#include <errno.h>
#include <stdio.h>

#include "libpmem_backend.h"

int main(void)
{
	int at_main = errno;
	const struct pmem_backend_choice *c = pmem_backend_get_choice();
	printf("errno at main: %d\n", at_main);
	printf("flush: %s\n", c->flush->name);
	printf("copy: %s\n", c->copy->name);
	printf("refused: %s\n", c->refusal ? c->refusal : "none");
	return 0;
}
