// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tapgate - give the caller one tap on a bridge the ACL allows.
 *
 * MUST be single-threaded; MUST have emptied the environment and
 *      opened fds 0-2 before any library constructor (process.c).
 * MUST drop to the caller before reading any file (privs.c).
 * MUST NOT hold an effective capability while parsing.
 * MUST evaluate the ACL on the kernel's canonical bridge name and act
 *      on the bridge by ifindex (bridge.c).
 * MUST take a quota slot before the tap reaches the bridge (quota.c).
 * MUST exit 0 only after the fd was handed over; on every other path
 *      the non-persistent tap dies with the process.
 * MUST, inside a user namespace or without privilege, only ask the
 *      tapgate service (service.c); as the service (--serve), take the
 *      caller from the kernel and become it before parsing (serve.c).
 */
#include <errno.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl.h"
#include "aclfile.h"
#include "args.h"
#include "audit.h"
#include "bridge.h"
#include "check.h"
#include "explain.h"
#include "fdpass.h"
#include "ids.h"
#include "netlink.h"
#include "privs.h"
#include "policy.h"
#include "process.h"
#include "quota.h"
#include "seccomp.h"
#include "serve.h"
#include "service.h"
#include "strutil.h"
#include "tap.h"
#include "tapgate.h"

static void load_acl(struct acl *acl)
{
	struct acl_error err;

	if (policy_load(acl, &aclfile_io, &err) < 0)
		policy_die(&err);
}

/* Returns the caller's limit of taps on the bridge, 0 for none. */
static unsigned decide(const struct acl *acl, const struct ids *me,
		       const struct bridge *br, const char *requested)
{
	bool by_altname = strcmp(requested, br->name) != 0;
	struct acl_decision d;
	char req[4 * IFNAME_SIZE], alias[4 * IFNAME_SIZE + 32] = "";

	policy_decide(acl, &me->subject, br->name, requested, &d);
	if (d.verdict == ACL_VERDICT_ALLOW)
		return d.max;
	str_escape(req, sizeof(req), requested, strlen(requested));
	if (by_altname)
		snprintf(alias, sizeof(alias), " (an altname of '%s')", br->shown);
	if (d.verdict == ACL_VERDICT_DENY_RULE) {
		char file[512];

		die(EXIT_DENIED, "access denied by acl file: uid %u may not use bridge '%s'%s: denied by %s:%u",
		    (unsigned)me->subject.uid, req, alias,
		    str_escape(file, sizeof(file), d.rule->file, strlen(d.rule->file)),
		    d.rule->line);
	}
	die(EXIT_DENIED, "access denied by acl file: uid %u may not use bridge '%s'%s: no rule in %s (or a file it includes that you can read) allows it; add 'allow %s' (tapgate --explain --br=%s shows why)",
	    (unsigned)me->subject.uid, req, alias, TAPGATE_ACL_PATH, br->shown,
	    req);
}

static noreturn void die_tun(int err, enum privs_mode mode)
{
	/* The original's phrase and errno text first, then the hint. */
	die(EXIT_TAP, "failed to open /dev/net/tun: %s%s", strerror(err),
	    err == EACCES && mode == PRIVS_FILECAPS ?
	    " (with file capabilities the caller opens it: it must be mode 0666, or install tapgate setuid root)" : "");
}

/* At file scope, so that it stays reachable when a later step dies:
 * the kernel closes it at exit, and LeakSanitizer (scripts/sanitize)
 * does not count it as lost. */
static struct nl_sock *sk;

/*
 * Steps 5-10, the grant itself, for a caller that the process has
 * become: by privs_drop() (setuid, file caps, root) or, in tapgate
 * --serve, by privs_become() (serve.c). From here on the two are one
 * code path.
 */
