/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * child.h - run a piece of the helper that ends the process (die(),
 * or one that must not run in the test process) in a forked child,
 * and hand back its wait status and everything it wrote to fd 1 and
 * fd 2 (one pipe).
 *
 * The child may not create sockets (a one-entry seccomp filter makes
 * socket(2) fail with EACCES): die() logs its refusal through syslog
 * (audit.c), and a unit test must not write to the host's log. The
 * child's function must not use cmocka's asserts (a failure would
 * longjmp into the child's copy of the test runner); it reports
 * through its output and exit status instead.
 *
 * Include it after defining _GNU_SOURCE (pipe2).
 */
#ifndef TAPGATE_TEST_CHILD_H
#define TAPGATE_TEST_CHILD_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Exit status of a child whose function returned instead of dying. */
#define CHILD_RETURNED 100
/* Exit status of a child that could not be set up. */
#define CHILD_BROKEN 101

struct child_result {
	int status;               /* as waitpid() gave it */
	char out[16384];          /* fd 1 and fd 2, NUL-terminated */
	size_t len;
};

static inline int child_no_sockets(void)
{
	/* No architecture check: this keeps a test's own glibc away from
	 * /dev/log, it is not a security boundary. */
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]),
				   .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

/* Fork, run @fn(@arg) in the child, collect its output and status.
 * Returns 0, or -1 if the child could not be started or read. */
static inline int child_run(void (*fn)(void *), void *arg,
			    struct child_result *r)
{
	int p[2];
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		if (dup2(p[1], STDOUT_FILENO) < 0 ||
		    dup2(p[1], STDERR_FILENO) < 0 || child_no_sockets() < 0)
			_exit(CHILD_BROKEN);
		close(p[0]);
		close(p[1]);
		fn(arg);
		_exit(CHILD_RETURNED);
	}
	close(p[1]);
	for (;;) {
		char rest[512];
		size_t room = sizeof(r->out) - 1 - r->len;
		/* Past the buffer: read on (so the child never blocks on a
		 * full pipe) and drop it. */
		ssize_t n = room ? read(p[0], r->out + r->len, room) :
				   read(p[0], rest, sizeof(rest));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (room)
			r->len += (size_t)n;
	}
	close(p[0]);
	r->out[r->len] = '\0';
	while (waitpid(pid, &r->status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

/* The child ended with exit(@code). */
static inline int child_exited(const struct child_result *r, int code)
{
	return WIFEXITED(r->status) && WEXITSTATUS(r->status) == code;
}

#endif
