// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_acl_ports.c - the port options of allow rules (isolated, guard):
 * their grammar, the union that applies when several rules match, the
 * rule each option comes from, and that rules without options decide
 * exactly as before.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "acl.h"

#define TOP "/etc/qemu/bridge.conf"
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#define ISO ACL_OPTION_BIT(ACL_OPT_ISOLATED)
#define GUARD ACL_OPTION_BIT(ACL_OPT_GUARD)

/* No file but the buffer: any include is missing. */
static int no_file(void *ctx, const char *path, struct acl_source *src,
		   struct acl_error *err)
{
	(void)ctx; (void)path; (void)src; (void)err;
	return -ENOENT;
}

static int parse(struct acl *acl, const char *text, struct acl_error *err)
{
	struct acl_io io = { .read = no_file };

	acl_init(acl);
	return acl_parse(acl, TOP, text, strlen(text), &io, err);
}

static void parse_ok(struct acl *acl, const char *text)
{
	struct acl_error err;

	if (parse(acl, text, &err) != 0)
		fail_msg("\"%s\": %u: %s", text, err.line, err.msg);
}

/* uid 1000 in group 100 (and 2000 supplementary). */
static const uint32_t groups[] = { 2000 };
static const struct acl_subject alice = { 1000, 100, groups, 1 };
static const struct acl_subject bob = { 1001, 100, NULL, 0 };

/* ---- grammar ---- */

static void test_acl_options_ok_parse(void **state)
{
	static const struct {
		const char *line;
		unsigned options;
		unsigned max;
		const char *shown;  /* acl_rule_format() */
	} cases[] = {
		{ "allow br0 isolated", ISO, 0, "allow br0 isolated" },
		{ "allow br0 guard", GUARD, 0, "allow br0 guard" },
		{ "allow br0 isolated guard", ISO | GUARD, 0, "allow br0 isolated guard" },
		/* Shown in one order whatever the order written. */
		{ "allow br0 guard isolated", ISO | GUARD, 0, "allow br0 isolated guard" },
		{ "allow lab-* user 1000 group 100 max 2 isolated guard",
		  ISO | GUARD, 2, "allow lab-* user 1000 group 100 max 2 isolated guard" },
		{ "allow all max 3\tguard  # note", GUARD, 3, "allow all max 3 guard" },
		{ "allow br0 user 1000 isolated", ISO, 0, "allow br0 user 1000 isolated" },
		/* The original's grammar, untouched: no options. */
		{ "allow br0", 0, 0, "allow br0" },
		{ "allow all", 0, 0, "allow all" },
		/* A bridge may be called like an option: the target comes first. */
		{ "allow isolated guard", GUARD, 0, "allow isolated guard" },
		{ "allow guard", 0, 0, "allow guard" },
		/* A user may be called like an option: a qualifier takes the next word. */
		{ "allow br0 user isolated", 0, 0, "allow br0 user isolated" },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct acl acl;
		char out[256];

		parse_ok(&acl, cases[i].line);
		assert_int_equal(acl.n_rules, 1);
		if (acl.rules[0].options != cases[i].options)
			fail_msg("case %zu: options %#x, want %#x", i,
				 acl.rules[0].options, cases[i].options);
		assert_int_equal(acl.rules[0].max, cases[i].max);
		acl_rule_format(&acl.rules[0], out, sizeof(out));
		if (strcmp(out, cases[i].shown) != 0)
			fail_msg("case %zu: shown \"%s\", want \"%s\"", i, out,
				 cases[i].shown);
		acl_free(&acl);
	}
}

