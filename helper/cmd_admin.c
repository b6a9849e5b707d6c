// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_admin.c - tapgate --list, --revoke and --reap (admin.h).
 *
 * MUST only ever delete a device that carries one of tapgate's
 *      altnames, checked again by ifindex just before RTM_DELLINK.
 * MUST refuse --revoke and --reap to anyone but root.
 * MUST show a user other than root only their own taps, and only the
 *      pids of their own processes.
 * MUST NOT dump all links: one dump the kernel filters by kind "tun".
 */
#define _GNU_SOURCE
#include "cmd_admin.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netlink/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "netlink.h"
#include "privs.h"
#include "quota.h"
#include "strutil.h"
#include "tap.h"
#include "die.h"
#include "userdb.h"

/* One of tapgate's taps, as the kernel and /proc describe it. */
struct entry {
	struct netlink_link l;
	struct quota_name n;
	char bridge[IFNAME_SIZE];   /* "" if it has no master */
	int *pids;                  /* processes holding an fd to it */
	size_t n_pids;
};

struct taps {
	struct entry *v;
	size_t n, cap;
	bool all;                   /* root: every user's */
	uid_t uid;                  /* else only this one's */
};

static void reset(void *arg)
{
	struct taps *t = arg;

	t->n = 0;
}

static int collect(const struct netlink_link *l, void *arg)
{
	struct taps *t = arg;
	struct quota_name n;

	if (strcmp(l->kind, "tun") != 0 || !l->tap ||
	    quota_parse_name(l->ours, &n) < 0 ||
	    (!t->all && n.uid != (uint32_t)t->uid))
		return 0;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct entry *v = reallocarray(t->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	t->v[t->n].l = *l;
	t->v[t->n].n = n;
	t->n++;
	return 0;
}

/* The "iff:" line of one fdinfo file: the tun device an fd is attached
 * to. 0 and @name filled, or -1. */
static int fdinfo_iff(int dirfd, const char *fd, char name[IFNAME_SIZE])
{
	char buf[4096], *p, *end;
	ssize_t n;
	int f = openat(dirfd, fd, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strncmp(buf, "iff:\t", 5) == 0 ? buf : strstr(buf, "\niff:\t");
	if (!p)
		return -1;
	p += p == buf ? 5 : 6;
	end = strchr(p, '\n');
	if (!end || end == p || end - p >= IFNAME_SIZE)
		return -1;
	memcpy(name, p, (size_t)(end - p));
	name[end - p] = '\0';
	return 0;
}

static void add_pid(struct entry *e, int pid)
{
	int *v;

	for (size_t i = 0; i < e->n_pids; i++)
		if (e->pids[i] == pid)
			return;
	v = reallocarray(e->pids, e->n_pids + 1, sizeof(*v));
	if (!v)
		die(EXIT_TAP, "--list: out of memory");
	e->pids = v;
	e->pids[e->n_pids++] = pid;
}

/* Which processes hold each tap, from /proc/PID/fdinfo/FD's "iff:"
 * lines. A process whose fdinfo the caller may not read is skipped;
 * a caller other than root is shown only their own processes. Tap
 * names are per network namespace: a process of another namespace
 * holding a tap of the same name would be counted too. */
static void scan_holders(struct taps *t, uid_t caller)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;

	if (!proc)
		die_errno(EXIT_TAP, "--list: failed to read /proc");
	while ((de = readdir(proc))) {
		long long pid;
		struct stat st;
		DIR *fds;
		int pd, fi;

		if (str_to_int(de->d_name, 1, 0x7fffffff, &pid) < 0)
			continue;
		pd = openat(dirfd(proc), de->d_name,
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pd < 0)
			continue;
		if (fstat(pd, &st) < 0 || (caller != 0 && st.st_uid != caller)) {
			close(pd);
			continue;
		}
		fi = openat(pd, "fdinfo", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(pd);
		if (fi < 0)
			continue;
		fds = fdopendir(fi);
		if (!fds) {
			close(fi);
			continue;
		}
		for (struct dirent *f; (f = readdir(fds));) {
			char name[IFNAME_SIZE];

			if (f->d_name[0] == '.' ||
			    fdinfo_iff(dirfd(fds), f->d_name, name) < 0)
				continue;
			for (size_t i = 0; i < t->n; i++)
				if (strcmp(t->v[i].l.name, name) == 0)
					add_pid(&t->v[i], (int)pid);
		}
		closedir(fds);
	}
	closedir(proc);
}

/* Every one of tapgate's taps (root) or the caller's, with its bridge
 * name; with the holders if @holders. */
static void load(struct nl_sock *sk, struct taps *t, bool holders)
{
	int rc;

	t->all = getuid() == 0;
	t->uid = getuid();
	rc = netlink_dump(sk, 0, "tun", collect, reset, t);
	if (rc < 0)
		die(EXIT_TAP, "failed to list the tun devices: %s", strerror(-rc));
	for (size_t i = 0; i < t->n; i++) {
		struct netlink_link br;

		if (t->v[i].l.master > 0 &&
		    netlink_get(sk, t->v[i].l.master, NULL, &br) == 0)
			memcpy(t->v[i].bridge, br.name, IFNAME_SIZE);
	}
	if (!holders)
		return;
	privs_raise_proc();
	scan_holders(t, getuid());
	privs_lower_proc();
}

static void unload(struct taps *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].pids);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static char *mac_text(char out[18], const uint8_t mac[6])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return out;
}

