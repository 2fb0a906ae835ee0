/*
 * map_common.c -- what pmem_map_file() and pmem_unmap() do the same way on
 * every OS: the argument rules (map.c and map_windows.c check them in the
 * same order, so a bad call fails with the same errno on either), the plain
 * pmem_map_file name, and pmem_unmap() over the registry.
 */
#include <errno.h>
#include <stdint.h>

#include "libpmem.h"
#include "err.h"
#include "export.h"
#include "map.h"
#include "os.h"
#include "registry.h"

int pmem_map_check_flags(int flags)
{
	if (flags & ~PMEM_MAP_ALL_FLAGS) {
		pmem_err_errno(EINVAL, "invalid flag specified 0x%x",
				(unsigned)flags);
		return -1;
	}
	return 0;
}

static int bad(const char *what)
{
	pmem_err_errno(EINVAL, "%s", what);
	return -1;
}

int pmem_map_check_len(size_t len, int flags)
{
	if ((flags & PMEM_FILE_CREATE) && (long long)len < 0)
		return bad("invalid file length");
	if (len != 0 && !(flags & PMEM_FILE_CREATE))
		return bad("non-zero 'len' not allowed without "
				"PMEM_FILE_CREATE");
	if (len == 0 && (flags & PMEM_FILE_CREATE))
		return bad("zero 'len' not allowed with PMEM_FILE_CREATE");
	if ((flags & PMEM_FILE_TMPFILE) && !(flags & PMEM_FILE_CREATE))
		return bad("PMEM_FILE_TMPFILE not allowed without "
				"PMEM_FILE_CREATE");
	return 0;
}

PMEM_EXPORT void *pmem_map_file(const char *path, size_t len, int flags,
		mode_t mode, size_t *mapped_lenp, int *is_pmemp)
{
	return pmem_map_fileU(path, len, flags, mode, mapped_lenp, is_pmemp);
}

PMEM_EXPORT int pmem_unmap(void *addr, size_t len)
{
	if ((uintptr_t)addr % pmem_os_page_size()) {
		pmem_err_errno(EINVAL, "address %p is not page aligned", addr);
		return -1;
	}
	if (pmem_registry_unmap(addr, len) != 0) {
		pmem_err_errno(errno, "%s %p, %zu bytes", pmem_os_unmap_name,
				addr, len);
		return -1;
	}
	return 0;
}
