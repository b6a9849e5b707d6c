// SPDX-License-Identifier: GPL-2.0-or-later
#include "tapgate.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "privs.h"

/* The whole message in one write(2) to fd 2: no stdio, whose first use
 * of a stream fstat()s it and asks a character device whether it is a
 * terminal, calls the system call filter (seccomp.c) does not allow. */
static void write_stderr(const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDERR_FILENO, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* nowhere left to say it; syslog still gets it */
		buf += n;
		len -= (size_t)n;
	}
}

/* The message of a die() call, with ": strerror(err)" when @err. */
__attribute__((format(printf, 4, 0)))
static void format_msg(char *msg, size_t msgsz, int err, const char *fmt,
		       va_list ap)
{
	int n = vsnprintf(msg, msgsz, fmt, ap);

	if (n < 0)
		msg[0] = '\0';
	if (err && n >= 0 && (size_t)n < msgsz)
		snprintf(msg + n, msgsz - (size_t)n, ": %s", strerror(err));
}

/* tapgate --serve (serve.c): the message goes back to the client too. */
static void (*reply_hook)(int code, const char *msg);

void die_set_reply(void (*hook)(int code, const char *msg))
{
	reply_hook = hook;
}

static noreturn void finish(int code, char *msg, size_t msgsz,
			    const char *logged)
{
	size_t len = strnlen(msg, msgsz - 1);

	/* Messages start with the original helper's phrase, unprefixed,
	 * so what users search for still matches (tapgate(8)). */
	msg[len] = '\n';
	write_stderr(msg, len + 1);
	msg[len] = '\0';
	if (reply_hook)
		reply_hook(code, msg);
	/* A failure between privs_raise() and privs_lower() must not log
	 * with the capability effective. */
	privs_lower_quiet();
	audit_refusal(logged ? logged : msg);
	exit(code);
}

void die(int code, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	format_msg(msg, sizeof(msg), 0, fmt, ap);
	va_end(ap);
	finish(code, msg, sizeof(msg), NULL);
}

void die_private(int code, const char *logged, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	format_msg(msg, sizeof(msg), 0, fmt, ap);
	va_end(ap);
	finish(code, msg, sizeof(msg), logged);
}

void die_errno(int code, const char *fmt, ...)
{
	int err = errno;
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	format_msg(msg, sizeof(msg), err, fmt, ap);
	va_end(ap);
	finish(code, msg, sizeof(msg), NULL);
}