static int grant(const struct args *args, int tunfd, enum privs_mode mode)
{
	struct acl acl;
	struct ids me;
	struct bridge br;
	char tap[IFNAME_SIZE];
	unsigned max;
	int tapindex, rc;

	/* 5. The caller's socket must be what QEMU and libvirt pass; no
	 *    other inherited fd stays open. */
	fdpass_check(args->fd);
	process_close_fds(args->fd, tunfd);

	/* 6. Load the ACL with the caller's credentials, and turn its
	 *    user and group names into ids; the caller is what the kernel
	 *    says of this process. Name services done, from here on only
	 *    the system calls of a grant are allowed (seccomp.c). */
	ids_self(&me);
	acl_init(&acl);
	load_acl(&acl);
	seccomp_install();

	/* 7. Resolve the bridge: canonical name, ifindex, mtu. */
	sk = netlink_open();
	bridge_resolve(sk, args->bridge, &br);
	audit_set_bridge(NULL, br.name);

	/* 8. Decide: allowed, and up to how many taps at once. */
	max = decide(&acl, &me, &br, args->bridge);
	acl_free(&acl);

	/* 9. Create the tap, take a quota slot if there is a max, and
	 *    attach it: the capability raised only around these calls. */
	if (tunfd < 0)
		die_tun(-tunfd, mode);
	privs_raise();
	tap_create(tunfd, args->use_vnet, getuid(), tap);
	audit_set_tap(tap);
	tapindex = tap_index(sk, tap);
	if (max)
		quota_claim(sk, getuid(), &br, max, tapindex);
	else
		quota_mark(sk, getuid(), &br, tapindex);
	tap_attach(sk, tunfd, tap, tapindex, &br);
	privs_lower();
	ids_free(&me);
	nl_socket_free(sk);

	/* 10. Log, then hand the tap over; only then is it a grant. The
	 *     line is written first so that no delivered tap goes
	 *     unlogged; a failed handover adds a refusal line. */
	audit_grant();
	rc = mode == PRIVS_SERVICE ? serve_handover(args->fd, tunfd) :
	     fdpass_send(args->fd, tunfd);
	if (rc < 0) {
		errno = -rc;
		die_errno(EXIT_HANDOVER, "failed to send the tap fd to the caller over %s%d (did it exit or close the socket?)",
			  mode == PRIVS_SERVICE ? "the service connection, fd " : "--fd=",
			  args->fd);
	}
	return EXIT_GRANTED;
}

int main(int argc, char *argv[])
{
	struct args args;
	enum privs_mode mode;
	char msg[512];
	bool nnp_before;
	int tunfd;

	/* 0. (preinit) fds 0-2 open, environment empty: process.c. */
	audit_init(getuid());

	/* 1. Make the process sane: no_new_privs, non-dumpable, umask,
	 *    cwd /, signals, watchdog; not inside a user namespace. */
	nnp_before = process_harden();

	/*    Inside a user namespace (a Flatpak sandbox) the only thing
	 *    tapgate does is ask the service, with no privilege at all;
	 *    everything else, --serve too, is refused (service.c). */
	if (process_in_user_namespace() && !serve_requested(argc, argv))
		service_relay_from_user_namespace(argc, argv, nnp_before);
	process_refuse_user_namespace(NULL);

	/* 2. Open /dev/net/tun now: in a setuid install this is the one
	 *    access that needs root's file permissions (it may be 0600).
	 *    It creates nothing; errors are reported at step 9. */
	tunfd = tap_open_dev();

	/* 3. Become the caller, keeping only CAP_NET_ADMIN, permitted;
	 *    only now may name-service modules run for the log line.
	 *    As tapgate@.service (--serve) the caller is the peer of the
	 *    connection on fd 3 and its request replaces steps 3-4. */
	if (serve_requested(argc, argv)) {
		mode = serve_accept(&args);
		audit_set_bridge(args.bridge, NULL);
		return grant(&args, tunfd, mode);
	}
	mode = privs_drop();
	audit_set_user();

	/* 4. Parse the command line (pure: names validated once here). */
	switch (args_parse(argc, argv, &args, msg, sizeof(msg))) {
	case ARGS_HELP:
		if (fputs(args_usage, stdout) < 0 ||
		    printf("Creates a tap on bridge if %s allows it and passes it over unix socket unixfd.\nSee tapgate(8).\n",
			   TAPGATE_ACL_PATH) < 0 || fflush(stdout) != 0)
			return EXIT_USAGE;
		return 0;
	case ARGS_VERSION:
		if (printf("tapgate %s (acl file %s)\n", TAPGATE_VERSION,
			   TAPGATE_ACL_PATH) < 0 || fflush(stdout) != 0)
			return EXIT_USAGE;
		return 0;
	case ARGS_USAGE:
		/* If stderr is gone, die() has nowhere to write either. */
		(void)fputs(args_usage, stderr);
		die(EXIT_USAGE, "%s", msg);
	case ARGS_OK:
		break;
	}
	if (args.mode != ARGS_GRANT) {
		/* The tools run with the caller's rights and nothing more. */
		if (tunfd >= 0)
			close(tunfd);
		privs_drop_all();
		process_close_fds(-1, -1);
		return args.mode == ARGS_CHECK ? check_run(args.file) :
		       explain_run(&args);
	}
	audit_set_bridge(args.bridge, NULL);
	if (mode == PRIVS_NONE) {
		/* No privilege here (no_new_privs, nosuid, a plain copy):
		 * the tapgate service may act for us (service.c). */
		if (tunfd >= 0)
			close(tunfd);
		service_relay(&args, nnp_before);
	}

	return grant(&args, tunfd, mode);
}
