/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * args.h - the original helper's command line, exactly, and the
 * tools for admins and users.
 *
 *   tapgate [--use-vnet] --br=BRIDGE --fd=N     (any order, last wins)
 *   tapgate --check [FILE]                      (validate an ACL)
 *   tapgate --explain --br=BRIDGE [--user=NAME] [--json]
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
};

struct args {
	enum args_mode mode;
	bool use_vnet;
	const char *bridge;  /* validated with ifname_check() */
	int fd;              /* grant: >= 3 */
	const char *file;    /* check: the file, NULL for the system ACL */
	const char *user;    /* explain: --user=NAME, or NULL */
	bool json;           /* explain: --json */
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

#endif
