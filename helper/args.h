/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * args.h - the original helper's command line, exactly.
 *
 *   tapgate [--use-vnet] --br=BRIDGE --fd=N     (any order, last wins)
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

struct args {
	bool use_vnet;
	const char *bridge;  /* validated with ifname_check() */
	int fd;              /* >= 3 */
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
