// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_strutil.c - str_escape() for display, str_to_int() for numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "strutil.h"

/* ---- str_escape ---- */

struct esc_case {
	const char *in;
	size_t len;
	size_t outsz;
	const char *want;
};

#define ESC(lit, outsz, want) { lit, sizeof(lit) - 1, outsz, want }
#define CANARY 'Z'
#define BIG 128

/* Escape into a buffer of exactly @outsz bytes followed by canaries,
 * and fail if a byte past @outsz was written. */
static void check_esc(const struct esc_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char buf[BIG + 16];
		char *ret;

		assert_true(c[i].outsz <= BIG);
		memset(buf, CANARY, sizeof(buf));
		ret = str_escape(buf, c[i].outsz, c[i].in, c[i].len);
		assert_ptr_equal(ret, buf);
		for (size_t k = c[i].outsz; k < sizeof(buf); k++)
			if (buf[k] != CANARY)
				fail_msg("case %zu: wrote byte %zu of a %zu-byte buffer",
					 i, k, c[i].outsz);
		if (strcmp(buf, c[i].want) != 0)
			fail_msg("case %zu (outsz %zu): got \"%s\", want \"%s\"",
				 i, c[i].outsz, buf, c[i].want);
	}
}

static void test_str_escape_ok_printable(void **state)
{
	static const struct esc_case cases[] = {
		ESC("", BIG, ""),
		ESC("br0", BIG, "br0"),
		ESC("hello world", BIG, "hello world"),
		ESC(" !\"#$%&'()*+,-./0123456789:;<=>?", BIG,
		    " !\"#$%&'()*+,-./0123456789:;<=>?"),
		ESC("@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_", BIG,
		    "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_"),
		ESC("`abcdefghijklmnopqrstuvwxyz{|}~", BIG,
		    "`abcdefghijklmnopqrstuvwxyz{|}~"),
	};

	check_esc(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_escape_ok_backslash(void **state)
{
	/* Doubled, so that "\x0a" in the output always means an escape. */
	static const struct esc_case cases[] = {
		ESC("\\", BIG, "\\\\"),
		ESC("a\\b", BIG, "a\\\\b"),
		ESC("\\x0a", BIG, "\\\\x0a"),
		ESC("\\\\", BIG, "\\\\\\\\"),
	};

	check_esc(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_escape_ok_control_and_high(void **state)
{
	static const struct esc_case cases[] = {
		ESC("\0", BIG, "\\x00"),
		ESC("\x01", BIG, "\\x01"),
		ESC("\t", BIG, "\\x09"),
		ESC("\n", BIG, "\\x0a"),
		ESC("\r", BIG, "\\x0d"),
		ESC("\x1b[2J", BIG, "\\x1b[2J"),      /* a terminal escape */
		ESC("\x1f", BIG, "\\x1f"),
		ESC("\x7f", BIG, "\\x7f"),
		ESC("\x80", BIG, "\\x80"),
		ESC("\xa0", BIG, "\\xa0"),
		ESC("\xff", BIG, "\\xff"),
		ESC("\xc3\xa9", BIG, "\\xc3\\xa9"),   /* UTF-8 too */
		ESC("br\0x", BIG, "br\\x00x"),        /* NUL does not stop it */
		ESC("a\r\nb", BIG, "a\\x0d\\x0ab"),
	};

	check_esc(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_escape_ok_len_not_terminated(void **state)
{
	static const char buf[3] = { 'a', 'b', 'c' };
	char out[8];

	assert_string_equal(str_escape(out, sizeof(out), buf, 3), "abc");
	assert_string_equal(str_escape(out, sizeof(out), "abcdef", 2), "ab");
	assert_string_equal(str_escape(out, sizeof(out), "abcdef", 0), "");
}

static void test_str_escape_ok_truncated(void **state)
{
	/* What does not fit ends in "...", and an escape is never cut in
	 * half. */
	static const struct esc_case cases[] = {
		ESC("abcdefgh", 8, "abcd..."),
		ESC("abcdefghij", 6, "ab..."),
		ESC("abcdefghij", 5, "a..."),
		ESC("abcdefghij", 4, "..."),
		ESC("abcdefghij", 3, ".."),
		ESC("abcdefghij", 2, "."),
		ESC("\n\n\n", 8, "\\x0a..."),
		ESC("\n\n\n", 11, "\\x0a..."),
		ESC("\n\n\n", 12, "\\x0a\\x0a..."),
		ESC("\\\\\\\\", 6, "\\\\..."),
		ESC("a\\b", 4, "..."),
	};

	check_esc(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_escape_ok_outsz_0(void **state)
{
	char buf[4];

	memset(buf, CANARY, sizeof(buf));
	assert_ptr_equal(str_escape(buf, 0, "abc", 3), buf);
	for (size_t k = 0; k < sizeof(buf); k++)
		assert_int_equal(buf[k], CANARY);
}

static void test_str_escape_ok_outsz_1(void **state)
{
	static const struct esc_case cases[] = {
		ESC("", 1, ""),
		ESC("a", 1, ""),
		ESC("\xff\xff", 1, ""),
	};

	check_esc(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_escape_ok_every_outsz(void **state)
{
	/* For every buffer size: nothing written past it, NUL-terminated,
	 * and the text is the full escape cut at an escape boundary,
	 * followed by dots. The input has no dots of its own. */
	static const char in[] = "a\\\x01" "b\xff";
	static const char full[] = "a\\\\\\x01b\\xff";
	static const size_t boundary[] = { 0, 1, 3, 7, 8, 12 };

	for (size_t outsz = 0; outsz <= sizeof(full) + 8; outsz++) {
		char buf[sizeof(full) + 32];
		size_t len, kept;
		bool at_boundary = false;

		memset(buf, CANARY, sizeof(buf));
		str_escape(buf, outsz, in, sizeof(in) - 1);
		for (size_t k = outsz; k < sizeof(buf); k++)
			if (buf[k] != CANARY)
				fail_msg("outsz %zu: wrote byte %zu", outsz, k);
		if (outsz == 0)
			continue;
		len = strnlen(buf, outsz);
		assert_true(len < outsz);
		kept = len;
		while (kept > 0 && buf[kept - 1] == '.')
			kept--;
		assert_true(len - kept <= 3);
		assert_memory_equal(buf, full, kept);
		for (size_t b = 0; b < sizeof(boundary) / sizeof(boundary[0]); b++)
			at_boundary |= boundary[b] == kept;
		if (!at_boundary)
			fail_msg("outsz %zu: \"%s\" cuts an escape", outsz, buf);
		if (kept < sizeof(full) - 1 && len - kept != 3 && outsz >= 4)
			fail_msg("outsz %zu: \"%s\" is cut without \"...\"",
				 outsz, buf);
	}
}

static void test_str_escape_ok_exact_fit(void **state)
{
	/* "Output that would not fit ends in '...'": output that does fit
	 * must come out whole, also when it leaves fewer than 3 bytes
	 * spare. (Fails: str_escape() reserves room for "..." even for
	 * the last character, so it cuts text that fits.) */
	static const struct esc_case cases[] = {
		ESC("a", 2, "a"),
		ESC("ab", 3, "ab"),
		ESC("abc", 4, "abc"),
		ESC("abcdefg", 8, "abcdefg"),
		ESC("\n", 5, "\\x0a"),
		ESC("x\\", 4, "x\\\\"),
	};

	check_esc(cases, sizeof(cases) / sizeof(cases[0]));
}

/* ---- str_to_int ---- */

struct int_case {
	const char *s;
	long long min, max;
	int rc;
	long long want;      /* when rc == 0 */
};

static void check_int(const struct int_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const long long untouched = -4242;
		long long v = untouched;
		int rc = str_to_int(c[i].s, c[i].min, c[i].max, &v);

		if (rc != c[i].rc)
			fail_msg("case %zu \"%s\": rc %d, want %d", i,
				 c[i].s ? c[i].s : "(null)", rc, c[i].rc);
		if (rc == 0 && v != c[i].want)
			fail_msg("case %zu \"%s\": %lld, want %lld", i,
				 c[i].s, v, c[i].want);
		if (rc != 0 && v != untouched)
			fail_msg("case %zu \"%s\": *out written on error", i,
				 c[i].s ? c[i].s : "(null)");
	}
}

static void test_str_to_int_ok_values(void **state)
{
	static const struct int_case cases[] = {
		{ "0", 0, INT_MAX, 0, 0 },
		{ "3", 0, INT_MAX, 0, 3 },
		{ "42", 0, INT_MAX, 0, 42 },
		{ "1000000", 0, INT_MAX, 0, 1000000 },
		{ "007", 0, INT_MAX, 0, 7 },         /* leading zeros: decimal */
		{ "010", 0, INT_MAX, 0, 10 },        /* never octal */
		{ "2147483647", 0, INT_MAX, 0, INT_MAX },
		{ "9223372036854775807", 0, LLONG_MAX, 0, LLONG_MAX },
		{ "00000000000000000000009", 0, 9, 0, 9 },
	};

	check_int(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_to_int_ok_range_limits(void **state)
{
	static const struct int_case cases[] = {
		{ "3", 3, 9, 0, 3 },
		{ "9", 3, 9, 0, 9 },
		{ "5", 5, 5, 0, 5 },
		{ "0", 0, 0, 0, 0 },
	};

	check_int(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_to_int_nok_sign(void **state)
{
	static const struct int_case cases[] = {
		{ "+3", 0, INT_MAX, -EINVAL, 0 },
		{ "-3", -10, INT_MAX, -EINVAL, 0 },
		{ "-1", -10, INT_MAX, -EINVAL, 0 },
		{ "-0", 0, INT_MAX, -EINVAL, 0 },
		{ "+0", 0, INT_MAX, -EINVAL, 0 },
		{ "+", 0, INT_MAX, -EINVAL, 0 },
		{ "-", 0, INT_MAX, -EINVAL, 0 },
		{ "--3", 0, INT_MAX, -EINVAL, 0 },
	};

	check_int(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_to_int_nok_spaces(void **state)
{
	static const struct int_case cases[] = {
		{ " 3", 0, INT_MAX, -EINVAL, 0 },
		{ "3 ", 0, INT_MAX, -EINVAL, 0 },
		{ "\t3", 0, INT_MAX, -EINVAL, 0 },
		{ "3\n", 0, INT_MAX, -EINVAL, 0 },
		{ "1 000", 0, INT_MAX, -EINVAL, 0 },
		{ " ", 0, INT_MAX, -EINVAL, 0 },
	};

	check_int(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_to_int_nok_trailing(void **state)
{
	static const struct int_case cases[] = {
		{ "3x", 0, INT_MAX, -EINVAL, 0 },
		{ "12a", 0, INT_MAX, -EINVAL, 0 },
		{ "0x10", 0, INT_MAX, -EINVAL, 0 },
		{ "3.0", 0, INT_MAX, -EINVAL, 0 },
		{ "1e3", 0, INT_MAX, -EINVAL, 0 },
		{ "abc", 0, INT_MAX, -EINVAL, 0 },
		{ "x3", 0, INT_MAX, -EINVAL, 0 },
		{ "3\xff", 0, INT_MAX, -EINVAL, 0 },
		{ "\xd9\xa3", 0, INT_MAX, -EINVAL, 0 },  /* Arabic-Indic 3 */
	};

	check_int(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_to_int_nok_empty(void **state)
{
	static const struct int_case cases[] = {
		{ "", 0, INT_MAX, -EINVAL, 0 },
		{ NULL, 0, INT_MAX, -EINVAL, 0 },
	};

	check_int(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_to_int_nok_overflow(void **state)
{
	/* Each of these overflows a long long on the way; none may wrap
	 * around into range. */
	static const struct int_case cases[] = {
		{ "9223372036854775808", 0, LLONG_MAX, -ERANGE, 0 },
		{ "9223372036854775817", 0, LLONG_MAX, -ERANGE, 0 },
		{ "18446744073709551616", 0, LLONG_MAX, -ERANGE, 0 },
		{ "18446744073709551619", 0, LLONG_MAX, -ERANGE, 0 },
		{ "99999999999999999999999999", 0, LLONG_MAX, -ERANGE, 0 },
		{ "99999999999", 0, INT_MAX, -ERANGE, 0 },
		{ "4294967299", 0, INT_MAX, -ERANGE, 0 },  /* wraps to 3 in 32 bits */
	};

	check_int(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_str_to_int_nok_range(void **state)
{
	static const struct int_case cases[] = {
		{ "2", 3, 9, -ERANGE, 0 },
		{ "0", 3, 9, -ERANGE, 0 },
		{ "10", 3, 9, -ERANGE, 0 },
		{ "2147483648", 0, INT_MAX, -ERANGE, 0 },
		{ "7", 0, 5, -ERANGE, 0 },
		{ "1", 0, 0, -ERANGE, 0 },
		{ "6", 5, 5, -ERANGE, 0 },
	};

	check_int(cases, sizeof(cases) / sizeof(cases[0]));
}

/* ---- str_escape_field / str_escape_controls ---- */

static void test_str_escape_field_ok_space(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(str_escape_field(buf, sizeof(buf), "a b", 3), "a\\x20b");
	assert_string_equal(str_escape_field(buf, sizeof(buf), "a\\b", 3), "a\\\\b");
	assert_string_equal(str_escape_field(buf, sizeof(buf), "x\ty", 3), "x\\x09y");
	assert_string_equal(str_escape_field(buf, sizeof(buf), "br0", 3), "br0");
}

static void test_str_escape_controls_ok_keeps_backslash(void **state)
{
	char buf[64];

	(void)state;
	/* Already-escaped text passes unchanged ... */
	assert_string_equal(str_escape_controls(buf, sizeof(buf), "br\\x01 x", 8),
			    "br\\x01 x");
	/* ... raw control bytes and non-ASCII do not. */
	assert_string_equal(str_escape_controls(buf, sizeof(buf), "a\nb\xff", 4),
			    "a\\x0ab\\xff");
}

static void test_str_escape_controls_ok_truncates(void **state)
{
	char buf[8];

	(void)state;
	assert_string_equal(str_escape_controls(buf, sizeof(buf), "abcdefghij", 10),
			    "abcd...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str_escape_field_ok_space),
		cmocka_unit_test(test_str_escape_controls_ok_keeps_backslash),
		cmocka_unit_test(test_str_escape_controls_ok_truncates),
		cmocka_unit_test(test_str_escape_ok_printable),
		cmocka_unit_test(test_str_escape_ok_backslash),
		cmocka_unit_test(test_str_escape_ok_control_and_high),
		cmocka_unit_test(test_str_escape_ok_len_not_terminated),
		cmocka_unit_test(test_str_escape_ok_truncated),
		cmocka_unit_test(test_str_escape_ok_outsz_0),
		cmocka_unit_test(test_str_escape_ok_outsz_1),
		cmocka_unit_test(test_str_escape_ok_every_outsz),
		cmocka_unit_test(test_str_escape_ok_exact_fit),
		cmocka_unit_test(test_str_to_int_ok_values),
		cmocka_unit_test(test_str_to_int_ok_range_limits),
		cmocka_unit_test(test_str_to_int_nok_sign),
		cmocka_unit_test(test_str_to_int_nok_spaces),
		cmocka_unit_test(test_str_to_int_nok_trailing),
		cmocka_unit_test(test_str_to_int_nok_empty),
		cmocka_unit_test(test_str_to_int_nok_overflow),
		cmocka_unit_test(test_str_to_int_nok_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
