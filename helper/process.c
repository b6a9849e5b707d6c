// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tapgate.h"

extern char **environ;

/*
 * Runs before every library constructor. fds 0-2 must be open, or the
 * first file we open would become "stderr" and receive our messages.
 * The environment is emptied for good: nothing below reads it, and
 * libnl's constructors (NLDBG, NLCB, NLSYSCONFDIR) then see nothing.
 * tests/e2e/test_env.sh proves it with the real binary.
 */
static void process_early(int argc, char **argv, char **envp)
{
	size_t n = 0;

	(void)argc;
	(void)argv;
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			/* open() returns the lowest free fd: this one. */
			if (open("/dev/null", O_RDWR | O_NOCTTY) != fd)
				_exit(EXIT_PRIVS);
		}
	}
	/*
	 * Empty the kernel's array itself: glibc's own initialisation runs
	 * after .preinit_array and points environ back at it, so only
	 * changing environ here would be undone.
	 */
	while (envp[n])
		n++;
	while (n > 0)
		envp[--n] = NULL;
	environ = envp;
}

__attribute__((section(".preinit_array"), used))
static void (*const process_early_hook)(int, char **, char **) = process_early;

/* Inside a user namespace the ids and capabilities we see are not the
 * host's; refuse rather than reason about them. The kernel gives the
 * initial user namespace a fixed inode number (PROC_USER_INIT_INO):
 * one stat() tells, also for a namespace that maps every id. */
#define PROC_USER_INIT_INO 0xEFFFFFFDUL

static void refuse_user_namespace(void)
{
	struct stat st;

	if (stat("/proc/self/ns/user", &st) < 0)
		die_errno(EXIT_PRIVS, "cannot check the user namespace: failed to stat /proc/self/ns/user (is /proc mounted?)");
	if ((unsigned long)st.st_ino != PROC_USER_INIT_INO)
		die(EXIT_PRIVS, "tapgate refuses to run inside a user namespace: its ids and capabilities are not the host's (run it from the initial namespace)");
}

/* Where the caller was, for a relative --check FILE; "" if unknown. */
static char orig_cwd[4096];

const char *process_cwd(void)
{
	return orig_cwd;
}

bool process_harden(void)
{
	bool nnp_before = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigset_t none;

	/* We never exec, but nothing we start could gain privilege. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(EXIT_PRIVS, "failed to set no_new_privs");
	/* No core dumps or ptrace by the caller once we are the caller. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die_errno(EXIT_PRIVS, "failed to make the process non-dumpable");
	umask(077);
	if (!getcwd(orig_cwd, sizeof(orig_cwd)))
		orig_cwd[0] = '\0';
	if (chdir("/") < 0)
		die_errno(EXIT_PRIVS, "failed to chdir to /");

	/* The caller's signal mask and dispositions are not ours: a
	 * closed socket must give EPIPE, not kill us, and the watchdog
	 * must fire even if the caller ignored or blocked SIGALRM. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sigaction(SIGPIPE, &ign, NULL);
	sigaction(SIGALRM, &dfl, NULL);
	alarm(PROCESS_WATCHDOG_SECONDS);

	refuse_user_namespace();
	return nnp_before;
}

static void close_from_to(unsigned lo, unsigned hi)
{
	if (lo > hi)
		return;
	if (close_range(lo, hi, 0) == 0)
		return;
	if (errno != ENOSYS)
		die_errno(EXIT_PRIVS, "failed to close inherited file descriptors");
	/* Kernels before 5.9: one by one, up to the fd limit. */
	for (long fd = lo, max = sysconf(_SC_OPEN_MAX); fd <= (long)hi &&
	     fd < max; fd++)
		close((int)fd);
}

void process_close_fds(int keep1, int keep2)
{
	int keep[2] = { keep1 < keep2 ? keep1 : keep2,
			keep1 < keep2 ? keep2 : keep1 };
	unsigned lo = 3; /* unsigned: keep INT_MAX must not overflow it */

	for (int i = 0; i < 2; i++) {
		if (keep[i] < 0 || (unsigned)keep[i] < lo)
			continue; /* negative, 0-2, or the other keep */
		close_from_to(lo, (unsigned)keep[i] - 1);
		lo = (unsigned)keep[i] + 1;
	}
	close_from_to(lo, ~0U);
}
