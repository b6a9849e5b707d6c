// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tgholder - a hostile holder of a tap fd: it gets the fd as QEMU
 * would (socketpair, HELPER --fd=N), or re-attaches to a tap by name
 * as its owner (--reattach=NAME: TUNSETIFF on /dev/net/tun, no
 * helper), then uses the ioctls the kernel allows any fd holder, in
 * the order given, and then holds the fd or exits.
 *
 *   tgholder [ACTIONS...] [--hold-until=PATH [--probe]] -- HELPER ARGS...
 *   tgholder --reattach=NAME [ACTIONS...] [--hold-until=PATH [--probe]]
 *
 * ACTIONS: --persist (TUNSETPERSIST 1), --owner=UID (TUNSETOWNER),
 * --group=GID (TUNSETGROUP), --mac=XX:XX:XX:XX:XX:XX (SIOCSIFHWADDR),
 * --carrier=0|1 (TUNSETCARRIER), --link=TYPE (TUNSETLINK),
 * --offload=FLAGS (TUNSETOFFLOAD), --sndbuf=N (TUNSETSNDBUF),
 * --vnethdrsz=N (TUNSETVNETHDRSZ), --vnetle=N, --vnetbe=N
 * (TUNSETVNETLE, TUNSETVNETBE), --txfilter (TUNSETTXFILTER, one
 * address), --attach-filter (TUNATTACHFILTER, accept-all cBPF),
 * --detach-queue (TUNSETQUEUE IFF_DETACH_QUEUE), --ebpf (load a
 * socket-filter eBPF program as this user, for TUNSETFILTEREBPF).
 *
 * Prints key=value lines, flushed: exit= (the helper's), ifname=,
 * pid=, one NAME=0|ERRNO per action, then ready=1. With --hold-until
 * it waits for PATH to exist (polling: the test creates it), and with
 * --probe then writes one frame to the fd and prints write=0|ERRNO.
 * Exit status 0 if the fd was obtained, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int get_fd(char **hargv)
{
	char ctl[CMSG_SPACE(sizeof(int))], byte, fdarg[32];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	int sv[2], status, fd = -1, argc = 0;
	char **av;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	while (hargv[argc])
		argc++;
	av = calloc((size_t)argc + 2, sizeof(*av));
	if (!av)
		return -1;
	memcpy(av, hargv, (size_t)argc * sizeof(*av));
	snprintf(fdarg, sizeof(fdarg), "--fd=%d", sv[1]);
	av[argc] = fdarg;
	pid = fork();
	if (pid == 0) {
		if (fcntl(sv[1], F_SETFD, 0) < 0)
			_exit(97);
		execv(av[0], av);
		_exit(96);
	}
	close(sv[1]);
	if (recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC) == 1) {
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

		if (c && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	}
	close(sv[0]);
	free(av);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	printf("exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	return fd;
}

static int reattach(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("reattach=%d\n", errno);
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		printf("reattach=%d\n", errno);
		close(fd);
		return -1;
	}
	printf("reattach=0\n");
	return fd;
}

static void report(const char *what, int rc)
{
	printf("%s=%d\n", what, rc < 0 ? errno : 0);
}

static int load_ebpf(void)
{
	struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)prog;
	attr.insn_cnt = 2;
	attr.license = (unsigned long)"GPL";
	return (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

static int act(int fd, const char *opt)
{
	const char *v = strchr(opt, '=');
	unsigned long n = v ? strtoul(v + 1, NULL, 0) : 0;
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (strcmp(opt, "--persist") == 0) {
		report("persist", ioctl(fd, TUNSETPERSIST, 1UL));
	} else if (strncmp(opt, "--owner=", 8) == 0) {
		report("owner", ioctl(fd, TUNSETOWNER, n));
	} else if (strncmp(opt, "--group=", 8) == 0) {
		report("group", ioctl(fd, TUNSETGROUP, n));
	} else if (strncmp(opt, "--mac=", 6) == 0) {
		unsigned m[6];

		if (sscanf(v + 1, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2],
			   &m[3], &m[4], &m[5]) != 6)
			return -1;
		if (ioctl(fd, TUNGETIFF, &ifr) < 0)
			return -1;
		ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
		for (int i = 0; i < 6; i++)
			ifr.ifr_hwaddr.sa_data[i] = (char)m[i];
		report("mac", ioctl(fd, SIOCSIFHWADDR, &ifr));
	} else if (strncmp(opt, "--carrier=", 10) == 0) {
		int on = (int)n;

		report("carrier", ioctl(fd, TUNSETCARRIER, &on));
	} else if (strncmp(opt, "--link=", 7) == 0) {
		report("link", ioctl(fd, TUNSETLINK, n));
	} else if (strncmp(opt, "--offload=", 10) == 0) {
		report("offload", ioctl(fd, TUNSETOFFLOAD, n));
	} else if (strncmp(opt, "--sndbuf=", 9) == 0) {
		int sz = (int)n;

		report("sndbuf", ioctl(fd, TUNSETSNDBUF, &sz));
	} else if (strncmp(opt, "--vnethdrsz=", 12) == 0) {
		int sz = (int)n;

		report("vnethdrsz", ioctl(fd, TUNSETVNETHDRSZ, &sz));
	} else if (strncmp(opt, "--vnetle=", 9) == 0) {
		int on = (int)n;

		report("vnetle", ioctl(fd, TUNSETVNETLE, &on));
	} else if (strncmp(opt, "--vnetbe=", 9) == 0) {
		int on = (int)n;

		report("vnetbe", ioctl(fd, TUNSETVNETBE, &on));
	} else if (strcmp(opt, "--txfilter") == 0) {
		struct { struct tun_filter f; unsigned char a[6]; } flt = {
			.f = { .flags = 0, .count = 1 },
			.a = { 0x02, 0, 0, 0, 0, 0x42 } };

		report("txfilter", ioctl(fd, TUNSETTXFILTER, &flt));
	} else if (strcmp(opt, "--attach-filter") == 0) {
		struct sock_filter ins[] = { { BPF_RET | BPF_K, 0, 0, 0xffff } };
		struct sock_fprog fp = { .len = 1, .filter = ins };

		report("attach_filter", ioctl(fd, TUNATTACHFILTER, &fp));
	} else if (strcmp(opt, "--detach-queue") == 0) {
		ifr.ifr_flags = IFF_DETACH_QUEUE;
		report("detach_queue", ioctl(fd, TUNSETQUEUE, &ifr));
	} else if (strcmp(opt, "--ebpf") == 0) {
		int prog = load_ebpf();

		report("ebpf_load", prog);
		if (prog >= 0)
			report("filter_ebpf", ioctl(fd, TUNSETFILTEREBPF, &prog));
	} else {
		return -1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	const char *hold = NULL, *name = NULL;
	struct ifreq ifr;
	int i, fd, probe = 0;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strncmp(argv[i], "--hold-until=", 13) == 0)
			hold = argv[i] + 13;
		else if (strncmp(argv[i], "--reattach=", 11) == 0)
			name = argv[i] + 11;
		else if (strcmp(argv[i], "--probe") == 0)
			probe = 1;
	}
	printf("pid=%d\n", (int)getpid());
	fd = name ? reattach(name) : i + 1 < argc ? get_fd(argv + i + 1) : -1;
	if (fd < 0) {
		printf("received=no\n");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) == 0)
		printf("ifname=%s\n", ifr.ifr_name);
	for (int k = 1; k < i; k++) {
		if (strncmp(argv[k], "--hold-until=", 13) == 0 ||
		    strncmp(argv[k], "--reattach=", 11) == 0 ||
		    strcmp(argv[k], "--probe") == 0)
			continue;
		if (act(fd, argv[k]) < 0) {
			fprintf(stderr, "tgholder: bad action %s\n", argv[k]);
			return 2;
		}
	}
	printf("ready=1\n");
	fflush(stdout);
	if (hold) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		while (access(hold, F_OK) < 0)
			nanosleep(&ts, NULL);
		if (probe) {
			unsigned char frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						    0x02, 0, 0, 0, 0, 1, 0x88, 0xb5 };

			printf("write=%d\n", write(fd, frame, sizeof(frame)) < 0 ?
			       errno : 0);
			fflush(stdout);
		}
	}
	return 0;
}
