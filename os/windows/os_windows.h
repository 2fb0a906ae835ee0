/*
 * os_windows.h -- what the Windows files of the OS layer share (never
 * included by core logic): UTF-8 <-> UTF-16, GetLastError() -> errno,
 * the table of mapped views, and the DAX volume question with its test
 * hook.
 */
#ifndef PMEM_OS_WINDOWS_H
#define PMEM_OS_WINDOWS_H 1

#include <windows.h>
#include <stddef.h>

/* A malloc'd UTF-16 copy of UTF-8 s; NULL with errno EINVAL (malformed)
 * or ENOMEM. */
wchar_t *pmem_win_utf16(const char *s);

/* The errno for a GetLastError() value. */
int pmem_win_errno(DWORD err);

/* Remembers a view of file (the handle is the table's from now on: kept
 * open for msync's FlushFileBuffers and for TMPFILE's life, closed at
 * unmap).  0, or -1 with errno ENOMEM. */
int pmem_win_view_add(void *base, size_t len, HANDLE file);

/* 1 when the file is on a volume that reports FILE_DAX_VOLUME.  A
 * pointer, so a unit test can answer for a volume Wine cannot have. */
extern int (*pmem_win_dax_volume)(HANDLE file);

#endif
