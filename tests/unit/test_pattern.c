// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_pattern.c - the shell-style patterns of ACL targets and includes.
 *
 * Table-driven: every case names the pattern and the subject, so a
 * failure says which one. Patterns are given with their exact length
 * where embedded NUL bytes matter. The matcher is also checked against
 * fnmatch(3) in the C locale on a small exhaustive alphabet, as an
 * independent reference for the patterns both understand alike.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- pattern_is_pattern ---- */

struct is_case {
	const char *s;
	size_t len;
	bool want;
};

/* A literal with its exact length, so embedded NULs count. */
#define IS(lit, want) { lit, sizeof(lit) - 1, want }

static void check_is(const struct is_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool got = pattern_is_pattern(c[i].s, c[i].len);

		if (got != c[i].want)
			fail_msg("case %zu (len %zu): got %d, want %d", i,
				 c[i].len, (int)got, (int)c[i].want);
	}
}

static void test_pattern_is_pattern_ok_specials(void **state)
{
	static const struct is_case cases[] = {
		IS("*", true),
		IS("?", true),
		IS("[", true),
		IS("\\", true),
		IS("br*", true),
		IS("*br", true),
		IS("br?", true),
		IS("br[0-9]", true),
		IS("lab-[", true),
		IS("br\\0", true),
		IS("a\0*", true),      /* looks past a NUL within @len */
		IS("\xff*", true),
	};

	check_is(cases, N_ELEMS(cases));
}

static void test_pattern_is_pattern_nok_plain(void **state)
{
	static const struct is_case cases[] = {
		IS("", false),
		IS("br0", false),
		IS("all", false),
		IS("]", false),        /* only '[' opens a set */
		IS("!", false),
		IS("^", false),
		IS("-", false),
		IS("br-lan.10", false),
		IS("\xc3\xa9", false),
		IS("/:#$%&+", false),
	};
	/* Only @len bytes count. */
	static const struct {
		const char *s;
		size_t len;
	} prefix[] = {
		{ "br*", 2 },
		{ "a?", 1 },
		{ "x[", 1 },
		{ "x\\", 1 },
		{ "*", 0 },
	};

	check_is(cases, N_ELEMS(cases));
	for (size_t i = 0; i < N_ELEMS(prefix); i++)
		if (pattern_is_pattern(prefix[i].s, prefix[i].len))
			fail_msg("prefix case %zu ('%s' len %zu) is a pattern",
				 i, prefix[i].s, prefix[i].len);
}

/* ---- pattern_syntax_error and pattern_ifname_error ---- */

struct err_case {
	const char *pat;
	size_t len;
	const char *why;     /* NULL: no error; else must occur in it */
};

#define ERR(lit, why) { lit, sizeof(lit) - 1, why }

static void check_err(const char *(*fn)(const char *, size_t),
		      const char *fn_name, const struct err_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = fn(c[i].pat, c[i].len);

		if (!c[i].why && got)
			fail_msg("%s case %zu ('%s'): unexpected error \"%s\"",
				 fn_name, i, c[i].pat, got);
		if (c[i].why && !got)
			fail_msg("%s case %zu ('%s'): no error, want \"%s\"",
				 fn_name, i, c[i].pat, c[i].why);
		if (c[i].why && !strstr(got, c[i].why))
			fail_msg("%s case %zu ('%s'): \"%s\" lacks \"%s\"",
				 fn_name, i, c[i].pat, got, c[i].why);
	}
}

