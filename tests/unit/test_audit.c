// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_audit.c - the audit line (helper/audit.c, audit_format()):
 * whatever a user controls (the user name from the database, the
 * bridge asked for, the tap's name, the reason's text) cannot forge a
 * field or a second line. Every field but the last is one token with
 * no space, no control byte and a doubled backslash; the reason is
 * the rest of the line, with its control bytes escaped.
 *
 * (audit_init() probes /dev/log with a connect(), sends nothing; no
 * line is logged here.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "strutil.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* The fields of a refusal or grant line, in order. */
struct fields {
	const char *verdict, *uid, *user, *bridge, *canonical, *tap, *reason;
};

/* Check @line is one line of printable ASCII, made of exactly these
 * fields: split at the first six spaces, the rest is the reason. */
static void assert_line(const char *what, const char *line,
			const struct fields *want)
{
	const char *w[7] = { want->verdict, want->uid, want->user, want->bridge,
			     want->canonical, want->tap, want->reason };
	static const char *const key[7] = { "", "uid=", "user=", "bridge=",
					    "canonical=", "tap=", "reason=" };
	const char *p = line;

	for (const char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			fail_msg("%s: byte %#x in '%s'", what,
				 (unsigned char)*c, line);
	for (int i = 0; i < 7; i++) {
		size_t klen = strlen(key[i]);
		const char *end = i < 6 ? strchr(p, ' ') : p + strlen(p);

		if (!end || strncmp(p, key[i], klen) != 0 ||
		    (size_t)(end - p) != klen + strlen(w[i]) ||
		    strncmp(p + klen, w[i], strlen(w[i])) != 0)
			fail_msg("%s: field %d is not '%s%s' in '%s'", what, i,
				 key[i], w[i], line);
		p = end + (i < 6);
	}
}

static void test_audit_format_ok_refusal_defaults(void **state)
{
	char line[AUDIT_LINE_SIZE];
	const struct fields want = { "refused", "1000", "?", "-", "-", "-",
				     "bridge 'br0' does not exist" };

	audit_init(1000);
	audit_format(line, sizeof(line), "refused", "-",
		     "bridge 'br0' does not exist");
	assert_string_equal(line, "refused uid=1000 user=? bridge=- canonical=- tap=- reason=bridge 'br0' does not exist");
	assert_line("defaults", line, &want);
}

static void test_audit_format_ok_grant(void **state)
{
	char line[AUDIT_LINE_SIZE];

	audit_init(4294967295U);
	audit_set_user_name("alice");
	audit_set_bridge("lan", NULL);
	audit_set_bridge(NULL, "br0");
	audit_set_tap("tap3");
	assert_ptr_equal(audit_format(line, sizeof(line), "granted", "tap3",
				      "allowed by acl"), line);
	assert_string_equal(line, "granted uid=4294967295 user=alice bridge=lan canonical=br0 tap=tap3 reason=allowed by acl");
}

/* One field set to @in (the others plain) must log as @out. */
struct field_case {
	const char *in;
	const char *out;
};

static const struct field_case hostile[] = {
	{ "alice bob", "alice\\x20bob" },
	{ "a=b", "a=b" },            /* one token: its key is "user" */
	{ "x reason=forged", "x\\x20reason=forged" },
	{ "root\nrefused uid=0 user=root", "root\\x0arefused\\x20uid=0\\x20user=root" },
	{ "cr\rlf", "cr\\x0dlf" },
	{ "tab\there", "tab\\x09here" },
	/* A literal backslash cannot pass for an escape. */
	{ "x\\x20y", "x\\\\x20y" },
	{ "\\", "\\\\" },
	{ "\x1b[2J", "\\x1b[2J" },
	{ "\x7f", "\\x7f" },
	{ "\xc3\xa9", "\\xc3\\xa9" },
	{ "-", "-" },
};

static void test_audit_format_nok_hostile_user(void **state)
{
	char line[AUDIT_LINE_SIZE];

	for (size_t i = 0; i < N_ELEMS(hostile); i++) {
		const struct fields want = { "refused", "1000", hostile[i].out,
					     "br0", "br0", "-", "denied" };

		audit_init(1000);
		audit_set_user_name(hostile[i].in);
		audit_set_bridge("br0", "br0");
		audit_format(line, sizeof(line), "refused", "-", "denied");
		assert_line(hostile[i].out, line, &want);
	}
}

/* Interface names were validated (no space, '/' or ':'), but nothing
 * in the log relies on it. */
static void test_audit_format_nok_hostile_bridge_and_tap(void **state)
{
	char line[AUDIT_LINE_SIZE];

	for (size_t i = 0; i < N_ELEMS(hostile); i++) {
		const struct fields want = { "granted", "7", "alice",
					     hostile[i].out, hostile[i].out,
					     hostile[i].out, "allowed by acl" };

		audit_init(7);
		audit_set_user_name("alice");
		audit_set_bridge(hostile[i].in, hostile[i].in);
		audit_set_tap(hostile[i].in);
		audit_format(line, sizeof(line), "granted", hostile[i].out,
			     "allowed by acl");
		assert_line(hostile[i].out, line, &want);
	}
}

static void test_audit_format_nok_hostile_reason(void **state)
{
	static const struct field_case cases[] = {
		/* Spaces and '=' stay: the reason is the rest of the line,
		 * and every field before it is intact. */
		{ "quota reached tap=tap9 user=root",
		  "quota reached tap=tap9 user=root" },
		{ "x\nrefused uid=0 user=root reason=ok",
		  "x\\x0arefused uid=0 user=root reason=ok" },
		{ "x\r\n", "x\\x0d\\x0a" },
		{ "bell\a\x1b[1A", "bell\\x07\\x1b[1A" },
		{ "\xff\xfe", "\\xff\\xfe" },
		/* User text in it was escaped by whoever made the message:
		 * its backslashes are kept, not doubled again. */
		{ "bridge 'a\\\\x0ab' does not exist",
		  "bridge 'a\\\\x0ab' does not exist" },
		{ "", "" },
	};
	char line[AUDIT_LINE_SIZE];

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		const struct fields want = { "refused", "1000", "alice", "br0",
					     "br0", "-", cases[i].out };

		audit_init(1000);
		audit_set_user_name("alice");
		audit_set_bridge("br0", "br0");
		audit_format(line, sizeof(line), "refused", "-", cases[i].in);
		assert_line(cases[i].out, line, &want);
	}
}

/* The longest of everything fits in AUDIT_LINE_SIZE: over-long values
 * end in "...", the line itself is never cut. */
static void test_audit_format_ok_longest_fields_fit(void **state)
{
	char user[300], reason[3000], line[AUDIT_LINE_SIZE];
	const char *cut;

	memset(user, '\x01', sizeof(user) - 1);
	user[sizeof(user) - 1] = '\0';
	memset(reason, '\n', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	audit_init(4294967295U);
	audit_set_user_name(user);
	audit_set_bridge("\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
			 "\x01\x01\x01", "\x02\x02\x02\x02\x02\x02\x02\x02"
			 "\x02\x02\x02\x02\x02\x02\x02");
	audit_set_tap("\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03"
		      "\x03\x03");
	audit_format(line, sizeof(line), "refused", "-", reason);
	assert_true(strlen(line) < sizeof(line) - 1);
	assert_non_null(strstr(line, " bridge=\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01\\x01 "));
	assert_non_null(strstr(line, " canonical=\\x02\\x02\\x02\\x02\\x02\\x02\\x02\\x02\\x02\\x02\\x02\\x02\\x02\\x02\\x02 "));
	/* The user field is cut, as one token still. */
	cut = strstr(line, " user=");
	assert_non_null(cut);
	assert_true(strstr(cut, "... bridge=") != NULL);
	/* The line ends with the reason's own cut. */
	assert_string_equal(line + strlen(line) - 3, "...");
	for (const char *c = line; *c; c++)
		assert_true(*c >= 0x20 && *c <= 0x7e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_audit_format_ok_refusal_defaults),
		cmocka_unit_test(test_audit_format_ok_grant),
		cmocka_unit_test(test_audit_format_nok_hostile_user),
		cmocka_unit_test(test_audit_format_nok_hostile_bridge_and_tap),
		cmocka_unit_test(test_audit_format_nok_hostile_reason),
		cmocka_unit_test(test_audit_format_ok_longest_fields_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
