/* page.c -- pmem_page_size: the OS's page size, or a test's. */
#include "os.h"
#include "page.h"

static size_t injected;

size_t pmem_page_size(void)
{
	size_t pg = __atomic_load_n(&injected, __ATOMIC_RELAXED);
	return pg ? pg : pmem_os_page_size();
}

void pmem_page_size_inject(size_t bytes)
{
	__atomic_store_n(&injected, bytes, __ATOMIC_RELAXED);
}
