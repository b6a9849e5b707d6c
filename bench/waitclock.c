// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * waitclock - time one grant the way QEMU waits for it.
 *
 *   waitclock BRIDGE HELPER
 *
 * Runs "HELPER --use-vnet --br=BRIDGE --fd=N" like QEMU's
 * net_bridge_run_helper(): socketpair, fork, exec, recvmsg the fd, then
 * waitpid, because QEMU (and libvirt) only use the fd once the helper
 * has exited 0. Prints one line: microseconds from fork to fd received
 * and from fork to the helper's exit reaped. tests/e2e/tgclient --time
 * measures only the first; work a helper does after the handover
 * (logging, exit) is in the second. Exit status 0 iff exactly one fd
 * arrived and the helper exited 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char *argv[])
{
	char fdarg[32], brarg[64], byte = 1;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cmsg;
	double t0, t_fd, t_exit;
	int sv[2], status, nfds = 0;
	ssize_t n;
	pid_t pid;

	if (argc != 3) {
		fprintf(stderr, "usage: waitclock BRIDGE HELPER\n");
		return 2;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("waitclock: socketpair");
		return 2;
	}
	snprintf(fdarg, sizeof(fdarg), "--fd=%d", sv[1]);
	snprintf(brarg, sizeof(brarg), "--br=%s", argv[1]);

	t0 = now_us();
	pid = fork();
	if (pid < 0) {
		perror("waitclock: fork");
		return 2;
	}
	if (pid == 0) {
		char *av[] = { argv[2], "--use-vnet", brarg, fdarg, NULL };

		if (fcntl(sv[1], F_SETFD, 0) == 0)
			execv(av[0], av);
		_exit(127);
	}
	close(sv[1]);
	do {
		n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	t_fd = now_us();
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	t_exit = now_us();

	if (n == 1)
		for (cmsg = CMSG_FIRSTHDR(&msg); cmsg;
		     cmsg = CMSG_NXTHDR(&msg, cmsg))
			if (cmsg->cmsg_level == SOL_SOCKET &&
			    cmsg->cmsg_type == SCM_RIGHTS)
				nfds += (int)((cmsg->cmsg_len - CMSG_LEN(0)) /
					      sizeof(int));
	if (n != 1 || byte != 0 || nfds != 1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "waitclock: %s: no grant (recv %zd, fds %d, status 0x%x)\n",
			argv[2], n, nfds, (unsigned)status);
		return 1;
	}
	printf("%.1f %.1f\n", t_fd - t0, t_exit - t0);
	return 0;
}
