/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * explain.h - tapgate --explain --br=BRIDGE [--user=NAME] [--json]:
 * the decision a grant would make, and why: every matching rule with
 * its file and line, the quota in use, whether the bridge exists.
 * Runs with the caller's rights only; root may ask for another user.
 */
#ifndef TAPGATE_EXPLAIN_H
#define TAPGATE_EXPLAIN_H

#include "args.h"
#include "privs.h"

/* Returns the exit status a request would end with now: the same
 * checks in the same order up to the tap (EXIT_BRIDGE, EXIT_DENIED,
 * EXIT_QUOTA, EXIT_PRIVS, EXIT_TAP for a /dev/net/tun the caller
 * cannot open: @tun is step 2's result, @mode the install), or
 * EXIT_ACL if the ACL does not load. */
int explain_run(const struct args *a, int tun, enum privs_mode mode);

#endif
