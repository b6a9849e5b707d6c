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

/* Returns the exit status a grant would end with now (0, EXIT_DENIED,
 * EXIT_BRIDGE, EXIT_QUOTA), or EXIT_ACL if the ACL does not load. */
int explain_run(const struct args *a);

#endif
