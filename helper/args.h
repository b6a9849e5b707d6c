/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * args.h - the original helper's command line, exactly, and the
 * tools for admins and users.
 *
 *   tapgate [--use-vnet] --br=BRIDGE --fd=N     (any order, last wins)
 *   tapgate --check [FILE]                      (validate an ACL)
 *   tapgate --explain --br=BRIDGE [--user=NAME] [--json]
 *   tapgate --list [--json]                     (taps tapgate made)
 *   tapgate --revoke TAP | --revoke --user=NAME (root: delete them)
 *   tapgate --reap                              (root: delete orphans)
 *   tapgate --help | --version               (alone: exit 0 means a tap)
 *
 * getopt_long() is not used on purpose: it would accept abbreviations
 * (--b=br0), the separate-argument form (--br br0) and permutation,
 * none of which the original accepts (README, "Design decisions").
 */
#ifndef TAPGATE_ARGS_H
#define TAPGATE_ARGS_H

#include <stdbool.h>
#include <stddef.h>

enum args_mode {
	ARGS_GRANT,          /* the helper QEMU runs */
	ARGS_CHECK,          /* --check [FILE] */
	ARGS_EXPLAIN,        /* --explain --br=BRIDGE */
	ARGS_LIST,           /* --list [--json] */
	ARGS_REVOKE,         /* --revoke TAP | --revoke --user=NAME */
	ARGS_REAP,           /* --reap */
};

struct args {
	enum args_mode mode;
	bool use_vnet;
	const char *bridge;  /* validated with ifname_check() */
	int fd;              /* grant: >= 3 */
	const char *file;    /* check: the file, NULL for the system ACL */
	const char *user;    /* explain, revoke: --user=NAME, or NULL */
	bool json;           /* explain, list: --json */
	const char *tap;     /* revoke: TAP, validated with ifname_check() */
};

enum args_result {
	ARGS_OK,
	ARGS_HELP,
	ARGS_VERSION,
	ARGS_USAGE,          /* @msg says why */
};

enum args_result args_parse(int argc, char *const argv[], struct args *a,
			    char *msg, size_t msgsz);

extern const char args_usage[];

/* True if some argument is exactly "--list": no parsing, so that root's
 * --list can ask privs_drop() to keep what reading every process's
 * /proc/PID/fdinfo needs (privs_keep_proc()). args_parse() decides. */
bool args_wants_list(int argc, char *const argv[]);

#endif