static void test_acl_options_nok_parse(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
		const char *msg;
	} cases[] = {
		{ "deny br0 isolated\n", 1,
		  "'isolated' is only for allow rules: a deny attaches no port" },
		{ "allow br0\ndeny all user 5 guard\n", 2,
		  "'guard' is only for allow rules" },
		{ "allow br0 isolated isolated\n", 1, "'isolated' given twice in one rule" },
		{ "allow br0 guard isolated guard\n", 1, "'guard' given twice in one rule" },
		{ "allow br0 isolated user alice\n", 1,
		  "'user' after an option: options come last" },
		{ "allow br0 guard max 2\n", 1, "'max' after an option" },
		{ "allow br0 isolated group x\n", 1, "'group' after an option" },
		{ "allow br0 isolated quarantined\n", 1,
		  "unknown word 'quarantined' in this allow rule (expected user, group, max, isolated or guard)" },
		{ "allow br0 Isolated\n", 1, "unknown word 'Isolated'" },
		{ "allow br0 isolate\n", 1, "unknown word 'isolate'" },
		{ "allow br0 isolated=1\n", 1, "unknown word 'isolated=1'" },
		{ "deny br0 isolated\n", 1, "deny attaches no port" },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct acl_error err;
		struct acl acl;
		int rc = parse(&acl, cases[i].text, &err);

		if (rc != -EINVAL)
			fail_msg("case %zu: rc %d, want -EINVAL", i, rc);
		assert_int_equal(err.line, cases[i].line);
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg,
				 cases[i].msg);
		/* A failed load keeps no rule: nothing half-applied. */
		assert_int_equal(acl.n_rules, 0);
		acl_free(&acl);
	}
}

static void test_acl_option_name_ok(void **state)
{
	assert_string_equal(acl_option_name(ACL_OPT_ISOLATED), "isolated");
	assert_string_equal(acl_option_name(ACL_OPT_GUARD), "guard");
	assert_string_equal(acl_option_name(ACL_N_OPTIONS), "?");
}

/* ---- the union ---- */

static void test_acl_decide_ok_options_union(void **state)
{
	static const struct {
		const char *text;
		const struct acl_subject *who;
		const char *bridge;
		enum acl_verdict verdict;
		unsigned options;
		unsigned iso_line, guard_line;  /* 0: no rule */
		unsigned max;
	} cases[] = {
		/* One rule. */
		{ "allow br0 isolated\n", &alice, "br0", ACL_VERDICT_ALLOW, ISO, 1, 0, 0 },
		/* A broader allow without options cannot take one away. */
		{ "allow all\nallow br0 isolated\n", &alice, "br0",
		  ACL_VERDICT_ALLOW, ISO, 2, 0, 0 },
		{ "allow br0 isolated\nallow all\n", &alice, "br0",
		  ACL_VERDICT_ALLOW, ISO, 1, 0, 0 },
		/* Options of two rules add up; each names its own rule. */
		{ "allow br0 user 1000 guard\nallow br* isolated\n", &alice, "br0",
		  ACL_VERDICT_ALLOW, ISO | GUARD, 2, 1, 0 },
		/* The first rule giving an option is the one named. */
		{ "allow br0 isolated\nallow all isolated guard\n", &alice, "br0",
		  ACL_VERDICT_ALLOW, ISO | GUARD, 1, 2, 0 },
		/* Rules that do not match give nothing. */
		{ "allow br0\nallow br0 user 1001 isolated\n", &alice, "br0",
		  ACL_VERDICT_ALLOW, 0, 0, 0, 0 },
		{ "allow br0\nallow br0 user 1001 isolated\n", &bob, "br0",
		  ACL_VERDICT_ALLOW, ISO, 2, 0, 0 },
		{ "allow all\nallow br1 guard\n", &alice, "br0", ACL_VERDICT_ALLOW, 0, 0, 0, 0 },
		/* Through a supplementary group. */
		{ "allow br0\nallow all group 2000 guard\n", &alice, "br0",
		  ACL_VERDICT_ALLOW, GUARD, 0, 2, 0 },
		/* Options and max are independent: max is the largest. */
		{ "allow br0 max 2 isolated\nallow br0 max 5\n", &alice, "br0",
		  ACL_VERDICT_ALLOW, ISO, 1, 0, 5 },
		/* A deny still wins and carries no option. */
		{ "allow br0 isolated guard\ndeny br0 user 1000\n", &alice, "br0",
		  ACL_VERDICT_DENY_RULE, 0, 0, 0, 0 },
		{ "deny all user 1000\nallow br0 isolated\n", &alice, "br0",
		  ACL_VERDICT_DENY_RULE, 0, 0, 0, 0 },
		{ "allow br1 isolated\n", &alice, "br0", ACL_VERDICT_DENY_DEFAULT, 0, 0, 0, 0 },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct acl_decision d;
		struct acl acl;
		unsigned iso, guard;

		parse_ok(&acl, cases[i].text);
		memset(&d, 0xa5, sizeof(d));
		acl_decide(&acl, cases[i].who, cases[i].bridge, &d);
		if (d.verdict != cases[i].verdict || d.options != cases[i].options)
			fail_msg("case %zu: verdict %d options %#x, want %d %#x", i,
				 d.verdict, d.options, cases[i].verdict,
				 cases[i].options);
		iso = d.option_rule[ACL_OPT_ISOLATED] ?
		      d.option_rule[ACL_OPT_ISOLATED]->line : 0;
		guard = d.option_rule[ACL_OPT_GUARD] ?
			d.option_rule[ACL_OPT_GUARD]->line : 0;
		if (iso != cases[i].iso_line || guard != cases[i].guard_line)
			fail_msg("case %zu: isolated from line %u, guard from %u; want %u, %u",
				 i, iso, guard, cases[i].iso_line,
				 cases[i].guard_line);
		assert_int_equal(d.max, cases[i].max);
		acl_free(&acl);
	}
}

