/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privs.h - from whatever we were started with to "the caller, holding
 * CAP_NET_ADMIN in the permitted set only".
 */
#ifndef TAPGATE_PRIVS_H
#define TAPGATE_PRIVS_H

#include <stdbool.h>
#include <sys/types.h>

enum privs_mode {
	PRIVS_SETUID,    /* installed setuid root, run by a user */
	PRIVS_FILECAPS,  /* installed with cap_net_admin, run by a user */
	PRIVS_ROOT,      /* run by root: no id change, the ACL applies */
};

/* Drop to the caller at once. Dies with EXIT_PRIVS and a hint when
 * there is no privilege to work with. @nnp_before: no_new_privs was
 * set before we started (QEMU's -sandbox on). */
enum privs_mode privs_drop(bool nnp_before);

/* Raise/lower CAP_NET_ADMIN in the effective set, only around the
 * tun and netlink calls that need it. Die on failure. */
void privs_raise(void);
void privs_lower(void);

const char *privs_mode_name(enum privs_mode mode);

#endif
