// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_process.c - the process made sane before anything else
 * (helper/process.c): every inherited fd above 2 closed but the two
 * kept (process_close_fds(), in a forked child with many fds open, up
 * to its fd limit), and the .preinit_array hook, which this test
 * program links too: it starts with an empty environment, and with
 * fds 0-2 open on /dev/null if it was started without them.
 *
 * (cmocka reads CMOCKA_MESSAGE_OUTPUT, CMOCKA_XML_FILE and
 * CMOCKA_TEST_ABORT from the environment; here it never sees them, so
 * this program always reports in cmocka's default format.)
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "child.h"
#include "process.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

extern char **environ;

/* The child's fd limit: low enough to look at every fd below it. */
static int fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	return rl.rlim_max < 4096 ? (int)rl.rlim_max : 4096;
}

/* The fds the child opens before it closes: 3-200, 1000, and the
 * three highest its limit allows. */
static bool opened(int fd, int limit)
{
	return (fd >= 3 && fd <= 200) || (fd == 1000 && fd < limit) ||
	       (fd >= limit - 3 && fd < limit);
}

struct keep {
	const char *what;
	int keep1, keep2;
};

/* In the child (no cmocka here): open, close, then write the fds
 * still open to fd 1 as "0 1 2 ..." (fd 1 and 2 are the pipe). */
static void close_and_report(void *arg)
{
	const struct keep *k = arg;
	int limit = fd_limit();
	struct rlimit rl;
	int null;

	if (limit < 256 || getrlimit(RLIMIT_NOFILE, &rl) < 0)
		_exit(CHILD_BROKEN);
	rl.rlim_cur = (rlim_t)limit;
	null = open("/dev/null", O_RDONLY);
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || null < 0)
		_exit(CHILD_BROKEN);
	for (int fd = 3; fd < limit; fd++) {
		/* Every other one close-on-exec: it does not matter. */
		if (opened(fd, limit) && fd != null &&
		    dup3(null, fd, fd % 2 ? O_CLOEXEC : 0) != fd)
			_exit(CHILD_BROKEN);
	}
	if (!opened(null, limit))
		close(null);
	process_close_fds(k->keep1, k->keep2);
	for (int fd = 0; fd < limit; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			dprintf(STDOUT_FILENO, "%d ", fd);
}

static void test_process_close_fds_ok_keeps(void **state)
{
	int limit = fd_limit();
	const struct keep cases[] = {
		{ "none", -1, -1 },
		{ "-EBADF", -9, -9 },
		{ "INT_MIN", INT_MIN, INT_MIN },
		{ "one", 5, -1 },
		{ "one, second", -1, 5 },
		{ "0-2 only", 0, 2 },
		{ "stdout and one", 1, 150 },
		{ "equal", 7, 7 },
		{ "in order", 10, 150 },
		{ "reversed", 150, 10 },
		{ "adjacent", 10, 11 },
		{ "adjacent, reversed", 11, 10 },
		{ "the lowest two", 3, 4 },
		{ "the end of a run", 199, 200 },
		{ "a run and a lone fd", 200, 1000 },
		{ "the highest", limit - 1, -1 },
		{ "lowest and highest", limit - 1, 3 },
		{ "the two highest", limit - 2, limit - 1 },
		{ "a closed fd", 250, 20 },
		{ "past the limit", limit + 5, 30 },
		{ "INT_MAX", INT_MAX, 40 },
		{ "INT_MAX twice", INT_MAX, INT_MAX },
	};

	assert_true(limit >= 256);
	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		const struct keep *k = &cases[i];
		struct child_result r;
		char want[64];

		assert_int_equal(child_run(close_and_report, (void *)k, &r), 0);
		if (!child_exited(&r, CHILD_RETURNED))
			fail_msg("%s: status %#x: %s", k->what, r.status, r.out);
		/* 0-2, and the kept fds that were open, in order. */
		snprintf(want, sizeof(want), "0 1 2 ");
		for (int fd = 3; fd < limit; fd++)
			if ((fd == k->keep1 || fd == k->keep2) &&
			    opened(fd, limit))
				snprintf(want + strlen(want),
					 sizeof(want) - strlen(want), "%d ", fd);
		if (strcmp(r.out, want) != 0)
			fail_msg("%s (%d, %d): open '%s', want '%s'", k->what,
				 k->keep1, k->keep2, r.out, want);
	}
}

/* ---- the .preinit_array hook, on this very program ---- */

static bool is_dev_null(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
	       st.st_rdev == makedev(1, 3);
}

/* Run as "test_process --probe" (main()): what the hook left. */
static int probe(void)
{
	size_t n = 0;

	while (environ && environ[n])
		n++;
	dprintf(STDERR_FILENO, "environ=%zu fd0=%s fd1=%s\n", n,
		is_dev_null(0) ? "null" : "other",
		is_dev_null(1) ? "null" : "other");
	return 0;
}

static void exec_probe(void *arg)
{
	char *const argv[] = { "test_process", "--probe", NULL };
	/* What libnl's constructors would read. */
	char *const envp[] = { "NLDBG=4", "NLCB=debug",
			       "NLSYSCONFDIR=/tmp", "PATH=/bin", NULL };

	close(STDIN_FILENO);
	close(STDOUT_FILENO);
	execve("/proc/self/exe", argv, envp);
	_exit(CHILD_BROKEN);
}

static void test_process_early_ok_env_empty_fds_open(void **state)
{
	struct child_result r;

	assert_int_equal(child_run(exec_probe, NULL, &r), 0);
	if (!child_exited(&r, 0))
		fail_msg("probe: status %#x: %s", r.status, r.out);
	assert_string_equal(r.out, "environ=0 fd0=null fd1=null\n");
	/* And so this program too runs with no environment. */
	assert_null(environ[0]);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_process_close_fds_ok_keeps),
		cmocka_unit_test(test_process_early_ok_env_empty_fds_open),
	};

	if (argc == 2 && strcmp(argv[1], "--probe") == 0)
		return probe();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
