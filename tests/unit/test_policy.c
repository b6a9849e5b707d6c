// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_policy.c - the ACL as one grant sees it (helper/policy.c): the
 * decision on the kernel's canonical name when a bridge was asked for
 * by an altname, the exit status of every bridge state and verdict,
 * the loading of the system ACL through a reader, and its error text.
 *
 * ACLs are parsed from memory; user and group qualifiers are numeric,
 * so no user database is asked, except by the policy_load() cases,
 * which resolve through the real one ("root" exists everywhere).
 */
#define _GNU_SOURCE
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
#include "bridge.h"
#include "child.h"
#include "policy.h"
#include "tapgate.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* No includes in these ACLs: a read is a test bug. */
static int no_read(void *ctx, const char *path, struct acl_source *src,
		   struct acl_error *err)
{
	fail_msg("unexpected read of %s", path);
	return -EIO;
}

static void parse_acl(struct acl *acl, const char *text)
{
	struct acl_io io = { .read = no_read };
	struct acl_error err = { 0 };
	int rc;

	acl_init(acl);
	rc = acl_parse(acl, TAPGATE_ACL_PATH, text, strlen(text), &io, &err);
	if (rc != 0)
		fail_msg("acl does not parse (%d): %s:%u: %s\n%s", rc,
			 err.file, err.line, err.msg, text);
}

/* A request as bridge_lookup() leaves it. */
static struct bridge make_bridge(enum bridge_state state,
				 const char *requested, const char *canonical)
{
	struct bridge br;

	memset(&br, 0, sizeof(br));
	br.state = state;
	snprintf(br.requested, sizeof(br.requested), "%s", requested);
	snprintf(br.requested_shown, sizeof(br.requested_shown), "%s",
		 requested);
	if (state == BRIDGE_OK) {
		snprintf(br.name, sizeof(br.name), "%s", canonical);
		snprintf(br.shown, sizeof(br.shown), "%s", canonical);
		br.by_altname = strcmp(requested, canonical) != 0;
		br.ifindex = 7;
	}
	return br;
}

static const uint32_t alice_groups[] = { 100, 3000 };
/* uid 1000, primary group 1000, in groups 100 and 3000. */
static const struct acl_subject alice = {
	.uid = 1000, .gid = 1000, .groups = alice_groups, .n_groups = 2,
};

struct decide_case {
	const char *what;
	const char *acl;
	enum bridge_state state;
	const char *requested;
	const char *canonical;    /* BRIDGE_OK only */
	enum acl_verdict want;
	unsigned want_line;       /* deciding rule's line; 0: no rule */
	unsigned want_max;
};

static void check_decide(const struct decide_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct bridge br = make_bridge(c[i].state, c[i].requested,
					       c[i].canonical);
		struct acl_decision d;
		struct acl acl;

		parse_acl(&acl, c[i].acl);
		memset(&d, 0xa5, sizeof(d));
		policy_decide(&acl, &alice, &br, &d);
		if (d.verdict != c[i].want)
			fail_msg("%s: verdict %d, want %d", c[i].what,
				 (int)d.verdict, (int)c[i].want);
		if (c[i].want_line == 0 && d.rule != NULL)
			fail_msg("%s: decided by line %u, want no rule",
				 c[i].what, d.rule->line);
		if (c[i].want_line != 0 &&
		    (d.rule == NULL || d.rule->line != c[i].want_line))
			fail_msg("%s: decided by line %u, want %u", c[i].what,
				 d.rule ? d.rule->line : 0, c[i].want_line);
		if (c[i].want == ACL_VERDICT_ALLOW && d.max != c[i].want_max)
			fail_msg("%s: max %u, want %u", c[i].what, d.max,
				 c[i].want_max);
		acl_free(&acl);
	}
}

static void test_policy_decide_ok_canonical_name(void **state)
{
	static const struct decide_case cases[] = {
		{ "allowed by name", "allow br0\n", BRIDGE_OK, "br0", "br0",
		  ACL_VERDICT_ALLOW, 1, 0 },
		{ "allowed by all, with max", "allow all max 3\n", BRIDGE_OK,
		  "br0", "br0", ACL_VERDICT_ALLOW, 1, 3 },
		{ "allowed for a supplementary group",
		  "allow br0 group 3000 max 2\n", BRIDGE_OK, "br0", "br0",
		  ACL_VERDICT_ALLOW, 1, 2 },
		{ "deny of another user does not apply",
		  "allow br0\ndeny br0 user 1001\n", BRIDGE_OK, "br0", "br0",
		  ACL_VERDICT_ALLOW, 1, 0 },
	};

	check_decide(cases, N_ELEMS(cases));
}

