// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_acl_rules.c - user, group and max qualifiers, bridge patterns,
 * name resolution, glob includes, diagnostics mode and rule display.
 *
 * Files come from a fake reader and directories from a fake lister
 * (fakefs.h): tables of path -> content, entries or -errno, recording
 * every path the library asked for. Names come from a fake resolver.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "fakefs.h"

#define TOP "/etc/qemu/bridge.conf"
#define DDIR "/etc/qemu/bridge.d"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

enum { IO_PLAIN = 0, IO_LIST = 1, IO_DIAG = 2 };

static struct acl_io fs_io(struct fake_fs *fs, int flags)
{
	struct acl_io io = { .read = fake_read, .ctx = fs };

	if (flags & IO_LIST)
		io.list = fake_list;
	if (flags & IO_DIAG)
		io.diag = fake_diag;
	return io;
}

static int load(struct acl *acl, struct fake_fs *fs, int flags,
		struct acl_error *err)
{
	struct acl_io io = fs_io(fs, flags);

	acl_init(acl);
	return acl_load(acl, TOP, &io, err);
}

/* Parse @text as the top-level file, with no other files. */
static int parse(struct acl *acl, const char *text, size_t len,
		 struct acl_error *err)
{
	struct fake_fs fs = { 0 };
	struct acl_io io = fs_io(&fs, IO_LIST);
	int rc;

	acl_init(acl);
	rc = acl_parse(acl, TOP, text, len, &io, err);
	fs_done(&fs);
	return rc;
}

static void assert_empty(const struct acl *acl)
{
	assert_int_equal(acl->n_rules, 0);
	assert_null(acl->rules);
	assert_int_equal(acl->n_files, 0);
	assert_null(acl->files);
}

static void assert_msg(const char *what, const char *msg, const char *want)
{
	if (!strstr(msg, want))
		fail_msg("%s: message \"%s\" lacks \"%s\"", what, msg, want);
}

/* ---- the fake resolver ---- */

struct fake_name {
	enum acl_who_kind kind;
	const char *name;
	uint32_t id;
	int rc;              /* < 0: fail with it */
};

static const struct fake_name names_db[] = {
	{ ACL_WHO_USER, "root", 0, 0 },
	{ ACL_WHO_USER, "alice", 1000, 0 },
	{ ACL_WHO_USER, "bob", 1001, 0 },
	{ ACL_WHO_USER, "carol", 1002, 0 },
	{ ACL_WHO_USER, "host$", 1500, 0 },
	{ ACL_WHO_USER, "broken", 0, -EIO },
	{ ACL_WHO_GROUP, "root", 0, 0 },
	{ ACL_WHO_GROUP, "alice", 1000, 0 },
	{ ACL_WHO_GROUP, "users", 100, 0 },
	{ ACL_WHO_GROUP, "students", 2000, 0 },
	{ ACL_WHO_GROUP, "staff", 3000, 0 },
	{ ACL_WHO_GROUP, "ldap", 0, -EAGAIN },
	/* A user name that is only a group, and vice versa. */
	{ ACL_WHO_GROUP, "onlygroup", 4000, 0 },
	{ ACL_WHO_USER, "onlyuser", 4001, 0 },
};

struct resolver {
	size_t calls;
	size_t calls_user, calls_group;
	bool saw_digits;     /* was ever asked about a numeric name */
	bool saw_unknown_kind;
};

static int fake_resolve(void *ctx, enum acl_who_kind kind, const char *name,
			uint32_t *id)
{
	struct resolver *r = ctx;

	assert_non_null(name);
	assert_non_null(id);
	r->calls++;
	if (kind == ACL_WHO_USER)
		r->calls_user++;
	else if (kind == ACL_WHO_GROUP)
		r->calls_group++;
	else
		r->saw_unknown_kind = true;
	if (name[0] >= '0' && name[0] <= '9')
		r->saw_digits = true;
	for (size_t i = 0; i < N_ELEMS(names_db); i++) {
		if (names_db[i].kind != kind ||
		    strcmp(names_db[i].name, name) != 0)
			continue;
		if (names_db[i].rc < 0)
			return names_db[i].rc;
		*id = names_db[i].id;
		return 0;
	}
	return -ENOENT;
}

/* Parse @text (no includes) and resolve its names; both must work. */
static void parse_resolve(struct acl *acl, const char *text)
{
	struct resolver res = { 0 };
	struct acl_error err;
	int rc;

	rc = parse(acl, text, strlen(text), &err);
	if (rc != 0)
		fail_msg("parse: rc %d: %s:%u: %s", rc, err.file, err.line,
			 err.msg);
	rc = acl_resolve(acl, fake_resolve, &res, &err);
	if (rc != 0)
		fail_msg("resolve: rc %d: %s:%u: %s", rc, err.file, err.line,
			 err.msg);
	assert_false(res.saw_digits);
	assert_false(res.saw_unknown_kind);
}

/* ---- subjects ---- */

static const uint32_t alice_groups[] = { 100, 2000 };   /* users, students */
static const uint32_t carol_groups[] = { 3000 };        /* staff */

/* alice: uid 1000, own group 1000, in users and students. */
static const struct acl_subject alice = {
	.uid = 1000, .gid = 1000, .groups = alice_groups, .n_groups = 2 };
/* bob: uid 1001, primary group students, no others. */
static const struct acl_subject bob = { .uid = 1001, .gid = 2000 };
/* carol: uid 1002, own group, in staff. */
static const struct acl_subject carol = {
	.uid = 1002, .gid = 1002, .groups = carol_groups, .n_groups = 1 };
/* dave: named nowhere. */
static const struct acl_subject dave = { .uid = 4242, .gid = 4242 };
static const struct acl_subject root = { .uid = 0, .gid = 0 };

struct verdict_case {
	const struct acl_subject *who;
	const char *who_name;
	const char *bridge;
	enum acl_verdict verdict;
	unsigned line;       /* of the deciding rule, 0 by default */
	unsigned max;
};

#define V(who, br, v, line, max) { &(who), #who, br, v, line, max }
#define ALLOW ACL_VERDICT_ALLOW
#define DENY ACL_VERDICT_DENY_RULE
#define DFLT ACL_VERDICT_DENY_DEFAULT

static void check_verdicts(const char *text, const struct verdict_case *c,
			   size_t n)
{
	struct acl acl;

	parse_resolve(&acl, text);
	for (size_t i = 0; i < n; i++) {
		struct acl_decision d;

		memset(&d, 0xa5, sizeof(d));
		acl_decide(&acl, c[i].who, c[i].bridge, &d);
		if (d.verdict != c[i].verdict)
			fail_msg("case %zu (%s on %s): verdict %d, want %d", i,
				 c[i].who_name, c[i].bridge, (int)d.verdict,
				 (int)c[i].verdict);
		if (c[i].verdict == DFLT) {
			if (d.rule)
				fail_msg("case %zu (%s on %s): a rule by default",
					 i, c[i].who_name, c[i].bridge);
		} else {
			if (!d.rule)
				fail_msg("case %zu (%s on %s): no rule", i,
					 c[i].who_name, c[i].bridge);
			if (d.rule->line != c[i].line)
				fail_msg("case %zu (%s on %s): decided by line %u, want %u",
					 i, c[i].who_name, c[i].bridge,
					 d.rule->line, c[i].line);
			assert_int_equal(d.rule->action, c[i].verdict == ALLOW ?
					 ACL_ALLOW : ACL_DENY);
			assert_true(acl_rule_matches(d.rule, c[i].who,
						     c[i].bridge));
		}
		if (d.max != c[i].max)
			fail_msg("case %zu (%s on %s): max %u, want %u", i,
				 c[i].who_name, c[i].bridge, d.max, c[i].max);
	}
	acl_free(&acl);
}

/* ---- tables: rules that parse, lines that do not ---- */

struct want_who {
	bool set, numeric;
	uint32_t id;         /* when numeric */
	const char *name;
};

struct rule_case {
	const char *text;
	enum acl_action action;
	enum acl_target_kind kind;
	const char *target;
	struct want_who user, group;
	unsigned max;
};

#define NOWHO { false, false, 0, "" }
#define WHO_NAME(n) { true, false, 0, n }
#define WHO_ID(i) { true, true, i, #i }

static void check_rule(size_t i, const struct acl_rule *r,
		       const struct rule_case *c)
{
	const struct want_who *ww[2] = { &c->user, &c->group };
	const struct acl_who *gw[2] = { &r->user, &r->group };

	if (r->action != c->action || r->kind != c->kind ||
	    strcmp(r->target, c->target) != 0 || r->max != c->max)
		fail_msg("case %zu (%s): got %d/%d '%s' max %u, want %d/%d '%s' max %u",
			 i, c->text, (int)r->action, (int)r->kind, r->target,
			 r->max, (int)c->action, (int)c->kind, c->target,
			 c->max);
	for (int k = 0; k < 2; k++) {
		const struct want_who *w = ww[k];
		const struct acl_who *g = gw[k];
		const char *what = k ? "group" : "user";

		if (g->set != w->set)
			fail_msg("case %zu (%s): %s set %d", i, c->text, what,
				 (int)g->set);
		if (!w->set)
			continue;
		if (g->numeric != w->numeric || strcmp(g->name, w->name) != 0)
			fail_msg("case %zu (%s): %s numeric %d name '%s', want %d '%s'",
				 i, c->text, what, (int)g->numeric, g->name,
				 (int)w->numeric, w->name);
		/* Numeric ids are resolved by the parser, names are not. */
		if (g->resolved != w->numeric)
			fail_msg("case %zu (%s): %s resolved %d", i, c->text,
				 what, (int)g->resolved);
		if (w->numeric && g->id != w->id)
			fail_msg("case %zu (%s): %s id %u, want %u", i, c->text,
				 what, g->id, w->id);
	}
	assert_string_equal(r->file, TOP);
	assert_int_equal(r->line, 1);
}

static void check_rules(const struct rule_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct acl_error err;
		struct acl acl;
		int rc;

		rc = parse(&acl, c[i].text, strlen(c[i].text), &err);
		if (rc != 0)
			fail_msg("case %zu (%s): rc %d: %s:%u: %s", i,
				 c[i].text, rc, err.file, err.line, err.msg);
		if (acl.n_rules != 1)
			fail_msg("case %zu (%s): %zu rules", i, c[i].text,
				 acl.n_rules);
		check_rule(i, &acl.rules[0], &c[i]);
		acl_free(&acl);
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
		struct acl_error err;
		struct acl acl;
		int rc;

		rc = parse(&acl, c[i].text, c[i].len, &err);
		if (rc != c[i].rc)
			fail_msg("case %zu (%s): rc %d, want %d (%s:%u: %s)", i,
				 c[i].text, rc, c[i].rc, err.file, err.line,
				 err.msg);
		assert_string_equal(err.file, TOP);
		if (err.line != c[i].line)
			fail_msg("case %zu (%s): line %u, want %u", i,
				 c[i].text, err.line, c[i].line);
		if (!strstr(err.msg, c[i].msg))
			fail_msg("case %zu (%s): message \"%s\" lacks \"%s\"",
				 i, c[i].text, err.msg, c[i].msg);
		assert_empty(&acl);
		acl_free(&acl);
	}
}

/* ---- parsing: what loads ---- */

