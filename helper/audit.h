/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * audit.h - one syslog (authpriv) line for every grant and refusal.
 *
 * Fields are key=value; every value a user controls is escaped
 * (str_escape) before it reaches the log.
 */
#ifndef TAPGATE_AUDIT_H
#define TAPGATE_AUDIT_H

#include <sys/types.h>

void audit_init(uid_t caller);
/* Look up the caller's name, once: call only after the privilege drop,
 * so name-service modules never run privileged. Until then lines say
 * user=?. */
void audit_set_user(void);
/* The name audit_set_user() found, unescaped; NULL if it found none. */
const char *audit_user_name(void);
/* Record what is known so far; NULL leaves a field unset. */
void audit_set_bridge(const char *requested, const char *canonical);
void audit_set_tap(const char *tap);

void audit_grant(void);
/* The line names no tap: a refusal hands none over. */
void audit_refusal(const char *reason);
/* Something a grant did besides its tap (reaped orphans, pinned the
 * bridge's address): "EVENT uid=.. user=.. bridge=.. DETAIL". */
__attribute__((format(printf, 2, 3)))
void audit_event(const char *event, const char *fmt, ...);

#endif