/* The MAC tapgate gave the tap, from its alias; NULL if none. */
static const char *mac_set(const struct entry *e)
{
	size_t k = strlen(TAP_ALIAS_PREFIX);

	if (strncmp(e->l.alias, TAP_ALIAS_PREFIX, k) != 0 ||
	    strlen(e->l.alias + k) != 17)
		return NULL;
	return e->l.alias + k;
}

static bool user_name(uint32_t uid, char *out, size_t outsz)
{
	struct userdb_ent pw;
	bool ok = userdb_user_by_uid(uid, &pw) == 0;

	if (ok)
		str_escape(out, outsz, pw.name, strlen(pw.name));
	userdb_ent_free(&pw);
	return ok;
}

static void print_text(const struct taps *t)
{
	printf("%-15s %-15s %-16s %10s %5s %-7s %-8s %-8s %s\n", "TAP",
	       "BRIDGE", "USER", "UID", "SLOT", "PERSIST", "STATE", "MAC",
	       t->all ? "HELD BY" : "HELD BY (yours)");
	for (size_t i = 0; i < t->n; i++) {
		const struct entry *e = &t->v[i];
		char tap[ESCAPED_SIZE(IFNAME_SIZE)], br[ESCAPED_SIZE(IFNAME_SIZE)];
		char user[ESCAPED_SIZE(64)] = "?", slot[16] = "-", mac[18];
		const char *set = mac_set(e);

		str_escape(tap, sizeof(tap), e->l.name, strlen(e->l.name));
		str_escape(br, sizeof(br), e->bridge, strlen(e->bridge));
		(void)user_name(e->n.uid, user, sizeof(user));
		if (!e->n.marker)
			snprintf(slot, sizeof(slot), "%u", e->n.slot);
		printf("%-15s %-15s %-16s %10u %5s %-7s %-8s %-8s", tap,
		       e->bridge[0] ? br : "-", user, (unsigned)e->n.uid, slot,
		       e->l.persist ? "yes" : "no",
		       !e->l.held ? "orphaned" : "held",
		       !set || !e->l.has_mac ? "unknown" :
		       strcmp(set, mac_text(mac, e->l.mac)) == 0 ? "as-set" :
		       "changed");
		for (size_t k = 0; k < e->n_pids; k++)
			printf("%s%d", k ? "," : " ", e->pids[k]);
		printf("%s\n", e->n_pids ? "" : " -");
	}
}

/* str_json()'s worst case is "\u00NN" for each byte: a name of up to
 * JSON_NAME_MAX bytes is never cut (a longer user name ends in "..."). */
