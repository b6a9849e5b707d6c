/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h - the ACL as one grant sees it: loaded with the caller's
 * rights, names resolved, decided on the canonical bridge name.
 * Shared by the grant and by --explain, so they cannot disagree.
 */
#ifndef TAPGATE_POLICY_H
#define TAPGATE_POLICY_H

#include <stddef.h>
#include <stdnoreturn.h>

#include "acl.h"
#include "bridge.h"

/* acl_load() of the system ACL through @io, then acl_resolve(). */
int policy_load(struct acl *acl, const struct acl_io *io,
		struct acl_error *err);

/*
 * The decision for the request @br carries, on the name the kernel
 * knows the bridge by. Requested by an altname, the canonical name
 * must be allowed, and a deny naming the altname itself still applies
 * (fail closed, as the original would have).
 */
void policy_decide(const struct acl *acl, const struct acl_subject *who,
		   const struct bridge *br, struct acl_decision *d);

/* The exit status a request ends with for this bridge and decision,
 * before the tap: EXIT_BRIDGE, EXIT_DENIED or 0 (then quota and tap
 * decide). One function for the grant and --explain. */
int policy_status(const struct bridge *br, const struct acl_decision *d);

/* End with EXIT_ACL for an ACL that did not load: the full message to
 * the caller, only FILE:LINE to the log (it may quote a file the log's
 * readers may not read). */
noreturn void policy_die(const struct acl_error *err);

/* "FILE:LINE: msg", "FILE: msg" or "msg", escaped. */
char *policy_error(const struct acl_error *err, char *out, size_t outsz);

#endif
