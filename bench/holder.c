// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * holder - get many taps from a helper and keep them, for bench/.
 *
 *   holder HELD ORPHANS BRIDGE HELPER
 *
 * Runs "HELPER --br=BRIDGE --fd=N" HELD + ORPHANS times, one after the
 * other, the way QEMU does (socketpair, fork, exec, recvmsg, waitpid).
 * The first ORPHANS taps are pinned (TUNSETPERSIST 1, which the kernel
 * lets any holder of the fd do) and closed: persistent taps that no
 * process holds, what the next grant of tapgate's reaps. The other
 * HELD fds are kept open. Then it prints "ready HELD ORPHANS" on
 * stdout, closes it and, if it holds any, waits until stdin reaches
 * end of file (or a signal ends it): the kernel deletes the held
 * non-persistent taps when it exits. Raise RLIMIT_NOFILE above HELD
 * first (ulimit -n). Exit status 0, or 1 with a message on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int get_tap(const char *bridge, const char *helper)
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
	struct cmsghdr *c;
	int sv[2], status, fd = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	snprintf(fdarg, sizeof(fdarg), "--fd=%d", sv[1]);
	snprintf(brarg, sizeof(brarg), "--br=%s", bridge);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (fcntl(sv[1], F_SETFD, 0) < 0)
			_exit(127);
		execl(helper, helper, brarg, fdarg, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	if (recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC) == 1 &&
	    (c = CMSG_FIRSTHDR(&msg)) && c->cmsg_level == SOL_SOCKET &&
	    c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		fd = *(int *)CMSG_DATA(c);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "holder: %s exited with status %d\n", helper,
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char *argv[])
{
	long held, orphans;
	int *fds;
	char c;

	if (argc != 5 || (held = strtol(argv[1], NULL, 10)) < 0 ||
	    (orphans = strtol(argv[2], NULL, 10)) < 0) {
		fprintf(stderr, "usage: holder HELD ORPHANS BRIDGE HELPER\n");
		return 2;
	}
	fds = calloc((size_t)(held + orphans) + 1, sizeof(*fds));
	if (!fds)
		return 1;
	for (long i = 0; i < held + orphans; i++) {
		fds[i] = get_tap(argv[3], argv[4]);
		if (fds[i] < 0) {
			fprintf(stderr, "holder: tap %ld of %ld not granted\n",
				i + 1, held + orphans);
			return 1;
		}
	}
	/* Only now, once every grant is done: a grant of tapgate's would
	 * reap an orphan made before it. */
	for (long i = 0; i < orphans; i++) {
		if (ioctl(fds[i], TUNSETPERSIST, 1) < 0) {
			perror("holder: TUNSETPERSIST");
			return 1;
		}
		close(fds[i]);
	}
	printf("ready %ld %ld\n", held, orphans);
	fflush(stdout);
	fclose(stdout);
	if (held)
		while (read(0, &c, 1) > 0)
			;
	return 0;
}
