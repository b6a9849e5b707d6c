// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tgframes - write and read raw Ethernet frames for test_ports.sh.
 *
 *   tgframes tap -- HELPER [ARGS...]    a tap from the helper (like QEMU:
 *                                       socketpair, --fd=N), then frames
 *                                       on its fd
 *   tgframes packet IFNAME              an AF_PACKET socket on IFNAME
 *                                       (root), e.g. the uplink's peer
 *
 * First line: "ready ifname=NAME" (tap: also the helper's "exit=N" when
 * it failed, then the program ends). Then one command a line on stdin,
 * one answer line on stdout each:
 *   send DST SRC TAG     a frame DST <- SRC, ethertype 0x88b5 (local
 *                        experimental), payload TAG: "sent"
 *   bpdu SRC PRIO        an STP configuration BPDU from SRC claiming root
 *                        priority PRIO with root id = SRC: "sent"
 *   carrier 0|1          TUNSETCARRIER on the tap (any fd holder may):
 *                        "carrier"
 *   expect TAG STOP MS   read frames until one carries TAG ("seen"),
 *                        or one carries STOP ("notseen": TAG did not
 *                        come before STOP), or MS milliseconds pass
 *                        ("timeout"); frames of other kinds are skipped
 * MACs are written aa:bb:cc:dd:ee:ff. Exit status 0 at end of input.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ETHERTYPE_TEST 0x88b5
#define TAG_MAX 32

static int fd = -1;
static bool is_packet;

static void die(const char *what)
{
	fprintf(stderr, "tgframes: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)v[i];
	return 0;
}

/* The helper's tap, received like QEMU's net/tap.c does. */
static void get_tap(char **argv, char *ifname)
{
	char fdarg[32], byte, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	struct ifreq ifr;
	int sv[2], status, argc = 0;
	char **av;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	while (argv[argc])
		argc++;
	av = calloc((size_t)argc + 2, sizeof(*av));
	if (!av)
		die("calloc");
	memcpy(av, argv, (size_t)argc * sizeof(*av));
	snprintf(fdarg, sizeof(fdarg), "--fd=%d", sv[1]);
	av[argc] = fdarg;
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (fcntl(sv[1], F_SETFD, 0) < 0)
			_exit(97);
		execv(av[0], av);
		_exit(96);
	}
	close(sv[1]);
	if (recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC) == 1 &&
	    (c = CMSG_FIRSTHDR(&msg)) && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	close(sv[0]);
	if (fd < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		exit(1);
	}
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0)
		die("TUNGETIFF");
	snprintf(ifname, IFNAMSIZ, "%s", ifr.ifr_name);
	free(av);
}

static void open_packet(const char *ifname)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL) };

	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex)
		die(ifname);
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind");
	is_packet = true;
}

static void put(const unsigned char *frame, size_t len)
{
	if (write(fd, frame, len) != (ssize_t)len)
		die("write");
	printf("sent\n");
}

static void send_test(const unsigned char dst[6], const unsigned char src[6],
		      const char *tag)
{
	unsigned char f[ETH_ZLEN] = { 0 };

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	memcpy(f + 14, tag, strnlen(tag, TAG_MAX));
	put(f, sizeof(f));
}

/* IEEE 802.1D configuration BPDU in an 802.3/LLC frame. */
static void send_bpdu(const unsigned char src[6], unsigned prio)
{
	static const unsigned char stp[6] = { 0x01, 0x80, 0xc2, 0, 0, 0 };
	unsigned char f[ETH_ZLEN] = { 0 }, *b = f + 17;

	memcpy(f, stp, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0;
	f[13] = 38;                       /* 802.3 length: LLC + 35 bytes */
	f[14] = 0x42;                     /* DSAP, SSAP: STP */
	f[15] = 0x42;
	f[16] = 0x03;                     /* UI */
	/* b[0..1] protocol 0, b[2] version 0, b[3] type 0 (config) */
	b[4] = 0;                         /* flags */
	b[5] = (unsigned char)(prio >> 8); /* root id: priority, MAC */
	b[6] = (unsigned char)prio;
	memcpy(b + 7, src, 6);
	/* b[13..16] root path cost 0 */
	b[17] = (unsigned char)(prio >> 8); /* bridge id: the same */
	b[18] = (unsigned char)prio;
	memcpy(b + 19, src, 6);
	b[25] = 0x80;                     /* port id 0x8001 */
	b[26] = 0x01;
	/* times in 1/256 s: age 0, max age 20, hello 2, forward delay 15 */
	b[29] = 20;
	b[31] = 2;
	b[33] = 15;
	put(f, sizeof(f));
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The tag of a test frame, or "" for any other frame. */
static void tag_of(const unsigned char *f, ssize_t n, char *tag)
{
	tag[0] = '\0';
	if (n < 14 + 1 || f[12] != (ETHERTYPE_TEST >> 8) ||
	    f[13] != (ETHERTYPE_TEST & 0xff))
		return;
	memcpy(tag, f + 14, TAG_MAX);
	tag[TAG_MAX] = '\0';
}

static void expect(const char *want, const char *stop, long ms)
{
	long end = now_ms() + ms;
	unsigned char f[2048];
	char tag[TAG_MAX + 1];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t fromlen = sizeof(from);
		long left = end - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			printf("timeout\n");
			return;
		}
		from.sll_pkttype = PACKET_HOST;
		n = is_packet ? recvfrom(fd, f, sizeof(f), 0,
					 (struct sockaddr *)&from, &fromlen) :
		    read(fd, f, sizeof(f));
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("read");
		}
		/* A packet socket also sees what it sent itself. */
		if (is_packet && from.sll_pkttype == PACKET_OUTGOING)
			continue;
		tag_of(f, n, tag);
		if (strcmp(tag, want) == 0) {
			printf("seen\n");
			return;
		}
		if (strcmp(tag, stop) == 0) {
			printf("notseen\n");
			return;
		}
	}
}

int main(int argc, char *argv[])
{
	char ifname[IFNAMSIZ] = "", line[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 4 && strcmp(argv[1], "tap") == 0 && strcmp(argv[2], "--") == 0)
		get_tap(argv + 3, ifname);
	else if (argc == 3 && strcmp(argv[1], "packet") == 0)
		open_packet(argv[2]), snprintf(ifname, sizeof(ifname), "%s", argv[2]);
	else {
		fprintf(stderr, "usage: tgframes tap -- HELPER [ARGS...] | tgframes packet IFNAME\n");
		return 2;
	}
	printf("ready ifname=%s\n", ifname);

	while (fgets(line, sizeof(line), stdin)) {
		char cmd[16], a[64], b[64], c[64];
		unsigned char m1[6], m2[6];
		int n = sscanf(line, "%15s %63s %63s %63s", cmd, a, b, c);

		if (n == 4 && strcmp(cmd, "send") == 0 && !parse_mac(a, m1) &&
		    !parse_mac(b, m2))
			send_test(m1, m2, c);
		else if (n == 3 && strcmp(cmd, "bpdu") == 0 && !parse_mac(a, m1))
			send_bpdu(m1, (unsigned)strtoul(b, NULL, 0));
		else if (n == 2 && strcmp(cmd, "carrier") == 0 && !is_packet) {
			unsigned int on = a[0] == '1';

			if (ioctl(fd, TUNSETCARRIER, &on) < 0)
				die("TUNSETCARRIER");
			printf("carrier\n");
		} else if (n == 4 && strcmp(cmd, "expect") == 0)
			expect(a, b, strtol(c, NULL, 10));
		else
			printf("error: %s", line);
	}
	return 0;
}
