/*
 * libpmem.h -- persistent memory support library, public interface.
 *
 * Source and binary compatible with PMDK 1.12's libpmem (libpmem.so.1,
 * symbol version LIBPMEM_1.0): the same prototypes and macro values, so a
 * program built against either header runs on either library.
 */
#ifndef LIBPMEM_H
#define LIBPMEM_H 1

#include <stddef.h>
#include <sys/types.h>
#include <wchar.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * On Windows the plain names are macros for the UTF-16 ("W") entry points
 * when UNICODE is defined and the UTF-8 ("U") ones otherwise, as PMDK's
 * Windows header; the library exports only the U and W names there.
 * Elsewhere NVML_UTF8_API makes the plain names the U entry points.
 */
#if defined(_WIN32) && !defined(PMEM_LIBRARY_BUILD)
#define PMEM_UW_MACROS 1
#ifdef UNICODE
#define pmem_map_file pmem_map_fileW
#define pmem_check_version pmem_check_versionW
#define pmem_errormsg pmem_errormsgW
#else
#define pmem_map_file pmem_map_fileU
#define pmem_check_version pmem_check_versionU
#define pmem_errormsg pmem_errormsgU
#endif
#elif defined(NVML_UTF8_API)
#define pmem_map_file pmem_map_fileU
#define pmem_check_version pmem_check_versionU
#define pmem_errormsg pmem_errormsgU
#endif

/* ---- mapping -------------------------------------------------------- */

/* Smallest useful part of a pool; kept for source compatibility. */
#define PMEM_MIN_PART ((size_t)(1024 * 1024 * 2))

#define PMEM_FILE_CREATE	(1 << 0)	/* create the file if missing */
#define PMEM_FILE_EXCL		(1 << 1)	/* with CREATE: fail if it exists */
#define PMEM_FILE_SPARSE	(1 << 2)	/* do not allocate the space */
#define PMEM_FILE_TMPFILE	(1 << 3)	/* unnamed file in a directory */

#ifndef PMEM_UW_MACROS
void *pmem_map_file(const char *path, size_t len, int flags, mode_t mode,
		size_t *mapped_lenp, int *is_pmemp);
#endif
void *pmem_map_fileU(const char *path, size_t len, int flags, mode_t mode,
		size_t *mapped_lenp, int *is_pmemp);
void *pmem_map_fileW(const wchar_t *path, size_t len, int flags, mode_t mode,
		size_t *mapped_lenp, int *is_pmemp);
int pmem_unmap(void *addr, size_t len);

/* ---- detection ------------------------------------------------------ */

int pmem_is_pmem(const void *addr, size_t len);
int pmem_has_auto_flush(void);
int pmem_has_hw_drain(void);

/* ---- flushing ------------------------------------------------------- */

void pmem_persist(const void *addr, size_t len);
void pmem_flush(const void *addr, size_t len);
void pmem_drain(void);
int pmem_msync(const void *addr, size_t len);
void pmem_deep_flush(const void *addr, size_t len);
int pmem_deep_drain(const void *addr, size_t len);
int pmem_deep_persist(const void *addr, size_t len);

/* ---- copying -------------------------------------------------------- */

void *pmem_memmove_persist(void *pmemdest, const void *src, size_t len);
void *pmem_memcpy_persist(void *pmemdest, const void *src, size_t len);
void *pmem_memset_persist(void *pmemdest, int c, size_t len);
void *pmem_memmove_nodrain(void *pmemdest, const void *src, size_t len);
void *pmem_memcpy_nodrain(void *pmemdest, const void *src, size_t len);
void *pmem_memset_nodrain(void *pmemdest, int c, size_t len);

#define PMEM_F_MEM_NODRAIN	(1U << 0)	/* leave the final drain out */
#define PMEM_F_MEM_NONTEMPORAL	(1U << 1)	/* non-temporal stores */
#define PMEM_F_MEM_TEMPORAL	(1U << 2)	/* temporal stores + flush */
#define PMEM_F_MEM_WC		(1U << 3)	/* write-combining (= NT) */
#define PMEM_F_MEM_WB		(1U << 4)	/* write-back (= temporal) */
#define PMEM_F_MEM_NOFLUSH	(1U << 5)	/* no flush, implies NODRAIN */

#define PMEM_F_MEM_VALID_FLAGS (PMEM_F_MEM_NODRAIN | \
		PMEM_F_MEM_NONTEMPORAL | PMEM_F_MEM_TEMPORAL | \
		PMEM_F_MEM_WC | PMEM_F_MEM_WB | PMEM_F_MEM_NOFLUSH)

void *pmem_memmove(void *pmemdest, const void *src, size_t len,
		unsigned flags);
void *pmem_memcpy(void *pmemdest, const void *src, size_t len,
		unsigned flags);
void *pmem_memset(void *pmemdest, int c, size_t len, unsigned flags);

/* ---- versions and errors -------------------------------------------- */

#define PMEM_MAJOR_VERSION 1
#define PMEM_MINOR_VERSION 1

#ifndef PMEM_UW_MACROS
const char *pmem_check_version(unsigned major_required,
		unsigned minor_required);
#endif
const char *pmem_check_versionU(unsigned major_required,
		unsigned minor_required);
const wchar_t *pmem_check_versionW(unsigned major_required,
		unsigned minor_required);

#ifndef PMEM_UW_MACROS
const char *pmem_errormsg(void);
#endif
const char *pmem_errormsgU(void);
const wchar_t *pmem_errormsgW(void);

/* ---- logging (PMDK 2 names) ------------------------------------------ */

enum pmem_log_level {
	PMEM_LOG_LEVEL_HARK,	/* always shown, not an error */
	PMEM_LOG_LEVEL_FATAL,
	PMEM_LOG_LEVEL_ERROR,
	PMEM_LOG_LEVEL_WARNING,
	PMEM_LOG_LEVEL_NOTICE,
	PMEM_LOG_LEVEL_INFO,
	PMEM_LOG_LEVEL_DEBUG,
};

/* PMDK 2's two thresholds, as in its header (which has no _MAX). */
enum pmem_log_threshold {
	PMEM_LOG_THRESHOLD,	/* less severe messages are not produced */
	PMEM_LOG_THRESHOLD_AUX,	/* for the log function's own filtering */
};

typedef void pmem_log_function(enum pmem_log_level level,
		const char *file_name, unsigned line_no,
		const char *function_name, const char *message);

/* Passing this restores the library's own sink. */
#define PMEM_LOG_USE_DEFAULT_FUNCTION (NULL)

int pmem_log_set_function(pmem_log_function *log_function);
int pmem_log_set_threshold(enum pmem_log_threshold threshold,
		enum pmem_log_level value);
int pmem_log_get_threshold(enum pmem_log_threshold threshold,
		enum pmem_log_level *value);

#ifdef __cplusplus
}
#endif
#endif /* LIBPMEM_H */