static void test_pattern_syntax_error_ok_well_formed(void **state)
{
	static const struct err_case cases[] = {
		ERR("", NULL),
		ERR("a", NULL),
		ERR("*", NULL),
		ERR("**", NULL),
		ERR("?", NULL),
		ERR("br*", NULL),
		ERR("[a]", NULL),
		ERR("[abc]", NULL),
		ERR("[a-z]", NULL),
		ERR("[a-a]", NULL),      /* a range of one byte */
		ERR("[a-]", NULL),       /* '-' last is literal */
		ERR("[-a]", NULL),       /* '-' first is literal */
		ERR("[]]", NULL),        /* ']' first is literal */
		ERR("[]a]", NULL),
		ERR("[!]]", NULL),
		ERR("[^]]", NULL),
		ERR("[!a]", NULL),
		ERR("[^a-z]", NULL),
		ERR("[]-a]", NULL),      /* the range ']'..'a' */
		ERR("\\*", NULL),
		ERR("\\\\", NULL),
		ERR("\\a", NULL),
		ERR("[\\]]", NULL),
		ERR("[\\-]", NULL),
		ERR("[a-\\z]", NULL),
		ERR("[\\!a]", NULL),
		ERR("[\x80-\xff]", NULL),
		ERR("[!\x80-\xff]", NULL),
		ERR("[\x01-\xfe]", NULL),
		ERR("]", NULL),          /* a lone ']' is a plain byte */
		ERR("a]b", NULL),
		ERR("!", NULL),
		ERR("[[]", NULL),        /* '[' inside a set is literal */
		ERR("[[:alpha:]]", NULL), /* no classes: a set, then ']' */
	};

	check_err(pattern_syntax_error, "syntax", cases, N_ELEMS(cases));
}

static void test_pattern_syntax_error_nok_malformed(void **state)
{
	static const struct err_case cases[] = {
		ERR("[", "a '[' without its ']'"),
		ERR("[a", "a '[' without its ']'"),
		ERR("br[0-9", "a '[' without its ']'"),
		ERR("[]", "a '[' without its ']'"),   /* ']' first is literal */
		ERR("[!]", "a '[' without its ']'"),
		ERR("[^]", "a '[' without its ']'"),
		ERR("[!", "a '[' without its ']'"),
		ERR("[a-", "a '[' without its ']'"),
		ERR("[a-z", "a '[' without its ']'"),
		ERR("[\\", "a '[' without its ']'"),
		ERR("[\\]", "a '[' without its ']'"), /* the ']' is escaped */
		ERR("[a-\\", "a '[' without its ']'"),
		ERR("*[", "a '[' without its ']'"),
		ERR("\\", "a '\\' at the end escapes nothing"),
		ERR("br\\", "a '\\' at the end escapes nothing"),
		ERR("br*\\", "a '\\' at the end escapes nothing"),
		ERR("[z-a]", "a range whose end comes before its start"),
		ERR("[a-Z]", "a range whose end comes before its start"),
		ERR("[9-0]", "a range whose end comes before its start"),
		ERR("[\xff-\x80]", "a range whose end comes before its start"),
		ERR("x[b-a]*", "a range whose end comes before its start"),
		ERR("[!\x01-\xff]", "a set that admits no byte"),
		ERR("[^\x01-\xff]", "a set that admits no byte"),
		ERR("a\0b", "a NUL byte"),
		ERR("\0", "a NUL byte"),
		ERR("*\0", "a NUL byte"),
		ERR("[a\0]", "a NUL byte"),
		ERR("\\\0", "a NUL byte"),
		ERR("[a-\0]", "a NUL byte"),
	};
	/* Only @len bytes count: a set cut short is unterminated. */
	static const struct err_case cut[] = {
		{ "[a]", 2, "a '[' without its ']'" },
		{ "a\\b", 2, "a '\\' at the end escapes nothing" },
		{ "[a]x", 3, NULL },
	};

	check_err(pattern_syntax_error, "syntax", cases, N_ELEMS(cases));
	check_err(pattern_syntax_error, "syntax-cut", cut, N_ELEMS(cut));
}

static void test_pattern_ifname_error_ok_can_match(void **state)
{
	static const struct err_case cases[] = {
		ERR("*", NULL),
		ERR("?", NULL),
		ERR("br*", NULL),
		ERR("lab-*", NULL),
		ERR("br[0-9]", NULL),
		ERR("br-?", NULL),
		ERR("???????????????", NULL),    /* 15: the longest name */
		ERR("???????????????*", NULL),   /* '*' may match nothing */
		ERR("abcdefghijklmn?", NULL),
		ERR("**", NULL),
		ERR(".*", NULL),                 /* ".x" is a name */
		ERR("*.", NULL),
		ERR("[.]*", NULL),
		ERR("\\.\\.\\.", NULL),          /* "..." is a name */
		ERR("[.a]", NULL),
		ERR("[.][.]?", NULL),
		ERR("[./]x", NULL),              /* '.' is fine in a name */
		ERR("[/a]", NULL),               /* some byte of it is */
		ERR("\\*", NULL),                /* "*" is a valid name */
		ERR("[\x80-\xff]", NULL),        /* high bytes are fine */
		ERR("[!a]", NULL),
		ERR("br\\0", NULL),
	};

	check_err(pattern_ifname_error, "ifname", cases, N_ELEMS(cases));
}

