/*
 * sys/mman.h for the Windows build only (configure.py puts compat/windows
 * on the include path for x86_64-w64-mingw32): what the test engines
 * (tests/checkasm.h, check/pmem-check/matrix.c: anonymous mmap, mprotect)
 * and pmem-info --calibrate (madvise) call, on the Win32 API.  The library
 * itself calls the OS only through os/os.h.
 */
#ifndef PMEM_COMPAT_SYS_MMAN_H
#define PMEM_COMPAT_SYS_MMAN_H 1

#include <windows.h>
#include <errno.h>
#include <stddef.h>

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED ((void *)-1)

/* Anonymous memory only: what the test engines ask for. */
static inline void *mmap(void *addr, size_t len, int prot, int flags,
		int fd, long off)
{
	(void)addr; (void)flags; (void)off;
	if (fd != -1) {
		errno = ENOTSUP;
		return MAP_FAILED;
	}
	void *p = VirtualAlloc(NULL, len, MEM_RESERVE | MEM_COMMIT,
			prot & PROT_WRITE ? PAGE_READWRITE :
			prot & PROT_READ ? PAGE_READONLY : PAGE_NOACCESS);
	if (!p) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	return p;
}

static inline int munmap(void *addr, size_t len)
{
	(void)len;
	return VirtualFree(addr, 0, MEM_RELEASE) ? 0 : (errno = EINVAL, -1);
}

static inline int mprotect(void *addr, size_t len, int prot)
{
	DWORD old;
	return VirtualProtect(addr, len, prot & PROT_WRITE ? PAGE_READWRITE :
			prot & PROT_READ ? PAGE_READONLY : PAGE_NOACCESS, &old)
		? 0 : (errno = EINVAL, -1);
}

/* A hint only: Windows has large pages just with a privilege. */
#define MADV_HUGEPAGE 14

static inline int madvise(void *addr, size_t len, int advice)
{
	(void)addr; (void)len; (void)advice;
	return 0;
}

#endif
