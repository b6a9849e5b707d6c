// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_userdb.c - the user-database wrapper: what a get*_r() return
 * means (only 0 with no entry is "no such name"; every non-zero return
 * fails, ENOENT included), the buffer that grows on ERANGE and its
 * bound, through the userdb_call() seam with a fake lookup; then the
 * real wrappers on entries every system has.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "userdb.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* A fake get*_r(): answers @rc (and found if @found) once the buffer
 * is at least @need bytes, ERANGE before. */
struct fake {
	int rc;
	bool found;
	size_t need;
	size_t calls;
	size_t sizes[32];
};

static int fake_call(void *ctx, char *buf, size_t size, bool *found)
{
	struct fake *f = ctx;

	assert_non_null(buf);
	if (f->calls < N_ELEMS(f->sizes))
		f->sizes[f->calls] = size;
	f->calls++;
	/* The whole buffer is ours to write: the wrapper gave its size. */
	memset(buf, 'x', size);
	if (size < f->need)
		return ERANGE;
	if (f->rc == 0 && f->found) {
		strcpy(buf, "entry");
		*found = true;
	}
	return f->rc;
}

static void test_userdb_call_ok_found(void **state)
{
	struct fake f = { .rc = 0, .found = true };
	char *buf = NULL;

	(void)state;
	assert_int_equal(userdb_call(fake_call, &f, &buf), 0);
	assert_non_null(buf);
	assert_string_equal(buf, "entry");
	assert_int_equal(f.calls, 1);
	assert_int_equal(f.sizes[0], USERDB_BUF_MIN);
	free(buf);
}

static void test_userdb_call_ok_not_found(void **state)
{
	/* glibc's "no such entry": a return of 0 with a NULL result. */
	struct fake f = { .rc = 0, .found = false };
	char *buf = (char *)&f;

	(void)state;
	assert_int_equal(userdb_call(fake_call, &f, &buf), -ENOENT);
	assert_null(buf);
	assert_int_equal(f.calls, 1);
}

static void test_userdb_call_nok_failures(void **state)
{
	/* Every non-zero return is a failure, never "no such name". */
	static const struct {
		int rc, want;
	} cases[] = {
		/* nss-pam-ldapd's unreachable server: UNAVAIL, ENOENT. */
		{ ENOENT, -EIO },
		{ EAGAIN, -EAGAIN },
		{ EIO, -EIO },
		{ ESRCH, -ESRCH },
		{ EBADF, -EBADF },
		{ EPERM, -EPERM },
		{ EINVAL, -EINVAL },
		{ ENOMEM, -ENOMEM },
		{ -1, -EIO },     /* not an errno at all */
	};

	(void)state;
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct fake f = { .rc = cases[i].rc, .found = false };
		char *buf = (char *)&f;
		int rc = userdb_call(fake_call, &f, &buf);

		if (rc != cases[i].want)
			fail_msg("return %d: got %d, want %d", cases[i].rc, rc,
				 cases[i].want);
		assert_null(buf);
		assert_int_equal(f.calls, 1);
	}
}

static void test_userdb_call_ok_grows_on_erange(void **state)
{
	/* A group with many members: the buffer doubles until it fits. */
	struct fake f = { .rc = 0, .found = true, .need = 100000 };
	char *buf = NULL;

	(void)state;
	assert_int_equal(userdb_call(fake_call, &f, &buf), 0);
	assert_int_equal(f.calls, 4);
	assert_int_equal(f.sizes[0], USERDB_BUF_MIN);
	for (size_t i = 1; i < f.calls; i++)
		assert_int_equal(f.sizes[i], 2 * f.sizes[i - 1]);
	assert_true(f.sizes[f.calls - 1] >= f.need);
	assert_true(f.sizes[f.calls - 2] < f.need);
	free(buf);
}

static void test_userdb_call_ok_grows_to_the_bound(void **state)
{
	/* Fits exactly in the largest buffer. */
	struct fake f = { .rc = 0, .found = true, .need = USERDB_BUF_MAX };
	char *buf = NULL;

	(void)state;
	assert_int_equal(userdb_call(fake_call, &f, &buf), 0);
	assert_int_equal(f.sizes[f.calls - 1], USERDB_BUF_MAX);
	free(buf);
}

