/* util_win.h -- scratch directories and files for the Windows tests. */
#ifndef UTIL_WIN_H
#define UTIL_WIN_H 1

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A new empty directory under the temporary directory, as UTF-8. */
static inline void win_scratch_dir(char *out, size_t n, const char *tag)
{
	char tmp[MAX_PATH];
	GetTempPathA(sizeof(tmp), tmp);
	snprintf(out, n, "%spmem-%s-%lu", tmp, tag,
			(unsigned long)GetCurrentProcessId());
	CreateDirectoryA(out, NULL);
}

static inline void win_write_file(const char *path, size_t len)
{
	FILE *f = fopen(path, "wb");
	for (size_t i = 0; i < len; i++)
		fputc('a' + (int)(i % 26), f);
	fclose(f);
}

/* Size of path, -1 when it does not exist. */
static inline long long win_file_size(const char *path)
{
	WIN32_FILE_ATTRIBUTE_DATA d;
	if (!GetFileAttributesExA(path, GetFileExInfoStandard, &d))
		return -1;
	return (long long)d.nFileSizeHigh << 32 | d.nFileSizeLow;
}

/* Number of entries in dir besides . and .. */
static inline int win_count_entries(const char *dir)
{
	char pat[MAX_PATH + 4];
	snprintf(pat, sizeof(pat), "%s\\*", dir);
	WIN32_FIND_DATAA fd;
	HANDLE h = FindFirstFileA(pat, &fd);
	int n = 0;
	if (h == INVALID_HANDLE_VALUE)
		return 0;
	do {
		if (strcmp(fd.cFileName, ".") && strcmp(fd.cFileName, ".."))
			n++;
	} while (FindNextFileA(h, &fd));
	FindClose(h);
	return n;
}

#endif