static void test_acl_rules_ok_old_one_name_files(void **state)
{
	/* Files of the original grammar mean what they meant. */
	static const char text[] =
		"# the qemu-bridge-helper default\n"
		"allow br0\n"
		"deny virbr0\n"
		"allow all\n"
		"deny all\n";
	static const struct rule_case want[] = {
		{ "allow br0", ACL_ALLOW, ACL_TARGET_NAME, "br0", NOWHO, NOWHO, 0 },
		{ "deny virbr0", ACL_DENY, ACL_TARGET_NAME, "virbr0", NOWHO, NOWHO, 0 },
		{ "allow all", ACL_ALLOW, ACL_TARGET_ALL, "all", NOWHO, NOWHO, 0 },
		{ "deny all", ACL_DENY, ACL_TARGET_ALL, "all", NOWHO, NOWHO, 0 },
	};
	struct acl_error err;
	struct acl acl;

	assert_int_equal(parse(&acl, text, strlen(text), &err), 0);
	assert_int_equal(acl.n_rules, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct acl_rule *r = &acl.rules[i];

		assert_int_equal(r->action, want[i].action);
		assert_int_equal(r->kind, want[i].kind);
		assert_string_equal(r->target, want[i].target);
		assert_false(r->user.set);
		assert_false(r->group.set);
		assert_int_equal(r->max, 0);
		assert_int_equal(r->line, i + 2);
		assert_string_equal(r->file, TOP);
	}
	/* And they decide for everyone alike, without a resolver. */
	acl_free(&acl);
	assert_int_equal(parse(&acl, "allow br0\n", 10, &err), 0);
	{
		struct acl_decision d;

		acl_decide(&acl, &alice, "br0", &d);
		assert_int_equal(d.verdict, ALLOW);
		assert_int_equal(d.max, 0);
		acl_decide(&acl, &root, "br0", &d);
		assert_int_equal(d.verdict, ALLOW);
		acl_decide(&acl, &dave, "br1", &d);
		assert_int_equal(d.verdict, DFLT);
	}
	acl_free(&acl);
}

static void test_acl_rules_ok_targets(void **state)
{
	static const struct rule_case cases[] = {
		{ "allow all", ACL_ALLOW, ACL_TARGET_ALL, "all", NOWHO, NOWHO, 0 },
		{ "allow br0", ACL_ALLOW, ACL_TARGET_NAME, "br0", NOWHO, NOWHO, 0 },
		{ "allow ALL", ACL_ALLOW, ACL_TARGET_NAME, "ALL", NOWHO, NOWHO, 0 },
		{ "allow all0", ACL_ALLOW, ACL_TARGET_NAME, "all0", NOWHO, NOWHO, 0 },
		{ "allow user", ACL_ALLOW, ACL_TARGET_NAME, "user", NOWHO, NOWHO, 0 },
		{ "allow max", ACL_ALLOW, ACL_TARGET_NAME, "max", NOWHO, NOWHO, 0 },
		{ "allow br-lan.10", ACL_ALLOW, ACL_TARGET_NAME, "br-lan.10", NOWHO, NOWHO, 0 },
		{ "allow lab-*", ACL_ALLOW, ACL_TARGET_PATTERN, "lab-*", NOWHO, NOWHO, 0 },
		{ "allow *", ACL_ALLOW, ACL_TARGET_PATTERN, "*", NOWHO, NOWHO, 0 },
		{ "allow br?", ACL_ALLOW, ACL_TARGET_PATTERN, "br?", NOWHO, NOWHO, 0 },
		{ "deny br[0-9]", ACL_DENY, ACL_TARGET_PATTERN, "br[0-9]", NOWHO, NOWHO, 0 },
		{ "deny [!v]*", ACL_DENY, ACL_TARGET_PATTERN, "[!v]*", NOWHO, NOWHO, 0 },
		{ "allow br\\0", ACL_ALLOW, ACL_TARGET_PATTERN, "br\\0", NOWHO, NOWHO, 0 },
		{ "allow al?", ACL_ALLOW, ACL_TARGET_PATTERN, "al?", NOWHO, NOWHO, 0 },
		{ "allow ???????????????", ACL_ALLOW, ACL_TARGET_PATTERN, "???????????????", NOWHO, NOWHO, 0 },
		{ "allow .*", ACL_ALLOW, ACL_TARGET_PATTERN, ".*", NOWHO, NOWHO, 0 },
	};

	check_rules(cases, N_ELEMS(cases));
}

static void test_acl_rules_ok_qualifiers(void **state)
{
	static const struct rule_case cases[] = {
		{ "allow br0 user alice", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  WHO_NAME("alice"), NOWHO, 0 },
		{ "allow br0 user 1000", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  WHO_ID(1000), NOWHO, 0 },
		{ "allow br0 user 0", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  WHO_ID(0), NOWHO, 0 },
		{ "allow br0 user 4294967294", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  WHO_ID(4294967294), NOWHO, 0 },
		{ "allow br0 group students", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  NOWHO, WHO_NAME("students"), 0 },
		{ "allow br0 group 2000", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  NOWHO, WHO_ID(2000), 0 },
		{ "allow br0 max 3", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  NOWHO, NOWHO, 3 },
		{ "allow br0 max 1", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  NOWHO, NOWHO, 1 },
		{ "allow br0 max 4096", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  NOWHO, NOWHO, 4096 },
		{ "allow lab-* group students max 3", ACL_ALLOW, ACL_TARGET_PATTERN,
		  "lab-*", NOWHO, WHO_NAME("students"), 3 },
		{ "allow br0 user alice group students max 2", ACL_ALLOW,
		  ACL_TARGET_NAME, "br0", WHO_NAME("alice"), WHO_NAME("students"), 2 },
		{ "allow br0 group students user alice", ACL_ALLOW,
		  ACL_TARGET_NAME, "br0", WHO_NAME("alice"), WHO_NAME("students"), 0 },
		{ "allow all user 1000 group users", ACL_ALLOW, ACL_TARGET_ALL,
		  "all", WHO_ID(1000), WHO_NAME("users"), 0 },
		{ "deny br0 user bob", ACL_DENY, ACL_TARGET_NAME, "br0",
		  WHO_NAME("bob"), NOWHO, 0 },
		{ "deny all user 0", ACL_DENY, ACL_TARGET_ALL, "all",
		  WHO_ID(0), NOWHO, 0 },
		{ "deny br* user bob group staff", ACL_DENY, ACL_TARGET_PATTERN,
		  "br*", WHO_NAME("bob"), WHO_NAME("staff"), 0 },
		/* Whitespace and trailing comments as elsewhere. */
		{ "\tallow  br0\tuser\talice  max  2 # two for alice", ACL_ALLOW,
		  ACL_TARGET_NAME, "br0", WHO_NAME("alice"), NOWHO, 2 },
		{ "allow br0 user alice\r", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  WHO_NAME("alice"), NOWHO, 0 },
		/* Names: letters, digits, '_', '-', '.', and a final '$'. */
		{ "allow br0 user _svc", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  WHO_NAME("_svc"), NOWHO, 0 },
		{ "allow br0 user a", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  WHO_NAME("a"), NOWHO, 0 },
		{ "allow br0 user _", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  WHO_NAME("_"), NOWHO, 0 },
		{ "allow br0 user host$", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  WHO_NAME("host$"), NOWHO, 0 },
		{ "allow br0 user A.b-c_9", ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  WHO_NAME("A.b-c_9"), NOWHO, 0 },
		{ "allow br0 group domain-users.x", ACL_ALLOW, ACL_TARGET_NAME,
		  "br0", NOWHO, WHO_NAME("domain-users.x"), 0 },
		/* A name may be a keyword. */
		{ "allow br0 user max group user", ACL_ALLOW, ACL_TARGET_NAME,
		  "br0", WHO_NAME("max"), WHO_NAME("user"), 0 },
		/* 64 bytes: the longest name. */
		{ "allow br0 user a123456789012345678901234567890123456789012345678901234567890123",
		  ACL_ALLOW, ACL_TARGET_NAME, "br0",
		  WHO_NAME("a123456789012345678901234567890123456789012345678901234567890123"),
		  NOWHO, 0 },
	};

	check_rules(cases, N_ELEMS(cases));
}

static void test_acl_rules_ok_line_numbers(void **state)
{
	static const char text[] =
		"allow br0 user alice\n"
		"\n"
		"# comment\n"
		"deny br1 group staff\n"
		"allow lab-* max 4\n";
	struct acl_error err;
	struct acl acl;

	assert_int_equal(parse(&acl, text, strlen(text), &err), 0);
	assert_int_equal(acl.n_rules, 3);
	assert_int_equal(acl.rules[0].line, 1);
	assert_int_equal(acl.rules[1].line, 4);
	assert_int_equal(acl.rules[2].line, 5);
	assert_int_equal(acl.rules[2].max, 4);
	assert_int_equal(acl.rules[1].action, ACL_DENY);
	assert_true(acl.rules[1].group.set);
	assert_string_equal(acl.rules[1].group.name, "staff");
	acl_free(&acl);
}

/* ---- parsing: what does not ---- */