static void test_userdb_call_nok_erange_forever(void **state)
{
	/* A module that says ERANGE whatever the size (TRYAGAIN with
	 * ERANGE): bounded, then a failure, not "no such name". */
	struct fake f = { .rc = 0, .found = true, .need = SIZE_MAX };
	char *buf = (char *)&f;
	size_t calls = 1;

	(void)state;
	for (size_t s = USERDB_BUF_MIN; s < USERDB_BUF_MAX; s *= 2)
		calls++;
	assert_int_equal(userdb_call(fake_call, &f, &buf), -ERANGE);
	assert_null(buf);
	assert_int_equal(f.calls, calls);
	assert_int_equal(f.sizes[f.calls - 1], USERDB_BUF_MAX);
}

static void test_userdb_call_nok_erange_then_failure(void **state)
{
	/* Grown, then the service fails: the failure, not ENOENT. */
	struct fake f = { .rc = ENOENT, .found = false, .need = 40000 };
	char *buf = NULL;

	(void)state;
	assert_int_equal(userdb_call(fake_call, &f, &buf), -EIO);
	assert_int_equal(f.calls, 3);
}

/* ---- the real database: entries every system has ---- */

static void test_userdb_user_ok_root(void **state)
{
	struct userdb_ent e;

	(void)state;
	assert_int_equal(userdb_user_by_name("root", &e), 0);
	assert_int_equal(e.id, 0);
	assert_int_equal(e.gid, 0);
	assert_string_equal(e.name, "root");
	userdb_ent_free(&e);
	assert_null(e.buf);
	assert_int_equal(userdb_user_by_uid(0, &e), 0);
	assert_string_equal(e.name, "root");
	userdb_ent_free(&e);
}

static void test_userdb_group_ok_root(void **state)
{
	struct userdb_ent e;

	(void)state;
	assert_int_equal(userdb_group_by_gid(0, &e), 0);
	assert_int_equal(e.id, 0);
	assert_string_equal(e.name, "root");
	userdb_ent_free(&e);
	assert_int_equal(userdb_group_by_name("root", &e), 0);
	assert_int_equal(e.id, 0);
	userdb_ent_free(&e);
}

static void test_userdb_nok_no_such_name(void **state)
{
	struct userdb_ent e;

	(void)state;
	assert_int_equal(userdb_user_by_name("tapgate-no-such-user", &e), -ENOENT);
	assert_null(e.buf);
	userdb_ent_free(&e);
	assert_int_equal(userdb_group_by_name("tapgate-no-such-group", &e), -ENOENT);
	userdb_ent_free(&e);
	/* An id no entry has (4294967294 is nobody's on a sane system). */
	assert_int_equal(userdb_user_by_uid(4294967294u, &e), -ENOENT);
	userdb_ent_free(&e);
}

static void test_userdb_grouplist_ok_root(void **state)
{
	uint32_t *g = NULL;
	size_t n = 0;
	bool has0 = false;

	(void)state;
	assert_int_equal(userdb_grouplist("root", 0, &g, &n), 0);
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++)
		has0 |= g[i] == 0;
	assert_true(has0);
	free(g);
	/* A user the database does not know still has the given gid. */
	assert_int_equal(userdb_grouplist("tapgate-no-such-user", 4242, &g, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(g[0], 4242);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_userdb_call_ok_found),
		cmocka_unit_test(test_userdb_call_ok_not_found),
		cmocka_unit_test(test_userdb_call_nok_failures),
		cmocka_unit_test(test_userdb_call_ok_grows_on_erange),
		cmocka_unit_test(test_userdb_call_ok_grows_to_the_bound),
		cmocka_unit_test(test_userdb_call_nok_erange_forever),
		cmocka_unit_test(test_userdb_call_nok_erange_then_failure),
		cmocka_unit_test(test_userdb_user_ok_root),
		cmocka_unit_test(test_userdb_group_ok_root),
		cmocka_unit_test(test_userdb_nok_no_such_name),
		cmocka_unit_test(test_userdb_grouplist_ok_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