#define JSON_NAME_MAX 256

static void json_name(const char *key, const char *val)
{
	if (!val) {
		printf("\"%s\":null,", key);
	} else {
		char buf[6 * JSON_NAME_MAX + 1];

		printf("\"%s\":\"%s\",", key, str_json(buf, sizeof(buf), val,
						       strlen(val)));
	}
}

static void print_json(const struct taps *t)
{
	printf("{\"scope\":\"%s\",\"taps\":[", t->all ? "all" : "own");
	for (size_t i = 0; i < t->n; i++) {
		const struct entry *e = &t->v[i];
		char mac[18];
		const char *set = mac_set(e);
		struct userdb_ent pw;
		bool named = userdb_user_by_uid(e->n.uid, &pw) == 0;

		printf("%s{", i ? "," : "");
		json_name("tap", e->l.name);
		printf("\"ifindex\":%d,", e->l.ifindex);
		json_name("bridge", e->bridge[0] ? e->bridge : NULL);
		printf("\"bridge_ifindex\":%d,", e->l.master);
		json_name("user", named ? pw.name : NULL);
		userdb_ent_free(&pw);
		printf("\"uid\":%u,", (unsigned)e->n.uid);
		if (e->n.marker)
			printf("\"slot\":null,");
		else
			printf("\"slot\":%u,", e->n.slot);
		printf("\"persistent\":%s,\"held\":%s,\"orphan\":%s,\"pids\":[",
		       e->l.persist ? "true" : "false",
		       e->l.held ? "true" : "false",
		       quota_is_orphan(&e->l) ? "true" : "false");
		for (size_t k = 0; k < e->n_pids; k++)
			printf("%s%d", k ? "," : "", e->pids[k]);
		printf("],");
		json_name("mac", e->l.has_mac ? mac_text(mac, e->l.mac) : NULL);
		json_name("mac_set", set);
		printf("\"mac_unchanged\":%s}", !set || !e->l.has_mac ? "null" :
		       strcmp(set, mac_text(mac, e->l.mac)) == 0 ? "true" :
		       "false");
	}
	printf("]}\n");
}

static int list_taps(struct nl_sock *sk, const struct args *a)
{
	struct taps t = { 0 };

	load(sk, &t, true);
	if (a->json)
		print_json(&t);
	else
		print_text(&t);
	if (fflush(stdout) != 0 || ferror(stdout))
		die_errno(EXIT_USAGE, "--list: failed to write the list");
	audit_event("listed", "taps=%zu scope=%s", t.n, t.all ? "all" : "own");
	unload(&t);
	return 0;
}

static noreturn void not_root(const char *what)
{
	die(EXIT_PRIVS, "only root may %s (you are uid %u); tapgate --list shows your own taps",
	    what, (unsigned)getuid());
}

/*
 * Delete @e if the device of that index is still one of tapgate's taps
 * with the same altname (and, with @orphan, still an orphan: one that
 * its owner re-attached meanwhile stays). 1 deleted, 0 skipped.
 */
static int delete_one(struct nl_sock *sk, const struct entry *e, bool orphan,
		      const char *event)
{
	char tap[ESCAPED_SIZE(IFNAME_SIZE)], br[ESCAPED_SIZE(IFNAME_SIZE)];
	struct netlink_link now;
	int rc;

	if (netlink_get(sk, e->l.ifindex, NULL, &now) < 0 ||
	    strcmp(now.ours, e->l.ours) != 0 || !now.tap ||
	    (orphan && !quota_is_orphan(&now)))
		return 0;
	privs_raise();
	rc = netlink_delete(sk, e->l.ifindex);
	privs_lower();
	str_escape_field(tap, sizeof(tap), e->l.name, strlen(e->l.name));
	str_escape_field(br, sizeof(br), e->bridge[0] ? e->bridge : "-",
			 strlen(e->bridge[0] ? e->bridge : "-"));
	if (rc == -ENODEV)
		return 0;
	if (rc < 0)
		die(EXIT_TAP, "failed to delete '%s': %s", tap, strerror(-rc));
	printf("%s %s (bridge %s, uid %u%s)\n", event, tap, br,
	       (unsigned)e->n.uid, e->l.held ? ", its holders' fds now fail" : "");
	audit_event(event, "tap=%s tap_bridge=%s tap_uid=%u persistent=%s held=%s",
		    tap, br, (unsigned)e->n.uid, e->l.persist ? "yes" : "no",
		    e->l.held ? "yes" : "no");
	return 1;
}

