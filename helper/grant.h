/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grant.h - steps 6 to 10 of a grant, once the process is the caller
 * holding CAP_NET_ADMIN in the permitted set only (privs.c): the ACL,
 * the bridge, the decision, the tap, the handover. Shared by the
 * privileged helper (main.c) and the service (serve mode).
 */
#ifndef TAPGATE_GRANT_H
#define TAPGATE_GRANT_H

#include <stdbool.h>
#include <stdnoreturn.h>

#include "privs.h"

struct grant_request {
	bool use_vnet;
	const char *bridge;       /* validated with ifname_check() */
	int sock;                 /* where the tap fd goes (SCM_RIGHTS) */
	int tunfd;                /* /dev/net/tun, or -errno of its open */
	enum privs_mode mode;     /* for the hint when tun did not open */
};

/* Returns EXIT_GRANTED after the handover; every refusal dies. */
int grant_run(const struct grant_request *req);

/* The refusal for an ACL decision that is not an allow: the user by
 * name and uid, the rule, and a hint that never widens access. */
struct acl_decision;
struct bridge;
struct ids;
noreturn void grant_die_denied(const struct ids *me, const struct bridge *br,
			       const struct acl_decision *d);

/* The message for a /dev/net/tun the caller could not open. */
noreturn void grant_die_tun(int err, enum privs_mode mode);

#endif
