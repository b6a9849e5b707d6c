// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * privs.c - the privilege transition.
 *
 * MUST drop to the caller's real uid/gid before reading any file.
 * MUST keep the caller's supplementary groups: group-readable ACL
 *      includes are how admins write per-group rules.
 * MUST hold only CAP_NET_ADMIN, and only in the permitted set except
 *      around the calls that need it.
 * MUST clear the bounding set where we can (setuid, root).
 */
#define _GNU_SOURCE
#include "privs.h"

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "strutil.h"
#include "tapgate.h"

/* Root's --list only (privs_keep_proc()). */
static bool keep_proc, have_proc;

static bool is_proc_cap(unsigned cap)
{
	return cap == CAP_SYS_PTRACE || cap == CAP_DAC_READ_SEARCH;
}

void privs_keep_proc(void)
{
	keep_proc = true;
}

bool privs_have_proc(void)
{
	return have_proc;
}

static void keep_only_net_admin(void)
{
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_update(CAPNG_ADD, CAPNG_PERMITTED, CAP_NET_ADMIN) < 0)
		die(EXIT_PRIVS, "failed to prepare the capability set");
}

noreturn void privs_die_unprivileged(bool nnp_before)
{
	die(EXIT_PRIVS, "tapgate has no privilege: install it setuid root or with cap_net_admin%s",
	    nnp_before ? " (no_new_privs is set, e.g. by QEMU's -sandbox on, so neither can take effect)"
			 : " (is its file system mounted nosuid, or were its mode bits or capabilities lost when it was copied?)");
}

/*
 * A file-capability install must carry cap_net_admin and nothing else.
 * More (cap_sys_admin, cap_dac_override, ...) is a packaging mistake
 * or a planted binary; the extra capabilities would also be live, and
 * effective with +ep, from exec until here, through the loader and
 * every library constructor. Refuse, naming them, rather than quietly
 * dropping them and carrying on. Everything is dropped before the
 * message is written and logged.
 */
static void refuse_extra_caps(void)
{
	char names[512] = "?";
	char *text;

	capng_update(CAPNG_DROP, CAPNG_PERMITTED, CAP_NET_ADMIN);
	text = capng_print_caps_text(CAPNG_PRINT_BUFFER, CAPNG_PERMITTED);
	if (text) {
		str_escape(names, sizeof(names), text, strlen(text));
		free(text);
	}
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		_exit(EXIT_PRIVS);
	die(EXIT_PRIVS, "tapgate refuses to run with capabilities other than cap_net_admin (it also has: %s): reinstall it with 'setcap cap_net_admin+p'",
	    names);
}

static bool has_only_net_admin(void)
{
	for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++)
		if (cap != CAP_NET_ADMIN &&
		    capng_have_capability(CAPNG_PERMITTED, cap))
			return false;
	return true;
}

/* Back to the real gid everywhere (a setgid install is not ours). */
static void drop_setgid(void)
{
	gid_t rgid, egid, sgid;

	if (getresgid(&rgid, &egid, &sgid) < 0)
		die_errno(EXIT_PRIVS, "failed to read our group ids");
	if ((egid != rgid || sgid != rgid) && setresgid(rgid, rgid, rgid) < 0)
		die_errno(EXIT_PRIVS, "failed to drop the set-group-ID");
}

