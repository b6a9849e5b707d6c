// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "die.h"

void fdpass_check(int fd)
{
	int domain = -1, type = -1;
	socklen_t len = sizeof(int);
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct stat st;

	if (fstat(fd, &st) < 0)
		die_errno(EXIT_USAGE, "invalid --fd=%d: not an open file descriptor (it must be the caller's end of a unix socket)", fd);
	if (!S_ISSOCK(st.st_mode))
		die(EXIT_USAGE, "invalid --fd=%d: not a socket (it must be the caller's end of a unix socket)", fd);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    domain != AF_UNIX)
		die(EXIT_USAGE, "invalid --fd=%d: not a unix (AF_UNIX) socket", fd);
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_STREAM)
		die(EXIT_USAGE, "invalid --fd=%d: not a stream (SOCK_STREAM) socket", fd);
	if (getpeername(fd, (struct sockaddr *)&peer, &plen) < 0)
		die_errno(EXIT_USAGE, "invalid --fd=%d: socket is not connected", fd);
}

int fdpass_send_data(int sock, int fd, const void *data, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(&ctl, 0, sizeof(ctl));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));

	/* MSG_NOSIGNAL: a client that went away gives EPIPE, not death.
	 * MSG_DONTWAIT: a full socket is an error, not a hang. */
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int fdpass_send(int sock, int fd)
{
	static const char byte;

	return fdpass_send_data(sock, fd, &byte, 1);
}
