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

/* acl_load() of the system ACL through @io, then acl_resolve(). */
int policy_load(struct acl *acl, const struct acl_io *io,
		struct acl_error *err);

/*
 * The decision for a request of @requested, which the kernel knows as
 * @canonical. Requested by an altname, the canonical name must be
 * allowed, and a deny naming the altname itself still applies (fail
 * closed, as the original would have).
 */
void policy_decide(const struct acl *acl, const struct acl_subject *who,
		   const char *canonical, const char *requested,
		   struct acl_decision *d);

/* End with EXIT_ACL for an ACL that did not load: the full message to
 * the caller, only FILE:LINE to the log (it may quote a file the log's
 * readers may not read). */
noreturn void policy_die(const struct acl_error *err);

/* "FILE:LINE: msg", "FILE: msg" or "msg", escaped. */
char *policy_error(const struct acl_error *err, char *out, size_t outsz);

#endif
