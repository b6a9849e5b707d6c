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

__attribute__((format(printf, 3, 0)))
static noreturn void vdie(int code, int err, const char *fmt, va_list ap)
{
	char msg[2048];
	size_t len;
	int n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		msg[0] = '\0';
	if (err && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s",
			 strerror(err));
	/* Messages start with the original helper's phrase, unprefixed,
	 * so what users search for still matches (tapgate(8)). */
	len = strnlen(msg, sizeof(msg) - 1);
	msg[len] = '\n';
	write_stderr(msg, len + 1);
	msg[len] = '\0';
	/* A failure between privs_raise() and privs_lower() must not log
	 * with the capability effective. */
	privs_lower_quiet();
	audit_refusal(msg);
	exit(code);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(code, 0, fmt, ap);
}

void die_errno(int code, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vdie(code, err, fmt, ap);
}
