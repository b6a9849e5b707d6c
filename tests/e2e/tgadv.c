// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tgadv - the adversary's tools for tests/e2e/test_adversarial*.sh and
 * test_seccomp.sh: what a local user could do to tapgate that a shell
 * cannot express.
 *
 *   tgadv argc0 PATH            execve(PATH) with argc == 0, empty env
 *   tgadv fds N CMD [ARGS...]   exec CMD with fds 3..N+2 open (inherited)
 *   tgadv ptrace PID            try PTRACE_ATTACH and PTRACE_SEIZE on PID;
 *                               prints ptrace_attach=, ptrace_seize=
 *                               (an errno name, or "ok")
 *   tgadv storm N SEED HELPER [ARGS...]
 *                               N runs of HELPER ARGS --fd=K, each hit at
 *                               a random moment by SIGKILL, SIGSTOP then
 *                               SIGCONT, SIGSTOP then SIGKILL, or the
 *                               client closing its end; prints counts and
 *                               exits 1 on a protocol violation (exit 0
 *                               without exactly one fd)
 *   tgadv jam PATH              bind a datagram socket at PATH (a stand-in
 *                               /dev/log), fill its queue so the next
 *                               sender blocks, print "jammed", then wait
 *                               for stdin to close and exit: the blocked
 *                               sender then fails and carries on
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: tgadv argc0|fds|ptrace|storm|jam ... (see tgadv.c)\n");
	return 2;
}

static const char *err_name(int e)
{
	switch (e) {
	case 0: return "ok";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ESRCH: return "ESRCH";
	default: return strerror(e);
	}
}

static int cmd_argc0(const char *path)
{
	char *const argv[] = { NULL };
	char *const envp[] = { NULL };

	execve(path, argv, envp);
	perror("execve");
	return 127;
}

static int cmd_fds(long n, char **argv)
{
	for (long i = 0; i < n; i++) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd < 0) {
			perror("open");
			return 2;
		}
	}
	execvp(argv[0], argv);
	perror("execvp");
	return 127;
}

static int cmd_ptrace(pid_t pid)
{
	int e;

	errno = 0;
	e = ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0 ? errno : 0;
	printf("ptrace_attach=%s\n", err_name(e));
	if (e == 0) {
		waitpid(pid, NULL, __WALL);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	}
	e = ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0 ? errno : 0;
	printf("ptrace_seize=%s\n", err_name(e));
	if (e == 0)
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return 0;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int cmd_storm(long n, unsigned seed, int hargc, char **hargv)
{
	long count[5] = { 0 }, granted = 0, refused = 0, killed = 0, bad = 0;
	char **av = calloc((size_t)hargc + 2, sizeof(*av));
	char fdarg[32];

	if (!av)
		return 2;
	printf("seed=%u\n", seed);
	srand(seed);
	for (long i = 0; i < n; i++) {
		int sv[2], status, nfds = 0, action = rand() % 4;
		long delay = rand() % 4000, pause = rand() % 2000;
		char byte, ctl[CMSG_SPACE(sizeof(int) * 4)];
		struct iovec iov = { &byte, 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = ctl,
				      .msg_controllen = sizeof(ctl) };
		ssize_t got;
		pid_t pid;

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return 2;
		pid = fork();
		if (pid < 0)
			return 2;
		if (pid == 0) {
			fcntl(sv[1], F_SETFD, 0);
			snprintf(fdarg, sizeof(fdarg), "--fd=%d", sv[1]);
			memcpy(av, hargv, (size_t)hargc * sizeof(*av));
			av[hargc] = fdarg;
			execv(av[0], av);
			_exit(127);
		}
		close(sv[1]);
		count[action]++;
		sleep_us(delay);
		switch (action) {
		case 0:
			kill(pid, SIGKILL);
			break;
		case 1:
			kill(pid, SIGSTOP);
			sleep_us(pause);
			kill(pid, SIGCONT);
			break;
		case 2:
			kill(pid, SIGSTOP);
			sleep_us(pause);
			kill(pid, SIGKILL);
			break;
		case 3:
			close(sv[0]);
			sv[0] = -1;
			break;
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		got = sv[0] < 0 ? 0 : recvmsg(sv[0], &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (got > 0) {
			for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
			     c = CMSG_NXTHDR(&msg, c)) {
				int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

				for (int j = 0; j < k; j++) {
					int f;

					memcpy(&f, CMSG_DATA(c) + j * sizeof(int), sizeof(int));
					close(f);
					nfds++;
				}
			}
		}
		if (sv[0] >= 0)
			close(sv[0]);
		if (WIFSIGNALED(status)) {
			killed++;
		} else if (WEXITSTATUS(status) == 0) {
			granted++;
			/* exit 0 means exactly one fd was delivered. When we
			 * closed our end, it may have been, just before: the
			 * fd in flight is then discarded with the socket (and
			 * the tap with it: the caller checks no tap is left). */
			if (action != 3 && nfds != 1) {
				bad++;
				printf("violation: run %ld action %d exit 0 with %d fds\n",
				       i, action, nfds);
			}
		} else {
			refused++;
			if (nfds != 0) {
				bad++;
				printf("violation: run %ld action %d exit %d with %d fds\n",
				       i, action, WEXITSTATUS(status), nfds);
			}
		}
	}
	printf("runs=%ld kill=%ld stopcont=%ld stopkill=%ld close=%ld\n", n,
	       count[0], count[1], count[2], count[3]);
	printf("granted=%ld refused=%ld killed=%ld violations=%ld\n", granted,
	       refused, killed, bad);
	free(av);
	return bad ? 1 : 0;
}

static int cmd_jam(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int rx, tx;
	char c;

	if (strlen(path) >= sizeof(sun.sun_path))
		return 2;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	unlink(path);
	rx = socket(AF_UNIX, SOCK_DGRAM, 0);
	tx = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		perror("jam");
		return 2;
	}
	chmod(path, 0666);
	/* Fill the receive queue: the next blocking sender waits. */
	for (int i = 0; i < 100000; i++) {
		if (sendto(tx, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&sun,
			   sizeof(sun)) < 0) {
			if (errno == EAGAIN)
				break;
			perror("jam: sendto");
			return 2;
		}
	}
	printf("jammed\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "argc0") == 0)
		return cmd_argc0(argv[2]);
	if (strcmp(argv[1], "fds") == 0 && argc >= 4)
		return cmd_fds(strtol(argv[2], NULL, 10), argv + 3);
	if (strcmp(argv[1], "ptrace") == 0)
		return cmd_ptrace((pid_t)strtol(argv[2], NULL, 10));
	if (strcmp(argv[1], "storm") == 0 && argc >= 5)
		return cmd_storm(strtol(argv[2], NULL, 10),
				 (unsigned)strtoul(argv[3], NULL, 10),
				 argc - 4, argv + 4);
	if (strcmp(argv[1], "jam") == 0)
		return cmd_jam(argv[2]);
	return usage();
}