enum privs_mode privs_drop(void)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	enum privs_mode mode;

	if (getresuid(&ruid, &euid, &suid) < 0 ||
	    getresgid(&rgid, &egid, &sgid) < 0)
		die_errno(EXIT_PRIVS, "failed to read our ids");

	if (euid == 0 && ruid != 0) {
		/*
		 * setuid root. libcap-ng keeps the permitted set across the
		 * uid change (PR_SET_KEEPCAPS), sets uid and gid to the
		 * caller's in all three slots, leaves the supplementary
		 * groups alone and clears the bounding set. From here on
		 * every file access is the caller's own.
		 */
		keep_only_net_admin();
		if (capng_change_id((int)ruid, (int)rgid, CAPNG_CLEAR_BOUNDING) != 0)
			die(EXIT_PRIVS, "failed to drop to the caller's uid %u and gid %u",
			    (unsigned)ruid, (unsigned)rgid);
		mode = PRIVS_SETUID;
	} else if (euid == 0) {
		/* Run by root: stay uid 0, but only with CAP_NET_ADMIN (and,
		 * for --list, what reading other users' fdinfo needs). */
		drop_setgid();
		keep_only_net_admin();
		have_proc = keep_proc && ruid == 0;
		if (have_proc &&
		    (capng_update(CAPNG_ADD, CAPNG_PERMITTED, CAP_SYS_PTRACE) < 0 ||
		     capng_update(CAPNG_ADD, CAPNG_PERMITTED, CAP_DAC_READ_SEARCH) < 0))
			die(EXIT_PRIVS, "failed to prepare the capability set");
		if (capng_apply(CAPNG_SELECT_BOTH) < 0)
			die(EXIT_PRIVS, "failed to drop capabilities");
		mode = PRIVS_ROOT;
	} else {
		/* File capabilities, or nothing at all. */
		if (euid != ruid)
			die(EXIT_PRIVS, "tapgate is setuid to uid %u, not root: unsupported installation",
			    (unsigned)euid);
		drop_setgid();
		if (capng_get_caps_process() < 0)
			die(EXIT_PRIVS, "failed to read our capabilities");
		mode = capng_have_capability(CAPNG_PERMITTED, CAP_NET_ADMIN) ?
		       PRIVS_FILECAPS : PRIVS_NONE;
		if (mode == PRIVS_FILECAPS && !has_only_net_admin())
			refuse_extra_caps();
		/* Without CAP_SETPCAP the bounding set stays; we never exec
		 * and no_new_privs is set, so it cannot matter. */
		if (mode == PRIVS_FILECAPS)
			keep_only_net_admin();
		else
			capng_clear(CAPNG_SELECT_BOTH);
		if (capng_apply(CAPNG_SELECT_CAPS) < 0)
			die(EXIT_PRIVS, "failed to drop capabilities");
	}

	/* An id change resets the dumpable flag to fs.suid_dumpable:
	 * set it again, now that we are the caller. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die_errno(EXIT_PRIVS, "failed to make the process non-dumpable");

	/* Trust, but verify: the caller's ids everywhere, no root left. */
	if (getresuid(&ruid, &euid, &suid) < 0 || euid != ruid || suid != ruid ||
	    getresgid(&rgid, &egid, &sgid) < 0 || egid != rgid || sgid != rgid)
		die(EXIT_PRIVS, "privilege drop left mismatched ids");
	if (capng_get_caps_process() < 0)
		die(EXIT_PRIVS, "failed to read our capabilities after the drop");
	for (unsigned cap = 0; cap <= CAP_LAST_CAP; cap++) {
		bool want = (cap == CAP_NET_ADMIN && mode != PRIVS_NONE) ||
			    (is_proc_cap(cap) && have_proc);

		if (capng_have_capability(CAPNG_EFFECTIVE, cap) ||
		    capng_have_capability(CAPNG_INHERITABLE, cap) ||
		    capng_have_capability(CAPNG_PERMITTED, cap) != want)
			die(EXIT_PRIVS, "privilege drop left capabilities other than cap_net_admin (permitted)");
	}
	return mode;
}

static void set_proc(capng_act_t act)
{
	if (!have_proc)
		return;
	if (capng_update(act, CAPNG_EFFECTIVE, CAP_SYS_PTRACE) < 0 ||
	    capng_update(act, CAPNG_EFFECTIVE, CAP_DAC_READ_SEARCH) < 0 ||
	    capng_apply(CAPNG_SELECT_CAPS) < 0)
		die(EXIT_PRIVS, "failed to %s the capabilities to read /proc",
		    act == CAPNG_ADD ? "raise" : "lower");
}

void privs_raise_proc(void)
{
	set_proc(CAPNG_ADD);
}

void privs_lower_proc(void)
{
	set_proc(CAPNG_DROP);
}

void privs_drop_all(void)
{
	have_proc = false;
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0 ||
	    capng_get_caps_process() < 0 ||
	    capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE)
		die(EXIT_PRIVS, "failed to drop all capabilities");
}

static void set_effective(capng_act_t act)
{
	if (capng_update(act, CAPNG_EFFECTIVE, CAP_NET_ADMIN) < 0 ||
	    capng_apply(CAPNG_SELECT_CAPS) < 0)
		die(EXIT_PRIVS, "failed to %s cap_net_admin",
		    act == CAPNG_ADD ? "raise" : "lower");
}

void privs_raise(void)
{
	set_effective(CAPNG_ADD);
}

void privs_lower(void)
{
	set_effective(CAPNG_DROP);
}

void privs_lower_quiet(void)
{
	if (capng_update(CAPNG_DROP, CAPNG_EFFECTIVE, CAP_NET_ADMIN) == 0)
		capng_apply(CAPNG_SELECT_CAPS);
}
