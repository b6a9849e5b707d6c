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

__attribute__((format(printf, 3, 0)))
static noreturn void vdie(int code, int err, const char *fmt, va_list ap)
{
	char msg[2048];
	int n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (err && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s",
			 strerror(err));
	/* Messages start with the original helper's phrase, unprefixed,
	 * so what users search for still matches (tapgate(8)). */
	dprintf(STDERR_FILENO, "%s\n", msg);
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
