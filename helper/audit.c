// SPDX-License-Identifier: GPL-2.0-or-later
#include "audit.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "acl.h"
#include "ifname.h"
#include "strutil.h"
#include "userdb.h"

static struct {
	uid_t uid;
	bool via_service;    /* tapgate --serve: the caller is the peer */
	pid_t pid;           /* its pid (0 if not visible from here) */
	/* A longer database name is cut with "..."; interface names
	 * were validated. */
	char user[ESCAPED_SIZE(ACL_MAX_WHO)];
	char requested[ESCAPED_SIZE(IFNAME_SIZE - 1)];
	char canonical[ESCAPED_SIZE(IFNAME_SIZE - 1)];
	char tap[ESCAPED_SIZE(IFNAME_SIZE - 1)];
	char *user_raw;           /* the database's name, or NULL */
	bool unlogged;            /* the system log could not be reached */
	bool warned;
} audit;

#define AUDIT_LOG_PATH "/dev/log"

bool audit_log_reachable(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	/* glibc's syslog() tries a datagram socket, then a stream one,
	 * and drops the line in silence if neither connects. */
	static const int types[] = { SOCK_DGRAM, SOCK_STREAM };
	bool ok = false;

	memcpy(sa.sun_path, AUDIT_LOG_PATH, sizeof(AUDIT_LOG_PATH));
	for (size_t i = 0; i < 2 && !ok; i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);

		if (fd < 0)
			continue;
		ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
	}
	return ok;
}

/* Once a run, before the first line: no silent loss of the trail. */
static void warn_unlogged(void)
{
	static const char msg[] =
		"tapgate: warning: the system log (" AUDIT_LOG_PATH ") cannot be reached: this request is not recorded in the audit log (see tapgate(8), LOGGING)\n";

	if (!audit.unlogged || audit.warned)
		return;
	audit.warned = true;
	/* One write(2), as die() does: no stdio under the filter. */
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		return;
}

void audit_init(uid_t caller)
{
	audit.uid = caller;
	snprintf(audit.requested, sizeof(audit.requested), "-");
	snprintf(audit.canonical, sizeof(audit.canonical), "-");
	snprintf(audit.tap, sizeof(audit.tap), "-");
	snprintf(audit.user, sizeof(audit.user), "?");
	openlog("tapgate", LOG_PID, LOG_AUTHPRIV);
	audit.unlogged = !audit_log_reachable();
}

void audit_set_caller(uid_t uid, pid_t pid)
{
	audit.uid = uid;
	audit.pid = pid;
	audit.via_service = true;
}

void audit_set_bridge(const char *requested, const char *canonical)
{
	if (requested)
		str_escape_field(audit.requested, sizeof(audit.requested),
			   requested, strlen(requested));
	if (canonical)
		str_escape_field(audit.canonical, sizeof(audit.canonical),
			   canonical, strlen(canonical));
}

void audit_set_tap(const char *tap)
{
	str_escape_field(audit.tap, sizeof(audit.tap), tap, strlen(tap));
}

void audit_set_user(void)
{
	struct userdb_ent pw;

	/* The uid is always logged; the name is a courtesy, "?" if the
	 * database has none or fails (nothing is decided on it). */
	if (userdb_user_by_uid((uint32_t)audit.uid, &pw) == 0) {
		audit_set_user_name(pw.name);
		/* Kept for ids_self_named(): one lookup serves the log and
		 * the messages (the second cost ~10 us a grant). */
		audit.user_raw = strdup(pw.name);
	}
	userdb_ent_free(&pw);
}

const char *audit_user_name(void)
{
	return audit.user_raw;
}

void audit_set_user_name(const char *name)
{
	str_escape_field(audit.user, sizeof(audit.user), name, strlen(name));
}

#define LINE_FMT "%s uid=%u user=%s bridge=%s canonical=%s tap=%s%s reason=%s"
#define WHY_SIZE 1024
#define VIA_SIZE 48               /* " via=service pid=PID" */

/* Every field at its longest fits: a line is never cut. */
_Static_assert(AUDIT_LINE_SIZE >= sizeof(LINE_FMT) + sizeof("refused") +
	       sizeof("4294967295") + sizeof(audit.user) +
	       sizeof(audit.requested) + sizeof(audit.canonical) +
	       sizeof(audit.tap) + VIA_SIZE + WHY_SIZE,
	       "AUDIT_LINE_SIZE too small");

char *audit_format(char *out, size_t outsz, const char *verdict,
		   const char *tap, const char *reason)
{
	char why[WHY_SIZE], via[VIA_SIZE] = "";

	/* User text in @reason was escaped when the message was made. */
	str_escape_controls(why, sizeof(why), reason, strlen(reason));
	if (audit.via_service)
		snprintf(via, sizeof(via), " via=service pid=%ld", (long)audit.pid);
	snprintf(out, outsz, LINE_FMT, verdict, (unsigned)audit.uid,
		 audit.user, audit.requested, audit.canonical, tap, via, why);
	return out;
}

static void emit(int prio, const char *verdict, const char *tap,
		 const char *reason)
{
	char line[AUDIT_LINE_SIZE];

	warn_unlogged();
	syslog(prio, "%s", audit_format(line, sizeof(line), verdict, tap,
					reason));
}

void audit_grant(void)
{
	emit(LOG_INFO, "granted", audit.tap, "allowed by acl");
}

void audit_refusal(const char *reason)
{
	/* A refusal hands no tap over: one it made dies with it, and its
	 * name may be another user's a moment later. */
	emit(LOG_WARNING, "refused", "-", reason);
}

void audit_event(const char *event, const char *fmt, ...)
{
	char detail[1024], shown[1024];
	va_list ap;

	warn_unlogged();
	va_start(ap, fmt);
	if (vsnprintf(detail, sizeof(detail), fmt, ap) < 0)
		detail[0] = '\0';
	va_end(ap);
	str_escape_controls(shown, sizeof(shown), detail, strlen(detail));
	syslog(LOG_NOTICE, "%s uid=%u user=%s bridge=%s canonical=%s %s",
	       event, (unsigned)audit.uid, audit.user, audit.requested,
	       audit.canonical, shown);
}
