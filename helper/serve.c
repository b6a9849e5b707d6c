// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * serve.c - tapgate --serve, the service side of a grant for a caller
 * that cannot gain privilege itself (no_new_privs: QEMU -sandbox on,
 * Flatpak, NoNewPrivileges= services).
 *
 * MUST take the caller's identity from the kernel (SO_PEERCRED,
 *      SO_PEERGROUPS), never from the request.
 * MUST become the caller (uid, gid, supplementary groups) before the
 *      request is parsed or any file read: from there on a grant is
 *      the same code as a setuid run (main.c).
 * MUST refuse a peer with an unmapped (overflow) uid or gid.
 * MUST give up on a request not complete within SERVE_REQUEST_MS.
 * MUST answer every refusal on the connection too, so that the client
 *      can relay it to QEMU or libvirt.
 */
#define _GNU_SOURCE
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "service_proto.h"
#include "strutil.h"
#include "die.h"
#include "fdpass.h"

/* The parsed request outlives serve_accept(): args points into it. */
static struct service_request request;

bool serve_requested(int argc, char *const argv[])
{
	return argc == 2 && strcmp(argv[1], "--serve") == 0;
}

/* die() hook: the message and status back to the client. Best effort:
 * the client may be gone, and the log has the message either way. */
static void reply_refusal(int code, const char *msg)
{
	uint8_t buf[SERVICE_REPLY_MAX];
	size_t len = service_reply_encode(buf, (uint8_t)code, msg, strlen(msg));

	(void)send(SERVE_FD, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* fd 3 must be a connected AF_UNIX stream socket, not a listening
 * one (that would be Accept=no, which this mode does not speak). */
static void check_connection(void)
{
	int val = -1;
	socklen_t len = sizeof(val);
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct stat st;

	if (fstat(SERVE_FD, &st) < 0)
		die_errno(EXIT_USAGE, "tapgate --serve: fd 3 is not open (run it from tapgate@.service, Accept=yes, or systemd-socket-activate --accept)");
	if (!S_ISSOCK(st.st_mode))
		die(EXIT_USAGE, "tapgate --serve: fd 3 is not a socket (run it from tapgate@.service, Accept=yes, or systemd-socket-activate --accept)");
	if (getsockopt(SERVE_FD, SOL_SOCKET, SO_DOMAIN, &val, &len) < 0 ||
	    val != AF_UNIX)
		die(EXIT_USAGE, "tapgate --serve: fd 3 is not a unix (AF_UNIX) socket");
	len = sizeof(val);
	if (getsockopt(SERVE_FD, SOL_SOCKET, SO_TYPE, &val, &len) < 0 ||
	    val != SOCK_STREAM)
		die(EXIT_USAGE, "tapgate --serve: fd 3 is not a stream (SOCK_STREAM) socket");
	len = sizeof(val);
	if (getsockopt(SERVE_FD, SOL_SOCKET, SO_ACCEPTCONN, &val, &len) < 0 ||
	    val != 0)
		die(EXIT_USAGE, "tapgate --serve: fd 3 is a listening socket, not a connection (the socket unit needs Accept=yes)");
	if (getpeername(SERVE_FD, (struct sockaddr *)&peer, &plen) < 0)
		die_errno(EXIT_USAGE, "tapgate --serve: fd 3 is not connected");
}

/* The peer's supplementary groups, as the kernel recorded them at
 * connect(); malloc()ed, *n set. */
static gid_t *peer_groups(size_t *n)
{
	socklen_t len = 64 * sizeof(gid_t);
	gid_t *g = NULL;

	for (;;) {
		gid_t *bigger = realloc(g, len ? len : sizeof(gid_t));

		if (!bigger)
			die(EXIT_PRIVS, "out of memory");
		g = bigger;
		if (getsockopt(SERVE_FD, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0)
			break;
		/* ERANGE: len now says how much the kernel needs. */
		if (errno != ERANGE)
			die_errno(EXIT_PRIVS, "failed to read the caller's groups (SO_PEERGROUPS)");
	}
	*n = len / sizeof(gid_t);
	return g;
}

/* /proc/sys/kernel/overflow{u,g}id: the id a user namespace shows for
 * one it does not map. Read as the caller (it is world-readable). */
static unsigned long long overflow_id(const char *path)
{
	char buf[32];
	long long v;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		die_errno(EXIT_PRIVS, "failed to open %s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		die(EXIT_PRIVS, "failed to read %s", path);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (str_to_int(buf, 0, 0xffffffffLL, &v) < 0)
		die(EXIT_PRIVS, "%s does not hold an id", path);
	return (unsigned long long)v;
}

static void refuse_unmapped(uid_t uid, gid_t gid)
{
	if (uid == overflow_id("/proc/sys/kernel/overflowuid") ||
	    gid == overflow_id("/proc/sys/kernel/overflowgid"))
		die(EXIT_PRIVS, "the tapgate service refuses uid %u gid %u: that is the overflow id, which a user namespace shows for an id it does not map, so the caller's real identity is unknown (run the client with ids the host knows)",
		    (unsigned)uid, (unsigned)gid);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Close every fd an SCM_RIGHTS message brought; returns how many. */
static unsigned drop_fds(struct msghdr *mh)
{
	unsigned count = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(fd);
			count++;
		}
	}
	return count;
}

/* Read until the client's end of stream, at most one byte more than
 * the largest request, within the deadline; no fd may come along. */
static size_t read_request(uint8_t *buf, size_t size)
{
	long long deadline = now_ms() + SERVE_REQUEST_MS;
	size_t len = 0;

	while (len < size) {
		union {
			char buf[CMSG_SPACE(16 * sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { .iov_base = buf + len, .iov_len = size - len };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		struct pollfd pfd = { .fd = SERVE_FD, .events = POLLIN };
		long long left = deadline - now_ms();
		unsigned nfds;
		ssize_t n;
		int rc;

		if (left <= 0)
			die(EXIT_USAGE, "the tapgate service gave up: the request was not complete within %u ms (%zu bytes received)",
			    SERVE_REQUEST_MS, len);
		rc = poll(&pfd, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			die_errno(EXIT_USAGE, "failed to wait for the request");
		if (rc == 0)
			continue; /* the deadline check above says it */
		n = recvmsg(SERVE_FD, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			die_errno(EXIT_USAGE, "failed to read the request");
		nfds = drop_fds(&mh);
		if (nfds || (mh.msg_flags & MSG_CTRUNC))
			die(EXIT_USAGE, "bad request: it carries file descriptors (%u%s); the service takes none",
			    nfds, mh.msg_flags & MSG_CTRUNC ? " and more" : "");
		if (n == 0)
			break; /* the client shut down its side: the end */
		len += (size_t)n;
	}
	return len;
}

enum privs_mode serve_accept(struct args *args)
{
	uint8_t buf[SERVICE_REQ_MAX + 1];
	struct ucred cred;
	socklen_t len = sizeof(cred);
	enum privs_mode mode;
	char msg[256];
	size_t n, ngroups;
	gid_t *groups;

	/* 3a. The connection, and from now on every refusal goes back
	 *     over it as well as to stderr (the journal) and syslog. */
	check_connection();
	die_set_reply(reply_refusal);

	/* 3b. Who is asking: the kernel's word, taken at connect(). */
	if (getsockopt(SERVE_FD, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    len != sizeof(cred))
		die_errno(EXIT_PRIVS, "failed to read the caller's credentials (SO_PEERCRED)");
	groups = peer_groups(&ngroups);
	audit_set_caller(cred.uid, cred.pid);

	/* 3c. Become the caller, as a setuid run does (privs.c). */
	mode = privs_become(cred.uid, cred.gid, groups, ngroups);
	free(groups);
	audit_set_user();
	refuse_unmapped(cred.uid, cred.gid);

	/* 3d. The request, parsed with the caller's rights only. */
	n = read_request(buf, sizeof(buf));
	if (n == 0)
		die(EXIT_USAGE, "bad request to the tapgate service: the client closed the connection without sending one");
	if (service_request_parse(buf, n, &request, msg, sizeof(msg)) < 0)
		die(EXIT_USAGE, "bad request to the tapgate service: %s", msg);

	memset(args, 0, sizeof(*args));
	args->mode = ARGS_GRANT;
	args->use_vnet = request.use_vnet;
	args->bridge = request.bridge;
	args->fd = SERVE_FD;
	return mode;
}

int serve_handover(int sock, int tunfd)
{
	uint8_t hdr[SERVICE_REPLY_MAX];
	int rc;

	rc = fdpass_send_data(sock, tunfd, hdr,
			      service_reply_encode(hdr, 0, "", 0));
	if (rc < 0)
		return rc;
	/* Nothing more will be said: a later die() must not send a
	 * second reply after the grant. */
	die_set_reply(NULL);
	return 0;
}
