// SPDX-License-Identifier: GPL-2.0-or-later
#include "args.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ifname.h"
#include "strutil.h"

/* The original's usage line, with our additions after it. */
const char args_usage[] =
	"Usage: tapgate [--use-vnet] --br=bridge --fd=unixfd\n"
	"       tapgate --help | --version\n";

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum args_result args_parse(int argc, char *const argv[], struct args *a,
			    char *msg, size_t msgsz)
{
	const char *fd = NULL;
	char shown[80];
	long long v;
	enum ifname_status st;

	a->use_vnet = false;
	a->bridge = NULL;
	a->fd = -1;
	msg[0] = '\0';

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--use-vnet") == 0) {
			a->use_vnet = true;
		} else if (has_prefix(arg, "--br=")) {
			a->bridge = arg + 5;
		} else if (has_prefix(arg, "--fd=")) {
			fd = arg + 5;
		} else if (strcmp(arg, "--help") == 0 ||
			   strcmp(arg, "--version") == 0) {
			/* Only alone: exit 0 with other arguments would let a
			 * client (QEMU) take "no fd" for a grant. */
			if (argc != 2) {
				snprintf(msg, msgsz, "%s takes no other arguments",
					 arg);
				return ARGS_USAGE;
			}
			return arg[2] == 'h' ? ARGS_HELP : ARGS_VERSION;
		} else {
			str_escape(shown, sizeof(shown), arg, strlen(arg));
			snprintf(msg, msgsz, "unknown argument '%s'", shown);
			return ARGS_USAGE;
		}
	}
	if (!a->bridge || !fd) {
		snprintf(msg, msgsz, "missing %s", !a->bridge ? "--br=BRIDGE" :
			 "--fd=N");
		return ARGS_USAGE;
	}

	/* CVE-2019-13164: refuse, never truncate. */
	st = ifname_check(a->bridge, strlen(a->bridge));
	if (st != IFNAME_OK) {
		ifname_describe(msg, msgsz, a->bridge, strlen(a->bridge), st);
		return ARGS_USAGE;
	}

	if (str_to_int(fd, 0, INT_MAX, &v) < 0) {
		str_escape(shown, sizeof(shown), fd, strlen(fd));
		snprintf(msg, msgsz, "invalid --fd '%s': expected a decimal file descriptor number",
			 shown);
		return ARGS_USAGE;
	}
	if (v <= 2) {
		snprintf(msg, msgsz, "invalid --fd=%lld: fds 0, 1 and 2 are stdin, stdout and stderr, not the caller's socket",
			 v);
		return ARGS_USAGE;
	}
	a->fd = (int)v;
	return ARGS_OK;
}
