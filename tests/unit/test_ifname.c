// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_ifname.c - the one validator for interface names.
 *
 * The kernel's dev_valid_name() is the reference: what it refuses we
 * refuse, and a name that does not fit is refused, never truncated
 * (CVE-2019-13164).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "ifname.h"

struct name_case {
	const char *name;
	size_t len;
	enum ifname_status want;
};

/* A literal with its exact length, so embedded NULs count. */
#define NAME(lit, st) { lit, sizeof(lit) - 1, st }

static void check_cases(const struct name_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		enum ifname_status got = ifname_check(c[i].name, c[i].len);

		if (got != c[i].want)
			fail_msg("case %zu (len %zu): got %d, want %d", i,
				 c[i].len, (int)got, (int)c[i].want);
	}
}

static void test_ifname_check_ok_names(void **state)
{
	static const struct name_case cases[] = {
		NAME("a", IFNAME_OK),
		NAME("br0", IFNAME_OK),
		NAME("virbr0", IFNAME_OK),
		NAME("br-lan", IFNAME_OK),
		NAME("br_lan", IFNAME_OK),
		NAME("br.10", IFNAME_OK),
		NAME("br#0", IFNAME_OK),    /* '#' is legal in a name */
		NAME("all", IFNAME_OK),     /* only the ACL gives it meaning */
		NAME("ALL", IFNAME_OK),
		NAME("...", IFNAME_OK),     /* only "." and ".." are special */
		NAME(".a", IFNAME_OK),
		NAME("a.", IFNAME_OK),
		NAME("..a", IFNAME_OK),
		NAME("\xc3\xa9t\xc3\xa9", IFNAME_OK), /* UTF-8 is bytes */
		NAME("\x7f", IFNAME_OK),   /* DEL is not kernel whitespace */
		NAME("\x1b", IFNAME_OK),   /* nor is ESC */
	};

	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_ifname_check_ok_15_bytes(void **state)
{
	static const struct name_case cases[] = {
		NAME("abcdefghijklmno", IFNAME_OK),
		NAME("br0123456789abc", IFNAME_OK),
		NAME("...............", IFNAME_OK),
	};

	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_ifname_check_ok_len_not_terminated(void **state)
{
	/* Only the first @len bytes are looked at; the rest may be
	 * anything, and there need not be a NUL at all. */
	static const char buf[4] = { 'b', 'r', '0', ':' };

	assert_int_equal(ifname_check(buf, 3), IFNAME_OK);
	assert_int_equal(ifname_check(buf, 4), IFNAME_BAD_CHAR);
	assert_int_equal(ifname_check("br0/x", 3), IFNAME_OK);
	assert_int_equal(ifname_check("abcdefghijklmnopq", 15), IFNAME_OK);
}

static void test_ifname_check_nok_empty(void **state)
{
	static const struct name_case cases[] = {
		{ "", 0, IFNAME_EMPTY },
		{ "br0", 0, IFNAME_EMPTY },
	};

	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_ifname_check_nok_too_long(void **state)
{
	/* CVE-2019-13164: 16 bytes never become the 15 that would fit. */
	static const struct name_case cases[] = {
		NAME("abcdefghijklmnop", IFNAME_TOO_LONG),
		NAME("br0123456789abcd", IFNAME_TOO_LONG),
		NAME("abcdefghijklmnopq", IFNAME_TOO_LONG),
		NAME("................", IFNAME_TOO_LONG),
		NAME("this-is-a-very-long-bridge-name-indeed",
		     IFNAME_TOO_LONG),
		/* The length is judged first, whatever the bytes. */
		NAME("br0/br0:br0 br0x", IFNAME_TOO_LONG),
	};

	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_ifname_check_nok_dot(void **state)
{
	static const struct name_case cases[] = {
		NAME(".", IFNAME_DOT),
		NAME("..", IFNAME_DOT),
	};

	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_ifname_check_nok_bad_char(void **state)
{
	static const struct name_case cases[] = {
		NAME("/", IFNAME_BAD_CHAR),
		NAME("br/0", IFNAME_BAD_CHAR),
		NAME("../br0", IFNAME_BAD_CHAR),
		NAME(":", IFNAME_BAD_CHAR),
		NAME("br0:1", IFNAME_BAD_CHAR), /* an old alias name */
		NAME(" ", IFNAME_BAD_CHAR),
		NAME(" br0", IFNAME_BAD_CHAR),
		NAME("br0 ", IFNAME_BAD_CHAR),
		NAME("br 0", IFNAME_BAD_CHAR),
		NAME("br\t0", IFNAME_BAD_CHAR),
		NAME("br\n0", IFNAME_BAD_CHAR),
		NAME("br\v0", IFNAME_BAD_CHAR),
		NAME("br\f0", IFNAME_BAD_CHAR),
		NAME("br\r0", IFNAME_BAD_CHAR),
		NAME("br\xa0", IFNAME_BAD_CHAR),  /* the kernel's isspace() */
		NAME("\xa0", IFNAME_BAD_CHAR),
		NAME(". ", IFNAME_BAD_CHAR),
		NAME(".:", IFNAME_BAD_CHAR),
	};

	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_ifname_check_nok_embedded_nul(void **state)
{
	/* A C string would stop at the NUL and see "br"; the check must
	 * see all @len bytes. */
	static const struct name_case cases[] = {
		NAME("br\0", IFNAME_BAD_CHAR),
		NAME("br\0x", IFNAME_BAD_CHAR),
		NAME("\0", IFNAME_BAD_CHAR),
		NAME("\0br0", IFNAME_BAD_CHAR),
		NAME(".\0", IFNAME_BAD_CHAR),
	};

	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_ifname_strerror_ok_every_status(void **state)
{
	static const enum ifname_status all[] = {
		IFNAME_OK, IFNAME_EMPTY, IFNAME_TOO_LONG, IFNAME_DOT,
		IFNAME_BAD_CHAR,
	};
	const size_t n = sizeof(all) / sizeof(all[0]);

	for (size_t i = 0; i < n; i++) {
		const char *s = ifname_strerror(all[i]);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s, ifname_strerror(all[j]));
	}
	assert_non_null(strstr(ifname_strerror(IFNAME_TOO_LONG), "15"));
}

static void test_ifname_strerror_nok_unknown_status(void **state)
{
	assert_string_equal(ifname_strerror((enum ifname_status)42),
			    "invalid name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ifname_check_ok_names),
		cmocka_unit_test(test_ifname_check_ok_15_bytes),
		cmocka_unit_test(test_ifname_check_ok_len_not_terminated),
		cmocka_unit_test(test_ifname_check_nok_empty),
		cmocka_unit_test(test_ifname_check_nok_too_long),
		cmocka_unit_test(test_ifname_check_nok_dot),
		cmocka_unit_test(test_ifname_check_nok_bad_char),
		cmocka_unit_test(test_ifname_check_nok_embedded_nul),
		cmocka_unit_test(test_ifname_strerror_ok_every_status),
		cmocka_unit_test(test_ifname_strerror_nok_unknown_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
