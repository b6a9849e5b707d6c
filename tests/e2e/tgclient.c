// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tgclient - a test client that behaves like QEMU's net/tap.c bridge
 * code: socketpair, run the helper with --fd=N, receive the tap fd.
 *
 *   tgclient [--close-early] [--sh] [--no-fd] [--fd-value=V]
 *            [--hold=CMD] [--hold-until=PATH] [--ready=PATH]
 *            [--setowner=UID] [--repeat=N --time] -- HELPER [ARGS...]
 *
 * Prints key=value lines: exit=, received=, ifname=, vnet_hdr=,
 * nfds=, databyte=. --hold runs CMD with /bin/sh while the fd is held,
 * with TAP=<ifname> in its environment. --setowner gives the received
 * tap to another uid first (TUNSETOWNER, which the kernel lets any fd
 * holder do) and prints setowner=0 or the errno. --time prints one line per run
 * with the microseconds from fork to fd received (for bench/).
 * --ready=PATH creates PATH once the helper has exited and every line
 * above is written (tests wait for that file, never for the helper's
 * absence). --hold-until=PATH then keeps the fd until PATH exists
 * (hold_until=0), giving up after HOLD_MAX_S (hold_until=timeout, exit 99).
 * --close-early closes our end before the helper is forked: the helper
 * always finds the socket closed, without any wait in the test.
 * Exit status: 0 if the helper exited 0 and exactly one fd arrived,
 * 100 + helper exit code if it failed, 99 on a protocol violation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static bool close_early, via_sh, no_fd, do_time;
static const char *hold_cmd, *fd_value, *set_owner, *ready_path, *hold_until;
static int repeat = 1;

enum { HOLD_MAX_S = 300 };

/* The event tests wait for: created once, after stdout is flushed. */
static void signal_ready(void)
{
	int fd;

	if (!ready_path)
		return;
	fflush(stdout);
	fd = open(ready_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(ready_path);
		exit(98);
	}
	close(fd);
	ready_path = NULL;
}

/* Keep the fd until @path exists; false after HOLD_MAX_S seconds. */
static bool wait_for_path(const char *path)
{
	const struct timespec tick = { .tv_nsec = 20 * 1000 * 1000 };

	for (long i = 0; i < HOLD_MAX_S * 50L; i++) {
		if (access(path, F_OK) == 0)
			return true;
		nanosleep(&tick, NULL);
	}
	return false;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static pid_t spawn(char **hargv, int hargc, int childfd)
{
	char fdarg[64];
	pid_t pid;

	if (fd_value)
		snprintf(fdarg, sizeof(fdarg), "--fd=%s", fd_value);
	else
		snprintf(fdarg, sizeof(fdarg), "--fd=%d", childfd);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(98);
	}
	if (pid > 0)
		return pid;

	if (fcntl(childfd, F_SETFD, 0) < 0)
		_exit(97);
	if (via_sh) {
		/* QEMU's form when helper= contains a space. */
		size_t len = strlen(fdarg) + 2;
		char *cmd;

		for (int i = 0; i < hargc; i++)
			len += strlen(hargv[i]) + 1;
		cmd = calloc(1, len + 1);
		for (int i = 0; i < hargc; i++) {
			strcat(cmd, hargv[i]);
			strcat(cmd, " ");
		}
		if (!no_fd)
			strcat(cmd, fdarg);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	} else {
		char **av = calloc((size_t)hargc + 2, sizeof(*av));

		for (int i = 0; i < hargc; i++)
			av[i] = hargv[i];
		if (!no_fd)
			av[hargc] = fdarg;
		execv(av[0], av);
	}
	perror("exec");
	_exit(96);
}

