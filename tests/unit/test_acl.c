// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_acl.c - the ACL grammar, includes and the decision.
 *
 * Files come from a fake reader (fakefs.h): a table of path -> content
 * or -errno, each file with its own identity, which also records every
 * path the library asked for.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "fakefs.h"

#define TOP "/etc/qemu/bridge.conf"

static struct acl_io fs_io(struct fake_fs *fs)
{
	struct acl_io io = { .read = fake_read, .ctx = fs };

	return io;
}

static int load(struct acl *acl, struct fake_fs *fs, struct acl_error *err)
{
	struct acl_io io = fs_io(fs);

	acl_init(acl);
	return acl_load(acl, TOP, &io, err);
}

/* A caller no user or group rule names. */
static const struct acl_subject nobody = { .uid = 4242, .gid = 4242 };

static void assert_empty(const struct acl *acl)
{
	assert_int_equal(acl->n_rules, 0);
	assert_null(acl->rules);
	assert_int_equal(acl->n_files, 0);
	assert_null(acl->files);
}

/* The verdict for @bridge, and the deciding rule's file and line. */
static void assert_decision(const struct acl *acl, const char *bridge,
			    enum acl_verdict want, const char *file,
			    unsigned line)
{
	struct acl_decision d;

	acl_decide(acl, &nobody, bridge, &d);
	if (d.verdict != want)
		fail_msg("'%s': verdict %d, want %d", bridge, (int)d.verdict,
			 (int)want);
	if (want == ACL_VERDICT_DENY_DEFAULT) {
		assert_null(d.rule);
		return;
	}
	assert_non_null(d.rule);
	assert_int_equal(d.rule->action,
			 want == ACL_VERDICT_ALLOW ? ACL_ALLOW : ACL_DENY);
	assert_string_equal(d.rule->file, file);
	if (d.rule->line != line)
		fail_msg("'%s': decided by line %u, want %u", bridge,
			 d.rule->line, line);
}

/* ---- tables: a config that loads, one that does not ---- */

struct want_rule {
	enum acl_action action;
	const char *name;    /* "all" stands for rule->all */
	unsigned line;
};

struct good_case {
	const char *text;
	size_t len;
	size_t n_rules;
	struct want_rule rules[3];
};

#define GOOD(lit, n, ...) { lit, sizeof(lit) - 1, n, { __VA_ARGS__ } }

static void check_good(const struct good_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct fake_file f = { .path = TOP, .data = c[i].text,
				       .len = c[i].len };
		struct fake_fs fs = { .files = &f, .n = 1 };
		struct acl_error err;
		struct acl acl;
		int rc;

		rc = load(&acl, &fs, &err);
		if (rc != 0)
			fail_msg("case %zu: rc %d: %s:%u: %s", i, rc, err.file,
				 err.line, err.msg);
		if (acl.n_rules != c[i].n_rules)
			fail_msg("case %zu: %zu rules, want %zu", i,
				 acl.n_rules, c[i].n_rules);
		for (size_t k = 0; k < c[i].n_rules; k++) {
			const struct acl_rule *r = &acl.rules[k];
			const struct want_rule *w = &c[i].rules[k];
			bool all = strcmp(w->name, "all") == 0;

			if (r->action != w->action || (r->kind == ACL_TARGET_ALL) != all ||
			    (!all && strcmp(r->target, w->name) != 0) ||
			    r->line != w->line)
				fail_msg("case %zu rule %zu: got %d '%s'%s line %u, want %d '%s' line %u",
					 i, k, (int)r->action, r->target,
					 r->kind == ACL_TARGET_ALL ? " (all)" : "", r->line,
					 (int)w->action, w->name, w->line);
			assert_string_equal(r->file, TOP);
		}
		acl_free(&acl);
		fs_done(&fs);
	}
}

struct bad_case {
	const char *text;
	size_t len;
	int rc;
	unsigned line;
	const char *msg;     /* must occur in err.msg */
};

#define BAD(lit, rc, line, msg) { lit, sizeof(lit) - 1, rc, line, msg }

static void check_bad(const struct bad_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct fake_file f = { .path = TOP, .data = c[i].text,
				       .len = c[i].len };
		struct fake_fs fs = { .files = &f, .n = 1 };
		struct acl_error err;
		struct acl acl;
		int rc;

		rc = load(&acl, &fs, &err);
		if (rc != c[i].rc)
			fail_msg("case %zu: rc %d, want %d (%s:%u: %s)", i, rc,
				 c[i].rc, err.file, err.line, err.msg);
		assert_string_equal(err.file, TOP);
		if (err.line != c[i].line)
			fail_msg("case %zu: line %u, want %u", i, err.line,
				 c[i].line);
		if (!strstr(err.msg, c[i].msg))
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i,
				 err.msg, c[i].msg);
		assert_empty(&acl);
		acl_free(&acl);
		fs_done(&fs);
	}
}

/* ---- acl_decide ---- */

