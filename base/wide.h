/* wide.h -- UTF-8 <-> wchar_t (UTF-32 on Linux, UTF-16 on Windows) for the W entry points,
 * independent of the locale: the U names are UTF-8 by definition. */
#ifndef PMEM_WIDE_H
#define PMEM_WIDE_H 1

#include <stddef.h>
#include <wchar.h>

/* Decodes s into out[0..n) (always terminated when n > 0); a malformed
 * byte sequence becomes U+FFFD. */
void pmem_utf8_to_wide(const char *s, wchar_t *out, size_t n);

/* Copies s into out[0..n) (always terminated when n > 0) with every byte
 * that is not part of a well-formed UTF-8 sequence written as "\xNN"
 * (as pmem-info shows it), so the copy is UTF-8; a character that does
 * not fit whole is left out with the rest. */
void pmem_utf8_escape(const char *s, char *out, size_t n);

/* The same in a malloc'd string (all of s); NULL with errno ENOMEM. */
char *pmem_utf8_escaped(const char *s);

/* Encodes ws as a malloc'd UTF-8 string; NULL with errno EINVAL when ws
 * holds something that is not a Unicode scalar value, ENOMEM. */
char *pmem_wide_to_utf8(const wchar_t *ws);

#endif