static int run_once(char **hargv, int hargc, bool quiet)
{
	int sv[2], status, fd = -1, nfds = 0;
	char byte = 0x7f, ctl[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	double t0, t1;
	ssize_t n;
	pid_t pid;
	int rc;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("socketpair");
		exit(98);
	}
	/* --close-early: our end is closed before the helper exists, so
	 * its handover always finds the socket gone (no race). */
	if (close_early)
		close(sv[0]);
	t0 = now_us();
	pid = spawn(hargv, hargc, sv[1]);
	close(sv[1]);
	n = close_early ? 0 : recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
	t1 = now_us();
	if (n > 0) {
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c;
		     c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SCM_RIGHTS) {
				int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

				for (int i = 0; i < k; i++) {
					int f;

					memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
					if (nfds++ == 0)
						fd = f;
					else
						close(f);
				}
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!close_early)
		close(sv[0]);

	if (do_time)
		printf("%.1f\n", t1 - t0);
	if (!quiet) {
		if (WIFEXITED(status))
			printf("exit=%d\n", WEXITSTATUS(status));
		else
			printf("exit=signal%d\n", WTERMSIG(status));
		printf("received=%s\nnfds=%d\ndatabyte=%d\n", nfds ? "yes" : "no",
		       nfds, n > 0 ? (unsigned char)byte : -1);
	}
	if (fd >= 0) {
		struct ifreq ifr;

		memset(&ifr, 0, sizeof(ifr));
		if (ioctl(fd, TUNGETIFF, &ifr) == 0 && !quiet)
			printf("ifname=%s\nvnet_hdr=%d\n", ifr.ifr_name,
			       (ifr.ifr_flags & IFF_VNET_HDR) ? 1 : 0);
		if (set_owner)
			printf("setowner=%d\n", ioctl(fd, TUNSETOWNER,
						      strtoul(set_owner, NULL, 10)) == 0 ? 0 : errno);
		fflush(stdout);
		signal_ready();
		if (hold_cmd) {
			setenv("TAP", ifr.ifr_name, 1);
			rc = system(hold_cmd);
			printf("hold=%d\n", WIFEXITED(rc) ? WEXITSTATUS(rc) : -1);
		}
		if (hold_until && !wait_for_path(hold_until)) {
			printf("hold_until=timeout\n");
			fflush(stdout);
			return 99;
		}
		if (hold_until)
			printf("hold_until=0\n");
		close(fd);
	}
	fflush(stdout);
	signal_ready();
	if (!WIFEXITED(status))
		return 99;
	if (WEXITSTATUS(status) != 0)
		return fd >= 0 ? 99 : 100 + WEXITSTATUS(status);
	return (nfds == 1 && n == 1 && byte == 0) ? 0 : 99;
}

int main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "close-early", no_argument, NULL, 'c' },
		{ "sh", no_argument, NULL, 's' },
		{ "no-fd", no_argument, NULL, 'n' },
		{ "fd-value", required_argument, NULL, 'f' },
		{ "setowner", required_argument, NULL, 'o' },
		{ "hold", required_argument, NULL, 'h' },
		{ "hold-until", required_argument, NULL, 'u' },
		{ "ready", required_argument, NULL, 'R' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "time", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'c': close_early = true; break;
		case 's': via_sh = true; break;
		case 'n': no_fd = true; break;
		case 'f': fd_value = optarg; break;
		case 'h': hold_cmd = optarg; break;
		case 'u': hold_until = optarg; break;
		case 'R': ready_path = optarg; break;
		case 'o': set_owner = optarg; break;
		case 'r': repeat = atoi(optarg); break;
		case 't': do_time = true; break;
		default:
			fprintf(stderr, "usage: tgclient [options] -- HELPER [ARGS...]\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "tgclient: no helper given\n");
		return 2;
	}
	for (int i = 0; i < repeat; i++) {
		rc = run_once(argv + optind, argc - optind, repeat > 1 || do_time);
		if (rc != 0 && repeat > 1) {
			fprintf(stderr, "tgclient: run %d failed (%d)\n", i, rc);
			return rc;
		}
	}
	return rc;
}
