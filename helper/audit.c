// SPDX-License-Identifier: GPL-2.0-or-later
#include "audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "acl.h"
#include "ifname.h"
#include "strutil.h"
#include "userdb.h"

static struct {
	uid_t uid;
	/* A longer database name is cut with "..."; interface names
	 * were validated. */
	char user[ESCAPED_SIZE(ACL_MAX_WHO)];
	char requested[ESCAPED_SIZE(IFNAME_SIZE - 1)];
	char canonical[ESCAPED_SIZE(IFNAME_SIZE - 1)];
	char tap[ESCAPED_SIZE(IFNAME_SIZE - 1)];
	char *user_raw;           /* the database's name, or NULL */
} audit;

void audit_init(uid_t caller)
{
	audit.uid = caller;
	snprintf(audit.requested, sizeof(audit.requested), "-");
	snprintf(audit.canonical, sizeof(audit.canonical), "-");
	snprintf(audit.tap, sizeof(audit.tap), "-");
	snprintf(audit.user, sizeof(audit.user), "?");
	openlog("tapgate", LOG_PID, LOG_AUTHPRIV);
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
		str_escape_field(audit.user, sizeof(audit.user), pw.name,
				 strlen(pw.name));
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

static void emit(int prio, const char *verdict, const char *tap,
		 const char *reason)
{
	char why[1024];

	/* User text in @reason was escaped when the message was made. */
	str_escape_controls(why, sizeof(why), reason, strlen(reason));
	syslog(prio, "%s uid=%u user=%s bridge=%s canonical=%s tap=%s reason=%s",
	       verdict, (unsigned)audit.uid, audit.user, audit.requested,
	       audit.canonical, tap, why);
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

	va_start(ap, fmt);
	if (vsnprintf(detail, sizeof(detail), fmt, ap) < 0)
		detail[0] = '\0';
	va_end(ap);
	str_escape_controls(shown, sizeof(shown), detail, strlen(detail));
	syslog(LOG_NOTICE, "%s uid=%u user=%s bridge=%s canonical=%s %s",
	       event, (unsigned)audit.uid, audit.user, audit.requested,
	       audit.canonical, shown);
}
