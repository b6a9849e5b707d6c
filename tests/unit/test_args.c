// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_args.c - the original helper's command line, exactly: what QEMU
 * and libvirt pass works, nothing else does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "args.h"

#define MAX_ARGV 8

struct parse {
	enum args_result rc;
	struct args a;
	char msg[256];
};

/* @argv ends at its first NULL; argv[0] is the program. */
static void parse(const char *const argv[MAX_ARGV], struct parse *p)
{
	int argc = 0;

	while (argc < MAX_ARGV && argv[argc])
		argc++;
	memset(p, 0, sizeof(*p));
	p->rc = args_parse(argc, (char *const *)argv, &p->a, p->msg,
			   sizeof(p->msg));
}

struct ok_case {
	const char *argv[MAX_ARGV];
	bool use_vnet;
	const char *bridge;
	int fd;
};

static void check_ok(const struct ok_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct parse p;

		parse(c[i].argv, &p);
		if (p.rc != ARGS_OK)
			fail_msg("case %zu: result %d: %s", i, (int)p.rc, p.msg);
		assert_int_equal(p.a.use_vnet, c[i].use_vnet);
		assert_string_equal(p.a.bridge, c[i].bridge);
		assert_int_equal(p.a.fd, c[i].fd);
		assert_string_equal(p.msg, "");
	}
}

struct nok_case {
	const char *argv[MAX_ARGV];
	const char *msg;     /* must occur in the message */
};

