/*
 * os/linux/os.c -- os/os.h on Linux: POSIX calls, glibc's secure_getenv,
 * dlopen and the ELF header checks that make a wrong plugin fail with a
 * clear message instead of dlopen's.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "os.h"

const char pmem_os_lib_suffix[] = ".so";
const char pmem_os_path_list_sep[] = ":";
const char pmem_os_dir_sep[] = "/";

int pmem_os_is_path(const char *s)
{
	return strchr(s, '/') != NULL;
}

const char *pmem_os_plugin_dir(void)
{
	return PMEM_PLUGIN_DIR;
}

size_t pmem_os_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

const char *pmem_os_getenv(const char *name)
{
	return getenv(name);
}

const char *pmem_os_secure_getenv(const char *name)
{
	return secure_getenv(name);
}

int pmem_os_getpid(void)
{
	return (int)getpid();
}

FILE *pmem_os_fopen_w(const char *path)
{
	FILE *f = fopen(path, "we");
	if (f)
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

const char *pmem_os_strerror(int err, char *buf, size_t n)
{
	return strerror_r(err, buf, n);	/* the GNU form */
}

const char pmem_os_unmap_name[] = "munmap";

int pmem_os_unmap(void *addr, size_t len)
{
	return munmap(addr, len);
}

int pmem_os_msync(const void *addr, size_t len)
{
	return len ? msync((void *)addr, len, MS_SYNC) : 0;
}

