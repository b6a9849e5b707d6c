// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * grant.c - the second half of main()'s story (steps 6-10).
 *
 * MUST NOT hold an effective capability while parsing.
 * MUST evaluate the ACL on the kernel's canonical bridge name and act
 *      on the bridge by ifindex (bridge.c).
 * MUST refuse a full quota before a tap exists, and take a quota slot
 *      before the tap reaches the bridge (quota.c).
 * MUST pin the bridge's own address before the tap is attached.
 * MUST exit 0 only after the fd was handed over; on every other path
 *      the non-persistent tap dies with the process.
 */
#include "grant.h"

#include <errno.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "acl.h"
#include "aclfile.h"
#include "audit.h"
#include "bridge.h"
#include "fdpass.h"
#include "ids.h"
#include "netlink.h"
#include "policy.h"
#include "quota.h"
#include "seccomp.h"
#include "serve.h"
#include "strutil.h"
#include "tap.h"
#include "die.h"

noreturn void grant_die_denied(const struct ids *me, const struct bridge *br,
			       const struct acl_decision *d)
{
	const char *req = br->requested_shown;
	char alias[ESCAPED_SIZE(IFNAME_SIZE) + 32] = "";
	bool admin = me->subject.uid == 0;
	char who[ESCAPED_SIZE(ACL_MAX_WHO) + 32];

	if (me->named)
		snprintf(who, sizeof(who), "user '%s' (uid %u)", me->name,
			 (unsigned)me->subject.uid);
	else
		snprintf(who, sizeof(who), "uid %u", (unsigned)me->subject.uid);

	if (br->by_altname)
		snprintf(alias, sizeof(alias), " (an altname of '%s')", br->shown);
	if (d->verdict == ACL_VERDICT_DENY_RULE) {
		char file[ESCAPED_SIZE(256)];

		str_escape(file, sizeof(file), d->rule->file,
			   strlen(d->rule->file));
		die(EXIT_DENIED, "access denied by acl file: %s may not use bridge '%s'%s: denied by %s:%u; %s (tapgate --explain --br=%s shows why)",
		    who, req, alias, file,
		    d->rule->line,
		    admin ? "a deny wins over any allow" :
		    "only an admin can change that: ask yours",
		    req);
	}
	/* The hint names exactly this user and this bridge: never a rule
	 * that would open the bridge to anyone else. */
	die(EXIT_DENIED, "access denied by acl file: %s may not use bridge '%s'%s: no rule in %s (or a file it includes that you can read) allows it; %s 'allow %s user %s' (or a rule for one of your groups) (tapgate --explain --br=%s shows why)",
	    who, req, alias, TAPGATE_ACL_PATH,
	    admin ? "to allow it, add" : "ask your admin to add", br->shown,
	    me->name, req);
}

noreturn void grant_die_tun(int err, enum privs_mode mode)
{
	/* The original's phrase and errno text first, then the hint. */
	die(EXIT_TAP, "failed to open /dev/net/tun: %s%s", strerror(err),
	    err == EACCES && mode == PRIVS_FILECAPS ?
	    " (with file capabilities the caller opens it: it must be mode 0666, or install tapgate setuid root)" : "");
}

static void load_acl(struct acl *acl)
{
	struct acl_error err;

	if (policy_load(acl, &aclfile_io, &err) < 0)
		policy_die(&err);
}

/* Returns the caller's limit of taps on the bridge, 0 for none, and
 * the port options in *@options. */
static unsigned decide(const struct acl *acl, const struct ids *me,
		       const struct bridge *br, unsigned *options)
{
	struct acl_decision d;

	policy_decide(acl, &me->subject, br, &d);
	if (policy_status(br, &d) != 0)
		grant_die_denied(me, br, &d);
	*options = d.options;
	return d.max;
}

