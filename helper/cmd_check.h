/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_check.h - the command tapgate --check [FILE]: validate an ACL and everything it
 * includes, with the caller's own rights only, and print every problem
 * as "FILE:LINE: error: ..." or "FILE:LINE: warning: ...".
 */
#ifndef TAPGATE_CMD_CHECK_H
#define TAPGATE_CMD_CHECK_H

/* Returns the exit status: 0 no errors (warnings allowed), EXIT_ACL. */
int check_run(const char *file);

#endif
