/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * admin.h - who holds which tap, and taking taps back:
 *
 *   tapgate --list [--json]        every tap tapgate made (root), or
 *                                  the caller's own (anyone else)
 *   tapgate --revoke TAP           root: delete one of tapgate's taps
 *   tapgate --revoke --user=NAME   root: delete all of a user's
 *   tapgate --reap                 root: delete every orphan
 *
 * A tap is tapgate's if it carries one of tapgate's altnames (quota.c):
 * only CAP_NET_ADMIN can add one. These tools never delete another
 * device. They run without the system call filter, with the caller's
 * rights; root's deletes raise CAP_NET_ADMIN around each RTM_DELLINK,
 * root's --list raises CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH around
 * the scan of /proc/PID/fdinfo (privs.c). Revokes and reaps, and each
 * --list, are logged to authpriv.
 */
#ifndef TAPGATE_CMD_ADMIN_H
#define TAPGATE_CMD_ADMIN_H

#include "args.h"

/* Returns the exit status (tapgate(8), EXIT STATUS); dies on errors. */
int admin_run(const struct args *a);

#endif
