/* wide.h -- UTF-8 <-> wchar_t (UTF-32 on Linux, UTF-16 on Windows) for the W entry points,
 * independent of the locale: the U names are UTF-8 by definition. */
#ifndef PMEM_WIDE_H
#define PMEM_WIDE_H 1

#include <stddef.h>
#include <wchar.h>

/* Decodes s into out[0..n) (always terminated when n > 0); a malformed
 * byte sequence becomes U+FFFD. */
void pmem_utf8_to_wide(const char *s, wchar_t *out, size_t n);

/* Encodes ws as a malloc'd UTF-8 string; NULL with errno EINVAL when ws
 * holds something that is not a Unicode scalar value, ENOMEM. */
char *pmem_wide_to_utf8(const wchar_t *ws);

#endif
