/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_explain.h - the command tapgate --explain --br=BRIDGE [--user=NAME] [--json]:
 * the decision a grant would make, and why: every matching rule with
 * its file and line, the quota in use, whether the bridge exists.
 * Runs with the caller's rights only; root may ask for another user.
 */
#ifndef TAPGATE_CMD_EXPLAIN_H
#define TAPGATE_CMD_EXPLAIN_H

#include <stdbool.h>

#include "args.h"
#include "privs.h"

struct acl_subject;
struct stat;

/* Returns the exit status a request would end with now: the same
 * checks in the same order up to the tap (EXIT_BRIDGE, EXIT_DENIED,
 * EXIT_QUOTA, EXIT_PRIVS, EXIT_TAP for a /dev/net/tun the caller
 * cannot open: @tun is step 2's result, @mode the install), or
 * EXIT_ACL if the ACL does not load. */
int explain_run(const struct args *a, int tun, enum privs_mode mode);

/* Whether the permission bits of @st let @s do @want (a mask of 4
 * read, 2 write, 1 execute/search), as the kernel decides without
 * capabilities: owner bits for the owner, else group bits for a
 * member of the file's group (primary or supplementary), else the
 * others' bits; uid 0 always may (read and search are all it is
 * asked about). POSIX ACLs are not taken into account.
 * How --explain --user reads the ACL files as that user would. */
bool explain_permits(const struct stat *st, const struct acl_subject *s,
		     unsigned want);

#endif
