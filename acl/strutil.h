/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * strutil.h - pure string helpers shared by the library and the helper.
 */
#ifndef TAPGATE_STRUTIL_H
#define TAPGATE_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* The exact worst case of str_escape(), str_escape_field() and
 * str_escape_controls() on @n bytes: every byte as "\xNN", and the
 * NUL. A buffer this size never cuts the text. */
#define ESCAPED_SIZE(n) (4 * (size_t)(n) + 1)

/* Copy @len bytes of @in into @out (size @outsz) so that it is safe to
 * print or log: printable ASCII passes except '\\', which is doubled;
 * everything else becomes \xNN. Output that would not fit ends in
 * "..." (this is display text, never a name we act on). Returns @out. */
char *str_escape(char *out, size_t outsz, const char *in, size_t len);

/* As str_escape(), and a space becomes \x20: the result is one token
 * of a "key=value key=value" log line. */
char *str_escape_field(char *out, size_t outsz, const char *in, size_t len);

/* Only bytes outside printable ASCII become \xNN; '\\' is kept. For
 * text whose user-supplied parts were already escaped. */
char *str_escape_controls(char *out, size_t outsz, const char *in, size_t len);

/* @len bytes of @in as the inside of a JSON string: '"', '\\' and
 * bytes below 0x20 or above 0x7e become escapes (a byte above 0x7e as
 * \u00NN: names are bytes, not text). Output that would not fit ends
 * in "...". Returns @out. */
char *str_json(char *out, size_t outsz, const char *in, size_t len);

/* Strict decimal integer in [min, max]: no sign, no spaces, no
 * trailing text, no overflow. Returns 0 or -EINVAL / -ERANGE. */
int str_to_int(const char *s, long long min, long long max, long long *out);

#endif
