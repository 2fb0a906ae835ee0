/* wide.c -- UTF-8 <-> wchar_t (UTF-32 on Linux, UTF-16 on Windows) and the W entry points that need them. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libpmem.h"
#include "err.h"
#include "export.h"
#include "wide.h"

/* Length of the sequence a lead byte starts, 0 when it cannot lead. */
static int seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* The length of the well-formed sequence at p, its code point in *cp;
 * 0 when p starts no well-formed sequence. */
static int decode(const unsigned char *p, uint32_t *cp)
{
	int len = seq_len(*p);
	if (len == 0)
		return 0;
	uint32_t c = len == 1 ? *p : len == 2 ? *p & 0x1f
			: len == 3 ? *p & 0x0f : *p & 0x07;
	for (int i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	/* Overlong, surrogate and out-of-range forms are malformed. */
	if ((len == 3 && c < 0x800) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

void pmem_utf8_to_wide(const char *s, wchar_t *out, size_t n)
{
	if (n == 0)
		return;
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	while (*p && o + 1 < n) {
		uint32_t cp = 0;
		int len = decode(p, &cp);
		if (len && cp > 0xffff && sizeof(wchar_t) == 2) {
			/* UTF-16 (Windows): a surrogate pair, whole or not */
			if (o + 2 >= n)
				break;
			out[o++] = (wchar_t)(0xd800 + ((cp - 0x10000) >> 10));
			out[o++] = (wchar_t)(0xdc00 + (cp & 0x3ff));
			p += len;
		} else if (len) {
			out[o++] = (wchar_t)cp;
			p += len;
		} else {
			out[o++] = (wchar_t)0xfffd;
			p++;	/* resynchronise on the next byte */
		}
	}
	out[o] = L'\0';
}

void pmem_utf8_escape(const char *s, char *out, size_t n)
{
	if (n == 0)
		return;
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	while (*p) {
		uint32_t cp;
		int len = decode(p, &cp);
		if (len == 0) {
			if (o + 4 >= n)
				break;
			static const char hex[] = "0123456789abcdef";
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
			p++;
		} else {
			if (o + (size_t)len >= n)
				break;
			memcpy(out + o, p, (size_t)len);
			o += (size_t)len;
			p += len;
		}
	}
	out[o] = '\0';
}

char *pmem_utf8_escaped(const char *s)
{
	size_t n = 4 * strlen(s) + 1;
	char *out = malloc(n);
	if (out)
		pmem_utf8_escape(s, out, n);
	return out;
}

/* The code point at *w, advancing past it; -1 when it is not a Unicode
 * scalar value (a lone surrogate; UTF-16 pairs where wchar_t is 16 bits). */
static long next_cp(const wchar_t **w)
{
	uint32_t c = (uint32_t)*(*w)++;
	if (sizeof(wchar_t) == 2 && c >= 0xd800 && c <= 0xdbff) {
		uint32_t lo = (uint32_t)**w;
		if (lo < 0xdc00 || lo > 0xdfff)
			return -1;
		(*w)++;
		return 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -1;
	return (long)c;
}

char *pmem_wide_to_utf8(const wchar_t *ws)
{
	size_t need = 1;
	for (const wchar_t *w = ws; *w; ) {
		long c = next_cp(&w);
		if (c < 0) {
			errno = EINVAL;
			return NULL;
		}
		need += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
	}
	unsigned char *out = malloc(need), *o = out;
	if (!out)
		return NULL;
	for (const wchar_t *w = ws; *w; ) {
		uint32_t c = (uint32_t)next_cp(&w);
		if (c < 0x80) {
			*o++ = (unsigned char)c;
		} else if (c < 0x800) {
			*o++ = (unsigned char)(0xc0 | c >> 6);
			*o++ = (unsigned char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*o++ = (unsigned char)(0xe0 | c >> 12);
			*o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (unsigned char)(0x80 | (c & 0x3f));
		} else {
			*o++ = (unsigned char)(0xf0 | c >> 18);
			*o++ = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
			*o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (unsigned char)(0x80 | (c & 0x3f));
		}
	}
	*o = '\0';
	return (char *)out;
}

PMEM_EXPORT void *pmem_map_fileW(const wchar_t *path, size_t len, int flags,
		mode_t mode, size_t *mapped_lenp, int *is_pmemp)
{
	if (!path)
		return pmem_map_fileU(NULL, len, flags, mode, mapped_lenp,
				is_pmemp);
	char *u = pmem_wide_to_utf8(path);
	if (!u) {
		pmem_err_errno(errno, "cannot convert the path to UTF-8");
		return NULL;
	}
	void *ret = pmem_map_fileU(u, len, flags, mode, mapped_lenp, is_pmemp);
	int err = errno;
	free(u);
	errno = err;
	return ret;
}