static void test_pattern_ifname_error_nok_never_matches(void **state)
{
	static const struct err_case cases[] = {
		/* Positions that admit only bytes no name has. */
		ERR("br/*", "'/', ':', whitespace"),
		ERR("[:]x", "'/', ':', whitespace"),
		ERR("*:*", "'/', ':', whitespace"),
		ERR("[/:]*", "'/', ':', whitespace"),
		ERR("a[\t\n\v\f\r ]b", "'/', ':', whitespace"),
		ERR("[\xa0]*", "'/', ':', whitespace"),   /* kernel isspace */
		ERR("\\/", "'/', ':', whitespace"),
		/* Too long for any name. */
		ERR("????????????????", "longer than 15 bytes"),
		ERR("????????????????*", "longer than 15 bytes"),
		ERR("abcdefghijklmno?", "longer than 15 bytes"),
		ERR("*abcdefghijklmnop*", "longer than 15 bytes"),
		/* Only "." or "..". */
		ERR("[.]", "only '.' or '..'"),
		ERR("\\.", "only '.' or '..'"),
		ERR("[.][.]", "only '.' or '..'"),
		ERR("\\.[.]", "only '.' or '..'"),
		ERR("[./]", "only '.' or '..'"),
		ERR("[./][.:]", "only '.' or '..'"),
		/* Only the empty name. */
		ERR("", "only the empty name"),
		/* Syntax errors come through. */
		ERR("[", "a '[' without its ']'"),
		ERR("br\\", "escapes nothing"),
		ERR("[z-a]*", "before its start"),
	};

	check_err(pattern_ifname_error, "ifname", cases, N_ELEMS(cases));
}

/* ---- pattern_match ---- */

struct match_case {
	const char *pat;
	const char *s;
	bool want;
};

static void check_match(const struct match_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool got = pattern_match(c[i].pat, c[i].s);

		if (got != c[i].want)
			fail_msg("case %zu: pattern '%s' on '%s': got %s, want %s",
				 i, c[i].pat, c[i].s, got ? "match" : "no match",
				 c[i].want ? "match" : "no match");
	}
}

static void test_pattern_match_ok_stars(void **state)
{
	static const struct match_case cases[] = {
		{ "*", "", true },
		{ "*", "a", true },
		{ "*", "br0", true },
		{ "**", "", true },
		{ "***", "abc", true },
		{ "br*", "br", true },
		{ "br*", "br0", true },
		{ "br*", "bridge-lan", true },
		{ "br*", "b", false },
		{ "br*", "xbr0", false },
		{ "*0", "br0", true },
		{ "*0", "br01", false },
		{ "*0", "0", true },
		{ "b*0", "b0", true },
		{ "b*0", "br0", true },
		{ "b*0", "br0x", false },
		{ "lab-*-vm", "lab--vm", true },
		{ "lab-*-vm", "lab-x-y-vm", true },
		{ "lab-*-vm", "lab-x-y-vmx", false },
		{ "a**b", "ab", true },
		{ "a**b", "aXXb", true },
		{ "*a*", "a", true },
		{ "*a*", "bab", true },
		{ "*a*", "bbb", false },
		{ "*?", "", false },
		{ "*?", "x", true },
		{ "?*", "", false },
		{ "?*?", "ab", true },
		{ "?*?", "a", false },
	};

	check_match(cases, N_ELEMS(cases));
}

