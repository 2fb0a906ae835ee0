/* version.c -- pmem_check_version(): may a program built for version
 * major.minor use this library?  Same major, and not a newer minor. */
#include "libpmem.h"
#include "err.h"
#include "export.h"

PMEM_EXPORT const char *pmem_check_versionU(unsigned major_required,
		unsigned minor_required)
{
	if (major_required != PMEM_MAJOR_VERSION) {
		pmem_err_msg("libpmem major version mismatch (need %u, found "
				"%u)", major_required, PMEM_MAJOR_VERSION);
		return pmem_errormsgU();
	}
	if (minor_required > PMEM_MINOR_VERSION) {
		pmem_err_msg("libpmem minor version mismatch (need %u, found "
				"%u)", minor_required, PMEM_MINOR_VERSION);
		return pmem_errormsgU();
	}
	return NULL;
}

PMEM_EXPORT const char *pmem_check_version(unsigned major_required,
		unsigned minor_required)
{
	return pmem_check_versionU(major_required, minor_required);
}

PMEM_EXPORT const wchar_t *pmem_check_versionW(unsigned major_required,
		unsigned minor_required)
{
	if (!pmem_check_versionU(major_required, minor_required))
		return NULL;
	return pmem_errormsgW();
}
