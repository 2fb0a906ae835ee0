/*
 * os_windows.c -- pmem-info's questions on Windows: the volume's file
 * system and whether it reports FILE_DAX_VOLUME (what libpmem.dll asks
 * before it calls a view pmem), whether the file (or a new file in the
 * directory) can be written; plugin DLLs; the program's directory.
 */
#include <windows.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "info_os.h"

#ifndef FILE_DAX_VOLUME
#define FILE_DAX_VOLUME 0x20000000
#endif

static wchar_t *wide(const char *s)
{
	int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
	wchar_t *w = n > 0 ? malloc((size_t)n * sizeof(*w)) : NULL;
	if (w)
		MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
	return w;
}

static char fs_name[MAX_PATH];

/* The volume's answer for an open handle. */
static void volume_facts(struct facts *f, HANDLE h)
{
	DWORD flags = 0;
	wchar_t name[MAX_PATH];
	if (!GetVolumeInformationByHandleW(h, NULL, 0, NULL, NULL, &flags,
			name, MAX_PATH))
		return;
	WideCharToMultiByte(CP_UTF8, 0, name, -1, fs_name, sizeof(fs_name),
			NULL, NULL);
	f->fs = fs_name;
	f->dax_attr = (flags & FILE_DAX_VOLUME) != 0;
}

static const char *last_error(void)
{
	static char msg[160];
	DWORD err = GetLastError();
	msg[0] = '\0';
	FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
			FORMAT_MESSAGE_IGNORE_INSERTS, NULL, err, 0, msg,
			sizeof(msg), NULL);
	msg[strcspn(msg, "\r\n")] = '\0';
	if (!msg[0])
		snprintf(msg, sizeof(msg), "error %lu", (unsigned long)err);
	return msg;
}

int info_path_facts(struct facts *f, const char *path, int *is_dir)
{
	wchar_t *w = wide(path);
	DWORD a = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
	if (a == INVALID_FILE_ATTRIBUTES) {
		fprintf(stderr, "pmem-info: %s: %s\n", path, w ? last_error()
				: "not UTF-8");
		free(w);
		return -1;
	}
	*is_dir = (a & FILE_ATTRIBUTE_DIRECTORY) != 0;
	f->type = *is_dir ? "directory" : "regular file";
	HANDLE h;
	wchar_t tmp[MAX_PATH + 16];
	if (*is_dir) {
		/* a new file there stands for what libpmem would create */
		h = GetTempFileNameW(w, L"pmi", 0, tmp) ? CreateFileW(tmp,
				GENERIC_READ | GENERIC_WRITE, 0, NULL,
				OPEN_EXISTING, FILE_FLAG_DELETE_ON_CLOSE, NULL)
			: INVALID_HANDLE_VALUE;
	} else {
		h = CreateFileW(w, GENERIC_READ | GENERIC_WRITE,
				FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
				OPEN_EXISTING, 0, NULL);
	}
	f->writable = h != INVALID_HANDLE_VALUE;
	if (!f->writable) {
		because(f, "permissions: cannot %s: %s", *is_dir ?
				"create a file in the directory" :
				"open the file for writing", last_error());
		h = CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE,
				NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS,
				NULL);
	}
	free(w);
	if (h != INVALID_HANDLE_VALUE) {
		volume_facts(f, h);
		CloseHandle(h);
	}
	if (!f->writable)
		return 0;
	if (f->dax_attr == 1) {
		f->pmem = 1;
		because(f, "the %s volume reports FILE_DAX_VOLUME", f->fs);
	} else {
		because(f, "not on a DAX volume: %s does not report "
				"FILE_DAX_VOLUME", f->fs ? f->fs : "the volume");
	}
	return 0;
}

int info_real_path(const char *p, char *out, size_t n)
{
	DWORD len = GetFullPathNameA(p, (DWORD)n, out, NULL);
	if (len == 0 || len >= n)
		return -1;
	DWORD a = GetFileAttributesA(out);
	if (a == INVALID_FILE_ATTRIBUTES || !(a & FILE_ATTRIBUTE_DIRECTORY))
		return -1;
	for (char *c = out; *c; c++)	/* one separator, as in messages */
		if (*c == '\\')
			*c = '/';
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

int info_list_plugins(const char *dir, char (**names)[256])
{
	char pat[MAX_PATH + 8];
	snprintf(pat, sizeof(pat), "%s/*.dll", dir);
	WIN32_FIND_DATAA fd;
	HANDLE h = FindFirstFileA(pat, &fd);
	if (h == INVALID_HANDLE_VALUE)
		return 0;
	int n = 0, cap = 0;
	*names = NULL;
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			char (*more)[256] = realloc(*names, cap * sizeof(**names));
			if (!more)
				break;
			*names = more;
		}
		snprintf((*names)[n++], 256, "%s", fd.cFileName);
	} while (FindNextFileA(h, &fd));
	FindClose(h);
	if (*names)
		qsort(*names, (size_t)n, sizeof(**names), by_name);
	return *names ? n : 0;
}

int info_exe_dir(char *out, size_t n)
{
	DWORD len = GetModuleFileNameA(NULL, out, (DWORD)n);
	if (len == 0 || len >= n)
		return -1;
	char *slash = strrchr(out, '\\');
	if (!slash)
		return -1;
	*slash = '\0';
	for (char *c = out; *c; c++)
		if (*c == '\\')
			*c = '/';
	return 0;
}

/* libpmem does not read a machine profile on Windows (os/windows/os.c). */
int info_write_profile(const char *path, const char *text, char *why,
		size_t n)
{
	(void)path;
	(void)text;
	snprintf(why, n, "machine profiles are not supported on Windows");
	return -1;
}