static void test_policy_decide_nok_canonical_name(void **state)
{
	static const struct decide_case cases[] = {
		{ "nothing allows", "allow br1\n", BRIDGE_OK, "br0", "br0",
		  ACL_VERDICT_DENY_DEFAULT, 0, 0 },
		{ "empty acl", "", BRIDGE_OK, "br0", "br0",
		  ACL_VERDICT_DENY_DEFAULT, 0, 0 },
		{ "deny wins over allow", "allow all\ndeny br0\n", BRIDGE_OK,
		  "br0", "br0", ACL_VERDICT_DENY_RULE, 2, 0 },
		{ "deny of the caller's uid", "allow br0\ndeny br0 user 1000\n",
		  BRIDGE_OK, "br0", "br0", ACL_VERDICT_DENY_RULE, 2, 0 },
		{ "allow of another group", "allow br0 group 1001\n",
		  BRIDGE_OK, "br0", "br0", ACL_VERDICT_DENY_DEFAULT, 0, 0 },
	};

	check_decide(cases, N_ELEMS(cases));
}

/* Asked for by altname "lan" of bridge "br0". */
static void test_policy_decide_ok_altname(void **state)
{
	static const struct decide_case cases[] = {
		{ "canonical allowed, altname not named", "allow br0 max 2\n",
		  BRIDGE_OK, "lan", "br0", ACL_VERDICT_ALLOW, 1, 2 },
		{ "canonical allowed by all", "allow all\n", BRIDGE_OK, "lan",
		  "br0", ACL_VERDICT_ALLOW, 1, 0 },
		{ "deny of the altname for another user",
		  "allow br0\ndeny lan user 1001\n", BRIDGE_OK, "lan", "br0",
		  ACL_VERDICT_ALLOW, 1, 0 },
		{ "deny of the canonical name for another group",
		  "allow all\ndeny br0 group 5\n", BRIDGE_OK, "lan", "br0",
		  ACL_VERDICT_ALLOW, 1, 0 },
		/* The altname's own allow neither grants nor raises the
		 * limit: the canonical name's rules do. */
		{ "an allow of the altname does not raise max",
		  "allow br0 max 2\nallow lan max 9\n", BRIDGE_OK, "lan",
		  "br0", ACL_VERDICT_ALLOW, 1, 2 },
		{ "an allow of the altname does not lift max",
		  "allow lan\nallow br0 max 4\n", BRIDGE_OK, "lan", "br0",
		  ACL_VERDICT_ALLOW, 2, 4 },
	};

	check_decide(cases, N_ELEMS(cases));
}

static void test_policy_decide_nok_altname(void **state)
{
	static const struct decide_case cases[] = {
		/* A deny naming the altname refuses although the canonical
		 * name is allowed: the original, which knew only names,
		 * would have refused it too. */
		{ "deny of the altname", "allow br0\ndeny lan\n", BRIDGE_OK,
		  "lan", "br0", ACL_VERDICT_DENY_RULE, 2, 0 },
		{ "deny of the altname before the allow",
		  "deny lan\nallow br0\n", BRIDGE_OK, "lan", "br0",
		  ACL_VERDICT_DENY_RULE, 1, 0 },
		{ "deny of the altname, allow all",
		  "allow all\ndeny lan\n", BRIDGE_OK, "lan", "br0",
		  ACL_VERDICT_DENY_RULE, 2, 0 },
		{ "deny of a pattern matching the altname",
		  "allow br0\ndeny la*\n", BRIDGE_OK, "lan", "br0",
		  ACL_VERDICT_DENY_RULE, 2, 0 },
		{ "deny of the altname for the caller's group",
		  "allow br0\ndeny lan group 100\n", BRIDGE_OK, "lan", "br0",
		  ACL_VERDICT_DENY_RULE, 2, 0 },
		/* An allow naming only the altname does not allow. */
		{ "allow of the altname only", "allow lan\n", BRIDGE_OK, "lan",
		  "br0", ACL_VERDICT_DENY_DEFAULT, 0, 0 },
		{ "allow of a pattern matching only the altname",
		  "allow la*\n", BRIDGE_OK, "lan", "br0",
		  ACL_VERDICT_DENY_DEFAULT, 0, 0 },
		{ "allow of the altname, deny of the canonical name",
		  "allow lan\ndeny br0\n", BRIDGE_OK, "lan", "br0",
		  ACL_VERDICT_DENY_RULE, 2, 0 },
		{ "allow of the altname, canonical allowed for others",
		  "allow lan\nallow br0 user 1001\n", BRIDGE_OK, "lan", "br0",
		  ACL_VERDICT_DENY_DEFAULT, 0, 0 },
	};

	check_decide(cases, N_ELEMS(cases));
}

