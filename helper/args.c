// SPDX-License-Identifier: GPL-2.0-or-later
#include "args.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ifname.h"
#include "strutil.h"

/* The original's usage line, with our additions after it. */
const char args_usage[] =
	"Usage: tapgate [--use-vnet] --br=bridge --fd=unixfd\n"
	"       tapgate --check [FILE]\n"
	"       tapgate --explain --br=bridge [--user=NAME] [--json]\n"
	"       tapgate --list [--json]\n"
	"       tapgate --revoke TAP | --revoke --user=NAME\n"
	"       tapgate --reap\n"
	"       tapgate --help | --version\n";

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

__attribute__((format(printf, 3, 4)))
static enum args_result usage(char *msg, size_t msgsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, msgsz, fmt, ap); /* may cut: a message */
	va_end(ap);
	return ARGS_USAGE;
}

/* The switch that selects each mode other than the grant. */
static const struct {
	const char *name;
	enum args_mode mode;
} modes[] = {
	{ "--check", ARGS_CHECK },
	{ "--explain", ARGS_EXPLAIN },
	{ "--list", ARGS_LIST },
	{ "--revoke", ARGS_REVOKE },
	{ "--reap", ARGS_REAP },
};

static const char *mode_name(enum args_mode m)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == m)
			return modes[i].name;
	return "a grant";
}

bool args_wants_list(int argc, char *const argv[])
{
	for (int i = 1; i < argc; i++)
		if (argv[i] && strcmp(argv[i], "--list") == 0)
			return true;
	return false;
}

/* What each mode accepts besides its own switch. */
static enum args_result check_mode(const struct args *a, const char *fd,
				   bool seen_vnet, char *msg, size_t msgsz)
{
	bool grant_opts = a->bridge || fd || seen_vnet;

	switch (a->mode) {
	case ARGS_CHECK:
		if (grant_opts || a->user || a->json)
			return usage(msg, msgsz, "--check takes only an optional FILE");
		return ARGS_OK;
	case ARGS_LIST:
		if (grant_opts || a->user)
			return usage(msg, msgsz, "--list takes only --json");
		return ARGS_OK;
	case ARGS_REAP:
		if (grant_opts || a->user || a->json)
			return usage(msg, msgsz, "--reap takes no other arguments");
		return ARGS_OK;
	case ARGS_REVOKE:
		if (grant_opts || a->json)
			return usage(msg, msgsz, "--revoke takes only TAP or --user=NAME");
		if (!a->tap == !a->user)
			return usage(msg, msgsz, "--revoke takes exactly one of TAP and --user=NAME");
		return ARGS_OK;
	case ARGS_EXPLAIN:
		if (fd || seen_vnet || a->file)
			return usage(msg, msgsz, "--explain takes only --br=BRIDGE, --user=NAME and --json");
		if (!a->bridge)
			return usage(msg, msgsz, "missing --br=BRIDGE");
		return ARGS_OK;
	case ARGS_GRANT:
		if (a->user || a->json)
			return usage(msg, msgsz, "%s is only for --explain and %s",
				     a->user ? "--user" : "--json",
				     a->user ? "--revoke" : "--list");
		if (!a->bridge || !fd)
			return usage(msg, msgsz, "missing %s", !a->bridge ?
				     "--br=BRIDGE" : "--fd=N");
		return ARGS_OK;
	}
	return ARGS_USAGE;
}

static enum args_mode mode_of(const char *arg)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(arg, modes[i].name) == 0)
			return modes[i].mode;
	return ARGS_GRANT;
}

enum args_result args_parse(int argc, char *const argv[], struct args *a,
			    char *msg, size_t msgsz)
{
	const char *fd = NULL;
	bool seen_vnet = false;
	char shown[ESCAPED_SIZE(19)]; /* a quote of an argument, cut: it may be 128 KiB */
	long long v;
	enum ifname_status st;
	enum args_result rc;
	enum args_mode m;

	memset(a, 0, sizeof(*a));
	a->mode = ARGS_GRANT;
	a->fd = -1;
	msg[0] = '\0';

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--use-vnet") == 0) {
			a->use_vnet = seen_vnet = true;
		} else if (has_prefix(arg, "--br=")) {
			a->bridge = arg + 5;
		} else if (has_prefix(arg, "--fd=")) {
			fd = arg + 5;
		} else if ((m = mode_of(arg)) != ARGS_GRANT) {
			if (a->mode != ARGS_GRANT)
				return usage(msg, msgsz, "%s given twice, or with %s",
					     arg, mode_name(a->mode));
			a->mode = m;
		} else if (has_prefix(arg, "--user=")) {
			a->user = arg + 7;
			if (!a->user[0])
				return usage(msg, msgsz, "--user= needs a user name or id");
		} else if (strcmp(arg, "--json") == 0) {
			a->json = true;
		} else if (strcmp(arg, "--help") == 0 ||
			   strcmp(arg, "--version") == 0) {
			/* Only alone: exit 0 with other arguments would let a
			 * client (QEMU) take "no fd" for a grant. */
			if (argc != 2)
				return usage(msg, msgsz, "%s takes no other arguments",
					     arg);
			return arg[2] == 'h' ? ARGS_HELP : ARGS_VERSION;
		} else if (a->mode == ARGS_CHECK && !a->file && arg[0] &&
			   arg[0] != '-') {
			a->file = arg;
		} else if (a->mode == ARGS_REVOKE && !a->tap && arg[0] &&
			   arg[0] != '-') {
			a->tap = arg;
		} else {
			str_escape(shown, sizeof(shown), arg, strlen(arg));
			return usage(msg, msgsz, "unknown argument '%s'", shown);
		}
	}
	rc = check_mode(a, fd, seen_vnet, msg, msgsz);
	if (rc != ARGS_OK || a->mode == ARGS_CHECK || a->mode == ARGS_LIST ||
	    a->mode == ARGS_REAP || (a->mode == ARGS_REVOKE && a->user))
		return rc;
	if (a->mode == ARGS_REVOKE) {
		/* CVE-2019-13164: a tap name is refused, never truncated. */
		st = ifname_check(a->tap, strlen(a->tap));
		if (st != IFNAME_OK) {
			ifname_describe(msg, msgsz, a->tap, strlen(a->tap), st);
			return ARGS_USAGE;
		}
		return ARGS_OK;
	}

	/* CVE-2019-13164: refuse, never truncate. */
	st = ifname_check(a->bridge, strlen(a->bridge));
	if (st != IFNAME_OK) {
		ifname_describe(msg, msgsz, a->bridge, strlen(a->bridge), st);
		return ARGS_USAGE;
	}
	if (a->mode == ARGS_EXPLAIN)
		return ARGS_OK;

	if (!fd || str_to_int(fd, 0, INT_MAX, &v) < 0) {
		str_escape(shown, sizeof(shown), fd ? fd : "", fd ? strlen(fd) : 0);
		return usage(msg, msgsz, "invalid --fd '%s': expected a decimal file descriptor number",
			     shown);
	}
	if (v <= 2)
		return usage(msg, msgsz, "invalid --fd=%lld: fds 0, 1 and 2 are stdin, stdout and stderr, not the caller's socket",
			     v);
	a->fd = (int)v;
	return ARGS_OK;
}
