// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE /* F_GETPIPE_SZ */
#include "die.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
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

/* How long a failing helper waits for its stderr to be read out, and
 * then for the reader to take the end of file. */
#define STDERR_READ_MAX_NS 1000000000L
#define STDERR_EOF_GRACE_NS 50000000L

static long long monotonic_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return 0;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* libvirt (9.0, session mode) reads a helper's stderr in a thread of
 * its own and formats its error as soon as the --fd socket closes, our
 * exit, with whatever that thread has read by then: a message still in
 * the pipe arrives cut, or with stray bytes after it. So, with the
 * socket still open, wait until the reader has taken every byte out of
 * the pipe (FIONREAD 0), for at most STDERR_READ_MAX_NS: a reader that
 * never reads must not hold us. Then close fd 2, so that the reader
 * sees the end of file, and NUL-terminates what it read, before the
 * socket closes; that last step is invisible from here, so it gets
 * STDERR_EOF_GRACE_NS to be scheduled (tests/e2e/test_libvirt.sh
 * counts the failures: 14 in 100 starts without the close, 1 in 100
 * with a 10 ms grace, 1 in 420 with 10 ms on a loaded machine, none
 * in 600 loaded starts with 50 ms). Only when fd 2 is
 * a pipe or FIFO (F_GETPIPE_SZ fails on anything else): on a terminal
 * or a socket FIONREAD counts what we could read, not what we wrote.
 * The filter (seccomp_gen.c) allows exactly these calls on fd 2. */
static void wait_stderr_read(void)
{
	const struct timespec tick = { 0, 200L * 1000 };
	const struct timespec grace = { 0, STDERR_EOF_GRACE_NS };
	long long deadline;
	int unread = -1;

	if (fcntl(STDERR_FILENO, F_GETPIPE_SZ) < 0)
		return;
	deadline = monotonic_ns() + STDERR_READ_MAX_NS;
	while (ioctl(STDERR_FILENO, FIONREAD, &unread) == 0 && unread > 0 &&
	       monotonic_ns() < deadline)
		(void)clock_nanosleep(CLOCK_MONOTONIC, 0, &tick, NULL);
	(void)close(STDERR_FILENO);
	if (unread == 0) /* read out: someone is there to take the end */
		(void)clock_nanosleep(CLOCK_MONOTONIC, 0, &grace, NULL);
}

noreturn void die_exit_after_stderr(int code)
{
	wait_stderr_read();
	exit(code);
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
	wait_stderr_read();
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