/* No such bridge: the decision is on the name as asked (--explain
 * shows it); policy_status() ends it with EXIT_BRIDGE all the same. */
static void test_policy_decide_ok_missing_bridge(void **state)
{
	static const struct decide_case cases[] = {
		{ "missing, allowed by name", "allow nosuch\n", BRIDGE_MISSING,
		  "nosuch", NULL, ACL_VERDICT_ALLOW, 1, 0 },
		{ "not a bridge, denied by name", "allow all\ndeny eth0\n",
		  BRIDGE_NOT_A_BRIDGE, "eth0", NULL, ACL_VERDICT_DENY_RULE,
		  2, 0 },
		{ "missing, nothing allows", "allow br0\n", BRIDGE_MISSING,
		  "nosuch", NULL, ACL_VERDICT_DENY_DEFAULT, 0, 0 },
	};

	check_decide(cases, N_ELEMS(cases));
}

/* Every bridge state with every verdict: the bridge is checked first,
 * as the grant resolves it before it decides. */
static void test_policy_status_ok_every_state_and_verdict(void **state)
{
	static const struct {
		enum bridge_state state;
		enum acl_verdict verdict;
		int want;
	} cases[] = {
		{ BRIDGE_OK, ACL_VERDICT_ALLOW, EXIT_GRANTED },
		{ BRIDGE_OK, ACL_VERDICT_DENY_RULE, EXIT_DENIED },
		{ BRIDGE_OK, ACL_VERDICT_DENY_DEFAULT, EXIT_DENIED },
		{ BRIDGE_MISSING, ACL_VERDICT_ALLOW, EXIT_BRIDGE },
		{ BRIDGE_MISSING, ACL_VERDICT_DENY_RULE, EXIT_BRIDGE },
		{ BRIDGE_MISSING, ACL_VERDICT_DENY_DEFAULT, EXIT_BRIDGE },
		{ BRIDGE_NOT_A_BRIDGE, ACL_VERDICT_ALLOW, EXIT_BRIDGE },
		{ BRIDGE_NOT_A_BRIDGE, ACL_VERDICT_DENY_RULE, EXIT_BRIDGE },
		{ BRIDGE_NOT_A_BRIDGE, ACL_VERDICT_DENY_DEFAULT, EXIT_BRIDGE },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct bridge br = make_bridge(cases[i].state, "br0", "br0");
		struct acl_decision d = { .verdict = cases[i].verdict };
		int got = policy_status(&br, &d);

		if (got != cases[i].want)
			fail_msg("state %d, verdict %d: status %d, want %d",
				 (int)cases[i].state, (int)cases[i].verdict,
				 got, cases[i].want);
	}
}

/* ---- policy_load(): the system ACL through the caller's reader ---- */

struct one_file {
	const char *data;
	int rc;                   /* < 0: fail with it */
	unsigned reads;
};

static int one_read(void *ctx, const char *path, struct acl_source *src,
		    struct acl_error *err)
{
	struct one_file *f = ctx;

	f->reads++;
	if (strcmp(path, TAPGATE_ACL_PATH) != 0)
		return -ENOENT;
	if (f->rc < 0)
		return f->rc;
	src->len = strlen(f->data);
	src->data = malloc(src->len + 1);
	assert_non_null(src->data);
	memcpy(src->data, f->data, src->len + 1);
	src->dev = 1;
	src->ino = 1;
	return 0;
}

