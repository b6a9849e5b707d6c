// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tapgate - give the caller one tap on a bridge the ACL allows.
 *
 * MUST be single-threaded; MUST have emptied the environment and
 *      opened fds 0-2 before any library constructor (process.c).
 * MUST drop to the caller before reading any file (privs.c).
 * MUST NOT hold an effective capability while parsing.
 * Steps 6-10, the ACL, the bridge, the decision, the tap and the
 * handover, are grant.c's, with their own MUST list.
 */
#include <stdio.h>
#include <unistd.h>

#include "cmd_admin.h"
#include "args.h"
#include "audit.h"
#include "cmd_check.h"
#include "cmd_explain.h"
#include "fdpass.h"
#include "grant.h"
#include "privs.h"
#include "process.h"
#include "tap.h"
#include "tapgate.h"

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

	/* 2. Open /dev/net/tun now: in a setuid install this is the one
	 *    access that needs root's file permissions (it may be 0600).
	 *    It creates nothing; errors are reported at step 9. */
	tunfd = tap_open_dev();

	/* 3. Become the caller, keeping only CAP_NET_ADMIN, permitted;
	 *    only now may name-service modules run for the log line.
	 *    (Root's --list also keeps what reading other users'
	 *    /proc/PID/fdinfo needs: an argument that is "--list" is
	 *    never a grant, whatever args_parse() says of the rest.) */
	if (args_wants_list(argc, argv))
		privs_keep_proc();
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
	if (args.mode == ARGS_LIST || args.mode == ARGS_REVOKE ||
	    args.mode == ARGS_REAP) {
		/* The admin's tools, without the filter: root keeps what
		 * privs_drop() left it, permitted only (cmd_admin.c raises it
		 * around a delete or the /proc scan); anyone else has only
		 * their own rights. */
		if (tunfd >= 0)
			close(tunfd);
		if (mode != PRIVS_ROOT)
			privs_drop_all();
		process_close_fds(-1, -1);
		return admin_run(&args);
	}
	if (args.mode != ARGS_GRANT) {
		/* The tools run with the caller's rights and nothing more;
		 * explain reports whether step 2 could open the tun. */
		if (tunfd >= 0)
			close(tunfd);
		privs_drop_all();
		process_close_fds(-1, -1);
		return args.mode == ARGS_CHECK ? check_run(args.file) :
		       explain_run(&args, tunfd, mode);
	}
	audit_set_bridge(args.bridge, NULL);
	if (mode == PRIVS_NONE)
		privs_die_unprivileged(nnp_before);

	/* 5. The caller's socket must be what QEMU and libvirt pass; no
	 *    other inherited fd stays open. */
	fdpass_check(args.fd);
	process_close_fds(args.fd, tunfd);

	/* 6-10. The ACL, the bridge, the decision, the tap, the
	 *       handover: grant.c. */
	return grant_run(&(struct grant_request){
		.use_vnet = args.use_vnet, .bridge = args.bridge,
		.sock = args.fd, .tunfd = tunfd, .mode = mode });
}
