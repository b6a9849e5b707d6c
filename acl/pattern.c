// SPDX-License-Identifier: GPL-2.0-or-later
#include "pattern.h"

#include <stdint.h>
#include <string.h>

#include "ifname.h"

/* One position of a pattern: a '*', or a set of the bytes it admits. */
struct token {
	bool star;
	uint8_t set[32];       /* bit b: byte b is admitted */
};

static void set_add(uint8_t set[32], unsigned char lo, unsigned char hi)
{
	for (unsigned b = lo; b <= hi; b++)
		set[b / 8] |= (uint8_t)(1u << (b % 8));
}

static bool set_has(const uint8_t set[32], unsigned char b)
{
	return set[b / 8] & (1u << (b % 8));
}

/*
 * Read the token at @p (< @end) into @t; return the position after it,
 * or NULL with *why set on a syntax error. The one parser behind both
 * the syntax check and the matcher, so they cannot disagree.
 */
static const char *next_token(const char *p, const char *end,
			      struct token *t, const char **why)
{
	bool negate = false;
	const char *start;

	memset(t, 0, sizeof(*t));
	if (*p == '\0') {
		*why = "a NUL byte";
		return NULL;
	}
	if (*p == '*') {
		t->star = true;
		return p + 1;
	}
	if (*p == '?') {
		set_add(t->set, 1, 255);
		return p + 1;
	}
	if (*p == '\\') {
		if (p + 1 == end) {
			*why = "a '\\' at the end escapes nothing";
			return NULL;
		}
		if (p[1] == '\0') {
			*why = "a NUL byte";
			return NULL;
		}
		set_add(t->set, (unsigned char)p[1], (unsigned char)p[1]);
		return p + 2;
	}
	if (*p != '[') {
		set_add(t->set, (unsigned char)*p, (unsigned char)*p);
		return p + 1;
	}

	p++;
	if (p < end && (*p == '!' || *p == '^')) {
		negate = true;
		p++;
	}
	start = p;
	for (;;) {
		unsigned char lo, hi;

		if (p == end) {
			*why = "a '[' without its ']'";
			return NULL;
		}
		if (*p == ']' && p != start)
			break;
		if (*p == '\0') {
			*why = "a NUL byte";
			return NULL;
		}
		if (*p == '\\') {
			if (p + 1 == end || p[1] == '\0') {
				*why = "a '[' without its ']'";
				return NULL;
			}
			p++;
		}
		lo = (unsigned char)*p++;
		hi = lo;
		if (p + 1 < end && *p == '-' && p[1] != ']') {
			p++;
			if (*p == '\\') {
				if (p + 1 == end || p[1] == '\0') {
					*why = "a '[' without its ']'";
					return NULL;
				}
				p++;
			}
			if (*p == '\0') {
				*why = "a NUL byte";
				return NULL;
			}
			hi = (unsigned char)*p++;
			if (hi < lo) {
				*why = "a range whose end comes before its start";
				return NULL;
			}
		}
		set_add(t->set, lo, hi);
	}
	if (negate) {
		for (size_t i = 0; i < sizeof(t->set); i++)
			t->set[i] = (uint8_t)~t->set[i];
	}
	/* No name contains a NUL byte. */
	t->set[0] &= (uint8_t)~1u;
	return p + 1;
}

bool pattern_is_pattern(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[' || s[i] == '\\')
			return true;
	return false;
}

const char *pattern_syntax_error(const char *pat, size_t len)
{
	const char *p = pat, *end = pat + len, *why = NULL;
	struct token t;

	while (p < end) {
		p = next_token(p, end, &t, &why);
		if (!p)
			return why;
		if (!t.star) {
			bool empty = true;

			for (size_t i = 0; i < sizeof(t.set); i++)
				empty &= t.set[i] == 0;
			if (empty)
				return "a set that admits no byte";
		}
	}
	return NULL;
}

static bool ifname_byte(unsigned b)
{
	char c = (char)b;

	return ifname_check(&c, 1) == IFNAME_OK || b == '.';
}

const char *pattern_ifname_error(const char *pat, size_t len)
{
	const char *p = pat, *end = pat + len, *why = NULL;
	size_t fixed = 0;
	bool star = false, only_dots = true;
	struct token t;

	while (p < end) {
		bool some = false;

		p = next_token(p, end, &t, &why);
		if (!p)
			return why;
		if (t.star) {
			star = true;
			continue;
		}
		fixed++;
		for (unsigned b = 1; b < 256; b++) {
			if (!set_has(t.set, (unsigned char)b) || !ifname_byte(b))
				continue;
			some = true;
			only_dots &= b == '.';
		}
		if (!some)
			return "it admits only bytes that no interface name contains ('/', ':', whitespace)";
	}
	if (fixed > IFNAME_SIZE - 1)
		return "every name it matches is longer than 15 bytes";
	if (!star && fixed == 0)
		return "it matches only the empty name";
	if (!star && only_dots && fixed <= 2)
		return "it matches only '.' or '..'";
	return NULL;
}

bool pattern_match(const char *pat, const char *s)
{
	const char *end = pat + strlen(pat), *why = NULL;
	const char *star_p = NULL, *star_s = NULL;
	struct token t;

	/* Greedy with backtracking to the last '*': linear in practice,
	 * O(len(pat) * len(s)) at worst. */
	while (*s || pat < end) {
		if (pat < end) {
			const char *next = next_token(pat, end, &t, &why);

			if (!next)
				return false; /* not well-formed: no match */
			if (t.star) {
				star_p = next;
				star_s = s;
				pat = next;
				continue;
			}
			if (*s && set_has(t.set, (unsigned char)*s)) {
				pat = next;
				s++;
				continue;
			}
		}
		if (star_p && *star_s) {
			pat = star_p;
			s = ++star_s;
			continue;
		}
		return false;
	}
	return true;
}
