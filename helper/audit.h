/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * audit.h - one syslog (authpriv) line for every grant and refusal.
 *
 * Fields are key=value; every value a user controls is escaped
 * (str_escape) before it reaches the log.
 */
#ifndef TAPGATE_AUDIT_H
#define TAPGATE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Room for the longest line audit_format() makes. */
#define AUDIT_LINE_SIZE 2048

/* Opens the log, and probes /dev/log once: if nothing listens there,
 * glibc's syslog() would drop every line in silence, so each run then
 * says so on stderr before its first line (the request goes on: a host
 * without a log daemon still gets its taps; tapgate(8), LOGGING). */
void audit_init(uid_t caller);
/* Whether something listens on /dev/log now (--check reports it). */
bool audit_log_reachable(void);
/* Look up the caller's name, once: call only after the privilege drop,
 * so name-service modules never run privileged. Until then lines say
 * user=?. */
void audit_set_user(void);
/* The name audit_set_user() found, unescaped; NULL if it found none. */
const char *audit_user_name(void);
/* The user field: @name escaped as one token (audit_set_user() sets
 * it from the database). */
void audit_set_user_name(const char *name);
/* tapgate --serve: the caller is the peer @uid, process @pid; lines
 * then add "via=service pid=PID". */
void audit_set_caller(uid_t uid, pid_t pid);
/* Record what is known so far; NULL leaves a field unset. */
void audit_set_bridge(const char *requested, const char *canonical);
void audit_set_tap(const char *tap);

void audit_grant(void);
/* The line names no tap: a refusal hands none over. */
void audit_refusal(const char *reason);
/* The line a grant or refusal logs, "VERDICT uid=.. user=..
 * bridge=.. canonical=.. tap=@tap reason=@reason", in @out: every
 * field but the last is one token; @reason, the rest of the line, has
 * its control bytes escaped. */
char *audit_format(char *out, size_t outsz, const char *verdict,
		   const char *tap, const char *reason);
/* Something a grant did besides its tap (reaped orphans, pinned the
 * bridge's address): "EVENT uid=.. user=.. bridge=.. DETAIL". */
__attribute__((format(printf, 2, 3)))
void audit_event(const char *event, const char *fmt, ...);

#endif