static void test_acl_rules_nok_unknown_keyword(void **state)
{
	static const struct bad_case cases[] = {
		BAD("permit br0\n", -EINVAL, 1,
		    "unknown keyword 'permit' (expected allow, deny or include)"),
		BAD("allow br0\nAllow br0\n", -EINVAL, 2, "unknown keyword 'Allow'"),
		BAD("user alice\n", -EINVAL, 1, "unknown keyword 'user'"),
		BAD("max 3\n", -EINVAL, 1, "unknown keyword 'max'"),
		BAD("allow-br0\n", -EINVAL, 1, "unknown keyword 'allow-br0'"),
		BAD("\n\ninclude\n", -EINVAL, 3, "'include' needs a path"),
		BAD("allow\n", -EINVAL, 1,
		    "'allow' needs a bridge name, a pattern or 'all'"),
		BAD("deny # all\n", -EINVAL, 1,
		    "'deny' needs a bridge name, a pattern or 'all'"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_rules_nok_unknown_qualifier(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow br0 users alice\n", -EINVAL, 1, "unknown word 'users'"),
		BAD("allow br0 users alice\n", -EINVAL, 1,
		    "(expected user, group, max, isolated or guard)"),
		BAD("allow br0 USER alice\n", -EINVAL, 1, "unknown word 'USER'"),
		BAD("allow br0 Max 3\n", -EINVAL, 1, "unknown word 'Max'"),
		BAD("deny br0 uid 1000\n", -EINVAL, 1, "unknown word 'uid'"),
		BAD("deny br0 uid 1000\n", -EINVAL, 1, "(expected user or group)"),
		/* The original's "two names on a line". */
		BAD("allow br0 br1\n", -EINVAL, 1, "unknown word 'br1'"),
		BAD("deny br0 all\n", -EINVAL, 1, "unknown word 'all'"),
		BAD("allow br0 user alice bob\n", -EINVAL, 1, "unknown word 'bob'"),
		BAD("allow br0 max 3 4\n", -EINVAL, 1, "unknown word '4'"),
		BAD("# x\nallow br0 user alice group staff max 2 x\n", -EINVAL, 2,
		    "unknown word 'x'"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_rules_nok_qualifier_without_value(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow br0 user\n", -EINVAL, 1,
		    "'user' needs a name or a numeric id"),
		BAD("allow br0 group\n", -EINVAL, 1,
		    "'group' needs a name or a numeric id"),
		BAD("allow br0 max\n", -EINVAL, 1, "'max' needs a number"),
		BAD("deny br0 user\n", -EINVAL, 1, "'user' needs a name"),
		BAD("deny br0 user alice group\n", -EINVAL, 1,
		    "'group' needs a name or a numeric id"),
		BAD("allow br0 user alice max # 3\n", -EINVAL, 1,
		    "'max' needs a number"),
		BAD("allow all\nallow br0 group  \t\n", -EINVAL, 2,
		    "'group' needs a name or a numeric id"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_rules_nok_repeated_qualifier(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow br0 user a user b\n", -EINVAL, 1,
		    "'user' given twice in one rule"),
		BAD("allow br0 user a user a\n", -EINVAL, 1,
		    "'user' given twice in one rule"),
		BAD("allow br0 group a group b\n", -EINVAL, 1,
		    "'group' given twice in one rule"),
		BAD("deny br0 group 1 group 2\n", -EINVAL, 1,
		    "'group' given twice in one rule"),
		BAD("allow br0 user a group b user c\n", -EINVAL, 1,
		    "'user' given twice in one rule"),
		BAD("allow br0 max 1 max 2\n", -EINVAL, 1,
		    "'max' given twice in one rule"),
		BAD("allow br0 max 2 user a max 2\n", -EINVAL, 1,
		    "'max' given twice in one rule"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_rules_nok_max_on_deny(void **state)
{
	static const struct bad_case cases[] = {
		BAD("deny br0 max 3\n", -EINVAL, 1, "'max' is only for allow rules"),
		BAD("deny all user alice max 1\n", -EINVAL, 1,
		    "'max' is only for allow rules"),
		BAD("allow br0 max 1\ndeny br* group staff max 2\n", -EINVAL, 2,
		    "'max' is only for allow rules"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_rules_nok_bad_max(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow br0 max 0\n", -EINVAL, 1,
		    "'max 0' would never grant a tap"),
		BAD("allow br0 max -1\n", -EINVAL, 1,
		    "invalid max '-1': expected a whole number from 1 to 4096"),
		BAD("allow br0 max +1\n", -EINVAL, 1, "invalid max '+1'"),
		BAD("allow br0 max 01\n", -EINVAL, 1, "invalid max '01'"),
		BAD("allow br0 max 00\n", -EINVAL, 1, "invalid max '00'"),
		BAD("allow br0 max 4097\n", -ERANGE, 1,
		    "invalid max '4097': expected a whole number from 1 to 4096"),
		BAD("allow br0 max 99999999999999999999999\n", -ERANGE, 1,
		    "invalid max '99999999999999999999999'"),
		BAD("allow br0 max 1x\n", -EINVAL, 1, "invalid max '1x'"),
		BAD("allow br0 max 0x10\n", -EINVAL, 1, "invalid max '0x10'"),
		BAD("allow br0 max three\n", -EINVAL, 1, "invalid max 'three'"),
		BAD("allow br0 max 1.5\n", -EINVAL, 1, "invalid max '1.5'"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_rules_nok_bad_ids(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow br0 user 4294967295\n", -ERANGE, 1,
		    "invalid user id 4294967295: that is -1, which no user has"),
		BAD("allow br0 group 4294967295\n", -ERANGE, 1,
		    "invalid group id 4294967295: that is -1, which no group has"),
		BAD("allow br0 user 4294967296\n", -ERANGE, 1,
		    "invalid user id '4294967296'"),
		BAD("allow br0 user 99999999999999999999\n", -ERANGE, 1,
		    "invalid user id '99999999999999999999'"),
		BAD("allow br0 user 01000\n", -EINVAL, 1,
		    "invalid user id '01000': ids are decimal numbers"),
		BAD("allow br0 group 00\n", -EINVAL, 1, "invalid group id '00'"),
		BAD("allow br0 user 1e3\n", -EINVAL, 1, "invalid user id '1e3'"),
		BAD("allow br0 user 1abc\n", -EINVAL, 1, "invalid user id '1abc'"),
		/* A sign: no id, and no name either. */
		BAD("allow br0 user -1\n", -EINVAL, 1, "invalid user"),
		BAD("allow br0 user +5\n", -EINVAL, 1, "invalid user"),
		BAD("deny br0 group -1\n", -EINVAL, 1, "invalid group"),
		BAD("deny br0 group -\n", -EINVAL, 1, "invalid group"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_rules_nok_bad_names(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow br0 user -bob\n", -EINVAL, 1,
		    "invalid user '-bob': a name starts with a letter or '_'"),
		BAD("allow br0 user .bob\n", -EINVAL, 1, "invalid user '.bob'"),
		BAD("allow br0 user $\n", -EINVAL, 1, "invalid user '$'"),
		BAD("allow br0 user a$$\n", -EINVAL, 1, "invalid user 'a$$'"),
		BAD("allow br0 user a$b\n", -EINVAL, 1, "invalid user 'a$b'"),
		BAD("allow br0 user bob@corp\n", -EINVAL, 1, "invalid user 'bob@corp'"),
		BAD("allow br0 user corp\\bob\n", -EINVAL, 1, "invalid user 'corp\\\\bob'"),
		BAD("allow br0 user a/b\n", -EINVAL, 1, "invalid user 'a/b'"),
		BAD("allow br0 group st:aff\n", -EINVAL, 1, "invalid group 'st:aff'"),
		BAD("allow br0 group st*\n", -EINVAL, 1, "invalid group 'st*'"),
		BAD("allow br0 user \xc3\xa9lise\n", -EINVAL, 1,
		    "invalid user '\\xc3\\xa9lise'"),
		BAD("allow br0 user a\x01\n", -EINVAL, 1, "invalid user 'a\\x01'"),
		/* 65 bytes. */
		BAD("allow br0 user a1234567890123456789012345678901234567890123456789012345678901234\n",
		    -ENAMETOOLONG, 1, "user name 'a12345"),
		BAD("allow br0 group a1234567890123456789012345678901234567890123456789012345678901234\n",
		    -ENAMETOOLONG, 1, "is longer than 64 bytes"),
		/* 64 and a final '$' do not fit either. */
		BAD("allow br0 user a123456789012345678901234567890123456789012345678901234567890123$\n",
		    -ENAMETOOLONG, 1, "is longer than 64 bytes"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_rules_nok_bad_patterns(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow br/*\n", -EINVAL, 1,
		    "pattern 'br/*' can never match a bridge: it admits only bytes"),
		BAD("allow [:]x\n", -EINVAL, 1, "pattern '[:]x' can never match a bridge"),
		BAD("deny *:*\n", -EINVAL, 1, "can never match a bridge"),
		BAD("allow ????????????????\n", -EINVAL, 1,
		    "longer than 15 bytes"),
		BAD("allow abcdefghijklmnop*\n", -EINVAL, 1, "longer than 15 bytes"),
		BAD("allow [.]\n", -EINVAL, 1, "it matches only '.' or '..'"),
		BAD("allow \\.\\.\n", -EINVAL, 1, "it matches only '.' or '..'"),
		BAD("allow br[0\n", -EINVAL, 1,
		    "pattern 'br[0' can never match a bridge: a '[' without its ']'"),
		BAD("allow br\\\n", -EINVAL, 1, "a '\\' at the end escapes nothing"),
		BAD("allow [z-a]\n", -EINVAL, 1,
		    "a range whose end comes before its start"),
		BAD("allow []\n", -EINVAL, 1, "a '[' without its ']'"),
		BAD("allow [!\x01-\xff]\n", -EINVAL, 1, "a set that admits no byte"),
		BAD("allow br0\ndeny br[\n", -EINVAL, 2, "a '[' without its ']'"),
		BAD("allow br0 user alice\nallow [/]* user bob\n", -EINVAL, 2,
		    "can never match a bridge"),
	};
	char long_pat[300];
	struct bad_case too_long;

	check_bad(cases, N_ELEMS(cases));

	/* 256 bytes of pattern: too long, whatever it is. */
	memcpy(long_pat, "allow ", 6);
	memset(long_pat + 6, '*', 256);
	memcpy(long_pat + 6 + 256, "\n", 2);
	too_long = (struct bad_case){ long_pat, strlen(long_pat),
		-ENAMETOOLONG, 1, "is longer than 255 bytes" };
	check_bad(&too_long, 1);
	/* 255 bytes is fine. */
	{
		struct acl_error err;
		struct acl acl;

		memcpy(long_pat + 6 + 255, "\n", 2);
		assert_int_equal(parse(&acl, long_pat, strlen(long_pat), &err), 0);
		assert_int_equal(acl.n_rules, 1);
		assert_int_equal(acl.rules[0].kind, ACL_TARGET_PATTERN);
		assert_int_equal(strlen(acl.rules[0].target), 255);
		acl_free(&acl);
	}
}

static void test_acl_rules_nok_bad_bridge_names(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow br:0\n", -EINVAL, 1, "invalid bridge name 'br:0'"),
		BAD("allow br/0\n", -EINVAL, 1, "invalid bridge name 'br/0'"),
		BAD("allow .\n", -EINVAL, 1, "invalid bridge name '.'"),
		BAD("allow ..\n", -EINVAL, 1, "invalid bridge name '..'"),
		BAD("deny abcdefghijklmnop\n", -ENAMETOOLONG, 1,
		    "name `abcdefghijklmnop' too long: 16"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_rules_nok_too_many_words(void **state)
{
	static const struct bad_case cases[] = {
		BAD("allow br0 user a group b max 3 isolated guard y z\n", -EINVAL, 1,
		    "too many words for one rule"),
		BAD("allow\tbr0 user a group b max 3 x y z w\n", -EINVAL, 1,
		    "too many words for one rule"),
		BAD("allow br0\ndeny a b c d e f g h i j k\n", -EINVAL, 2,
		    "too many words for one rule"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_rules_nok_first_error_stops(void **state)
{
	/* Without diag: the first error, and no rules at all. */
	static const char text[] =
		"allow br0 user alice\n"
		"allow br1 max 0\n"
		"allow br2 user a user b\n"
		"allow br3\n";
	struct acl_error err;
	struct acl acl;

	assert_int_equal(parse(&acl, text, strlen(text), &err), -EINVAL);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, 2);
	assert_msg("first", err.msg, "'max 0'");
	assert_empty(&acl);
	acl_free(&acl);
}

/* ---- the decision ---- */

static void test_acl_decide_ok_user_uid(void **state)
{
	static const struct verdict_case cases[] = {
		V(alice, "br0", ALLOW, 1, 0),
		V(bob, "br0", DFLT, 0, 0),
		V(dave, "br0", DFLT, 0, 0),
		V(alice, "br1", ALLOW, 2, 0),     /* by numeric uid */
		V(bob, "br1", DFLT, 0, 0),
		V(root, "br2", ALLOW, 3, 0),
		V(alice, "br2", DFLT, 0, 0),
		/* bob's gid as a uid: no user match for bob. */
		V(bob, "br3", DFLT, 0, 0),
		V(alice, "br3", DFLT, 0, 0),
	};

	check_verdicts("allow br0 user alice\n"
		       "allow br1 user 1000\n"
		       "allow br2 user root\n"
		       "allow br3 user 2000\n",
		       cases, N_ELEMS(cases));
}

static void test_acl_decide_ok_group_gid(void **state)
{
	static const struct verdict_case cases[] = {
		/* bob's primary group is students. */
		V(bob, "br0", ALLOW, 1, 0),
		V(bob, "br1", ALLOW, 2, 0),
		V(carol, "br0", DFLT, 0, 0),
		V(dave, "br1", DFLT, 0, 0),
		/* alice's own group is 1000, named like her. */
		V(alice, "br2", ALLOW, 3, 0),
		V(bob, "br2", DFLT, 0, 0),
		/* bob's uid as a gid: no group match for bob. */
		V(bob, "br3", DFLT, 0, 0),
	};

	check_verdicts("allow br0 group students\n"
		       "allow br1 group 2000\n"
		       "allow br2 group alice\n"
		       "allow br3 group 1001\n",
		       cases, N_ELEMS(cases));
}

static void test_acl_decide_ok_group_supplementary(void **state)
{
	static const struct verdict_case cases[] = {
		/* alice is in students only as a supplementary group. */
		V(alice, "br0", ALLOW, 1, 0),
		V(alice, "br1", ALLOW, 2, 0),      /* users, the first */
		V(carol, "br2", ALLOW, 3, 0),
		V(alice, "br2", DFLT, 0, 0),
		V(bob, "br1", DFLT, 0, 0),
		V(dave, "br0", DFLT, 0, 0),
	};

	check_verdicts("allow br0 group students\n"
		       "allow br1 group users\n"
		       "allow br2 group 3000\n",
		       cases, N_ELEMS(cases));
}

static void test_acl_decide_ok_user_and_group(void **state)
{
	static const struct verdict_case cases[] = {
		/* Both must match. */
		V(alice, "br0", ALLOW, 1, 0),
		V(bob, "br0", DFLT, 0, 0),      /* in students, not alice */
		V(carol, "br0", DFLT, 0, 0),
		V(alice, "br1", DFLT, 0, 0),    /* alice, not in staff */
		V(carol, "br1", DFLT, 0, 0),    /* in staff, not alice */
		V(bob, "br2", ALLOW, 3, 0),
		V(alice, "br2", DFLT, 0, 0),
		/* A deny with both: only who matches both is denied. */
		V(alice, "br3", DENY, 5, 0),
		V(bob, "br3", ALLOW, 4, 0),
		V(carol, "br3", ALLOW, 4, 0),
	};

	check_verdicts("allow br0 user alice group students\n"
		       "allow br1 group staff user alice\n"
		       "allow br2 user 1001 group 2000\n"
		       "allow br3\n"
		       "deny br3 user alice group users\n",
		       cases, N_ELEMS(cases));
}

static void test_acl_decide_ok_unresolved_matches_nobody(void **state)
{
	static const struct verdict_case cases[] = {
		V(alice, "br0", DFLT, 0, 0),
		V(dave, "br0", DFLT, 0, 0),
		V(root, "br0", DFLT, 0, 0),
		/* A deny naming nobody denies nobody. */
		V(alice, "br1", ALLOW, 3, 0),
		V(root, "br1", ALLOW, 3, 0),
		/* A user name that is only a group is no user. */
		V(alice, "br2", DFLT, 0, 0),
		/* Both qualifiers, one unknown: nobody. */
		V(alice, "br3", DFLT, 0, 0),
	};
	struct acl acl;

	check_verdicts("allow br0 user ghost\n"
		       "deny br1 group ghosts\n"
		       "allow br1\n"
		       "allow br2 user onlygroup\n"
		       "allow br3 user alice group ghosts\n",
		       cases, N_ELEMS(cases));

	/* And the fields say so. */
	parse_resolve(&acl, "allow br0 user ghost group onlyuser\n");
	assert_true(acl.rules[0].user.set);
	assert_false(acl.rules[0].user.resolved);
	assert_true(acl.rules[0].group.set);
	assert_false(acl.rules[0].group.resolved);
	acl_free(&acl);
}

static void test_acl_decide_ok_numeric_without_resolve(void **state)
{
	static const char text[] =
		"allow br0 user 1000\n"
		"allow br1 group 3000 max 2\n"
		"deny br1 user 1002 group 1002\n"
		"allow br2 user alice\n";
	struct acl_decision d;
	struct acl_error err;
	struct acl acl;

	assert_int_equal(parse(&acl, text, strlen(text), &err), 0);
	acl_decide(&acl, &alice, "br0", &d);
	assert_int_equal(d.verdict, ALLOW);
	assert_int_equal(d.rule->line, 1);
	acl_decide(&acl, &bob, "br0", &d);
	assert_int_equal(d.verdict, DFLT);
	acl_decide(&acl, &carol, "br1", &d);
	assert_int_equal(d.verdict, DENY);
	assert_int_equal(d.rule->line, 3);
	/* A name not yet resolved matches nobody: fail closed. */
	acl_decide(&acl, &alice, "br2", &d);
	assert_int_equal(d.verdict, DFLT);
	acl_free(&acl);
}

static void test_acl_decide_ok_deny_user_wins(void **state)
{
	/* Whatever the order, the deny for bob decides for bob only. */
	static const char *const texts[] = {
		"allow all\ndeny br0 user bob\n",
		"deny br0 user bob\nallow all\n",
		"allow br0 user bob\ndeny br0 user bob\n",
		"deny br0 user bob\nallow br0 user bob max 3\n",
		"allow all\nallow br0\ndeny br0 user bob\nallow br0 user bob\n",
	};
	static const unsigned deny_line[] = { 2, 1, 2, 1, 3 };

	for (size_t i = 0; i < N_ELEMS(texts); i++) {
		struct acl_decision d;
		struct acl acl;

		parse_resolve(&acl, texts[i]);
		acl_decide(&acl, &bob, "br0", &d);
		if (d.verdict != DENY || !d.rule || d.rule->line != deny_line[i])
			fail_msg("case %zu: verdict %d line %u", i,
				 (int)d.verdict, d.rule ? d.rule->line : 0);
		assert_int_equal(d.max, 0);
		acl_decide(&acl, &alice, "br0", &d);
		if (i < 2 || i == 4)
			assert_int_equal(d.verdict, ALLOW);
		else
			assert_int_equal(d.verdict, DFLT);
		acl_free(&acl);
	}
}

static void test_acl_decide_ok_pattern_vs_name(void **state)
{
	static const struct verdict_case cases[] = {
		/* A pattern deny beats an exact allow. */
		V(alice, "lab-1", DENY, 2, 0),
		V(alice, "lab-x", DENY, 2, 0),
		V(alice, "lab-", DENY, 2, 0),
		V(alice, "lab", DFLT, 0, 0),
		/* An exact deny beats a pattern allow. */
		V(alice, "br0", ALLOW, 3, 0),
		V(alice, "br7", DENY, 4, 0),
		V(alice, "br10", DFLT, 0, 0),
		/* A pattern, for a group. */
		V(bob, "vm-a", ALLOW, 5, 0),
		V(alice, "vm-a", ALLOW, 5, 0),
		V(carol, "vm-a", DFLT, 0, 0),
		V(bob, "vm-", DFLT, 0, 0),
		/* Case matters, bytes compare exactly. */
		V(alice, "LAB-1", DFLT, 0, 0),
		V(alice, "Br0", DFLT, 0, 0),
	};

	check_verdicts("allow lab-1\n"
		       "deny lab-*\n"
		       "allow br[0-9]\n"
		       "deny br7\n"
		       "allow vm-? group students\n",
		       cases, N_ELEMS(cases));
}

static void test_acl_decide_ok_max_largest(void **state)
{
	static const struct verdict_case cases[] = {
		/* The largest max of the allows that match. */
		V(alice, "lab-1", ALLOW, 1, 5),
		V(bob, "lab-1", ALLOW, 1, 3),
		V(carol, "lab-1", ALLOW, 1, 2),
		V(carol, "br0", ALLOW, 1, 2),
		V(alice, "br0", ALLOW, 1, 2),
		V(dave, "lab-9", ALLOW, 1, 2),
	};

	check_verdicts("allow all max 2\n"
		       "allow lab-* group students max 3\n"
		       "allow lab-* user alice max 5\n",
		       cases, N_ELEMS(cases));
}

static void test_acl_decide_ok_max_unlimited_wins(void **state)
{
	static const struct verdict_case cases[] = {
		/* Any matching allow without max: no limit. */
		V(alice, "lab-1", ALLOW, 1, 0),
		V(alice, "br0", ALLOW, 1, 0),
		/* The unlimited allow names alice only. */
		V(bob, "lab-1", ALLOW, 1, 3),
		V(carol, "lab-1", ALLOW, 1, 2),
		/* Unlimited first or last: the same. */
		V(bob, "br5", ALLOW, 1, 0),
		V(carol, "br5", ALLOW, 1, 2),
		V(carol, "br6", ALLOW, 1, 0),   /* unlimited last */
		V(bob, "br6", ALLOW, 1, 2),
		V(alice, "br6", ALLOW, 1, 0),
	};

	check_verdicts("allow all max 2\n"
		       "allow lab-* group students max 3\n"
		       "allow all user alice\n"
		       "allow br5 user bob\n"
		       "allow br5 user bob max 9\n"
		       "allow br6 group staff max 7\n"
		       "allow br6 user carol\n",
		       cases, N_ELEMS(cases));
}

static void test_acl_decide_ok_max_with_deny(void **state)
{
	static const struct verdict_case cases[] = {
		/* A deny decides, with no limit to speak of. */
		V(bob, "lab-1", DENY, 3, 0),
		V(alice, "lab-1", ALLOW, 1, 4),
		/* No allow for a deny-only bridge. */
		V(alice, "x", ALLOW, 2, 1),
	};

	check_verdicts("allow lab-* max 4\n"
		       "allow all max 1\n"
		       "deny lab-1 user bob\n",
		       cases, N_ELEMS(cases));
}

static void test_acl_rule_matches_ok_table(void **state)
{
	struct acl acl;
	static const struct {
		size_t rule;
		const struct acl_subject *who;
		const char *bridge;
		bool want;
	} cases[] = {
		{ 0, &alice, "br0", true },
		{ 0, &alice, "br1", false },
		{ 0, &bob, "br0", false },
		{ 1, &alice, "anything", true },
		{ 1, &bob, "anything", true },
		{ 1, &dave, "x", false },
		{ 2, &dave, "lab-42", true },
		{ 2, &dave, "lab-", false },
		{ 2, &dave, "lab-100", false },
		{ 3, &alice, "br0", true },
		{ 3, &bob, "br0", false },
		{ 3, &root, "br0", false },
	};

	parse_resolve(&acl, "allow br0 user alice\n"
			    "deny all group students\n"
			    "allow lab-[0-9][0-9]\n"
			    "allow br0 user 1000 group 100\n");
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		bool got = acl_rule_matches(&acl.rules[cases[i].rule],
					    cases[i].who, cases[i].bridge);

		if (got != cases[i].want)
			fail_msg("case %zu: got %d", i, (int)got);
	}
	acl_free(&acl);
}

/* ---- acl_resolve ---- */

static void test_acl_resolve_ok_names(void **state)
{
	static const char text[] =
		"allow br0 user alice\n"
		"allow br1 group students user bob\n"
		"deny br2 user 1002 group staff\n"
		"allow br3 group alice\n"
		"allow br4 user alice max 2\n"
		"allow br5 user host$\n";
	struct resolver res = { 0 };
	struct acl_error err;
	struct acl acl;

	assert_int_equal(parse(&acl, text, strlen(text), &err), 0);
	memset(&err, 0x5a, sizeof(err));
	assert_int_equal(acl_resolve(&acl, fake_resolve, &res, &err), 0);
	/* On success the error is cleared. */
	assert_string_equal(err.file, "");
	assert_int_equal(err.line, 0);
	assert_string_equal(err.msg, "");
	/* Every distinct name was asked at least once, numeric ones never. */
	assert_true(res.calls_user >= 3);    /* alice, bob, host$ */
	assert_true(res.calls_group >= 3);   /* students, staff, alice */
	assert_false(res.saw_digits);
	assert_false(res.saw_unknown_kind);

	assert_true(acl.rules[0].user.resolved);
	assert_int_equal(acl.rules[0].user.id, 1000);
	assert_true(acl.rules[1].group.resolved);
	assert_int_equal(acl.rules[1].group.id, 2000);
	assert_true(acl.rules[1].user.resolved);
	assert_int_equal(acl.rules[1].user.id, 1001);
	assert_true(acl.rules[2].user.numeric);
	assert_int_equal(acl.rules[2].user.id, 1002);
	assert_true(acl.rules[2].group.resolved);
	assert_int_equal(acl.rules[2].group.id, 3000);
	/* The same name as a group is looked up as a group. */
	assert_true(acl.rules[3].group.resolved);
	assert_int_equal(acl.rules[3].group.id, 1000);
	assert_true(acl.rules[4].user.resolved);
	assert_int_equal(acl.rules[4].user.id, 1000);
	assert_int_equal(acl.rules[4].max, 2);
	assert_true(acl.rules[5].user.resolved);
	assert_int_equal(acl.rules[5].user.id, 1500);
	/* Names stay as written. */
	assert_string_equal(acl.rules[5].user.name, "host$");
	assert_false(acl.rules[5].user.numeric);
	acl_free(&acl);
}

static void test_acl_resolve_ok_kinds_not_mixed(void **state)
{
	/* "onlyuser" is a user, "onlygroup" a group: no crossing over,
	 * also when the other kind was resolved just before. */
	struct acl acl;

	parse_resolve(&acl, "allow br0 user onlyuser\n"
			    "allow br1 group onlyuser\n"
			    "allow br2 group onlygroup\n"
			    "allow br3 user onlygroup\n");
	assert_true(acl.rules[0].user.resolved);
	assert_int_equal(acl.rules[0].user.id, 4001);
	assert_false(acl.rules[1].group.resolved);
	assert_true(acl.rules[2].group.resolved);
	assert_int_equal(acl.rules[2].group.id, 4000);
	assert_false(acl.rules[3].user.resolved);
	acl_free(&acl);
}

static void test_acl_resolve_ok_enoent(void **state)
{
	struct resolver res = { 0 };
	struct acl_error err;
	struct acl acl;
	static const char text[] = "deny all user ghost\nallow all group nogroup\n";

	assert_int_equal(parse(&acl, text, strlen(text), &err), 0);
	assert_int_equal(acl_resolve(&acl, fake_resolve, &res, &err), 0);
	assert_true(res.calls >= 2);
	assert_true(acl.rules[0].user.set);
	assert_false(acl.rules[0].user.resolved);
	assert_false(acl.rules[1].group.resolved);
	assert_string_equal(err.msg, "");
	acl_free(&acl);
}

static void test_acl_resolve_ok_many_rules(void **state)
{
	/* The same names in many rules, far apart: each rule resolved. */
	char *text = malloc(200 * 48);
	struct acl acl;
	size_t o = 0;

	assert_non_null(text);
	for (int i = 0; i < 200; i++)
		o += (size_t)sprintf(text + o, "allow br%d user %s group %s\n",
				     i, i % 3 ? "alice" : "bob",
				     i % 2 ? "staff" : "ghosts");
	parse_resolve(&acl, text);
	assert_int_equal(acl.n_rules, 200);
	for (size_t i = 0; i < 200; i++) {
		const struct acl_rule *r = &acl.rules[i];

		if (!r->user.resolved ||
		    r->user.id != (i % 3 ? 1000u : 1001u))
			fail_msg("rule %zu: user resolved %d id %u", i,
				 (int)r->user.resolved, r->user.id);
		if (r->group.resolved != (i % 2 == 1) ||
		    (i % 2 && r->group.id != 3000))
			fail_msg("rule %zu: group resolved %d id %u", i,
				 (int)r->group.resolved, r->group.id);
	}
	acl_free(&acl);
	free(text);
}

static void test_acl_resolve_ok_no_rules(void **state)
{
	struct resolver res = { 0 };
	struct acl_error err;
	struct acl acl;

	acl_init(&acl);
	assert_int_equal(acl_resolve(&acl, fake_resolve, &res, &err), 0);
	assert_int_equal(res.calls, 0);
	/* Numeric ids and plain rules need no lookup at all. */
	{
		static const char text[] = "allow br0 user 5 group 6\nallow all\n";

		assert_int_equal(parse(&acl, text, strlen(text), &err), 0);
	}
	assert_int_equal(acl_resolve(&acl, fake_resolve, &res, &err), 0);
	assert_int_equal(res.calls, 0);
	acl_free(&acl);
}

static void test_acl_resolve_nok_lookup_error(void **state)
{
	static const struct {
		const char *text;
		int rc;
		unsigned line;
		const char *msg;
	} cases[] = {
		{ "allow br0 user alice\n\ndeny br0 user broken\n", -EIO, 3,
		  "cannot look up user 'broken': Input/output error" },
		{ "allow br0 user alice\nallow br1 group ldap max 2\n", -EAGAIN, 2,
		  "cannot look up group 'ldap'" },
		{ "deny all group ldap\n", -EAGAIN, 1, "group 'ldap'" },
		/* The deny must not silently match nobody. */
		{ "allow all\ndeny all user broken group staff\n", -EIO, 2,
		  "user 'broken'" },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct resolver res = { 0 };
		struct acl_error err;
		struct acl acl;
		int rc;

		assert_int_equal(parse(&acl, cases[i].text,
				       strlen(cases[i].text), &err), 0);
		rc = acl_resolve(&acl, fake_resolve, &res, &err);
		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d, want %d", i, rc, cases[i].rc);
		assert_string_equal(err.file, TOP);
		if (err.line != cases[i].line)
			fail_msg("case %zu: line %u, want %u", i, err.line,
				 cases[i].line);
		assert_msg("lookup", err.msg, cases[i].msg);
		assert_true(res.calls >= 1);
		acl_free(&acl);
	}
}

/* ---- acl_resolve_each: every name told (what --check reports) ---- */

struct heard {
	struct resolver res;      /* first: fake_resolve's context */
	size_t n;
	struct {
		unsigned line;
		enum acl_who_kind kind;
		char name[ACL_MAX_WHO + 1];
		int rc;
	} said[16];
};

static void hear(void *ctx, const struct acl_rule *r, enum acl_who_kind kind,
		 const struct acl_who *who, int rc)
{
	struct heard *h = ctx;

	assert_true(h->n < N_ELEMS(h->said));
	assert_false(who->numeric);
	h->said[h->n].line = r->line;
	h->said[h->n].kind = kind;
	snprintf(h->said[h->n].name, sizeof(h->said[h->n].name), "%s",
		 who->name);
	h->said[h->n].rc = rc;
	h->n++;
}

static void test_acl_resolve_each_ok_every_name_told(void **state)
{
	static const char text[] =
		"allow br0 user alice group staff\n"   /* 1 */
		"deny br0 user broken\n"               /* 2: lookup fails */
		"deny br1 group ldap\n"                /* 3: lookup fails */
		"allow br2 user ghost\n"               /* 4: no such user */
		"allow br3 user 1000 group nogroup\n"  /* 5: id, no such group */
		"deny br4 user broken\n";              /* 6: the same failure */
	static const struct {
		unsigned line;
		enum acl_who_kind kind;
		const char *name;
		int rc;
	} want[] = {
		{ 1, ACL_WHO_USER, "alice", 0 },
		{ 1, ACL_WHO_GROUP, "staff", 0 },
		{ 2, ACL_WHO_USER, "broken", -EIO },
		{ 3, ACL_WHO_GROUP, "ldap", -EAGAIN },
		{ 4, ACL_WHO_USER, "ghost", -ENOENT },
		{ 5, ACL_WHO_GROUP, "nogroup", -ENOENT },
		{ 6, ACL_WHO_USER, "broken", -EIO },
	};
	struct heard h = { .n = 0 };
	struct acl_error err;
	struct acl acl;

	assert_int_equal(parse(&acl, text, strlen(text), &err), 0);
	/* Goes on after a failure; returns the first, at its rule. */
	assert_int_equal(acl_resolve_each(&acl, fake_resolve, hear, &h, &err),
			 -EIO);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, 2);
	assert_msg("first failure", err.msg, "cannot look up user 'broken'");
	assert_int_equal(h.n, N_ELEMS(want));
	for (size_t i = 0; i < N_ELEMS(want); i++) {
		if (h.said[i].line != want[i].line ||
		    h.said[i].kind != want[i].kind ||
		    strcmp(h.said[i].name, want[i].name) != 0 ||
		    h.said[i].rc != want[i].rc)
			fail_msg("told %zu: line %u kind %d '%s' rc %d; want line %u kind %d '%s' rc %d",
				 i, h.said[i].line, (int)h.said[i].kind,
				 h.said[i].name, h.said[i].rc, want[i].line,
				 (int)want[i].kind, want[i].name, want[i].rc);
	}
	/* A repeated name is told again but asked once: 6 distinct. */
	assert_int_equal(h.res.calls, 6);
	/* A failed name matches nobody and carries its failure. */
	assert_false(acl.rules[5].user.resolved);
	assert_int_equal(acl.rules[5].user.lookup, -EIO);
	assert_int_equal(acl.rules[3].user.lookup, -ENOENT);
	assert_true(acl.rules[0].user.resolved);
	assert_int_equal(acl.rules[0].user.id, 1000);
	acl_free(&acl);
}

static void test_acl_resolve_each_ok_no_failure(void **state)
{
	static const char text[] = "allow br0 user alice\nallow br1 user ghost\n";
	struct heard h = { .n = 0 };
	struct acl_error err;
	struct acl acl;

	assert_int_equal(parse(&acl, text, strlen(text), &err), 0);
	assert_int_equal(acl_resolve_each(&acl, fake_resolve, hear, &h, &err), 0);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.said[1].rc, -ENOENT);
	assert_string_equal(err.msg, "");
	acl_free(&acl);
}

static int positive_resolve(void *ctx, enum acl_who_kind kind,
			    const char *name, uint32_t *id)
{
	(void)ctx;
	(void)kind;
	(void)name;
	*id = 7;
	return 1; /* not the contract: neither found nor "no such name" */
}

static void test_acl_resolve_nok_positive_return(void **state)
{
	static const char text[] = "allow all\ndeny all group contractors\n";
	struct acl_error err;
	struct acl acl;

	assert_int_equal(parse(&acl, text, strlen(text), &err), 0);
	assert_int_equal(acl_resolve(&acl, positive_resolve, NULL, &err), -EIO);
	assert_int_equal(err.line, 2);
	assert_msg("positive", err.msg, "cannot look up group 'contractors'");
	assert_false(acl.rules[1].group.resolved);
	acl_free(&acl);
}

static void test_acl_resolve_nok_lookup_error_in_include(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP, "allow all\ninclude users.conf\n"),
		FILE_("/etc/qemu/users.conf", "# users\nallow br0 user alice\ndeny br1 group ldap\n"),
	};
	struct fake_fs fs = FS(files);
	struct resolver res = { 0 };
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, IO_PLAIN, &err), 0);
	assert_int_equal(acl.n_rules, 3);
	assert_int_equal(acl_resolve(&acl, fake_resolve, &res, &err), -EAGAIN);
	assert_string_equal(err.file, "/etc/qemu/users.conf");
	assert_int_equal(err.line, 3);
	assert_msg("include", err.msg, "cannot look up group 'ldap'");
	acl_free(&acl);
	fs_done(&fs);
}

/* ---- glob includes ---- */

static void assert_rule_at(const struct acl *acl, size_t i, const char *file,
			   unsigned line, const char *target)
{
	if (i >= acl->n_rules)
		fail_msg("rule %zu of %zu", i, acl->n_rules);
	if (strcmp(acl->rules[i].file, file) != 0 ||
	    acl->rules[i].line != line ||
	    strcmp(acl->rules[i].target, target) != 0)
		fail_msg("rule %zu: %s:%u '%s', want %s:%u '%s'", i,
			 acl->rules[i].file, acl->rules[i].line,
			 acl->rules[i].target, file, line, target);
}

static void test_acl_glob_ok_sorted(void **state)
{
	/* Listed in any order, read in strcmp order. */
	static const char *const entries[] = {
		"b.conf", "10-x.conf", "a.conf", "B.conf", "2.conf", "a.conf.d",
	};
	static const struct fake_dir dirs[] = { DIR_(DDIR, entries) };
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\ninclude " DDIR "/*.conf\nallow br9\n"),
		FILE_(DDIR "/a.conf", "allow br-a\n"),
		FILE_(DDIR "/b.conf", "\nallow br-b\n"),
		FILE_(DDIR "/B.conf", "allow br-B\n"),
		FILE_(DDIR "/2.conf", "allow br-2\n"),
		FILE_(DDIR "/10-x.conf", "allow br-10\n"),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	struct acl_error err;
	struct acl acl;
	int rc;

	rc = load(&acl, &fs, IO_LIST, &err);
	if (rc)
		fail_msg("rc %d: %s:%u: %s", rc, err.file, err.line, err.msg);
	assert_int_equal(acl.n_rules, 7);
	assert_rule_at(&acl, 0, TOP, 1, "br0");
	assert_rule_at(&acl, 1, DDIR "/10-x.conf", 1, "br-10");
	assert_rule_at(&acl, 2, DDIR "/2.conf", 1, "br-2");
	assert_rule_at(&acl, 3, DDIR "/B.conf", 1, "br-B");
	assert_rule_at(&acl, 4, DDIR "/a.conf", 1, "br-a");
	assert_rule_at(&acl, 5, DDIR "/b.conf", 2, "br-b");
	assert_rule_at(&acl, 6, TOP, 3, "br9");
	assert_int_equal(fs.n_listed, 1);
	assert_string_equal(fs.listed[0], DDIR);
	/* The top file, then the five matches; never "a.conf.d". */
	assert_int_equal(fs.n_asked, 6);
	for (size_t i = 0; i < fs.n_asked; i++)
		assert_null(strstr(fs.asked[i], "a.conf.d"));
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_glob_ok_hidden_skipped(void **state)
{
	static const char *const entries[] = {
		".hidden.conf", "a.conf", ".conf", "..conf",
	};
	static const struct fake_dir dirs[] = { DIR_(DDIR, entries) };
	static const struct fake_file files[] = {
		FILE_(TOP, "include bridge.d/*.conf\n"),
		FILE_(DDIR "/a.conf", "allow br-a\n"),
		FILE_(DDIR "/.hidden.conf", "allow br-hidden\n"),
		FILE_(DDIR "/.conf", "allow br-dot\n"),
		FILE_(DDIR "/..conf", "allow br-dotdot\n"),
	};
	static const struct fake_file files_dot[] = {
		FILE_(TOP, "include bridge.d/.*.conf\n"),
		FILE_(DDIR "/a.conf", "allow br-a\n"),
		FILE_(DDIR "/.hidden.conf", "allow br-hidden\n"),
		FILE_(DDIR "/.conf", "allow br-dot\n"),
		FILE_(DDIR "/..conf", "allow br-dotdot\n"),
	};
	static const struct fake_file files_q[] = {
		FILE_(TOP, "include bridge.d/?*\n"),
		FILE_(DDIR "/a.conf", "allow br-a\n"),
		FILE_(DDIR "/.hidden.conf", "allow br-hidden\n"),
		FILE_(DDIR "/.conf", "allow br-dot\n"),
		FILE_(DDIR "/..conf", "allow br-dotdot\n"),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	struct fake_fs fs_dot = FS_DIRS(files_dot, dirs);
	struct fake_fs fs_q = FS_DIRS(files_q, dirs);
	struct acl_error err;
	struct acl acl;

	/* '*' does not match a leading '.'. */
	assert_int_equal(load(&acl, &fs, IO_LIST, &err), 0);
	assert_int_equal(acl.n_rules, 1);
	assert_rule_at(&acl, 0, DDIR "/a.conf", 1, "br-a");
	acl_free(&acl);
	fs_done(&fs);

	/* Nor does '?'. */
	assert_int_equal(load(&acl, &fs_q, IO_LIST, &err), 0);
	assert_int_equal(acl.n_rules, 1);
	assert_rule_at(&acl, 0, DDIR "/a.conf", 1, "br-a");
	acl_free(&acl);
	fs_done(&fs_q);

	/* A pattern starting with '.' does, in byte order. */
	assert_int_equal(load(&acl, &fs_dot, IO_LIST, &err), 0);
	assert_int_equal(acl.n_rules, 2);
	assert_rule_at(&acl, 0, DDIR "/..conf", 1, "br-dotdot");
	assert_rule_at(&acl, 1, DDIR "/.hidden.conf", 1, "br-hidden");
	acl_free(&acl);
	fs_done(&fs_dot);
}

static void test_acl_glob_ok_nonmatching_skipped(void **state)
{
	static const char *const entries[] = {
		"a.conf~", "README", "a.conf.dpkg-old", "#a.conf#", "a.CONF",
		"x.conf", "conf", "y.conf.rpmnew", ".x.conf.swp", "lab-1.conf",
	};
	static const struct fake_dir dirs[] = { DIR_(DDIR, entries) };
	static const struct fake_file files[] = {
		FILE_(TOP, "include " DDIR "/[a-z]*.conf\n"),
		FILE_(DDIR "/x.conf", "allow br-x\n"),
		FILE_(DDIR "/lab-1.conf", "allow lab-1\n"),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	struct acl_error err;
	struct acl acl;
	int rc;

	rc = load(&acl, &fs, IO_LIST, &err);
	if (rc)
		fail_msg("rc %d: %s:%u: %s", rc, err.file, err.line, err.msg);
	assert_int_equal(acl.n_rules, 2);
	assert_rule_at(&acl, 0, DDIR "/lab-1.conf", 1, "lab-1");
	assert_rule_at(&acl, 1, DDIR "/x.conf", 1, "br-x");
	assert_int_equal(fs.n_asked, 3);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_glob_ok_no_match(void **state)
{
	static const char *const entries[] = { "README", "a.txt" };
	static const struct fake_dir dirs[] = {
		DIR_(DDIR, entries),
		{ .path = "/etc/qemu/empty.d", .names = NULL, .n = 0 },
	};
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\ninclude " DDIR "/*.conf\n"
			   "include empty.d/*\nallow br1\n"),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, IO_LIST | IO_DIAG, &err), 0);
	assert_int_equal(acl.n_rules, 2);
	assert_rule_at(&acl, 1, TOP, 4, "br1");
	assert_int_equal(fs.n_listed, 2);
	assert_string_equal(fs.listed[1], "/etc/qemu/empty.d");
	/* No match is no problem: no warning either. */
	assert_int_equal(fs.n_diag, 0);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_glob_ok_missing_dir(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\ninclude /etc/qemu/nowhere.d/*.conf\nallow br1\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	/* Without diag: quietly nothing. */
	assert_int_equal(load(&acl, &fs, IO_LIST, &err), 0);
	assert_int_equal(acl.n_rules, 2);
	assert_int_equal(fs.n_listed, 1);
	assert_string_equal(fs.listed[0], "/etc/qemu/nowhere.d");
	acl_free(&acl);
	fs_done(&fs);

	/* With diag: a warning at the include line. */
	assert_int_equal(load(&acl, &fs, IO_LIST | IO_DIAG, &err), 0);
	assert_int_equal(acl.n_rules, 2);
	assert_int_equal(fs.n_diag, 1);
	assert_int_equal(fs.diag[0].sev, ACL_SEV_WARNING);
	assert_string_equal(fs.diag[0].e.file, TOP);
	assert_int_equal(fs.diag[0].e.line, 2);
	assert_msg("warning", fs.diag[0].e.msg,
		   "directory '/etc/qemu/nowhere.d' does not exist");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_glob_ok_eacces_dir(void **state)
{
	static const struct fake_dir dirs[] = {
		DIR_ERR(DDIR, -EACCES, NULL),
	};
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\n\ninclude bridge.d/*.conf\nallow br1\n"),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, IO_LIST, &err), 0);
	assert_int_equal(acl.n_rules, 2);
	acl_free(&acl);
	fs_done(&fs);

	assert_int_equal(load(&acl, &fs, IO_LIST | IO_DIAG, &err), 0);
	assert_int_equal(acl.n_rules, 2);
	assert_int_equal(fs.n_diag, 1);
	assert_int_equal(fs.diag[0].sev, ACL_SEV_WARNING);
	assert_string_equal(fs.diag[0].e.file, TOP);
	assert_int_equal(fs.diag[0].e.line, 3);
	assert_msg("warning", fs.diag[0].e.msg, "skipped '" DDIR "/*.conf'");
	assert_msg("warning", fs.diag[0].e.msg, "may not list '" DDIR "'");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_glob_ok_matched_file_eacces(void **state)
{
	/* A match the caller may not read is skipped like any include. */
	static const char *const entries[] = { "a.conf", "b.conf" };
	static const struct fake_dir dirs[] = { DIR_(DDIR, entries) };
	static const struct fake_file files[] = {
		FILE_(TOP, "include bridge.d/*.conf\n"),
		FILE_ERR(DDIR "/a.conf", -EACCES, NULL),
		FILE_(DDIR "/b.conf", "allow br-b\n"),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, IO_LIST | IO_DIAG, &err), 0);
	assert_int_equal(acl.n_rules, 1);
	assert_rule_at(&acl, 0, DDIR "/b.conf", 1, "br-b");
	assert_int_equal(fs.n_diag, 1);
	assert_int_equal(fs.diag[0].sev, ACL_SEV_WARNING);
	assert_int_equal(fs.diag[0].e.line, 1);
	assert_msg("warning", fs.diag[0].e.msg, "skipped '" DDIR "/a.conf'");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_glob_nok_lister_error(void **state)
{
	static const struct {
		int rc;
		const char *lister_msg;
		const char *want;
	} cases[] = {
		{ -EPERM, "'" DDIR "' is writable by group or others, mode 0777 (fix: chmod go-w)",
		  "cannot include '" DDIR "/*.conf': '" DDIR "' is writable by group or others" },
		{ -ENOTDIR, "'" DDIR "' is not a directory", "is not a directory" },
		{ -EIO, NULL, "cannot include '" DDIR "/*.conf': Input/output error" },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct fake_dir dirs[] = {
			DIR_ERR(DDIR, cases[i].rc, cases[i].lister_msg),
		};
		static const struct fake_file files[] = {
			FILE_(TOP, "allow br0\ninclude bridge.d/*.conf # drop-ins\n"),
		};
		struct fake_fs fs = FS_DIRS(files, dirs);
		struct acl_error err;
		struct acl acl;

		assert_int_equal(load(&acl, &fs, IO_LIST, &err), cases[i].rc);
		assert_string_equal(err.file, TOP);
		assert_int_equal(err.line, 2);
		assert_msg("lister", err.msg, cases[i].want);
		assert_empty(&acl);
		fs_done(&fs);
	}
}

static void test_acl_glob_nok_dir_component(void **state)
{
	static const struct bad_case cases[] = {
		BAD("include /etc/qemu/*/x.conf\n", -EINVAL, 1,
		    "include '/etc/qemu/*/x.conf': a pattern may only be in the last component"),
		BAD("include /etc/q?emu/a.conf\n", -EINVAL, 1,
		    "a pattern may only be in the last component"),
		BAD("allow br0\ninclude bridge.d/[ab]/*.conf\n", -EINVAL, 2,
		    "a pattern may only be in the last component"),
		BAD("include d\\x/a.conf\n", -EINVAL, 1,
		    "a pattern may only be in the last component"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_glob_nok_bad_pattern(void **state)
{
	static const struct bad_case cases[] = {
		BAD("include bridge.d/[a.conf\n", -EINVAL, 1,
		    "bad pattern: a '[' without its ']'"),
		BAD("include bridge.d/[z-a].conf\n", -EINVAL, 1,
		    "bad pattern: a range whose end comes before its start"),
		BAD("include bridge.d/a\\\n", -EINVAL, 1, "bad pattern"),
	};

	check_bad(cases, N_ELEMS(cases));
}

static void test_acl_glob_ok_relative(void **state)
{
	/* Relative to the including file, also from an included one. */
	static const char *const top_entries[] = { "a.conf" };
	static const char *const sub_entries[] = { "z.conf", "y.conf" };
	static const struct fake_dir dirs[] = {
		DIR_(DDIR, top_entries),
		DIR_("/etc/qemu/bridge.d/sub", sub_entries),
	};
	static const struct fake_file files[] = {
		FILE_(TOP, "include bridge.d/*.conf\n"),
		FILE_(DDIR "/a.conf", "allow br-a\ninclude sub/*.conf\n"),
		FILE_(DDIR "/sub/y.conf", "allow br-y\n"),
		FILE_(DDIR "/sub/z.conf", "\n\nallow br-z\n"),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	struct acl_error err;
	struct acl acl;
	int rc;

	rc = load(&acl, &fs, IO_LIST, &err);
	if (rc)
		fail_msg("rc %d: %s:%u: %s", rc, err.file, err.line, err.msg);
	assert_int_equal(fs.n_listed, 2);
	assert_string_equal(fs.listed[0], DDIR);
	assert_string_equal(fs.listed[1], DDIR "/sub");
	assert_int_equal(acl.n_rules, 3);
	assert_rule_at(&acl, 0, DDIR "/a.conf", 1, "br-a");
	assert_rule_at(&acl, 1, DDIR "/sub/y.conf", 1, "br-y");
	assert_rule_at(&acl, 2, DDIR "/sub/z.conf", 3, "br-z");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_glob_ok_root_dir(void **state)
{
	static const char *const entries[] = { "etc", "x.acl" };
	static const struct fake_dir dirs[] = { DIR_("/", entries) };
	static const struct fake_file files[] = {
		FILE_(TOP, "include /*.acl\n"),
		FILE_("/x.acl", "allow br-x\n"),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, IO_LIST, &err), 0);
	assert_int_equal(fs.n_listed, 1);
	assert_string_equal(fs.listed[0], "/");
	assert_int_equal(acl.n_rules, 1);
	assert_rule_at(&acl, 0, "/x.acl", 1, "br-x");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_glob_nok_no_lister(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\ninclude bridge.d/*.conf\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, IO_PLAIN, &err), -ENOTSUP);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, 2);
	assert_msg("no lister", err.msg, "patterns are not supported here");
	assert_empty(&acl);
	fs_done(&fs);
}

static void test_acl_glob_nok_error_in_match(void **state)
{
	static const char *const entries[] = { "a.conf", "b.conf", "c.conf" };
	static const struct fake_dir dirs[] = { DIR_(DDIR, entries) };
	static const struct fake_file files[] = {
		FILE_(TOP, "include bridge.d/*.conf\n"),
		FILE_(DDIR "/a.conf", "allow br-a\n"),
		FILE_(DDIR "/b.conf", "allow br-b\n\ndeny br-b max 2\n"),
		FILE_(DDIR "/c.conf", "allow br-c\n"),
	};
	static const struct fake_file files_gone[] = {
		FILE_(TOP, "\ninclude bridge.d/*.conf\n"),
		FILE_(DDIR "/a.conf", "allow br-a\n"),
		/* b.conf listed, then gone. */
		FILE_(DDIR "/c.conf", "allow br-c\n"),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	struct fake_fs gone = FS_DIRS(files_gone, dirs);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, IO_LIST, &err), -EINVAL);
	assert_string_equal(err.file, DDIR "/b.conf");
	assert_int_equal(err.line, 3);
	assert_msg("match", err.msg, "'max' is only for allow rules");
	assert_empty(&acl);
	/* c.conf was never read. */
	for (size_t i = 0; i < fs.n_asked; i++)
		assert_null(strstr(fs.asked[i], "c.conf"));
	fs_done(&fs);

	assert_int_equal(load(&acl, &gone, IO_LIST, &err), -ENOENT);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, 2);
	assert_msg("gone", err.msg, "included file '" DDIR "/b.conf' does not exist");
	assert_empty(&acl);
	fs_done(&gone);
}

static void test_acl_glob_nok_too_many(void **state)
{
	/* ACL_MAX_GLOB + 1 matches, among 500 entries that do not match. */
	enum { N = ACL_MAX_GLOB + 1, TOTAL = ACL_MAX_GLOB + 1 + 500 };
	char **names = calloc(TOTAL, sizeof(*names));
	struct fake_dir dir = { .path = DDIR, .n = TOTAL };
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\ninclude bridge.d/*.conf\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;
	size_t matching = 0;
	int rc;

	assert_non_null(names);
	for (size_t i = 0; i < TOTAL; i++) {
		bool txt = i % 3 == 1 && i < 1500;   /* 500 of them */

		names[i] = malloc(32);
		assert_non_null(names[i]);
		snprintf(names[i], 32, "f%04zu.%s", i, txt ? "txt" : "conf");
		matching += !txt;
	}
	assert_int_equal(matching, N);
	dir.names = (const char *const *)names;
	fs.dirs = &dir;
	fs.n_dirs = 1;

	assert_int_equal(load(&acl, &fs, IO_LIST, &err), -E2BIG);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, 2);
	assert_msg("too many", err.msg, "matches more than 1024 files");
	assert_empty(&acl);
	/* Nothing was read but the top file. */
	assert_int_equal(fs.n_asked, 1);
	fs_done(&fs);

	/* Exactly ACL_MAX_GLOB matches pass the glob: the first match is
	 * read (and is missing here, which is another error). */
	snprintf(names[0], 32, "f0000.txt");
	rc = load(&acl, &fs, IO_LIST, &err);
	assert_int_equal(rc, -ENOENT);
	assert_null(strstr(err.msg, "matches more than"));
	assert_msg("first match", err.msg, "'" DDIR "/f0002.conf' does not exist");
	assert_empty(&acl);
	fs_done(&fs);

	for (size_t i = 0; i < TOTAL; i++)
		free(names[i]);
	free(names);
}

/* ---- diagnostics mode ---- */

static void test_acl_diag_ok_collects_errors(void **state)
{
	static const struct fake_file files[] = {
		FILE_(TOP,
		      "allow br0 user alice\n"        /* 1: good */
		      "allow br1 max 0\n"             /* 2: EINVAL */
		      "deny br2 max 3\n"              /* 3: EINVAL */
		      "allow br3 group staff max 2\n" /* 4: good */
		      "allow br4 max 5000\n"          /* 5: ERANGE */
		      "bogus\n"                       /* 6: EINVAL */
		      "allow br/*\n"                  /* 7: EINVAL */
		      "deny lab-*\n"),                /* 8: good */
	};
	struct fake_fs fs = FS(files);
	static const struct {
		unsigned line;
		const char *msg;
	} want[] = {
		{ 2, "'max 0'" },
		{ 3, "'max' is only for allow rules" },
		{ 5, "invalid max '5000'" },
		{ 6, "unknown keyword 'bogus'" },
		{ 7, "can never match a bridge" },
	};
	struct acl_error err;
	struct acl acl;

	/* The first error's code and place, all errors reported. */
	assert_int_equal(load(&acl, &fs, IO_DIAG, &err), -EINVAL);
	assert_string_equal(err.file, TOP);
	assert_int_equal(err.line, 2);
	assert_msg("first", err.msg, "'max 0'");
	assert_int_equal(fs.n_diag, N_ELEMS(want));
	for (size_t i = 0; i < N_ELEMS(want); i++) {
		assert_int_equal(fs.diag[i].sev, ACL_SEV_ERROR);
		assert_string_equal(fs.diag[i].e.file, TOP);
		if (fs.diag[i].e.line != want[i].line)
			fail_msg("diag %zu: line %u, want %u", i,
				 fs.diag[i].e.line, want[i].line);
		assert_msg("diag", fs.diag[i].e.msg, want[i].msg);
	}
	/* The good lines' rules are kept. */
	assert_int_equal(acl.n_rules, 3);
	assert_rule_at(&acl, 0, TOP, 1, "br0");
	assert_rule_at(&acl, 1, TOP, 4, "br3");
	assert_int_equal(acl.rules[1].max, 2);
	assert_rule_at(&acl, 2, TOP, 8, "lab-*");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_diag_ok_first_error_code(void **state)
{
	/* The first error decides the code, not the worst or the last. */
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0 max 4097\nallow br1 max 0\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, IO_DIAG, &err), -ERANGE);
	assert_int_equal(err.line, 1);
	assert_msg("first", err.msg, "invalid max '4097'");
	assert_int_equal(fs.n_diag, 2);
	assert_int_equal(acl.n_rules, 0);
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_diag_ok_errors_in_includes(void **state)
{
	static const char *const entries[] = { "b.conf", "a.conf", "c.conf" };
	static const struct fake_dir dirs[] = { DIR_(DDIR, entries) };
	static const struct fake_file files[] = {
		FILE_(TOP,
		      "allow br0\n"                       /* 1 */
		      "include bridge.d/*.conf\n"         /* 2 */
		      "include missing.conf\n"            /* 3: ENOENT */
		      "allow br1 user a user b\n"         /* 4: EINVAL */
		      "include secret.conf\n"             /* 5: warning */
		      "allow br9\n"),                     /* 6 */
		FILE_(DDIR "/a.conf", "allow br-a\nallow br-a2 bad\n"),
		FILE_(DDIR "/b.conf", "\ndeny br-b max 1\ndeny br-b2\n"),
		FILE_(DDIR "/c.conf", "allow br-c user 4294967295\nallow br-c2\n"),
		FILE_ERR("/etc/qemu/secret.conf", -EACCES, NULL),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	static const struct {
		enum acl_severity sev;
		const char *file;
		unsigned line;
		const char *msg;
	} want[] = {
		{ ACL_SEV_ERROR, DDIR "/a.conf", 2, "unknown word 'bad'" },
		{ ACL_SEV_ERROR, DDIR "/b.conf", 2, "'max' is only for allow rules" },
		{ ACL_SEV_ERROR, DDIR "/c.conf", 1, "that is -1" },
		{ ACL_SEV_ERROR, TOP, 3, "included file '/etc/qemu/missing.conf' does not exist" },
		{ ACL_SEV_ERROR, TOP, 4, "'user' given twice" },
		{ ACL_SEV_WARNING, TOP, 5, "skipped '/etc/qemu/secret.conf'" },
	};
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, IO_LIST | IO_DIAG, &err), -EINVAL);
	/* The first error, in the first file read. */
	assert_string_equal(err.file, DDIR "/a.conf");
	assert_int_equal(err.line, 2);
	if (fs.n_diag != N_ELEMS(want))
		fail_msg("%zu reports, want %zu", fs.n_diag, N_ELEMS(want));
	for (size_t i = 0; i < N_ELEMS(want); i++) {
		const struct diag_rec *d = &fs.diag[i];

		if (d->sev != want[i].sev || strcmp(d->e.file, want[i].file) != 0 ||
		    d->e.line != want[i].line || !strstr(d->e.msg, want[i].msg))
			fail_msg("diag %zu: %d %s:%u: %s; want %d %s:%u: ...%s...",
				 i, (int)d->sev, d->e.file, d->e.line, d->e.msg,
				 (int)want[i].sev, want[i].file, want[i].line,
				 want[i].msg);
	}
	/* Good rules from every file, in reading order. */
	assert_int_equal(acl.n_rules, 5);
	assert_rule_at(&acl, 0, TOP, 1, "br0");
	assert_rule_at(&acl, 1, DDIR "/a.conf", 1, "br-a");
	assert_rule_at(&acl, 2, DDIR "/b.conf", 3, "br-b2");
	assert_rule_at(&acl, 3, DDIR "/c.conf", 2, "br-c2");
	assert_rule_at(&acl, 4, TOP, 6, "br9");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_diag_ok_warnings_only(void **state)
{
	static const struct fake_dir dirs[] = {
		DIR_ERR("/etc/qemu/locked.d", -EACCES, NULL),
	};
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\n"
			   "include group-only.conf\n"
			   "include locked.d/*.conf\n"
			   "include nowhere.d/*.conf\n"
			   "allow br1\n"),
		FILE_ERR("/etc/qemu/group-only.conf", -EACCES, NULL),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	struct acl_error err;
	struct acl acl;

	/* Warnings alone do not fail the load. */
	assert_int_equal(load(&acl, &fs, IO_LIST | IO_DIAG, &err), 0);
	assert_int_equal(acl.n_rules, 2);
	assert_int_equal(fs.n_diag, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(fs.diag[i].sev, ACL_SEV_WARNING);
		assert_string_equal(fs.diag[i].e.file, TOP);
		assert_int_equal(fs.diag[i].e.line, i + 2);
	}
	assert_msg("w1", fs.diag[0].e.msg, "this caller may not read it");
	assert_msg("w2", fs.diag[1].e.msg, "may not list '/etc/qemu/locked.d'");
	assert_msg("w3", fs.diag[2].e.msg, "does not exist, so nothing matches");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_diag_ok_glob_goes_on(void **state)
{
	/* In diag mode every match is read, also after a broken one. */
	static const char *const entries[] = { "a.conf", "b.conf", "c.conf" };
	static const struct fake_dir dirs[] = { DIR_(DDIR, entries) };
	static const struct fake_file files[] = {
		FILE_(TOP, "include bridge.d/*.conf\n"),
		FILE_(DDIR "/a.conf", "allow br-a max 0\n"),
		FILE_ERR(DDIR "/b.conf", -EPERM, "'" DDIR "/b.conf' is owned by uid 1000, not root"),
		FILE_(DDIR "/c.conf", "allow br-c\n"),
	};
	struct fake_fs fs = FS_DIRS(files, dirs);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, IO_LIST | IO_DIAG, &err), -EINVAL);
	assert_string_equal(err.file, DDIR "/a.conf");
	assert_int_equal(err.line, 1);
	assert_int_equal(fs.n_diag, 2);
	assert_string_equal(fs.diag[1].e.file, TOP);
	assert_int_equal(fs.diag[1].e.line, 1);
	assert_msg("b", fs.diag[1].e.msg, "owned by uid 1000");
	assert_int_equal(acl.n_rules, 1);
	assert_rule_at(&acl, 0, DDIR "/c.conf", 1, "br-c");
	acl_free(&acl);
	fs_done(&fs);
}

static void test_acl_diag_ok_without_diag_empties(void **state)
{
	/* The same file without diag: first error, nothing kept, and
	 * no callback to call. */
	static const struct fake_file files[] = {
		FILE_(TOP, "allow br0\nallow br1 user\nallow br2\nfoo\n"),
	};
	struct fake_fs fs = FS(files);
	struct acl_error err;
	struct acl acl;

	assert_int_equal(load(&acl, &fs, IO_PLAIN, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_empty(&acl);
	assert_int_equal(fs.n_diag, 0);
	fs_done(&fs);

	assert_int_equal(load(&acl, &fs, IO_DIAG, &err), -EINVAL);
	assert_int_equal(err.line, 2);
	assert_int_equal(fs.n_diag, 2);
	assert_int_equal(acl.n_rules, 2);
	acl_free(&acl);
	fs_done(&fs);
}

/* ---- acl_rule_format ---- */

static void test_acl_rule_format_ok_table(void **state)
{
	static const struct {
		const char *line;
		const char *want;
	} cases[] = {
		{ "allow lab-* group students max 3", "allow lab-* group students max 3" },
		{ "allow br0", "allow br0" },
		{ "deny all", "deny all" },
		{ "allow all user 1000", "allow all user 1000" },
		{ "deny br[0-9] user bob group 0", "deny br[0-9] user bob group 0" },
		/* Qualifiers in a fixed order, spacing normalized. */
		{ "allow\tbr0  max 2 group staff\tuser alice # c",
		  "allow br0 user alice group staff max 2" },
		{ "allow br0 user host$ max 4096", "allow br0 user host$ max 4096" },
		/* Display escaping of the target. */
		{ "allow br\xc3\xa9", "allow br\\xc3\\xa9" },
		{ "allow br\\*", "allow br\\\\*" },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct acl_error err;
		struct acl acl;
		char out[512];
		char *ret;

		assert_int_equal(parse(&acl, cases[i].line,
				       strlen(cases[i].line), &err), 0);
		assert_int_equal(acl.n_rules, 1);
		memset(out, 'X', sizeof(out));
		ret = acl_rule_format(&acl.rules[0], out, sizeof(out));
		assert_ptr_equal(ret, out);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: \"%s\", want \"%s\"", i, out,
				 cases[i].want);
		acl_free(&acl);
	}
}

static void test_acl_rule_format_ok_small_buffer(void **state)
{
	struct acl acl;
	char out[12];

	parse_resolve(&acl, "allow lab-* group students max 3\n");
	memset(out, 'X', sizeof(out));
	assert_ptr_equal(acl_rule_format(&acl.rules[0], out, sizeof(out)), out);
	/* Cut, but terminated within the buffer. */
	assert_non_null(memchr(out, '\0', sizeof(out)));
	assert_string_equal(out, "allow lab-*");
	/* Resolving does not change what is shown. */
	{
		char big[128];

		acl_rule_format(&acl.rules[0], big, sizeof(big));
		assert_string_equal(big, "allow lab-* group students max 3");
	}
	acl_free(&acl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_rules_ok_old_one_name_files),
		cmocka_unit_test(test_acl_rules_ok_targets),
		cmocka_unit_test(test_acl_rules_ok_qualifiers),
		cmocka_unit_test(test_acl_rules_ok_line_numbers),
		cmocka_unit_test(test_acl_rules_nok_unknown_keyword),
		cmocka_unit_test(test_acl_rules_nok_unknown_qualifier),
		cmocka_unit_test(test_acl_rules_nok_qualifier_without_value),
		cmocka_unit_test(test_acl_rules_nok_repeated_qualifier),
		cmocka_unit_test(test_acl_rules_nok_max_on_deny),
		cmocka_unit_test(test_acl_rules_nok_bad_max),
		cmocka_unit_test(test_acl_rules_nok_bad_ids),
		cmocka_unit_test(test_acl_rules_nok_bad_names),
		cmocka_unit_test(test_acl_rules_nok_bad_patterns),
		cmocka_unit_test(test_acl_rules_nok_bad_bridge_names),
		cmocka_unit_test(test_acl_rules_nok_too_many_words),
		cmocka_unit_test(test_acl_rules_nok_first_error_stops),
		cmocka_unit_test(test_acl_decide_ok_user_uid),
		cmocka_unit_test(test_acl_decide_ok_group_gid),
		cmocka_unit_test(test_acl_decide_ok_group_supplementary),
		cmocka_unit_test(test_acl_decide_ok_user_and_group),
		cmocka_unit_test(test_acl_decide_ok_unresolved_matches_nobody),
		cmocka_unit_test(test_acl_decide_ok_numeric_without_resolve),
		cmocka_unit_test(test_acl_decide_ok_deny_user_wins),
		cmocka_unit_test(test_acl_decide_ok_pattern_vs_name),
		cmocka_unit_test(test_acl_decide_ok_max_largest),
		cmocka_unit_test(test_acl_decide_ok_max_unlimited_wins),
		cmocka_unit_test(test_acl_decide_ok_max_with_deny),
		cmocka_unit_test(test_acl_rule_matches_ok_table),
		cmocka_unit_test(test_acl_resolve_ok_names),
		cmocka_unit_test(test_acl_resolve_ok_kinds_not_mixed),
		cmocka_unit_test(test_acl_resolve_ok_enoent),
		cmocka_unit_test(test_acl_resolve_ok_many_rules),
		cmocka_unit_test(test_acl_resolve_ok_no_rules),
		cmocka_unit_test(test_acl_resolve_nok_lookup_error),
		cmocka_unit_test(test_acl_resolve_nok_lookup_error_in_include),
		cmocka_unit_test(test_acl_resolve_each_ok_every_name_told),
		cmocka_unit_test(test_acl_resolve_each_ok_no_failure),
		cmocka_unit_test(test_acl_resolve_nok_positive_return),
		cmocka_unit_test(test_acl_glob_ok_sorted),
		cmocka_unit_test(test_acl_glob_ok_hidden_skipped),
		cmocka_unit_test(test_acl_glob_ok_nonmatching_skipped),
		cmocka_unit_test(test_acl_glob_ok_no_match),
		cmocka_unit_test(test_acl_glob_ok_missing_dir),
		cmocka_unit_test(test_acl_glob_ok_eacces_dir),
		cmocka_unit_test(test_acl_glob_ok_matched_file_eacces),
		cmocka_unit_test(test_acl_glob_nok_lister_error),
		cmocka_unit_test(test_acl_glob_nok_dir_component),
		cmocka_unit_test(test_acl_glob_nok_bad_pattern),
		cmocka_unit_test(test_acl_glob_ok_relative),
		cmocka_unit_test(test_acl_glob_ok_root_dir),
		cmocka_unit_test(test_acl_glob_nok_no_lister),
		cmocka_unit_test(test_acl_glob_nok_error_in_match),
		cmocka_unit_test(test_acl_glob_nok_too_many),
		cmocka_unit_test(test_acl_diag_ok_collects_errors),
		cmocka_unit_test(test_acl_diag_ok_first_error_code),
		cmocka_unit_test(test_acl_diag_ok_errors_in_includes),
		cmocka_unit_test(test_acl_diag_ok_warnings_only),
		cmocka_unit_test(test_acl_diag_ok_glob_goes_on),
		cmocka_unit_test(test_acl_diag_ok_without_diag_empties),
		cmocka_unit_test(test_acl_rule_format_ok_table),
		cmocka_unit_test(test_acl_rule_format_ok_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
