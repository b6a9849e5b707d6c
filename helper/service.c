// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * service.c - relay a grant through the tapgate service.
 *
 * This runs with no privilege at all (privs_drop() found none), so it
 * needs no seccomp filter or id changes: it is the caller talking to a
 * socket. The service says nothing here about who the caller is; it
 * asks the kernel.
 *
 * MUST give QEMU and libvirt exactly what a privileged run gives:
 *      one fd over --fd and exit 0, or a message and a non-zero status.
 * MUST NOT log the service's refusals again (the service did).
 */
#define _GNU_SOURCE
#include "service.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit.h"
#include "fdpass.h"
#include "privs.h"
#include "process.h"
#include "service_proto.h"
#include "die.h"

/* Set for a client inside a user namespace: its refusal differs. */
static bool from_user_namespace;

static noreturn void no_service(bool nnp_before, int err)
{
	char hint[256];

	if (!from_user_namespace)
		privs_die_unprivileged(nnp_before, err);
	snprintf(hint, sizeof(hint), "; nor is the tapgate service, which would act for it, listening on %s (%s: systemctl enable --now tapgate.socket)",
		 TAPGATE_SERVICE_SOCKET, strerror(err));
	process_refuse_user_namespace(hint);
	_exit(EXIT_PRIVS); /* not reached */
}

static int connect_service(bool nnp_before)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int sock;

	_Static_assert(sizeof(TAPGATE_SERVICE_SOCKET) <= sizeof(sa.sun_path),
		       "TAPGATE_SERVICE_SOCKET is too long for a unix socket");
	memcpy(sa.sun_path, TAPGATE_SERVICE_SOCKET, sizeof(TAPGATE_SERVICE_SOCKET));
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		die_errno(EXIT_PRIVS, "failed to create a socket for the tapgate service");
	if (connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		no_service(nnp_before, errno);
	return sock;
}

/* Exactly @len bytes, or die saying the service broke off. */
static void read_full(int sock, void *buf, size_t len, struct msghdr *first)
{
	size_t got = 0;

	while (got < len) {
		struct iovec iov = { .iov_base = (char *)buf + got, .iov_len = len - got };
		struct msghdr none = { 0 };
		struct msghdr *mh = got == 0 && first ? first : &none;
		ssize_t n;

		mh->msg_iov = &iov;
		mh->msg_iovlen = 1;
		n = recvmsg(sock, mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno(EXIT_PRIVS, "failed to read the answer of the tapgate service on %s",
				  TAPGATE_SERVICE_SOCKET);
		if (n == 0)
			die(EXIT_PRIVS, "the tapgate service on %s closed the connection without %s (its log says why: journalctl -u 'tapgate@*')",
			    TAPGATE_SERVICE_SOCKET, got ? "a whole answer" : "an answer");
		if (mh == &none && none.msg_controllen)
			die(EXIT_PRIVS, "the tapgate service broke the protocol: file descriptors after the header");
		got += (size_t)n;
	}
}

/* The one fd of a grant: exactly one SCM_RIGHTS fd, and it is a tun
 * device. Any other fd received is closed. Returns it, or -1. */
static int take_tap(struct msghdr *mh)
{
	int tap = -1, count = 0;
	struct stat st;

	if (mh->msg_flags & MSG_CTRUNC)
		count = 2; /* more than we asked for: refuse below */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (count++ == 0)
				tap = fd;
			else
				close(fd);
		}
	}
	if (count != 1 || fstat(tap, &st) < 0 || !S_ISCHR(st.st_mode) ||
	    major(st.st_rdev) != 10 || minor(st.st_rdev) != 200) {
		if (count >= 1)
			close(tap);
		return -1;
	}
	return tap;
}

static noreturn void relay_refusal(int status, const char *msg, size_t len)
{
	char line[SERVICE_MSG_MAX + 1];

	/* The service escaped what it quoted; write it as it came, one
	 * line, like die() would have. No second log line: the service
	 * logged the refusal with the caller's pid. */
	memcpy(line, msg, len);
	line[len] = '\n';
	for (size_t off = 0; off <= len;) {
		ssize_t n = write(STDERR_FILENO, line + off, len + 1 - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	/* libvirt must read it whole before --fd closes (die.c). */
	die_exit_after_stderr(status);
}

noreturn void service_relay(const struct args *args, bool nnp_before)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr first = {
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	uint8_t req[SERVICE_REQ_MAX], hdr[SERVICE_HDR_SIZE];
	size_t len, msglen;
	int sock, status, tap, rc;

	/* The same checks of --fd as a privileged run, first. */
	fdpass_check(args->fd);
	process_close_fds(args->fd, -1);

	sock = connect_service(nnp_before);
	len = service_request_encode(req, args->use_vnet, args->bridge);
	if (len == 0)
		die(EXIT_USAGE, "invalid bridge name"); /* args_parse() checked */
	/* The end of the request is the end of our side of the stream.
	 * The service may refuse before it reads the request (an unmapped
	 * id) and close: then sending fails, but its answer is waiting. */
	if ((send(sock, req, len, MSG_NOSIGNAL) != (ssize_t)len ||
	     shutdown(sock, SHUT_WR) < 0) &&
	    errno != EPIPE && errno != ECONNRESET && errno != ENOTCONN)
		die_errno(EXIT_PRIVS, "failed to send the request to the tapgate service on %s",
			  TAPGATE_SERVICE_SOCKET);

	memset(&ctl, 0, sizeof(ctl));
	read_full(sock, hdr, sizeof(hdr), &first);
	if (service_reply_header(hdr, &status, &msglen) < 0)
		die(EXIT_PRIVS, "the tapgate service on %s answered in a format this tapgate does not speak (are they the same version?)",
		    TAPGATE_SERVICE_SOCKET);
	tap = take_tap(&first);
	if (status != 0) {
		char msg[SERVICE_MSG_MAX];

		if (tap >= 0)
			close(tap);
		read_full(sock, msg, msglen, NULL);
		relay_refusal(status, msg, msglen);
	}
	if (tap < 0)
		die(EXIT_PRIVS, "the tapgate service broke the protocol: a grant without exactly one tap fd");
	close(sock);

	/* The handover QEMU and libvirt expect, as main.c's step 10. */
	rc = fdpass_send(args->fd, tap);
	if (rc < 0) {
		errno = -rc;
		die_errno(EXIT_HANDOVER, "failed to send the tap fd to the caller over --fd=%d (did it exit or close the socket?)",
			  args->fd);
	}
	exit(EXIT_GRANTED);
}

noreturn void service_relay_from_user_namespace(int argc, char *argv[],
						bool nnp_before)
{
	struct args args;
	char msg[512];

	/* Whatever capabilities we hold here are the namespace's: give
	 * them up before looking at anything the caller wrote. */
	privs_drop_all();
	if (args_parse(argc, argv, &args, msg, sizeof(msg)) != ARGS_OK ||
	    args.mode != ARGS_GRANT)
		process_refuse_user_namespace(" (inside one, tapgate only asks the tapgate service for a tap)");
	audit_set_bridge(args.bridge, NULL);
	from_user_namespace = true;
	service_relay(&args, nnp_before);
}
