/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pattern.h - the shell-style patterns of ACL targets and includes.
 *
 *   *        any run of bytes, also none
 *   ?        any one byte
 *   [set]    one byte of the set: literal bytes and ranges "a-z";
 *            "[!set]" or "[^set]" negates; a ']' first is literal
 *   \c       the byte c itself, also inside a set
 *
 * Matching is byte by byte and case-sensitive: no locale, no
 * character classes, no special case for '/' (bridge names have none;
 * include globs are matched one file name at a time). Our own matcher,
 * not fnmatch(3), so that what a rule means does not depend on the
 * C library or the locale of whoever runs tapgate.
 */
#ifndef TAPGATE_PATTERN_H
#define TAPGATE_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

/* Whether @s (NUL-terminated, of any length) contains a byte that
 * makes it a pattern: '*', '?', '[' or '\\'. */
bool pattern_is_pattern(const char *s, size_t len);

/* Check the syntax of the @len bytes at @pat. Returns NULL if it is
 * well-formed, else a short reason (an unterminated '[', a '\\' at
 * the end, an empty set, a reversed range, a NUL byte). */
const char *pattern_syntax_error(const char *pat, size_t len);

/* Whether some valid interface name (ifname_check()) matches the
 * well-formed pattern @pat. NULL if one does, else why none can. */
const char *pattern_ifname_error(const char *pat, size_t len);

/* Whether the whole NUL-terminated @s matches the well-formed,
 * NUL-terminated @pat. */
bool pattern_match(const char *pat, const char *s);

#endif