/* Say which orphans this grant deleted (capability lowered). */
static void log_reaped(const struct quota_use *use, unsigned gone)
{
	unsigned shown = use->n_orphans < QUOTA_SHOW_TAPS ? use->n_orphans :
			 QUOTA_SHOW_TAPS;
	char names[128];

	if (!use->n_orphans)
		return;
	/* One token: "," without a space. */
	quota_names((const char (*)[IFNAME_SIZE])use->orphan_names, shown,
		    use->n_orphans, ",", names, sizeof(names));
	audit_event("reaped", "taps=%s deleted=%u reason=persistent taps of tapgate's that no process holds",
		    names, gone);
}

/* At file scope, so that it stays reachable when a later step dies:
 * the kernel closes it at exit, and LeakSanitizer (scripts/sanitize)
 * does not count it as lost. */
static struct nl_sock *sk;

int grant_run(const struct grant_request *req)
{
	struct bridge_addr addr;
	struct quota_use use;
	struct bridge br;
	struct acl acl;
	struct ids me;
	struct tap tap;
	unsigned max, reaped, options;
	bool pinned;
	int rc;

	/* 6. Load the ACL with the caller's credentials, and turn its
	 *    user and group names into ids; the caller is what the kernel
	 *    says of this process, its name the one step 3 looked up.
	 *    Name services and files done, from here on only the system
	 *    calls of a grant are allowed. */
	ids_self_named(&me, audit_user_name());
	acl_init(&acl);
	load_acl(&acl);
	bridge_addr_read(req->bridge, &addr);
	seccomp_install();

	/* 7. Resolve the bridge: canonical name, ifindex, mtu, address. */
	sk = netlink_open();
	bridge_resolve(sk, req->bridge, &br);
	audit_set_bridge(NULL, br.name);

	/* 8. Decide: allowed, up to how many taps at once, and the port
	 *    options (isolated, guard). */
	max = decide(&acl, &me, &br, &options);
	acl_free(&acl);
	if (req->tunfd < 0)
		grant_die_tun(-req->tunfd, req->mode);

	/* 9. With the capability raised only around these calls: reap
	 *    the bridge's orphans and count the caller's taps in one
	 *    dump of its tun ports, refuse a full quota before any tap
	 *    exists, create the tap, take a slot (or mark it as the
	 *    caller's), pin the bridge's address, attach. */
	privs_raise();
	rc = quota_count(sk, getuid(), &br, max, &use);
	if (rc < 0)
		die(EXIT_TAP, "failed to count the taps on bridge '%s': %s",
		    br.shown, strerror(-rc));
	reaped = quota_reap(sk, &use);
	if (max)
		quota_check(getuid(), &br, max, &use);
	tap_create(sk, req->tunfd, req->use_vnet, getuid(), &tap);
	audit_set_tap(tap.name);
	if (max)
		quota_claim(sk, getuid(), &br, max, &use, tap.ifindex);
	else
		quota_mark(sk, getuid(), &br, tap.ifindex);
	pinned = bridge_pin_address(sk, &br, &addr);
	tap_attach(sk, &tap, &br, options);
	privs_lower();
	log_reaped(&use, reaped);
	if (pinned)
		bridge_log_pinned(&br);
	ids_free(&me);
	nl_socket_free(sk);
	sk = NULL;

	/* 10. Log, then hand the tap over; only then is it a grant. The
	 *     line is written first so that no delivered tap goes
	 *     unlogged; a failed handover adds a refusal line. */
	audit_grant();
	/* The service's handover is its reply of status 0 (serve.c). */
	rc = req->mode == PRIVS_SERVICE ? serve_handover(req->sock, req->tunfd) :
	     fdpass_send(req->sock, req->tunfd);
	if (rc < 0) {
		errno = -rc;
		die_errno(EXIT_HANDOVER, "failed to send the tap fd to the caller over %s%d (did it exit or close the socket?)",
			  req->mode == PRIVS_SERVICE ? "the service connection, fd " : "--fd=",
			  req->sock);
	}
	return EXIT_GRANTED;
}
