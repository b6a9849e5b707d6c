// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_explain.c - how --explain --user decides, from permission bits,
 * whether that user could read an ACL file or search a directory on
 * the way (explain_permits(), helper/cmd_explain.c): the kernel's classes,
 * owner, then group (primary or supplementary), then others, each
 * final; root always.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <sys/stat.h>

#include "acl.h"
#include "cmd_explain.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

enum { R = 4, W = 2, X = 1 };

static const uint32_t staff[] = { 100, 3000, 3001 };

/* uid 1000, primary group 1000, supplementary 100, 3000 and 3001. */
static const struct acl_subject alice = {
	.uid = 1000, .gid = 1000, .groups = staff, .n_groups = 3,
};
/* uid 1001, primary group 1001, no supplementary groups. */
static const struct acl_subject bob = { .uid = 1001, .gid = 1001 };
/* Group root, but not root. */
static const struct acl_subject wheel = { .uid = 1002, .gid = 0 };
static const struct acl_subject root = { .uid = 0, .gid = 0 };

struct perm_case {
	const char *what;
	const struct acl_subject *who;
	mode_t mode;              /* file type bits included */
	uid_t uid;
	gid_t gid;
	unsigned want;
	bool permitted;
};

static void check_cases(const struct perm_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct stat st = { .st_mode = c[i].mode, .st_uid = c[i].uid,
				   .st_gid = c[i].gid };
		bool got = explain_permits(&st, c[i].who, c[i].want);

		if (got != c[i].permitted)
			fail_msg("%s: mode %04o %u:%u, want %u: %s", c[i].what,
				 (unsigned)c[i].mode & 07777, (unsigned)c[i].uid,
				 (unsigned)c[i].gid, c[i].want,
				 got ? "permitted" : "refused");
	}
}

static void test_explain_permits_ok_by_class(void **state)
{
	static const struct perm_case cases[] = {
		{ "owner reads", &alice, S_IFREG | 0400, 1000, 0, R, true },
		{ "owner reads and searches", &alice, S_IFDIR | 0700, 1000, 0,
		  R | X, true },
		{ "owner searches", &alice, S_IFDIR | 0100, 1000, 0, X, true },
		{ "primary group reads", &alice, S_IFREG | 0040, 0, 1000, R,
		  true },
		{ "supplementary group reads", &alice, S_IFREG | 0040, 0, 3000,
		  R, true },
		{ "last supplementary group reads", &alice, S_IFREG | 0040, 0,
		  3001, R, true },
		{ "group searches", &alice, S_IFDIR | 0050, 0, 100, R | X,
		  true },
		{ "others read", &bob, S_IFREG | 0004, 0, 0, R, true },
		{ "others search", &bob, S_IFDIR | 0001, 0, 0, X, true },
		{ "group root is only a group", &wheel, S_IFREG | 0640, 0, 0,
		  R, true },
		/* Set-id and sticky bits and the file type change nothing. */
		{ "sticky directory", &bob, S_IFDIR | 01755, 0, 0, R | X,
		  true },
		{ "set-id file", &bob, S_IFREG | 06444, 0, 0, R, true },
	};

	check_cases(cases, N_ELEMS(cases));
}

static void test_explain_permits_nok_by_class(void **state)
{
	static const struct perm_case cases[] = {
		{ "owner without read", &alice, S_IFREG | 0200, 1000, 0, R,
		  false },
		/* The owner's class is final: group and others' bits do not
		 * add to it, as in the kernel. */
		{ "owner, group may read", &alice, S_IFREG | 0040, 1000, 1000,
		  R, false },
		{ "owner, others may read", &alice, S_IFREG | 0004, 1000, 0, R,
		  false },
		/* So is the group's. */
		{ "group member, others may read", &alice, S_IFREG | 0404, 0,
		  3000, R, false },
		{ "primary group, owner may read", &alice, S_IFREG | 0400, 0,
		  1000, R, false },
		{ "no read for others", &bob, S_IFREG | 0440, 0, 0, R, false },
		{ "not in the group", &bob, S_IFREG | 0040, 0, 3000, R,
		  false },
		{ "group of another user's supplementary list", &bob,
		  S_IFREG | 0070, 0, 100, R, false },
		/* Both bits are needed. */
		{ "search without read", &alice, S_IFDIR | 0100, 1000, 0,
		  R | X, false },
		{ "read without search", &alice, S_IFDIR | 0400, 1000, 0,
		  R | X, false },
		{ "others: read, no search", &bob, S_IFDIR | 0774, 0, 0,
		  R | X, false },
		{ "write is not read", &bob, S_IFREG | 0002, 0, 0, R, false },
		{ "group root without group bits", &wheel, S_IFREG | 0604, 0,
		  0, R, false },
		{ "nothing at all", &bob, S_IFREG | 0000, 0, 0, R, false },
	};

	check_cases(cases, N_ELEMS(cases));
}

static void test_explain_permits_ok_root_always(void **state)
{
	static const struct perm_case cases[] = {
		{ "root, mode 0", &root, S_IFREG | 0000, 1000, 1000, R, true },
		{ "root, directory mode 0", &root, S_IFDIR | 0000, 1000, 1000,
		  R | X, true },
		{ "root, own file mode 0", &root, S_IFREG | 0000, 0, 0, R,
		  true },
	};

	check_cases(cases, N_ELEMS(cases));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explain_permits_ok_by_class),
		cmocka_unit_test(test_explain_permits_nok_by_class),
		cmocka_unit_test(test_explain_permits_ok_root_always),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