static void test_policy_load_ok_resolves_names(void **state)
{
	struct one_file f = {
		.data = "allow br0 user root\n"
			"deny br0 user tapgate-test-no-such-user\n",
	};
	struct acl_io io = { .read = one_read, .ctx = &f };
	struct acl_error err = { 0 };
	struct acl acl;

	acl_init(&acl);
	assert_int_equal(policy_load(&acl, &io, &err), 0);
	assert_int_equal(f.reads, 1);
	assert_int_equal(acl.n_rules, 2);
	assert_true(acl.rules[0].user.resolved);
	assert_int_equal(acl.rules[0].user.id, 0);
	/* A name the database does not have matches nobody. */
	assert_false(acl.rules[1].user.resolved);
	assert_int_equal(acl.rules[1].user.lookup, -ENOENT);
	acl_free(&acl);
}

static void test_policy_load_nok_reader_and_syntax(void **state)
{
	static const struct {
		const char *data;
		int rc;
		int want;
		unsigned want_line;
	} cases[] = {
		{ NULL, -EACCES, -EACCES, 0 },
		{ NULL, -ENOENT, -ENOENT, 0 },
		{ "allow br0\nalow br1\n", 0, -EINVAL, 2 },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct one_file f = { .data = cases[i].data,
				      .rc = cases[i].rc };
		struct acl_io io = { .read = one_read, .ctx = &f };
		struct acl_error err = { 0 };
		struct acl acl;
		int rc;

		acl_init(&acl);
		rc = policy_load(&acl, &io, &err);
		if (rc != cases[i].want || err.line != cases[i].want_line)
			fail_msg("case %zu: rc %d line %u, want %d line %u", i,
				 rc, err.line, cases[i].want, cases[i].want_line);
		assert_int_equal(acl.n_rules, 0);
		acl_free(&acl);
	}
}

/* ---- policy_error() and policy_die() ---- */

static void test_policy_error_ok_forms(void **state)
{
	static const struct {
		const char *file;
		unsigned line;
		const char *msg;
		const char *want;
	} cases[] = {
		{ TAPGATE_ACL_PATH, 4, "unknown keyword 'alow'",
		  TAPGATE_ACL_PATH ":4: unknown keyword 'alow'" },
		{ "/etc/qemu/bridge.d/a.conf", 0, "not owned by root",
		  "/etc/qemu/bridge.d/a.conf: not owned by root" },
		/* The top-level file itself, with no line: the caller's
		 * message names it already. */
		{ TAPGATE_ACL_PATH, 0, "No such file", "No such file" },
		{ "", 0, "out of memory", "out of memory" },
		/* A file name cannot forge a second line or a field. */
		{ "/etc/qemu/a\nb\\c", 2, "bad", "/etc/qemu/a\\x0ab\\\\c:2: bad" },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct acl_error err = { .line = cases[i].line };
		char out[256];

		snprintf(err.file, sizeof(err.file), "%s", cases[i].file);
		snprintf(err.msg, sizeof(err.msg), "%s", cases[i].msg);
		assert_ptr_equal(policy_error(&err, out, sizeof(out)), out);
		assert_string_equal(out, cases[i].want);
	}
}

static void die_with_error(void *arg)
{
	policy_die(arg);
}

static void test_policy_die_nok_exit_acl(void **state)
{
	struct acl_error err = { .line = 3 };
	struct child_result r;

	snprintf(err.file, sizeof(err.file), "%s", TAPGATE_ACL_PATH);
	snprintf(err.msg, sizeof(err.msg), "unknown keyword 'alow'");
	assert_int_equal(child_run(die_with_error, &err, &r), 0);
	if (!child_exited(&r, EXIT_ACL))
		fail_msg("status %#x, want exit %d; wrote: %s", r.status,
			 EXIT_ACL, r.out);
	/* The caller sees the line; one line, ending the message. */
	assert_string_equal(r.out, "failed to parse default acl file `"
			    TAPGATE_ACL_PATH "': " TAPGATE_ACL_PATH
			    ":3: unknown keyword 'alow'\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_decide_ok_canonical_name),
		cmocka_unit_test(test_policy_decide_nok_canonical_name),
		cmocka_unit_test(test_policy_decide_ok_altname),
		cmocka_unit_test(test_policy_decide_nok_altname),
		cmocka_unit_test(test_policy_decide_ok_missing_bridge),
		cmocka_unit_test(test_policy_status_ok_every_state_and_verdict),
		cmocka_unit_test(test_policy_load_ok_resolves_names),
		cmocka_unit_test(test_policy_load_nok_reader_and_syntax),
		cmocka_unit_test(test_policy_error_ok_forms),
		cmocka_unit_test(test_policy_die_nok_exit_acl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