static void check_nok(const struct nok_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct parse p;

		parse(c[i].argv, &p);
		if (p.rc != ARGS_USAGE)
			fail_msg("case %zu: result %d, want ARGS_USAGE", i,
				 (int)p.rc);
		if (!strstr(p.msg, c[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, p.msg,
				 c[i].msg);
	}
}

static void test_args_parse_ok_forms(void **state)
{
	static const struct ok_case cases[] = {
		/* The original's usage line. */
		{ { "tapgate", "--use-vnet", "--br=br0", "--fd=3" },
		  true, "br0", 3 },
		/* QEMU net/tap.c: --use-vnet --fd=N --br=BR. */
		{ { "qemu-bridge-helper", "--use-vnet", "--fd=17", "--br=virbr0" },
		  true, "virbr0", 17 },
		/* libvirt: --use-vnet only for virtio NICs. */
		{ { "qemu-bridge-helper", "--br=br0", "--fd=25" },
		  false, "br0", 25 },
		{ { "qemu-bridge-helper", "--fd=25", "--br=br0" },
		  false, "br0", 25 },
		{ { "tapgate", "--br=br0", "--fd=4", "--use-vnet" },
		  true, "br0", 4 },
		{ { "tapgate", "--fd=4", "--use-vnet", "--br=br0" },
		  true, "br0", 4 },
		/* Any byte the kernel allows in a name. */
		{ { "tapgate", "--br=br#0", "--fd=3" }, false, "br#0", 3 },
		{ { "tapgate", "--br=abcdefghijklmno", "--fd=3" },
		  false, "abcdefghijklmno", 3 },
	};

	check_ok(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_args_parse_ok_repeats_last_wins(void **state)
{
	static const struct ok_case cases[] = {
		{ { "tapgate", "--br=br0", "--br=br1", "--fd=3" },
		  false, "br1", 3 },
		{ { "tapgate", "--fd=3", "--br=br0", "--fd=9" },
		  false, "br0", 9 },
		{ { "tapgate", "--use-vnet", "--use-vnet", "--br=br0", "--fd=3" },
		  true, "br0", 3 },
		/* A bad value is forgotten when a good one follows... */
		{ { "tapgate", "--br=", "--fd=x", "--br=br2", "--fd=5" },
		  false, "br2", 5 },
		{ { "tapgate", "--br=abcdefghijklmnopqrstuvwxyz", "--br=br3",
		    "--fd=0", "--fd=6" }, false, "br3", 6 },
	};

	check_ok(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_args_parse_ok_fd(void **state)
{
	static const struct ok_case cases[] = {
		{ { "tapgate", "--br=br0", "--fd=3" }, false, "br0", 3 },
		{ { "tapgate", "--br=br0", "--fd=1023" }, false, "br0", 1023 },
		{ { "tapgate", "--br=br0", "--fd=2147483647" },
		  false, "br0", 2147483647 },
		{ { "tapgate", "--br=br0", "--fd=03" }, false, "br0", 3 },
	};

	check_ok(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_args_parse_ok_argc_bounds_argv(void **state)
{
	/* Only argc entries are looked at. */
	static const char *const argv[] = {
		"tapgate", "--br=br0", "--fd=3", "--bogus", NULL,
	};
	struct args a;
	char msg[64];

	assert_int_equal(args_parse(3, (char *const *)argv, &a, msg,
				    sizeof(msg)), ARGS_OK);
	assert_int_equal(args_parse(4, (char *const *)argv, &a, msg,
				    sizeof(msg)), ARGS_USAGE);
}

static void test_args_parse_ok_help_version(void **state)
{
	static const struct {
		const char *argv[MAX_ARGV];
		enum args_result rc;
	} cases[] = {
		{ { "tapgate", "--help" }, ARGS_HELP },
		{ { "tapgate", "--version" }, ARGS_VERSION },
		/* Only alone: exit 0 must mean a tap was handed over, so
		 * with anything else they are usage errors. */
		{ { "tapgate", "--br=br0", "--fd=3", "--help" }, ARGS_USAGE },
		{ { "tapgate", "--version", "--br=br0", "--fd=3" }, ARGS_USAGE },
		{ { "tapgate", "--help", "--version" }, ARGS_USAGE },
		{ { "tapgate", "--version", "--help" }, ARGS_USAGE },
		{ { "tapgate", "--help", "--bogus" }, ARGS_USAGE },
		{ { "tapgate", "--br=", "--help" }, ARGS_USAGE },
		{ { "tapgate", "--bogus", "--help" }, ARGS_USAGE },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parse p;

		parse(cases[i].argv, &p);
		if (p.rc != cases[i].rc)
			fail_msg("case %zu: result %d, want %d", i, (int)p.rc,
				 (int)cases[i].rc);
	}
}

static void test_args_parse_nok_unknown(void **state)
{
	/* getopt_long() would accept several of these; the original
	 * accepts none. */
	static const struct nok_case cases[] = {
		{ { "tapgate", "--br", "br0", "--fd=3" }, "unknown argument '--br'" },
		{ { "tapgate", "--br=br0", "--fd", "3" }, "unknown argument '--fd'" },
		{ { "tapgate", "--b=br0", "--fd=3" }, "unknown argument '--b=br0'" },
		{ { "tapgate", "--bridge=br0", "--fd=3" }, "unknown argument '--bridge=br0'" },
		{ { "tapgate", "--br=br0", "--f=3" }, "unknown argument '--f=3'" },
		{ { "tapgate", "-h" }, "unknown argument '-h'" },
		{ { "tapgate", "-V" }, "unknown argument '-V'" },
		{ { "tapgate", "--he" }, "unknown argument '--he'" },
		{ { "tapgate", "--help=1" }, "unknown argument '--help=1'" },
		{ { "tapgate", "--use-vnet=1", "--br=br0", "--fd=3" },
		  "unknown argument '--use-vnet=1'" },
		{ { "tapgate", "--use-vne", "--br=br0", "--fd=3" },
		  "unknown argument '--use-vne'" },
		{ { "tapgate", "--BR=br0", "--fd=3" }, "unknown argument '--BR=br0'" },
		{ { "tapgate", "-br=br0", "--fd=3" }, "unknown argument '-br=br0'" },
		{ { "tapgate", "br0" }, "unknown argument 'br0'" },
		{ { "tapgate", "--br=br0", "--fd=3", "extra" }, "unknown argument 'extra'" },
		{ { "tapgate", "--", "--br=br0", "--fd=3" }, "unknown argument '--'" },
		{ { "tapgate", "-", "--br=br0", "--fd=3" }, "unknown argument '-'" },
		{ { "tapgate", "", "--br=br0", "--fd=3" }, "unknown argument ''" },
		{ { "tapgate", " --br=br0", "--fd=3" }, "unknown argument ' --br=br0'" },
		/* Shown escaped: no terminal control from the caller. */
		{ { "tapgate", "\x1b[2J" }, "unknown argument '\\x1b[2J'" },
	};

	check_nok(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_args_parse_nok_missing(void **state)
{
	static const struct nok_case cases[] = {
		{ { "tapgate" }, "missing --br=BRIDGE" },
		{ { "tapgate", "--use-vnet" }, "missing --br=BRIDGE" },
		{ { "tapgate", "--fd=3" }, "missing --br=BRIDGE" },
		{ { "tapgate", "--br=br0" }, "missing --fd=N" },
		{ { "tapgate", "--use-vnet", "--br=br0" }, "missing --fd=N" },
	};

	check_nok(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_args_parse_nok_no_argv0(void **state)
{
	static const char *const argv[] = { NULL };
	struct args a;
	char msg[64];

	assert_int_equal(args_parse(0, (char *const *)argv, &a, msg,
				    sizeof(msg)), ARGS_USAGE);
	assert_string_equal(msg, "missing --br=BRIDGE");
}

static void test_args_parse_nok_bridge_invalid(void **state)
{
	static const struct nok_case cases[] = {
		{ { "tapgate", "--br=", "--fd=3" }, "invalid bridge name '': empty name" },
		{ { "tapgate", "--br=.", "--fd=3" }, "invalid bridge name '.'" },
		{ { "tapgate", "--br=..", "--fd=3" }, "invalid bridge name '..'" },
		{ { "tapgate", "--br=br/0", "--fd=3" }, "invalid bridge name 'br/0'" },
		{ { "tapgate", "--br=../../x", "--fd=3" }, "invalid bridge name" },
		{ { "tapgate", "--br=br0:1", "--fd=3" }, "invalid bridge name 'br0:1'" },
		{ { "tapgate", "--br=br 0", "--fd=3" }, "invalid bridge name 'br 0'" },
		{ { "tapgate", "--br=br0\n", "--fd=3" }, "invalid bridge name 'br0\\x0a'" },
		{ { "tapgate", "--br=br\xa0", "--fd=3" }, "invalid bridge name 'br\\xa0'" },
		/* A bad bridge is reported before a bad fd. */
		{ { "tapgate", "--br=br/0", "--fd=x" }, "invalid bridge name" },
	};

	check_nok(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_args_parse_nok_bridge_too_long(void **state)
{
	/* CVE-2019-13164: the original's message, and no truncation. */
	static const struct nok_case cases[] = {
		{ { "tapgate", "--use-vnet", "--br=abcdefghijklmnop", "--fd=3" },
		  "name `abcdefghijklmnop' too long: 16" },
		{ { "tapgate", "--br=abcdefghijklmnopq", "--fd=3" },
		  "name `abcdefghijklmnopq' too long: 17" },
		{ { "tapgate", "--br=br0/br0:br0 br0/br0", "--fd=3" }, "too long: 19" },
		{ { "tapgate", "--br=abcdefghijklmnop", "--fd=abc" },
		  "name `abcdefghijklmnop' too long: 16" },
	};

	check_nok(cases, sizeof(cases) / sizeof(cases[0]));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parse p;

		parse(cases[i].argv, &p);
		assert_int_equal(strncmp(p.msg, "name `", 6), 0);
	}
}

static void test_args_parse_nok_fd(void **state)
{
	static const struct nok_case cases[] = {
		{ { "tapgate", "--br=br0", "--fd=0" }, "invalid --fd=0: fds 0, 1 and 2" },
		{ { "tapgate", "--br=br0", "--fd=1" }, "invalid --fd=1" },
		{ { "tapgate", "--br=br0", "--fd=2" }, "invalid --fd=2" },
		{ { "tapgate", "--br=br0", "--fd=00" }, "invalid --fd=0" },
		{ { "tapgate", "--br=br0", "--fd=" }, "invalid --fd ''" },
		{ { "tapgate", "--br=br0", "--fd=abc" }, "invalid --fd 'abc'" },
		{ { "tapgate", "--br=br0", "--fd=-1" }, "invalid --fd '-1'" },
		{ { "tapgate", "--br=br0", "--fd=+3" }, "invalid --fd '+3'" },
		{ { "tapgate", "--br=br0", "--fd=3x" }, "invalid --fd '3x'" },
		{ { "tapgate", "--br=br0", "--fd= 3" }, "invalid --fd ' 3'" },
		{ { "tapgate", "--br=br0", "--fd=3 " }, "invalid --fd '3 '" },
		{ { "tapgate", "--br=br0", "--fd=0x3" }, "invalid --fd '0x3'" },
		{ { "tapgate", "--br=br0", "--fd=99999999999" },
		  "invalid --fd '99999999999'" },
		{ { "tapgate", "--br=br0", "--fd=2147483648" },
		  "invalid --fd '2147483648'" },
		{ { "tapgate", "--br=br0", "--fd=4294967299" },
		  "invalid --fd '4294967299'" },
		{ { "tapgate", "--br=br0", "--fd=3\n" }, "invalid --fd '3\\x0a'" },
	};

	check_nok(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_args_parse_ok_small_msg_buffer(void **state)
{
	/* The message is cut to fit and always terminated. */
	static const char *const argv[] = { "tapgate", "--bogus-argument" };
	char buf[12];
	struct args a;

	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(args_parse(2, (char *const *)argv, &a, buf, 8),
			 ARGS_USAGE);
	assert_string_equal(buf, "unknown");
	for (size_t k = 8; k < sizeof(buf); k++)
		assert_int_equal(buf[k], 'Z');
	assert_int_equal(args_parse(2, (char *const *)argv, &a, buf, 1),
			 ARGS_USAGE);
	assert_string_equal(buf, "");
}

static void test_args_parse_ok_admin(void **state)
{
	static const struct {
		const char *argv[MAX_ARGV];
		enum args_mode mode;
		bool json;
		const char *tap;
		const char *user;
	} cases[] = {
		{ { "tapgate", "--list" }, ARGS_LIST, false, NULL, NULL },
		{ { "tapgate", "--list", "--json" }, ARGS_LIST, true, NULL, NULL },
		{ { "tapgate", "--json", "--list" }, ARGS_LIST, true, NULL, NULL },
		{ { "tapgate", "--reap" }, ARGS_REAP, false, NULL, NULL },
		{ { "tapgate", "--revoke", "tap0" }, ARGS_REVOKE, false, "tap0", NULL },
		{ { "tapgate", "--revoke", "--user=alice" }, ARGS_REVOKE, false, NULL, "alice" },
		{ { "tapgate", "--user=4242", "--revoke" }, ARGS_REVOKE, false, NULL, "4242" },
		{ { "tapgate", "--revoke", "abcdefghijklmno" }, ARGS_REVOKE, false,
		  "abcdefghijklmno", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parse p;

		parse(cases[i].argv, &p);
		if (p.rc != ARGS_OK)
			fail_msg("case %zu: result %d: %s", i, (int)p.rc, p.msg);
		assert_int_equal(p.a.mode, cases[i].mode);
		assert_int_equal(p.a.json, cases[i].json);
		if (cases[i].tap)
			assert_string_equal(p.a.tap, cases[i].tap);
		else
			assert_null(p.a.tap);
		if (cases[i].user)
			assert_string_equal(p.a.user, cases[i].user);
		else
			assert_null(p.a.user);
		assert_null(p.a.bridge);
		assert_int_equal(p.a.fd, -1);
	}
}

static void test_args_parse_nok_admin(void **state)
{
	static const struct nok_case cases[] = {
		{ { "tapgate", "--list", "--br=br0" }, "--list takes only --json" },
		{ { "tapgate", "--list", "--user=alice" }, "--list takes only --json" },
		{ { "tapgate", "--list", "--fd=3" }, "--list takes only --json" },
		{ { "tapgate", "--list", "tap0" }, "unknown argument 'tap0'" },
		{ { "tapgate", "--reap", "--json" }, "--reap takes no other arguments" },
		{ { "tapgate", "--reap", "--use-vnet" }, "--reap takes no other arguments" },
		{ { "tapgate", "--reap", "tap0" }, "unknown argument 'tap0'" },
		{ { "tapgate", "--revoke" }, "exactly one of TAP and --user=NAME" },
		{ { "tapgate", "--revoke", "tap0", "--user=bob" },
		  "exactly one of TAP and --user=NAME" },
		{ { "tapgate", "--revoke", "tap0", "tap1" }, "unknown argument 'tap1'" },
		{ { "tapgate", "--revoke", "tap0", "--json" }, "--revoke takes only TAP or --user=NAME" },
		{ { "tapgate", "--revoke", "--br=br0", "tap0" }, "--revoke takes only TAP or --user=NAME" },
		{ { "tapgate", "--revoke", "--user=" }, "--user= needs a user name or id" },
		/* CVE-2019-13164: refused, never truncated. */
		{ { "tapgate", "--revoke", "abcdefghijklmnop" }, "too long" },
		{ { "tapgate", "--revoke", "a/b" }, "'/'" },
		{ { "tapgate", "--revoke", ".." }, "'..'" },
		{ { "tapgate", "--list", "--reap" }, "--reap given twice, or with --list" },
		{ { "tapgate", "--revoke", "tap0", "--list" }, "--list given twice, or with --revoke" },
		{ { "tapgate", "--list", "--list" }, "--list given twice, or with --list" },
		{ { "tapgate", "--check", "--list" }, "--list given twice, or with --check" },
		{ { "tapgate", "--br=br0", "--fd=3", "--json" }, "--json is only for --explain and --list" },
		{ { "tapgate", "--br=br0", "--fd=3", "--user=x" }, "--user is only for --explain and --revoke" },
		{ { "tapgate", "--lis" }, "unknown argument '--lis'" },
		{ { "tapgate", "--list=1" }, "unknown argument '--list=1'" },
	};

	check_nok(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_args_wants_list_ok(void **state)
{
	static const char *const yes[] = { "tapgate", "--json", "--list", NULL };
	static const char *const no[] = { "tapgate", "--list=1", "--lis", "list", NULL };

	assert_true(args_wants_list(3, (char *const *)yes));
	assert_false(args_wants_list(4, (char *const *)no));
	assert_false(args_wants_list(0, (char *const *)no));
}

static void test_args_usage_ok_original_line(void **state)
{
	/* Scripts and users match on the original's usage line. */
	assert_int_equal(strncmp(args_usage, "Usage: ", 7), 0);
	assert_non_null(strstr(args_usage,
			       "[--use-vnet] --br=bridge --fd=unixfd\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_parse_ok_forms),
		cmocka_unit_test(test_args_parse_ok_repeats_last_wins),
		cmocka_unit_test(test_args_parse_ok_fd),
		cmocka_unit_test(test_args_parse_ok_argc_bounds_argv),
		cmocka_unit_test(test_args_parse_ok_help_version),
		cmocka_unit_test(test_args_parse_nok_unknown),
		cmocka_unit_test(test_args_parse_nok_missing),
		cmocka_unit_test(test_args_parse_nok_no_argv0),
		cmocka_unit_test(test_args_parse_nok_bridge_invalid),
		cmocka_unit_test(test_args_parse_nok_bridge_too_long),
		cmocka_unit_test(test_args_parse_nok_fd),
		cmocka_unit_test(test_args_parse_ok_small_msg_buffer),
		cmocka_unit_test(test_args_usage_ok_original_line),
		cmocka_unit_test(test_args_parse_ok_admin),
		cmocka_unit_test(test_args_parse_nok_admin),
		cmocka_unit_test(test_args_wants_list_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