int pmem_os_regular_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	struct stat st;
	int ret = fstat(fd, &st);
	int err = errno;
	close(fd);
	if (ret != 0) {
		errno = err;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int pmem_os_is_privileged(void)
{
	return getauxval(AT_SECURE) != 0;
}

static enum pmem_os_owner owner_of(uid_t uid)
{
	return uid == 0 ? PMEM_OS_OWNER_ADMIN :
		uid == geteuid() ? PMEM_OS_OWNER_SELF : PMEM_OS_OWNER_OTHER;
}

/* Who owns, and who may write, the directory that holds path. */
static int conf_dir(const char *path, struct pmem_os_conf_file *f)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL ? 0 : slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (n == 0)
		strcpy(dir, ".");
	else {
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	struct stat st;
	if (stat(dir, &st) != 0)
		return -1;
	f->dir_owner = owner_of(st.st_uid);
	f->dir_owner_id = (long)st.st_uid;
	f->dir_others_write = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
		!(st.st_mode & S_ISVTX);
	return 0;
}

int pmem_os_read_conf(const char *path, char *buf, size_t size,
		struct pmem_os_conf_file *f)
{
	memset(f, 0, sizeof(*f));
	if (size == 0) {
		errno = EINVAL;
		return -1;
	}
	/* O_NOFOLLOW: a symbolic link is refused (ELOOP), whoever owns it;
	 * O_NONBLOCK: a FIFO opens at once and is refused below. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
			O_NOCTTY);
	if (fd < 0)
		return -1;
	struct stat st;
	int err = 0;
	ssize_t got = 0;
	if (fstat(fd, &st) != 0)
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	else if ((unsigned long long)st.st_size >= size)
		err = EFBIG;
	/* Read one byte more than fits: a file that grew is refused too. */
	while (!err) {
		ssize_t n = read(fd, buf + got, size - (size_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno;
		else if (n == 0)
			break;
		else if ((size_t)(got += n) >= size)
			err = EFBIG;
	}
	close(fd);
	if (err) {
		buf[0] = '\0';
		errno = err;
		return -1;
	}
	buf[got] = '\0';
	f->len = (size_t)got;
	f->owner_id = (long)st.st_uid;
	f->self_id = (long)geteuid();
	f->owner = owner_of(st.st_uid);
	f->others_write = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
	return conf_dir(path, f);
}

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_386: return "i386";
	case EM_ARM: return "ARM";
	case EM_X86_64: return "x86-64";
	case EM_AARCH64: return "AArch64";
	case EM_PPC64: return "PowerPC64";
	case EM_S390: return "s390";
	case EM_RISCV: return "RISC-V";
	default: return "another machine";
	}
}

/* e_ident and e_machine: the same offsets in 32- and 64-bit headers. */
static unsigned ehdr_machine(const unsigned char *h)
{
	const unsigned char *m = h + offsetof(Elf64_Ehdr, e_machine);
	return h[EI_DATA] == ELFDATA2MSB ? (unsigned)(m[0] << 8 | m[1]) :
		(unsigned)(m[1] << 8 | m[0]);
}

/* This library's own ELF header, as mapped (NULL if unknown). */
static const unsigned char *own_ehdr(void)
{
	Dl_info info;
	if (dladdr((void *)&pmem_os_lib_check, &info) == 0 ||
			info.dli_fbase == NULL)
		return NULL;
	const unsigned char *h = info.dli_fbase;
	return memcmp(h, ELFMAG, SELFMAG) == 0 ? h : NULL;
}

/* A regular ELF file built for this machine: dlopen's own messages for
 * the wrong machine or class are obscure. */
int pmem_os_lib_check(const char *path, const char *shown)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		fd = -1;
		errno = EINVAL;
	}
	if (fd < 0) {
		if (errno == EINVAL)
			pmem_err_msg("%s: not a regular file", shown);
		else
			pmem_err_errno(errno, "%s: cannot open plugin", shown);
		return -1;
	}
	unsigned char h[sizeof(Elf64_Ehdr)] = { 0 };
	ssize_t n = pread(fd, h, sizeof(h), 0);
	int err = errno;
	close(fd);
	if (n < 0) {
		pmem_err_errno(err, "%s: cannot read plugin", shown);
		return -1;
	}
	if (n < (ssize_t)sizeof(Elf32_Ehdr) || memcmp(h, ELFMAG, SELFMAG)) {
		pmem_err_msg("%s: not an ELF shared object", shown);
		errno = ENOEXEC;
		return -1;
	}
	const unsigned char *self = own_ehdr();
	if (self == NULL)
		return 0;
	unsigned mine = ehdr_machine(self), its = ehdr_machine(h);
	if (its != mine) {
		pmem_err_msg("%s: built for %s (ELF machine %u), this library "
				"is %s (%u)", shown, machine_name(its), its,
				machine_name(mine), mine);
		errno = ENOEXEC;
		return -1;
	}
	if (h[EI_CLASS] != self[EI_CLASS] || h[EI_DATA] != self[EI_DATA]) {
		pmem_err_msg("%s: a %s-bit %s-endian ELF object, this library "
				"is %s-bit %s-endian", shown,
				h[EI_CLASS] == ELFCLASS32 ? "32" : "64",
				h[EI_DATA] == ELFDATA2MSB ? "big" : "little",
				self[EI_CLASS] == ELFCLASS32 ? "32" : "64",
				self[EI_DATA] == ELFDATA2MSB ? "big" : "little");
		errno = ENOEXEC;
		return -1;
	}
	return 0;
}

void *pmem_os_lib_open(const char *path, char *why, size_t whysize)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		const char *e = dlerror();
		snprintf(why, whysize, "%s", e ? e : "dlopen failed");
	}
	return h;
}

void *pmem_os_lib_sym(void *lib, const char *name)
{
	return dlsym(lib, name);
}

int pmem_os_lib_sym_is_function(void *sym)
{
	Dl_info info;
	const ElfW(Sym) *s = NULL;
	if (dladdr1(sym, &info, (void **)&s, RTLD_DL_SYMENT) == 0 ||
			s == NULL)
		return -1;
	int t = ELF64_ST_TYPE(s->st_info);
	return t == STT_FUNC || t == STT_GNU_IFUNC;
}

void pmem_os_lib_close(void *lib)
{
	dlclose(lib);
}
