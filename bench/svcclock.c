// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * svcclock - one request to the tapgate service, timed: microseconds
 * from before connect() to the reply received (a tap fd, or the end of
 * the stream if the service sends nothing), for bench/service-latency.sh.
 *
 *   svcclock SOCKET BRIDGE
 *
 * Speaks the request of tapgate(8), THE SERVICE, version 1. Exits 0
 * after printing the figure; 1 on any error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
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
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned char req[32], hdr[8];
	char ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = hdr, .iov_len = sizeof(hdr) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	size_t n;
	double t0;
	int s;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path) ||
	    (n = strlen(argv[2])) == 0 || n > 15) {
		fprintf(stderr, "usage: svcclock SOCKET BRIDGE\n");
		return 1;
	}
	strcpy(sa.sun_path, argv[1]);
	memcpy(req, "tgq\x01\x01", 5);
	req[5] = (unsigned char)n;
	req[6] = req[7] = 0;
	memcpy(req + 8, argv[2], n);

	t0 = now_us();
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("svcclock: connect");
		return 1;
	}
	/* An instance that exits without reading (the activation floor's
	 * /bin/true) may reset the connection or close it before we have
	 * sent: that is its end of the stream too. */
	if (send(s, req, 8 + n, MSG_NOSIGNAL) != (ssize_t)(8 + n) ||
	    shutdown(s, SHUT_WR) < 0 ||
	    recvmsg(s, &mh, MSG_CMSG_CLOEXEC) < 0) {
		if (errno != EPIPE && errno != ECONNRESET) {
			perror("svcclock");
			return 1;
		}
	}
	printf("%.1f\n", now_us() - t0);
	return 0;
}
