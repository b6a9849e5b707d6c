/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privs.h - from whatever we were started with to "the caller, holding
 * CAP_NET_ADMIN in the permitted set only".
 */
#ifndef TAPGATE_PRIVS_H
#define TAPGATE_PRIVS_H

#include <stdbool.h>
#include <stdnoreturn.h>
#include <sys/types.h>

enum privs_mode {
	PRIVS_SETUID,    /* installed setuid root, run by a user */
	PRIVS_FILECAPS,  /* installed with cap_net_admin, run by a user */
	PRIVS_ROOT,      /* run by root: no id change, the ACL applies */
	PRIVS_NONE,      /* no CAP_NET_ADMIN at all: only --help works */
};

/* Drop to the caller at once: afterwards we are the caller, non-
 * dumpable, holding at most CAP_NET_ADMIN in the permitted set. Dies
 * with EXIT_PRIVS if the transition fails. */
enum privs_mode privs_drop(void);

/* The error for PRIVS_NONE, with a hint. @nnp_before: no_new_privs
 * was set before we started (e.g. QEMU's -sandbox on). */
noreturn void privs_die_unprivileged(bool nnp_before);

/*
 * Before privs_drop(): if root runs tapgate (real uid 0), also keep
 * CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH in the permitted set, for
 * --list to read every process's /proc/PID/fdinfo (who holds a tap).
 * Ignored for anyone else. Only main.c calls it, only for --list.
 */
void privs_keep_proc(void);
/* Whether privs_drop() kept them. */
bool privs_have_proc(void);
/* Raise/lower them in the effective set, around the /proc scan. */
void privs_raise_proc(void);
void privs_lower_proc(void);

/* After privs_drop(): give up CAP_NET_ADMIN too, for the tools
 * (--check, --explain) that run with only the caller's rights. */
void privs_drop_all(void);

/* Raise/lower CAP_NET_ADMIN in the effective set, only around the
 * tun and netlink calls that need it. Die on failure. */
void privs_raise(void);
void privs_lower(void);

/* privs_lower() for the failure path (die()): never dies itself. */
void privs_lower_quiet(void);

#endif