/*
 * Differential: for every subject and bridge, a set of rules decides
 * exactly as the same set with options added to its allow rules
 * (verdict, deciding rule's line, max), and without options a
 * decision carries none.
 */
static void test_acl_decide_ok_options_change_no_verdict(void **state)
{
	static const char plain[] =
		"allow br0\n"
		"allow lab-* group 2000 max 3\n"
		"allow br-alice user 1000\n"
		"deny lab-9\n"
		"allow all user 1001 max 1\n"
		"deny br-* user 1001\n";
	static const char with[] =
		"allow br0 isolated\n"
		"allow lab-* group 2000 max 3 guard\n"
		"allow br-alice user 1000 isolated guard\n"
		"deny lab-9\n"
		"allow all user 1001 max 1 guard isolated\n"
		"deny br-* user 1001\n";
	static const char *const bridges[] = {
		"br0", "br1", "lab-1", "lab-9", "br-alice", "br-bob", "all", "x",
	};
	const struct acl_subject *who[] = { &alice, &bob };
	struct acl a, b;

	parse_ok(&a, plain);
	parse_ok(&b, with);
	for (size_t w = 0; w < N_ELEMS(who); w++) {
		for (size_t i = 0; i < N_ELEMS(bridges); i++) {
			struct acl_decision da, db;

			acl_decide(&a, who[w], bridges[i], &da);
			acl_decide(&b, who[w], bridges[i], &db);
			assert_int_equal(da.verdict, db.verdict);
			assert_int_equal(da.max, db.max);
			assert_int_equal(da.rule ? da.rule->line : 0,
					 db.rule ? db.rule->line : 0);
			assert_int_equal(da.options, 0);
			assert_null(da.option_rule[ACL_OPT_ISOLATED]);
			assert_null(da.option_rule[ACL_OPT_GUARD]);
			if (db.verdict != ACL_VERDICT_ALLOW)
				assert_int_equal(db.options, 0);
			else
				assert_int_not_equal(db.options, 0);
		}
	}
	acl_free(&a);
	acl_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_options_ok_parse),
		cmocka_unit_test(test_acl_options_nok_parse),
		cmocka_unit_test(test_acl_option_name_ok),
		cmocka_unit_test(test_acl_decide_ok_options_union),
		cmocka_unit_test(test_acl_decide_ok_options_change_no_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