static void test_pattern_match_ok_backtracking(void **state)
{
	static const struct match_case cases[] = {
		{ "a*b*c", "aXbYbZc", true },
		{ "a*b*c", "abc", true },
		{ "a*b*c", "abbc", true },
		{ "a*b*c", "aXbYbZ", false },
		{ "a*b*c", "acb", false },
		{ "a*b*c", "aXbYbZcc", true },
		{ "a*b*c", "aXbYbZcX", false },
		{ "*ab", "aab", true },
		{ "*aab", "aaab", true },
		{ "*abc", "ababc", true },
		{ "*aba", "abababa", true },
		{ "*aba", "ababab", false },
		{ "a*a*a", "aaa", true },
		{ "a*a*a", "aa", false },
		{ "a*ab", "aab", true },
		{ "a*ab", "aaaab", true },
		{ "a*ab", "aaaa", false },
		{ "*?b", "ab", true },
		{ "*?b", "b", false },
		{ "*[0-9]", "br10", true },
		{ "*[0-9]x", "1x2x", true },
		{ "*[0-9]x", "1x2", false },
		{ "*-*-*", "a-b-c", true },
		{ "*-*-*", "a-b", false },
		{ "*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false },
		{ "*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", true },
	};

	check_match(cases, N_ELEMS(cases));
}

static void test_pattern_match_ok_question(void **state)
{
	static const struct match_case cases[] = {
		{ "?", "a", true },
		{ "?", "?", true },
		{ "?", "*", true },
		{ "?", "", false },
		{ "?", "ab", false },
		{ "??", "ab", true },
		{ "??", "a", false },
		{ "b?0", "br0", true },
		{ "b?0", "b0", false },
		{ "b?0", "brr0", false },
		{ "br??", "br10", true },
		{ "?r?", "br0", true },
	};

	check_match(cases, N_ELEMS(cases));
}

static void test_pattern_match_ok_sets(void **state)
{
	static const struct match_case cases[] = {
		{ "[abc]", "a", true },
		{ "[abc]", "b", true },
		{ "[abc]", "c", true },
		{ "[abc]", "d", false },
		{ "[abc]", "", false },
		{ "[abc]", "ab", false },
		{ "br[01]", "br0", true },
		{ "br[01]", "br1", true },
		{ "br[01]", "br2", false },
		{ "br[01]", "br01", false },
		{ "[a][b]", "ab", true },
		{ "[a][b]", "ba", false },
		{ "[a!]", "!", true },    /* '!' not first is literal */
		{ "[a^]", "^", true },
		{ "[a!]", "b", false },
		{ "[*?]", "*", true },    /* no specials inside a set */
		{ "[*?]", "?", true },
		{ "[*?]", "a", false },
		{ "[[]", "[", true },
		{ "[[]", "a", false },
		{ "[-]", "-", true },
		{ "[-a]", "-", true },
		{ "[-a]", "a", true },
		{ "[-a]", "b", false },
		{ "[a-]", "-", true },
		{ "[a-]", "a", true },
		{ "[a-]", "b", false },
		/* No character classes: "[[:digit:]]" is a set then ']'. */
		{ "[[:digit:]]", "1", false },
		{ "[[:digit:]]", "d]", true },
		{ "[[:digit:]]", ":]", true },
	};

	check_match(cases, N_ELEMS(cases));
}

static void test_pattern_match_ok_negation(void **state)
{
	static const struct match_case cases[] = {
		{ "[!abc]", "d", true },
		{ "[!abc]", "a", false },
		{ "[!abc]", "c", false },
		{ "[!abc]", "", false },   /* negation still needs a byte */
		{ "[!abc]", "dd", false },
		{ "[^abc]", "d", true },
		{ "[^abc]", "a", false },
		{ "[^abc]", "b", false },
		{ "[^abc]", "", false },
		{ "[!a-z]", "A", true },
		{ "[!a-z]", "0", true },
		{ "[!a-z]", "m", false },
		{ "[^a-z]", "m", false },
		{ "[^a-z]", "-", true },
		{ "br[!0]", "br1", true },
		{ "br[!0]", "br0", false },
		{ "[!!]", "!", false },
		{ "[!!]", "a", true },
		{ "[!^]", "^", false },
		{ "[^!]", "!", false },
		{ "[^!]", "^", true },
		{ "[!*]", "*", false },
		{ "[!*]", "a", true },
		{ "[!a]*", "ba", true },
		{ "[!a]*", "ab", false },
	};

	check_match(cases, N_ELEMS(cases));
}

static void test_pattern_match_ok_ranges(void **state)
{
	static const struct match_case cases[] = {
		{ "[a-c]", "a", true },
		{ "[a-c]", "b", true },
		{ "[a-c]", "c", true },
		{ "[a-c]", "d", false },
		{ "[a-c]", "`", false },    /* 'a' - 1 */
		{ "[a-c]", "B", false },
		{ "[a-a]", "a", true },
		{ "[a-a]", "b", false },
		{ "br[0-9]", "br5", true },
		{ "br[0-9]", "brx", false },
		{ "br[0-9]", "br10", false },
		{ "br[0-9]*", "br10", true },
		{ "[0-9a-f]", "e", true },
		{ "[0-9a-f]", "7", true },
		{ "[0-9a-f]", "g", false },
		{ "[a-cx-z]", "y", true },
		{ "[a-cx-z]", "m", false },
		{ "[a-c-e]", "-", true },   /* "a-c", then '-' and 'e' */
		{ "[a-c-e]", "e", true },
		{ "[a-c-e]", "d", false },
		{ "[!0-9]", "5", false },
		{ "[!0-9]", "x", true },
		{ "[A-z]", "_", true },     /* ASCII order, no locale */
		{ "[A-z]", "[", true },
		{ "[A-z]", "{", false },
		{ "[+--]", ",", true },     /* '+'..'-' */
		{ "[+--]", ".", false },
	};

	check_match(cases, N_ELEMS(cases));
}

static void test_pattern_match_ok_bracket_first(void **state)
{
	static const struct match_case cases[] = {
		{ "[]]", "]", true },
		{ "[]]", "a", false },
		{ "[]a]", "]", true },
		{ "[]a]", "a", true },
		{ "[]a]", "b", false },
		{ "[!]]", "]", false },
		{ "[!]]", "x", true },
		{ "[^]]", "]", false },
		{ "[^]]", "x", true },
		{ "[!]a]", "a", false },
		{ "[!]a]", "b", true },
		{ "[]-a]", "^", true },     /* the range ']'..'a' */
		{ "[]-a]", "]", true },
		{ "[]-a]", "a", true },
		{ "[]-a]", "b", false },
		{ "[]-a]", "[", false },
		{ "x[]]y", "x]y", true },
		{ "[]]*", "]]]", true },
		/* A ']' outside a set is a plain byte. */
		{ "a]", "a]", true },
		{ "]", "]", true },
		{ "]", "a", false },
	};

	check_match(cases, N_ELEMS(cases));
}

static void test_pattern_match_ok_escapes(void **state)
{
	static const struct match_case cases[] = {
		/* Outside a set. */
		{ "\\*", "*", true },
		{ "\\*", "a", false },
		{ "\\*", "", false },
		{ "\\*", "**", false },
		{ "\\?", "?", true },
		{ "\\?", "a", false },
		{ "\\[a]", "[a]", true },
		{ "\\[a]", "a", false },
		{ "\\\\", "\\", true },
		{ "\\\\", "\\\\", false },
		{ "a\\b", "ab", true },     /* any byte may be escaped */
		{ "a\\b", "a\\b", false },
		{ "br\\0", "br0", true },
		{ "*\\*", "abc*", true },
		{ "*\\*", "abc", false },
		{ "\\**", "*abc", true },
		{ "\\**", "abc", false },
		{ "br\\-*", "br-lan", true },
		/* Inside a set. */
		{ "[\\]]", "]", true },
		{ "[\\]]", "\\", false },
		{ "[\\]a]", "a", true },
		{ "[\\\\]", "\\", true },
		{ "[\\\\]", "a", false },
		{ "[\\-a]", "-", true },
		{ "[a\\-z]", "-", true },   /* an escaped '-' is no range */
		{ "[a\\-z]", "z", true },
		{ "[a\\-z]", "b", false },
		{ "[\\!a]", "!", true },    /* an escaped '!' does not negate */
		{ "[\\!a]", "a", true },
		{ "[\\!a]", "b", false },
		{ "[\\^a]", "^", true },
		{ "[\\^a]", "b", false },
		{ "[a-\\z]", "m", true },   /* an escaped range end */
		{ "[a-\\z]", "\\", false },
		{ "[\\a-c]", "b", true },   /* an escaped range start */
		{ "[!\\]]", "]", false },
		{ "[!\\]]", "a", true },
	};

	check_match(cases, N_ELEMS(cases));
}

static void test_pattern_match_ok_high_bytes(void **state)
{
	static const struct match_case cases[] = {
		{ "?", "\xc3", true },
		{ "??", "\xc3\xa9", true },
		{ "?", "\xc3\xa9", false },  /* bytes, not characters */
		{ "\xc3\xa9", "\xc3\xa9", true },
		{ "\xc3\xa9", "\xc3\xa8", false },
		{ "t*", "t\xc3\xa9t\xc3\xa9", true },
		{ "*\xa9", "\xc3\xa9", true },
		{ "[\x80-\xff]", "\xe9", true },
		{ "[\x80-\xff]", "\x80", true },
		{ "[\x80-\xff]", "\xff", true },
		{ "[\x80-\xff]", "\x7f", false },
		{ "[\x80-\xff]", "a", false },
		{ "[!\x80-\xff]", "\xe9", false },
		{ "[!\x80-\xff]", "a", true },
		{ "[!a]", "\xff", true },
		{ "[^a]", "\x80", true },
		{ "[a-\xff]", "\x80", true },  /* 0x61..0xff, unsigned */
		{ "[a-\xff]", "`", false },
		{ "[\x01-\x7f]", "\x80", false },
		{ "[\x01-\x7f]", "\x7f", true },
		{ "[\xe0-\xef]", "\xe9", true },
		{ "[\xe0-\xef]", "\xf0", false },
		{ "\\\xff", "\xff", true },
		{ "[\xc3][\xa9]", "\xc3\xa9", true },
	};

	check_match(cases, N_ELEMS(cases));
}

static void test_pattern_match_ok_empty(void **state)
{
	static const struct match_case cases[] = {
		{ "", "", true },
		{ "", "a", false },
		{ "a", "", false },
		{ "?", "", false },
		{ "[a]", "", false },
		{ "[!a]", "", false },
		{ "\\a", "", false },
		{ "*", "", true },
		{ "**", "", true },
		{ "*a", "", false },
	};

	check_match(cases, N_ELEMS(cases));
}

static void test_pattern_match_ok_case_sensitive(void **state)
{
	static const struct match_case cases[] = {
		{ "BR*", "br0", false },
		{ "br*", "BR0", false },
		{ "Br0", "br0", false },
		{ "[A-Z]", "a", false },
		{ "[a-z]", "A", false },
		{ "[B]r0", "br0", false },
		{ "[!b]r0", "Br0", true },
		{ "All", "all", false },
		{ "*LAN", "br-lan", false },
		{ "*lan", "br-lan", true },
	};

	check_match(cases, N_ELEMS(cases));
}

static void test_pattern_match_nok_malformed(void **state)
{
	/* Not well-formed: never matches, not even its own text. */
	static const struct match_case cases[] = {
		{ "[abc", "[abc", false },
		{ "[abc", "a", false },
		{ "[abc", "", false },
		{ "[", "[", false },
		{ "[", "", false },
		{ "a[", "a", false },
		{ "a[", "a[", false },
		{ "*[", "x[", false },
		{ "*[", "", false },
		{ "[]", "[]", false },
		{ "[]", "]", false },
		{ "[!]", "x", false },
		{ "[!]", "[!]", false },
		{ "a\\", "a\\", false },
		{ "a\\", "a", false },
		{ "\\", "\\", false },
		{ "\\", "", false },
		{ "*\\", "x\\", false },
		{ "[z-a]", "z", false },
		{ "[z-a]", "a", false },
		{ "[z-a]", "-", false },
		{ "[z-a]", "[z-a]", false },
		{ "x*[b-a]", "xyz", false },
		{ "x*[b-a]", "x", false },
		{ "[a\\]", "a", false },
		{ "[a\\]", "a]", false },
		{ "[!\x01-\xff]", "a", false }, /* admits no byte */
		{ "[!\x01-\xff]", "\xff", false },
		{ "[!\x01-\xff]", "", false },
		{ "*[!\x01-\xff]*", "abc", false },
	};

	check_match(cases, N_ELEMS(cases));
	/* And each of them is reported malformed by the syntax check. */
	for (size_t i = 0; i < N_ELEMS(cases); i++)
		if (!pattern_syntax_error(cases[i].pat, strlen(cases[i].pat)))
			fail_msg("case %zu: '%s' is well-formed", i,
				 cases[i].pat);
}

static void test_pattern_match_ok_long(void **state)
{
	char pat[256], s[4096];

	/* A 255-byte pattern of stars against a long miss: must end. */
	for (size_t i = 0; i < 254; i += 2) {
		pat[i] = '*';
		pat[i + 1] = 'a';
	}
	pat[254] = 'b';
	pat[255] = '\0';
	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	assert_false(pattern_match(pat, s));
	s[sizeof(s) - 2] = 'b';
	assert_true(pattern_match(pat, s));
	/* Exact literals of the longest name. */
	assert_true(pattern_match("abcdefghijklmno", "abcdefghijklmno"));
	assert_false(pattern_match("abcdefghijklmno", "abcdefghijklmnop"));
	assert_false(pattern_match("abcdefghijklmno", "abcdefghijklmn"));
}

/*
 * fnmatch(3) in the C locale, without flags, has the same grammar for
 * these patterns: '*', '?', sets with '!' or '^', ranges in byte order,
 * ']' first literal, '\\' escapes. Compare every string of up to five
 * bytes over a small alphabet.
 */
static void test_pattern_match_ok_agrees_with_fnmatch(void **state)
{
	static const char *const pats[] = {
		"", "*", "**", "?", "??", "a", "ab", "a*", "*a", "*a*",
		"a*b", "a*b*a", "*ab*", "a?b", "?*?", "*?*?*", "[ab]",
		"[ab]*", "*[!a]", "[!a]*", "[^a]*", "[]a]", "[]a]*", "[!]]*",
		"[^]]*", "[a-]*", "*[-]*", "[]-a]*", "\\]*", "*\\-", "\\a*",
		"[\\]]*", "[a\\-b]*", "a*-*b", "*b-", "[-b]?", "[b-b]*a",
		"[!-]*", "*]", "]*[ab]",
	};
	static const char alpha[] = "ab-]";
	const size_t k = sizeof(alpha) - 1;
	size_t checked = 0;

	for (size_t p = 0; p < N_ELEMS(pats); p++) {
		assert_null(pattern_syntax_error(pats[p], strlen(pats[p])));
		for (size_t len = 0; len <= 5; len++) {
			size_t total = 1;

			for (size_t j = 0; j < len; j++)
				total *= k;
			for (size_t v = 0; v < total; v++) {
				char s[8];
				size_t x = v;
				bool ours, ref;

				for (size_t j = 0; j < len; j++) {
					s[j] = alpha[x % k];
					x /= k;
				}
				s[len] = '\0';
				ours = pattern_match(pats[p], s);
				ref = fnmatch(pats[p], s, 0) == 0;
				if (ours != ref)
					fail_msg("'%s' on '%s': ours %d, fnmatch %d",
						 pats[p], s, (int)ours, (int)ref);
				checked++;
			}
		}
	}
	assert_true(checked > 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pattern_is_pattern_ok_specials),
		cmocka_unit_test(test_pattern_is_pattern_nok_plain),
		cmocka_unit_test(test_pattern_syntax_error_ok_well_formed),
		cmocka_unit_test(test_pattern_syntax_error_nok_malformed),
		cmocka_unit_test(test_pattern_ifname_error_ok_can_match),
		cmocka_unit_test(test_pattern_ifname_error_nok_never_matches),
		cmocka_unit_test(test_pattern_match_ok_stars),
		cmocka_unit_test(test_pattern_match_ok_backtracking),
		cmocka_unit_test(test_pattern_match_ok_question),
		cmocka_unit_test(test_pattern_match_ok_sets),
		cmocka_unit_test(test_pattern_match_ok_negation),
		cmocka_unit_test(test_pattern_match_ok_ranges),
		cmocka_unit_test(test_pattern_match_ok_bracket_first),
		cmocka_unit_test(test_pattern_match_ok_escapes),
		cmocka_unit_test(test_pattern_match_ok_high_bytes),
		cmocka_unit_test(test_pattern_match_ok_empty),
		cmocka_unit_test(test_pattern_match_ok_case_sensitive),
		cmocka_unit_test(test_pattern_match_nok_malformed),
		cmocka_unit_test(test_pattern_match_ok_long),
		cmocka_unit_test(test_pattern_match_ok_agrees_with_fnmatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