/* The uid --user names: digits, or a name in the database. */
static uint32_t target_uid(const char *who)
{
	char shown[ESCAPED_SIZE(64)];
	struct userdb_ent pw;
	long long v;
	uint32_t uid;
	int rc;

	if (str_to_int(who, 0, 0xfffffffe, &v) == 0)
		return (uint32_t)v;
	str_escape(shown, sizeof(shown), who, strlen(who));
	rc = userdb_user_by_name(who, &pw);
	if (rc == -ENOENT)
		die(EXIT_USAGE, "--user: no user '%s'", shown);
	if (rc < 0)
		die(EXIT_USAGE, "--user: cannot look up '%s': %s", shown,
		    strerror(-rc));
	uid = pw.id;
	userdb_ent_free(&pw);
	return uid;
}

static int revoke_taps(struct nl_sock *sk, const struct args *a)
{
	struct taps t = { 0 };
	uint32_t uid = 0;
	unsigned gone = 0, found = 0;

	if (getuid() != 0)
		not_root("revoke taps");
	if (a->user)
		uid = target_uid(a->user);
	load(sk, &t, false);
	for (size_t i = 0; i < t.n; i++) {
		const struct entry *e = &t.v[i];

		if (a->user ? e->n.uid != uid : strcmp(e->l.name, a->tap) != 0)
			continue;
		found++;
		gone += (unsigned)delete_one(sk, e, false, "revoked");
	}
	unload(&t);
	if (!a->user && !found) {
		char shown[ESCAPED_SIZE(IFNAME_SIZE)];
		struct netlink_link l;

		str_escape(shown, sizeof(shown), a->tap, strlen(a->tap));
		if (netlink_get(sk, 0, a->tap, &l) == 0)
			die(EXIT_TAP, "'%s' is not a tap tapgate made (it has no tapgate.* altname): tapgate revokes only its own taps",
			    shown);
		die(EXIT_TAP, "no tap '%s' (tapgate --list shows tapgate's taps)",
		    shown);
	}
	if (a->user && !found)
		printf("uid %u has no taps tapgate made\n", (unsigned)uid);
	else if (a->user && gone != found)
		printf("%u of uid %u's %u taps were gone already\n",
		       found - gone, (unsigned)uid, found);
	if (fflush(stdout) != 0)
		die_errno(EXIT_USAGE, "--revoke: failed to write");
	return 0;
}

static int reap_orphans(struct nl_sock *sk)
{
	struct taps t = { 0 };
	unsigned gone = 0;

	if (getuid() != 0)
		not_root("reap taps");
	load(sk, &t, false);
	for (size_t i = 0; i < t.n; i++)
		if (quota_is_orphan(&t.v[i].l))
			gone += (unsigned)delete_one(sk, &t.v[i], true, "reaped");
	unload(&t);
	printf("reaped %u orphaned tap%s\n", gone, gone == 1 ? "" : "s");
	if (fflush(stdout) != 0)
		die_errno(EXIT_USAGE, "--reap: failed to write");
	return 0;
}

int admin_run(const struct args *a)
{
	struct nl_sock *sk = netlink_open();
	int rc;

	switch (a->mode) {
	case ARGS_LIST:
		rc = list_taps(sk, a);
		break;
	case ARGS_REVOKE:
		rc = revoke_taps(sk, a);
		break;
	case ARGS_REAP:
		rc = reap_orphans(sk);
		break;
	default:
		rc = EXIT_USAGE;
	}
	nl_socket_free(sk);
	return rc;
}