static void test_acl_decide_ok_allow_name(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_decision(&acl, "br0", ACL_VERDICT_ALLOW, TOP, 1);
	assert_decision(&acl, "br1", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	assert_decision(&acl, "br00", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	assert_decision(&acl, "br", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	assert_decision(&acl, "BR0", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	assert_decision(&acl, "", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_decide_ok_allow_all(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP, "# everyone\nallow all\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_int_equal(acl.n_rules, 1);
	assert_int_equal(acl.rules[0].kind, ACL_TARGET_ALL);
	assert_decision(&acl, "br0", ACL_VERDICT_ALLOW, TOP, 2);
	assert_decision(&acl, "virbr0", ACL_VERDICT_ALLOW, TOP, 2);
	assert_decision(&acl, "all", ACL_VERDICT_ALLOW, TOP, 2);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_decide_ok_deny_wins(void **state)
{
	/* Whatever the order, a matching deny decides. */
	static const struct {
		const char *text;
		unsigned deny_line;
	} cases[] = {
		{ "allow br0\ndeny br0\n", 2 },
		{ "deny br0\nallow br0\n", 1 },
		{ "allow all\ndeny br0\n", 2 },
		{ "deny br0\nallow all\n", 1 },
		{ "deny all\nallow br0\n", 1 },
		{ "allow br0\ndeny all\n", 2 },
		{ "allow br0\nallow all\n\ndeny all\n", 4 },
		{ "allow br0\nallow br0\ndeny br0\nallow br0\n", 3 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_file f = { .path = TOP, .data = cases[i].text,
				       .len = strlen(cases[i].text) };
		struct fake_fs fs = { .files = &f, .n = 1 };
		struct acl_error err;
		struct acl acl;

		assert_int_equal(load(&acl, &fs, &err), 0);
		assert_decision(&acl, "br0", ACL_VERDICT_DENY_RULE, TOP,
				cases[i].deny_line);
		acl_free(&acl);
		fs_done(&fs);
	}
}

static void test_acl_decide_ok_deny_other_bridge(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP, "allow all\ndeny virbr0\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_decision(&acl, "br0", ACL_VERDICT_ALLOW, TOP, 1);
	assert_decision(&acl, "virbr0", ACL_VERDICT_DENY_RULE, TOP, 2);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_decide_ok_first_allow_reported(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br1\nallow br0\nallow all\nallow br0\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_decision(&acl, "br0", ACL_VERDICT_ALLOW, TOP, 2);
	assert_decision(&acl, "br2", ACL_VERDICT_ALLOW, TOP, 3);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_decide_ok_default_deny(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP, "deny br1\nallow br2\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	/* No rules at all. */
	acl_init(&acl);
	assert_decision(&acl, "br0", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	/* Rules, none about br0; a deny alone allows nothing. */
	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_decision(&acl, "br0", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	assert_decision(&acl, "br1", ACL_VERDICT_DENY_RULE, TOP, 1);
	acl_free(&acl);
	fs_done(&fs);
}

/* ---- acl_load: lines that load ---- */

static void test_acl_load_ok_empty(void **state)
{
	static const struct good_case cases[] = {
		GOOD("", 0),
		GOOD("\n", 0),
		GOOD("\n\n\n", 0),
		GOOD("   \t \r\n\t\n", 0),
		GOOD("# nothing here\n", 0),
		GOOD("#allow br0\n  # deny br1\n", 0),
		GOOD("#", 0),
	};

	check_good(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_acl_load_ok_comments_and_blank_lines(void **state)
{
	static const struct good_case cases[] = {
		GOOD("# header\n\nallow br0\n", 1, { ACL_ALLOW, "br0", 3 }),
		GOOD("\n\n  \t# indented\n\ndeny br1\n# end\n", 1,
		     { ACL_DENY, "br1", 5 }),
		GOOD("allow br0\n#deny br0\n\nallow br1\n", 2,
		     { ACL_ALLOW, "br0", 1 }, { ACL_ALLOW, "br1", 4 }),
		/* The grammar: a comment is '#' and anything, NULs too. */
		GOOD("# a\0b\nallow br0\n", 1, { ACL_ALLOW, "br0", 2 }),
	};

	check_good(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_acl_load_ok_trailing_comment(void **state)
{
	/* The original made a rule for a bridge named "br0 # note". */
	static const struct good_case cases[] = {
		GOOD("allow br0 # note\n", 1, { ACL_ALLOW, "br0", 1 }),
		GOOD("allow br0\t# note\n", 1, { ACL_ALLOW, "br0", 1 }),
		GOOD("allow br0 #\n", 1, { ACL_ALLOW, "br0", 1 }),
		GOOD("allow br0   #one # two\n", 1, { ACL_ALLOW, "br0", 1 }),
		GOOD("deny all # nobody\n", 1, { ACL_DENY, "all", 1 }),
		GOOD("allow br0 # x\0y\n", 1, { ACL_ALLOW, "br0", 1 }),
		GOOD("allow br0 #c\r\n", 1, { ACL_ALLOW, "br0", 1 }),
	};

	check_good(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_acl_load_ok_hash_in_name(void **state)
{
	/* '#' not after whitespace is part of the token, and a legal
	 * interface name character. */
	static const struct good_case cases[] = {
		GOOD("allow br#0\n", 1, { ACL_ALLOW, "br#0", 1 }),
		GOOD("allow br0#note\n", 1, { ACL_ALLOW, "br0#note", 1 }),
		GOOD("deny br0## #x\n", 1, { ACL_DENY, "br0##", 1 }),
	};
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br#0\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	check_good(cases, sizeof(cases) / sizeof(cases[0]));
	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_decision(&acl, "br#0", ACL_VERDICT_ALLOW, TOP, 1);
	assert_decision(&acl, "br", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_load_nok_hash_after_space(void **state)
{
	/* After whitespace '#' starts a comment, so this is "deny" with
	 * no argument, not a rule for "#br0". */
	static const struct bad_case cases[] = {
		BAD("deny #br0\n", -EINVAL, 1, "'deny' needs a bridge name"),
	};

	check_bad(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_acl_load_ok_whitespace(void **state)
{
	static const struct good_case cases[] = {
		GOOD("allow br0\r\ndeny br1\r\n", 2,
		     { ACL_ALLOW, "br0", 1 }, { ACL_DENY, "br1", 2 }),
		GOOD("\r\n\r\nallow br0\r\n", 1, { ACL_ALLOW, "br0", 3 }),
		GOOD("\tallow\tbr0\t\n", 1, { ACL_ALLOW, "br0", 1 }),
		GOOD("allow \t br0 \t \r\n", 1, { ACL_ALLOW, "br0", 1 }),
		GOOD("   deny    all   \n", 1, { ACL_DENY, "all", 1 }),
		GOOD("\vallow\fbr0\v\n", 1, { ACL_ALLOW, "br0", 1 }),
		GOOD("allow br0", 1, { ACL_ALLOW, "br0", 1 }),  /* no final \n */
		GOOD("allow br0\ndeny br1", 2,
		     { ACL_ALLOW, "br0", 1 }, { ACL_DENY, "br1", 2 }),
	};

	check_good(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_acl_load_ok_keywords_case_sensitive(void **state)
{
	/* "all" is lowercase only: "ALL" is a bridge named ALL. */
	static const struct good_case cases[] = {
		GOOD("allow ALL\n", 1, { ACL_ALLOW, "ALL", 1 }),
		GOOD("deny All\n", 1, { ACL_DENY, "All", 1 }),
		GOOD("allow allow\n", 1, { ACL_ALLOW, "allow", 1 }),
		GOOD("allow include\n", 1, { ACL_ALLOW, "include", 1 }),
	};
	static const struct fake_file files[] = {
		FILE_(TOP, "allow ALL\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	check_good(cases, sizeof(cases) / sizeof(cases[0]));
	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_int_not_equal(acl.rules[0].kind, ACL_TARGET_ALL);
	assert_decision(&acl, "br0", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	assert_decision(&acl, "ALL", ACL_VERDICT_ALLOW, TOP, 1);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_load_ok_name_15_bytes(void **state)
{
	static const struct good_case cases[] = {
		GOOD("allow abcdefghijklmno\n", 1,
		     { ACL_ALLOW, "abcdefghijklmno", 1 }),
		GOOD("deny \xc3\xa9t\xc3\xa9\n", 1,
		     { ACL_DENY, "\xc3\xa9t\xc3\xa9", 1 }),
	};

	check_good(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A line of @n bytes that is a valid rule, padded with spaces. */
static char *rule_line(size_t n, const char *eol)
{
	size_t e = strlen(eol);
	char *s = malloc(n + e + 1);

	assert_non_null(s);
	assert_true(n >= 9);
	memset(s, ' ', n);
	memcpy(s, "allow br0", 9);
	memcpy(s + n, eol, e + 1);
	return s;
}

static void test_acl_load_ok_line_max(void **state)
{
	/* Whatever the original read whole with fgets(4096) loads. */
	static const struct {
		size_t n;
		const char *eol;
	} cases[] = {
		{ ACL_MAX_LINE, "\n" },
		{ ACL_MAX_LINE, "" },            /* the last line, no \n */
		{ ACL_MAX_LINE - 1, "\r\n" },
		{ ACL_MAX_LINE - 1, "\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = rule_line(cases[i].n, cases[i].eol);
		struct good_case c = { text, strlen(text), 1,
				       { { ACL_ALLOW, "br0", 1 } } };

		check_good(&c, 1);
		free(text);
	}
}

/* ---- acl_load: lines that do not ---- */

static void test_acl_load_nok_unknown_keyword(void **state)
{
	/* On line 3, to see that the line is counted. */
	static const struct bad_case cases[] = {
		BAD("allow br0\n\nAllow br1\n", -EINVAL, 3, "unknown keyword 'Allow'"),
		BAD("allow br0\n\nALLOW br1\n", -EINVAL, 3, "unknown keyword 'ALLOW'"),
		BAD("allow br0\n\nDeny br1\n", -EINVAL, 3, "unknown keyword 'Deny'"),
		BAD("allow br0\n\nInclude x\n", -EINVAL, 3, "unknown keyword 'Include'"),
		BAD("allow br0\n# c\nalow br1\n", -EINVAL, 3, "unknown keyword 'alow'"),
		BAD("allow br0\n\nallowbr1\n", -EINVAL, 3, "unknown keyword 'allowbr1'"),
		BAD("allow br0\n\nbr1\n", -EINVAL, 3, "unknown keyword 'br1'"),
		BAD("allow br0\n\nallow#x br1\n", -EINVAL, 3, "unknown keyword 'allow#x'"),
		BAD("allow br0\n\npermit br1\n", -EINVAL, 3, "(expected allow, deny or include)"),
		/* 0xa0 is not a separator; it is shown escaped. */
		BAD("allow br0\n\nallow\xa0" "br1\n", -EINVAL, 3,
		    "unknown keyword 'allow\\xa0br1'"),
		/* A UTF-8 byte order mark fails closed. */
		BAD("\xef\xbb\xbf" "allow br0\n", -EINVAL, 1,
		    "unknown keyword '\\xef\\xbb\\xbfallow'"),
	};

	check_bad(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_acl_load_nok_missing_argument(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow\n", -EINVAL, 1, "'allow' needs a bridge name"),
		BAD("deny\n", -EINVAL, 1, "'deny' needs a bridge name"),
		BAD("include\n", -EINVAL, 1, "'include' needs a path"),
		BAD("allow   \n", -EINVAL, 1, "'allow' needs a bridge name"),
		BAD("allow\t\r\n", -EINVAL, 1, "'allow' needs a bridge name"),
		BAD("allow # br0\n", -EINVAL, 1, "'allow' needs a bridge name"),
		BAD("include\t#x\n", -EINVAL, 1, "'include' needs a path"),
		BAD("allow br0\ndeny", -EINVAL, 2, "'deny' needs a bridge name"),
	};

	check_bad(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_acl_load_nok_two_names(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow br0 br1\n", -EINVAL, 1,
		    "unknown word 'br1' in this allow rule"),
		BAD("deny br0\tbr1\n", -EINVAL, 1,
		    "unknown word 'br1' in this deny rule"),
		BAD("allow all br0\n", -EINVAL, 1, "unknown word 'br0'"),
		BAD("allow br0 all\n", -EINVAL, 1, "unknown word 'all'"),
		BAD("allow br0 br1 # c\n", -EINVAL, 1, "unknown word 'br1'"),
		BAD("allow br0\r\rbr1\n", -EINVAL, 1, "unknown word 'br1'"),
		/* A lone CR does not end a line. */
		BAD("allow br0\rdeny br1\r", -EINVAL, 1,
		    "unknown word 'deny'"),
	};

	check_bad(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_acl_load_nok_invalid_name(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow .\n", -EINVAL, 1, "invalid bridge name '.'"),
		BAD("deny ..\n", -EINVAL, 1, "invalid bridge name '..'"),
		BAD("allow br/0\n", -EINVAL, 1, "invalid bridge name 'br/0'"),
		BAD("allow br0:1\n", -EINVAL, 1, "invalid bridge name 'br0:1'"),
		BAD("allow br\xa0\n", -EINVAL, 1, "invalid bridge name 'br\\xa0'"),
		BAD("allow \xa0\n", -EINVAL, 1, "invalid bridge name '\\xa0'"),
	};

	check_bad(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_acl_load_nok_name_too_long(void **state)
{
	/* CVE-2019-13164: refused with the original's words, never cut. */
	static const struct bad_case cases[] = {
		BAD("allow abcdefghijklmnop\n", -ENAMETOOLONG, 1,
		    "name `abcdefghijklmnop' too long: 16"),
		BAD("allow br0\ndeny abcdefghijklmnopq\n", -ENAMETOOLONG, 2,
		    "name `abcdefghijklmnopq' too long: 17"),
		BAD("allow 0123456789012345678901234567890123456789\n",
		    -ENAMETOOLONG, 1, "too long: 40"),
		BAD("allow br0/br0:br0 br0\n", -EINVAL, 1,
		    "invalid bridge name 'br0/br0:br0'"),
		/* The length is judged before the characters. */
		BAD("allow br0/br0:br0-br0x\n", -ENAMETOOLONG, 1,
		    "too long: 16"),
	};

	check_bad(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_acl_load_nok_nul_byte(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow br\0\n", -EINVAL, 1, "NUL byte"),
		BAD("allow br\0" "0\n", -EINVAL, 1, "NUL byte"),
		BAD("allow\0br0\n", -EINVAL, 1, "NUL byte"),
		BAD("\0allow br0\n", -EINVAL, 1, "NUL byte"),
		BAD("allow br0\0\n", -EINVAL, 1, "NUL byte"),
		BAD("allow br0 \0\n", -EINVAL, 1, "NUL byte"),
		BAD("deny \0\n", -EINVAL, 1, "NUL byte"),
		BAD("\0", -EINVAL, 1, "NUL byte"),
		BAD("allow br0\ninclude /etc/qemu/a\0b.conf\n", -EINVAL, 2,
		    "NUL byte"),
	};

	check_bad(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_acl_load_nok_line_too_long(void **state)
{
	/* Over-long lines are an error, never split into two rules. */
	static const struct {
		const char *before;
		size_t n;
		const char *eol;
		unsigned line;
	} cases[] = {
		{ "", ACL_MAX_LINE + 1, "\n", 1 },
		{ "", ACL_MAX_LINE + 1, "", 1 },
		{ "", ACL_MAX_LINE, "\r\n", 1 },     /* the \r counts */
		{ "", ACL_MAX_LINE + 4000, "\n", 1 },
		{ "allow br1\n# c\n", ACL_MAX_LINE + 1, "\n", 3 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *line = rule_line(cases[i].n, cases[i].eol);
		size_t blen = strlen(cases[i].before);
		char *text = malloc(blen + strlen(line) + 1);
		struct bad_case c;

		assert_non_null(text);
		memcpy(text, cases[i].before, blen);
		strcpy(text + blen, line);
		c = (struct bad_case){ text, strlen(text), -E2BIG,
				       cases[i].line, "line longer than 4095 bytes" };
		check_bad(&c, 1);
		free(text);
		free(line);
	}
}

static void test_acl_load_nok_long_comment_line(void **state)
{
	/* The length is checked before the line is understood. */
	char text[ACL_MAX_LINE + 3];
	struct bad_case c = { text, ACL_MAX_LINE + 2, -E2BIG, 1, "longer" };
	struct good_case g = { text, ACL_MAX_LINE + 1, 0, { { 0 } } };

	memset(text, 'x', sizeof(text));
	text[0] = '#';
	text[ACL_MAX_LINE] = '\n';
	check_good(&g, 1);
	text[ACL_MAX_LINE] = 'x';
	text[ACL_MAX_LINE + 1] = '\n';
	check_bad(&c, 1);
}

static void test_acl_load_nok_no_rules_after_failure(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\nallow all\ninclude a.conf\nbogus\n"),
		FILE_("/etc/qemu/a.conf", "allow br1\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), -EINVAL);
	assert_int_equal(err.line, 4);
	assert_empty(&acl);
	assert_decision(&acl, "br0", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	assert_decision(&acl, "br1", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	acl_free(&acl);
	fs_done(&fs);
}

/* ---- acl_load: the top-level file ---- */

static void test_acl_load_nok_top_missing(void **state)
{
	struct fake_fs fs = { 0 };
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), -ENOENT);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.msg, "file does not exist");
	assert_empty(&acl);
	fs_done(&fs);
}

static void test_acl_load_nok_top_eacces(void **state)
{
	/* The idiom "root:qemu 0640" admits only group qemu. */
	static const struct fake_file files[] = {
		FILE_ERR(TOP, -EACCES, NULL),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), -EACCES);
	assert_string_equal(err.file, TOP);
	assert_int_equal(strncmp(err.msg, "permission denied", 17), 0);
	assert_empty(&acl);
	fs_done(&fs);
}

static void test_acl_load_nok_top_reader_message(void **state)
{
	static const char why[] =
		"'" TOP "' is owned by uid 1000, not root (fix: chown root)";
	static const struct fake_file files[] = {
		FILE_ERR(TOP, -EPERM, why),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), -EPERM);
	assert_string_equal(err.file, TOP);
	assert_string_equal(err.msg, why);
	assert_empty(&acl);
	fs_done(&fs);
}

static void test_acl_load_nok_relative_path(void **state)
{
	static const char *const paths[] = {
		"bridge.conf", "etc/qemu/bridge.conf", "./bridge.conf", "",
	};
	struct fake_fs fs = { 0 };
	struct acl_io io = fs_io(&fs);
	struct acl_error err;
	struct acl acl;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		acl_init(&acl);
		assert_int_equal(acl_load(&acl, paths[i], &io, &err),
				 -EINVAL);
		assert_non_null(strstr(err.msg, "must be absolute"));
		assert_int_equal(fs.n_asked, 0);
		assert_empty(&acl);
	}
}

/* ---- acl_load: includes ---- */

static void test_acl_load_ok_include_absolute(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br1\ninclude /etc/qemu/alice.conf\ndeny br3\n"),
		FILE_("/etc/qemu/alice.conf", "# alice\nallow br0\ndeny br2\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_int_equal(acl.n_rules, 4);
	assert_int_equal(acl.n_files, 2);
	assert_decision(&acl, "br0", ACL_VERDICT_ALLOW, "/etc/qemu/alice.conf", 2);
	assert_decision(&acl, "br1", ACL_VERDICT_ALLOW, TOP, 1);
	assert_decision(&acl, "br2", ACL_VERDICT_DENY_RULE, "/etc/qemu/alice.conf", 3);
	assert_decision(&acl, "br3", ACL_VERDICT_DENY_RULE, TOP, 3);
	assert_int_equal(fs.n_asked, 2);
	assert_string_equal(fs.asked[0], TOP);
	assert_string_equal(fs.asked[1], "/etc/qemu/alice.conf");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_load_ok_include_relative(void **state)
{
	/* Against the including file's directory, never the cwd. */
	static const struct fake_file files[] = {
		FILE_(TOP, "include alice.conf\n"
		      "include ./bob.conf\n"
		      "include users/carol.conf\n"),
		FILE_("/etc/qemu/alice.conf", "allow br0\n"),
		FILE_("/etc/qemu/./bob.conf", "allow br1\n"),
		FILE_("/etc/qemu/users/carol.conf", "include ../dave.conf\n"
		      "include eve.conf\n"),
		FILE_("/etc/qemu/users/../dave.conf", "allow br2\n"),
		FILE_("/etc/qemu/users/eve.conf", "allow br3\n"),
	};
	static const char *const want[] = {
		TOP,
		"/etc/qemu/alice.conf",
		"/etc/qemu/./bob.conf",
		"/etc/qemu/users/carol.conf",
		"/etc/qemu/users/../dave.conf",
		"/etc/qemu/users/eve.conf",
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_int_equal(fs.n_asked, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < fs.n_asked; i++)
		assert_string_equal(fs.asked[i], want[i]);
	assert_decision(&acl, "br2", ACL_VERDICT_ALLOW,
			"/etc/qemu/users/../dave.conf", 1);
	assert_decision(&acl, "br3", ACL_VERDICT_ALLOW,
			"/etc/qemu/users/eve.conf", 1);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_load_ok_include_from_root_dir(void **state)
{
	static const struct fake_file files[] = {
		FILE_("/bridge.conf", "include x.conf\n"),
		FILE_("/x.conf", "allow br0\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_io io = fs_io(&fs);
	struct acl_error err;
	struct acl acl;

	acl_init(&acl);
	assert_int_equal(acl_load(&acl, "/bridge.conf", &io, &err), 0);
	assert_int_equal(fs.n_asked, 2);
	assert_string_equal(fs.asked[1], "/x.conf");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_load_ok_include_path_whitespace(void **state)
{
	/* The path is the rest of the line: inner spaces belong to it,
	 * outer whitespace and a trailing comment do not. */
	static const struct fake_file files[] = {
		FILE_(TOP, "include my acl.conf   # for alice\n"
		      "include\tb.conf\r\n"
		      "include c#1.conf\n"),
		FILE_("/etc/qemu/my acl.conf", "allow br0\n"),
		FILE_("/etc/qemu/b.conf", "allow br1\n"),
		FILE_("/etc/qemu/c#1.conf", "allow br2\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_int_equal(fs.n_asked, 4);
	assert_string_equal(fs.asked[1], "/etc/qemu/my acl.conf");
	assert_string_equal(fs.asked[2], "/etc/qemu/b.conf");
	assert_string_equal(fs.asked[3], "/etc/qemu/c#1.conf");
	assert_int_equal(acl.n_rules, 3);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_load_ok_include_eacces_skipped(void **state)
{
	/* An include the caller may not read is a rule for others. */
	static const struct fake_file files[] = {
		FILE_(TOP, "include alice.conf\nallow br1\ninclude nested.conf\n"),
		FILE_ERR("/etc/qemu/alice.conf", -EACCES, NULL),
		FILE_("/etc/qemu/nested.conf", "include bob.conf\ndeny br2\n"),
		FILE_ERR("/etc/qemu/bob.conf", -EACCES, "reader's own words"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_int_equal(acl.n_rules, 2);
	assert_decision(&acl, "br1", ACL_VERDICT_ALLOW, TOP, 2);
	assert_decision(&acl, "br2", ACL_VERDICT_DENY_RULE,
			"/etc/qemu/nested.conf", 2);
	assert_int_equal(fs.n_asked, 4);
	assert_string_equal(fs.asked[1], "/etc/qemu/alice.conf");
	assert_string_equal(fs.asked[3], "/etc/qemu/bob.conf");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_load_ok_include_group_readable_idiom(void **state)
{
	/* /etc/qemu/alice.conf root:alice 0640: alice gets br0, others
	 * (for whom it is -EACCES) do not. */
	static const struct fake_file as_alice[] = {
		FILE_(TOP, "allow br1\ninclude alice.conf\n"),
		FILE_("/etc/qemu/alice.conf", "allow br0\n"),
	};
	static const struct fake_file as_bob[] = {
		FILE_(TOP, "allow br1\ninclude alice.conf\n"),
		FILE_ERR("/etc/qemu/alice.conf", -EACCES, NULL),
	};
	struct fake_fs fa = FS(as_alice), fb = FS(as_bob);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fa, &err), 0);
	assert_decision(&acl, "br0", ACL_VERDICT_ALLOW, "/etc/qemu/alice.conf", 1);
	acl_free(&acl);
	assert_int_equal(load(&acl, &fb, &err), 0);
	assert_decision(&acl, "br0", ACL_VERDICT_DENY_DEFAULT, NULL, 0);
	assert_decision(&acl, "br1", ACL_VERDICT_ALLOW, TOP, 1);
	acl_free(&acl);
	fs_done(&fa);
	fs_done(&fb);
}

static void test_acl_load_ok_include_twice(void **state)
{
	/* The same file reached twice, not through itself, is no cycle:
	 * repeated and diamond-shaped includes load. */
	static const struct fake_file files[] = {
		FILE_(TOP, "include common.conf\ninclude a.conf\ninclude b.conf\n"
		      "include common.conf\ninclude link.conf\n"),
		FILE_("/etc/qemu/a.conf", "include common.conf\n"),
		FILE_("/etc/qemu/b.conf", "include common.conf\n"),
		{ .path = "/etc/qemu/common.conf", .data = "allow br0\n",
		  .len = 10, .ino = 5 },
		/* A hard link to common.conf. */
		{ .path = "/etc/qemu/link.conf", .data = "allow br0\n",
		  .len = 10, .ino = 5 },
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_int_equal(acl.n_rules, 5);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_load_ok_include_many_files(void **state)
{
	/* Every rule keeps pointing at its own file's name while the
	 * list of files grows. */
	enum { N = 40 };
	char paths[N][48], text[N * 32], body[N][32];
	struct fake_file files[N + 1];
	struct fake_fs fs = { .files = files, .n = N + 1 };
	struct acl_error err;
	struct acl acl;
	size_t off = 0;

	for (int i = 0; i < N; i++) {
		snprintf(paths[i], sizeof(paths[i]), "/etc/qemu/u%d.conf", i);
		snprintf(body[i], sizeof(body[i]), "\nallow br%d\n", i);
		files[i + 1] = (struct fake_file){ .path = paths[i],
			.data = body[i], .len = strlen(body[i]) };
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"include u%d.conf\n", i);
	}
	files[0] = (struct fake_file){ .path = TOP, .data = text, .len = off };

	assert_int_equal(load(&acl, &fs, &err), 0);
	assert_int_equal(acl.n_rules, N);
	for (int i = 0; i < N; i++) {
		char name[16];

		snprintf(name, sizeof(name), "br%d", i);
		assert_string_equal(acl.rules[i].target, name);
		assert_string_equal(acl.rules[i].file, paths[i]);
		assert_int_equal(acl.rules[i].line, 2);
	}
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_load_nok_include_missing(void **state)
{
	/* The original ignored it and failed open. */
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\ninclude missing.conf\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), -ENOENT);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.msg, "included file '/etc/qemu/missing.conf' does not exist"));
	assert_string_equal(fs.asked[1], "/etc/qemu/missing.conf");
	assert_empty(&acl);
	fs_done(&fs);
}

static void test_acl_load_nok_include_other_error(void **state)
{
	static const struct {
		int rc;
		const char *reader_msg;
		const char *want;    /* must occur in err.msg */
	} cases[] = {
		{ -EPERM, "'/etc/qemu/a.conf' is owned by uid 1000, not root (fix: chown root)",
		  "cannot include '/etc/qemu/a.conf': '/etc/qemu/a.conf' is owned by uid 1000" },
		{ -EPERM, "'/etc/qemu/a.conf' is writable by group or others, mode 0666 (fix: chmod go-w)",
		  "writable by group or others" },
		{ -EINVAL, "'/etc/qemu/a.conf' is not a regular file",
		  "cannot include '/etc/qemu/a.conf': '/etc/qemu/a.conf' is not a regular file" },
		{ -ELOOP, "'/etc/qemu/a.conf' is a symlink", "is a symlink" },
		{ -EFBIG, "'/etc/qemu/a.conf' is larger than 1048576 bytes", "larger" },
		/* Without a message from the reader: strerror(). */
		{ -EIO, NULL, "cannot include '/etc/qemu/a.conf': Input/output error" },
		{ -EPERM, NULL, "cannot include '/etc/qemu/a.conf': Operation not permitted" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_file files[] = {
			FILE_(TOP, "allow br0\n\ninclude /etc/qemu/a.conf # x\n"),
			FILE_ERR("/etc/qemu/a.conf", cases[i].rc, cases[i].reader_msg),
		};
		struct fake_fs fs = FS(files);
		struct acl_error err;
		struct acl acl;

		assert_int_equal(load(&acl, &fs, &err), cases[i].rc);
		assert_string_equal(err.file, TOP);
		assert_int_equal(err.line, 3);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg,
				 cases[i].want);
		assert_empty(&acl);
		fs_done(&fs);
	}
}

static void test_acl_load_nok_include_syntax_error(void **state)
{
	/* The original ignored errors inside includes. */
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\ninclude users/alice.conf\nallow br1\n"),
		FILE_("/etc/qemu/users/alice.conf", "allow br2\ninclude ../bob.conf\n"),
		FILE_("/etc/qemu/users/../bob.conf", "# bob\n\nallow br3 br4\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, &err), -EINVAL);
	assert_string_equal(err.file, "/etc/qemu/users/../bob.conf");
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.msg, "unknown word 'br4'"));
	assert_empty(&acl);
	fs_done(&fs);
}

struct cycle_case {
	const char *name;
	struct fake_file files[3];
	const char *err_file;
	unsigned err_line;
};

static void test_acl_load_nok_include_cycle(void **state)
{
	/* The original recursed until it crashed. */
	static const struct cycle_case cases[] = {
		{ "self, relative",
		  { FILE_(TOP, "allow br0\ninclude bridge.conf\n") }, TOP, 2 },
		{ "self, absolute",
		  { FILE_(TOP, "include " TOP "\n") }, TOP, 1 },
		{ "included file includes itself",
		  { FILE_(TOP, "include a.conf\n"),
		    FILE_("/etc/qemu/a.conf", "\ninclude a.conf\n") },
		  "/etc/qemu/a.conf", 2 },
		{ "a -> b -> a",
		  { FILE_(TOP, "include a.conf\n"),
		    FILE_("/etc/qemu/a.conf", "include b.conf\n"),
		    FILE_("/etc/qemu/b.conf", "allow br0\ninclude a.conf\n") },
		  "/etc/qemu/b.conf", 2 },
		{ "top -> a -> b -> top",
		  { FILE_(TOP, "include a.conf\n"),
		    FILE_("/etc/qemu/a.conf", "include b.conf\n"),
		    FILE_("/etc/qemu/b.conf", "include " TOP "\n") },
		  "/etc/qemu/b.conf", 1 },
		{ "through a second name of the same file",
		  { FILE_(TOP, "include a.conf\n"),
		    { .path = "/etc/qemu/a.conf", .data = "include link.conf\n",
		      .len = 18, .ino = 9 },
		    { .path = "/etc/qemu/link.conf", .data = "include link.conf\n",
		      .len = 18, .ino = 9 } },
		  "/etc/qemu/a.conf", 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_fs fs = FS(cases[i].files);
		struct acl_error err;
		struct acl acl;
		int rc;

		rc = load(&acl, &fs, &err);
		if (rc != -ELOOP)
			fail_msg("%s: rc %d (%s)", cases[i].name, rc, err.msg);
		assert_string_equal(err.file, cases[i].err_file);
		assert_int_equal(err.line, cases[i].err_line);
		assert_non_null(strstr(err.msg, "include cycle"));
		assert_empty(&acl);
		fs_done(&fs);
	}
}

/* A chain top -> chain/1.conf -> ... -> chain/@n.conf ("allow br0"). */
struct chain {
	char paths[ACL_MAX_DEPTH + 4][48];
	char texts[ACL_MAX_DEPTH + 4][48];
	struct fake_file files[ACL_MAX_DEPTH + 4];
	struct fake_fs fs;
};

static void make_chain(struct chain *c, int n)
{
	assert_true(n < ACL_MAX_DEPTH + 3);
	memset(c, 0, sizeof(*c));
	for (int i = 0; i <= n; i++) {
		if (i == 0)
			snprintf(c->paths[i], sizeof(c->paths[i]), "%s", TOP);
		else
			snprintf(c->paths[i], sizeof(c->paths[i]),
				 "/etc/qemu/chain/%d.conf", i);
		if (i == n)
			snprintf(c->texts[i], sizeof(c->texts[i]), "allow br0\n");
		else
			snprintf(c->texts[i], sizeof(c->texts[i]),
				 "include %s%d.conf\n", i == 0 ? "chain/" : "",
				 i + 1);
		c->files[i] = (struct fake_file){ .path = c->paths[i],
			.data = c->texts[i], .len = strlen(c->texts[i]) };
	}
	c->fs = (struct fake_fs){ .files = c->files, .n = (size_t)n + 1 };
}

static void test_acl_load_ok_include_depth_max(void **state)
{
	struct chain c;
	struct acl_error err;
	struct acl acl;

	make_chain(&c, ACL_MAX_DEPTH);
	assert_int_equal(load(&acl, &c.fs, &err), 0);
	assert_int_equal(c.fs.n_asked, ACL_MAX_DEPTH + 1);
	assert_decision(&acl, "br0", ACL_VERDICT_ALLOW, c.paths[ACL_MAX_DEPTH], 1);
	acl_free(&acl);
	fs_done(&c.fs);
}

static void test_acl_load_nok_include_too_deep(void **state)
{
	struct chain c;
	struct acl_error err;
	struct acl acl;

	make_chain(&c, ACL_MAX_DEPTH + 1);
	assert_int_equal(load(&acl, &c.fs, &err), -ELOOP);
	assert_string_equal(err.file, c.paths[ACL_MAX_DEPTH]);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "nested deeper than 8 levels"));
	/* Limits count readable files: the one too deep was read, then
	 * refused (an unreadable one there would have been skipped). */
	assert_int_equal(c.fs.n_asked, ACL_MAX_DEPTH + 2);
	assert_empty(&acl);
	fs_done(&c.fs);
}

/* The top file includes x.conf @n times. */
static int load_fan_out(int n, struct acl *acl, struct acl_error *err,
			size_t *asked)
{
	static char text[ACL_MAX_FILES * 2 * 16];
	struct fake_file files[2] = {
		{ .path = TOP, .data = text },
		FILE_("/etc/qemu/x.conf", "allow br0\n"),
	};
	struct fake_fs fs = { .files = files, .n = 2 };
	size_t off = 0;
	int rc;

	for (int i = 0; i < n; i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"include x.conf\n");
	files[0].len = off;
	rc = load(acl, &fs, err);
	*asked = fs.n_asked;
	fs_done(&fs);
	return rc;
}

static void test_acl_load_ok_include_max_files(void **state)
{
	/* The top file and 63 includes: ACL_MAX_FILES in all. */
	struct acl_error err;
	struct acl acl;
	size_t asked;

	assert_int_equal(load_fan_out(ACL_MAX_FILES - 1, &acl, &err, &asked), 0);
	assert_int_equal(asked, ACL_MAX_FILES);
	assert_int_equal(acl.n_rules, ACL_MAX_FILES - 1);
	acl_free(&acl);
}

static void test_acl_load_nok_include_too_many_files(void **state)
{
	struct acl_error err;
	struct acl acl;
	size_t asked;

	assert_int_equal(load_fan_out(ACL_MAX_FILES, &acl, &err, &asked), -E2BIG);
	assert_int_equal(asked, ACL_MAX_FILES + 1);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, ACL_MAX_FILES);
	assert_non_null(strstr(err.msg, "more than 256 ACL files"));
	assert_empty(&acl);

	assert_int_equal(load_fan_out(2 * ACL_MAX_FILES, &acl, &err, &asked), -E2BIG);
	assert_int_equal(err.line, ACL_MAX_FILES);
	assert_empty(&acl);
}

static void test_acl_load_nok_include_path_too_long(void **state)
{
	/* "/etc/qemu/" is 10 bytes: a relative include of 4085 bytes
	 * makes an ACL_MAX_PATH path, one of 4086 is too long. */
	const size_t dirlen = strlen("/etc/qemu/");
	static char text[ACL_MAX_LINE + 2];
	struct fake_file f = { .path = TOP, .data = text };
	struct fake_fs fs = { .files = &f, .n = 1 };
	struct acl_error err;
	struct acl acl;
	size_t arglen = ACL_MAX_PATH - dirlen;

	memcpy(text, "include ", 8);
	memset(text + 8, 'a', arglen);
	f.len = 8 + arglen;
	assert_int_equal(load(&acl, &fs, &err), -ENOENT);
	assert_int_equal(fs.n_asked, 2);
	assert_int_equal(strlen(fs.asked[1]), ACL_MAX_PATH);
	fs_done(&fs);

	memset(text + 8, 'a', arglen + 1);
	f.len = 8 + arglen + 1;
	assert_true(f.len <= ACL_MAX_LINE);
	assert_int_equal(load(&acl, &fs, &err), -ENAMETOOLONG);
	assert_int_equal(fs.n_asked, 1);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "is too long"));
	assert_empty(&acl);
	fs_done(&fs);
}

/* ---- acl_parse ---- */

static void test_acl_parse_ok_buffer(void **state)
{
	/* Exactly @len bytes, no NUL needed; the reader is not asked. */
	static const char buf[] = { 'a', 'l', 'l', 'o', 'w', ' ', 'b', 'r',
				    '0', '\n', 'a', 'l', 'l', 'o', 'w', ' ',
				    'b', 'r', '1' };
	struct fake_fs fs = { 0 };
	struct acl_io io = fs_io(&fs);
	struct acl_error err;
	struct acl acl;

	acl_init(&acl);
	assert_int_equal(acl_parse(&acl, TOP, buf, 10, &io, &err), 0);
	assert_int_equal(acl.n_rules, 1);
	assert_decision(&acl, "br0", ACL_VERDICT_ALLOW, TOP, 1);
	acl_free(&acl);

	acl_init(&acl);
	assert_int_equal(acl_parse(&acl, TOP, buf, sizeof(buf), &io,
				   &err), 0);
	assert_decision(&acl, "br1", ACL_VERDICT_ALLOW, TOP, 2);
	assert_int_equal(fs.n_asked, 0);
	acl_free(&acl);
}

static void test_acl_parse_ok_include(void **state)
{
	static const struct fake_file files[] = {
		FILE_("/srv/acl/a.conf", "allow br0\n"),
	};
	static const char text[] = "include a.conf\nallow br1\n";
	struct fake_fs fs = FS(files);
	struct acl_io io = fs_io(&fs);
	struct acl_error err;
	struct acl acl;

	acl_init(&acl);
	assert_int_equal(acl_parse(&acl, "/srv/acl/top.conf", text,
				   sizeof(text) - 1, &io, &err), 0);
	assert_string_equal(fs.asked[0], "/srv/acl/a.conf");
	assert_decision(&acl, "br0", ACL_VERDICT_ALLOW, "/srv/acl/a.conf", 1);
	assert_decision(&acl, "br1", ACL_VERDICT_ALLOW, "/srv/acl/top.conf", 2);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_parse_nok_include_itself(void **state)
{
	/* The buffer has no identity; its copy read back from the
	 * reader does, and the next round is a cycle. */
	static const char text[] = "include bridge.conf\n";
	static const struct fake_file files[] = {
		FILE_(TOP, "include bridge.conf\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_io io = fs_io(&fs);
	struct acl_error err;
	struct acl acl;

	acl_init(&acl);
	assert_int_equal(acl_parse(&acl, TOP, text, sizeof(text) - 1,
				   &io, &err), -ELOOP);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, 1);
	assert_int_equal(fs.n_asked, 2);
	assert_empty(&acl);
	fs_done(&fs);
}

static void test_acl_parse_nok_error(void **state)
{
	static const char text[] = "allow br0\ndeny br1\nallow\n";
	struct fake_fs fs = { 0 };
	struct acl_io io = fs_io(&fs);
	struct acl_error err;
	struct acl acl;

	acl_init(&acl);
	assert_int_equal(acl_parse(&acl, TOP, text, sizeof(text) - 1,
				   &io, &err), -EINVAL);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, 3);
	assert_empty(&acl);
}

static void test_acl_parse_nok_relative_path(void **state)
{
	static const char text[] = "allow br0\n";
	struct fake_fs fs = { 0 };
	struct acl_io io = fs_io(&fs);
	struct acl_error err;
	struct acl acl;

	acl_init(&acl);
	assert_int_equal(acl_parse(&acl, "bridge.conf", text, sizeof(text) - 1,
				   &io, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "must be absolute"));
	assert_empty(&acl);
}

/* ---- acl_init / acl_free ---- */

static void test_acl_free_ok_twice(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	acl_init(&acl);
	acl_free(&acl);
	assert_empty(&acl);
	assert_int_equal(load(&acl, &fs, &err), 0);
	acl_free(&acl);
	assert_empty(&acl);
	acl_free(&acl);
	assert_empty(&acl);
	fs_done(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_decide_ok_allow_name),
		cmocka_unit_test(test_acl_decide_ok_allow_all),
		cmocka_unit_test(test_acl_decide_ok_deny_wins),
		cmocka_unit_test(test_acl_decide_ok_deny_other_bridge),
		cmocka_unit_test(test_acl_decide_ok_first_allow_reported),
		cmocka_unit_test(test_acl_decide_ok_default_deny),
		cmocka_unit_test(test_acl_load_ok_empty),
		cmocka_unit_test(test_acl_load_ok_comments_and_blank_lines),
		cmocka_unit_test(test_acl_load_ok_trailing_comment),
		cmocka_unit_test(test_acl_load_ok_hash_in_name),
		cmocka_unit_test(test_acl_load_nok_hash_after_space),
		cmocka_unit_test(test_acl_load_ok_whitespace),
		cmocka_unit_test(test_acl_load_ok_keywords_case_sensitive),
		cmocka_unit_test(test_acl_load_ok_name_15_bytes),
		cmocka_unit_test(test_acl_load_ok_line_max),
		cmocka_unit_test(test_acl_load_nok_unknown_keyword),
		cmocka_unit_test(test_acl_load_nok_missing_argument),
		cmocka_unit_test(test_acl_load_nok_two_names),
		cmocka_unit_test(test_acl_load_nok_invalid_name),
		cmocka_unit_test(test_acl_load_nok_name_too_long),
		cmocka_unit_test(test_acl_load_nok_nul_byte),
		cmocka_unit_test(test_acl_load_nok_line_too_long),
		cmocka_unit_test(test_acl_load_nok_long_comment_line),
		cmocka_unit_test(test_acl_load_nok_no_rules_after_failure),
		cmocka_unit_test(test_acl_load_nok_top_missing),
		cmocka_unit_test(test_acl_load_nok_top_eacces),
		cmocka_unit_test(test_acl_load_nok_top_reader_message),
		cmocka_unit_test(test_acl_load_nok_relative_path),
		cmocka_unit_test(test_acl_load_ok_include_absolute),
		cmocka_unit_test(test_acl_load_ok_include_relative),
		cmocka_unit_test(test_acl_load_ok_include_from_root_dir),
		cmocka_unit_test(test_acl_load_ok_include_path_whitespace),
		cmocka_unit_test(test_acl_load_ok_include_eacces_skipped),
		cmocka_unit_test(test_acl_load_ok_include_group_readable_idiom),
		cmocka_unit_test(test_acl_load_ok_include_twice),
		cmocka_unit_test(test_acl_load_ok_include_many_files),
		cmocka_unit_test(test_acl_load_nok_include_missing),
		cmocka_unit_test(test_acl_load_nok_include_other_error),
		cmocka_unit_test(test_acl_load_nok_include_syntax_error),
		cmocka_unit_test(test_acl_load_nok_include_cycle),
		cmocka_unit_test(test_acl_load_ok_include_depth_max),
		cmocka_unit_test(test_acl_load_nok_include_too_deep),
		cmocka_unit_test(test_acl_load_ok_include_max_files),
		cmocka_unit_test(test_acl_load_nok_include_too_many_files),
		cmocka_unit_test(test_acl_load_nok_include_path_too_long),
		cmocka_unit_test(test_acl_parse_ok_buffer),
		cmocka_unit_test(test_acl_parse_ok_include),
		cmocka_unit_test(test_acl_parse_nok_include_itself),
		cmocka_unit_test(test_acl_parse_nok_error),
		cmocka_unit_test(test_acl_parse_nok_relative_path),
		cmocka_unit_test(test_acl_free_ok_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
