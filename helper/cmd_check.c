// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "cmd_check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acl.h"
#include "audit.h"
#include "bridge.h"
#include "aclfile.h"
#include "ids.h"
#include "process.h"
#include "strutil.h"
#include "tapgate.h"
#include "userdb.h"

struct tally {
	unsigned errors, warnings;
};

__attribute__((format(printf, 5, 6)))
static void report(struct tally *t, enum acl_severity sev, const char *file,
		   unsigned line, const char *fmt, ...)
{
	char shown[ESCAPED_SIZE(ACL_MAX_PATH)], msg[4096];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap); /* may cut: a message */
	va_end(ap);
	str_escape(shown, sizeof(shown), file, strlen(file));
	if (line)
		printf("%s:%u: %s: %s\n", shown, line,
		       sev == ACL_SEV_ERROR ? "error" : "warning", msg);
	else
		printf("%s: %s: %s\n", shown,
		       sev == ACL_SEV_ERROR ? "error" : "warning", msg);
	if (sev == ACL_SEV_ERROR)
		t->errors++;
	else
		t->warnings++;
}

static void on_diag(void *ctx, enum acl_severity sev, const struct acl_error *e)
{
	/* The library escapes what it quotes; controls cannot remain. */
	char msg[ESCAPED_SIZE(sizeof(e->msg))];

	str_escape_controls(msg, sizeof(msg), e->msg, strlen(e->msg));
	report(ctx, sev, e->file, e->line, "%s", msg);
}

/* acl_resolve_each() tells of every name: an unknown one leaves its
 * rule matching nobody (a warning); a failed lookup is an error, as it
 * is for the grant, which refuses every request while it fails. */
static void on_name(void *ctx, const struct acl_rule *r, enum acl_who_kind kind,
		    const struct acl_who *who, int rc)
{
	const char *what = kind == ACL_WHO_USER ? "user" : "group";

	if (rc == -ENOENT)
		report(ctx, ACL_SEV_WARNING, r->file, r->line,
		       "unknown %s '%s': this rule matches nobody", what,
		       who->name);
	else if (rc < 0)
		report(ctx, ACL_SEV_ERROR, r->file, r->line,
		       "cannot look up %s '%s': %s (the %s database failed, which is not 'no such %s': tapgate refuses every request while this fails)",
		       what, who->name, strerror(-rc), what, what);
}

/* Numeric ids are never looked up by the grant; one no entry has is
 * worth a word all the same. */
static void check_ids(const struct acl *acl, struct tally *t)
{
	for (size_t i = 0; i < acl->n_rules; i++) {
		const struct acl_rule *r = &acl->rules[i];
		const struct acl_who *who[2] = { &r->user, &r->group };

		for (int k = 0; k < 2; k++) {
			const char *what = k ? "group" : "user";
			struct userdb_ent e;
			int rc;

			if (!who[k]->set || !who[k]->numeric)
				continue;
			rc = k ? userdb_group_by_gid(who[k]->id, &e) :
			     userdb_user_by_uid(who[k]->id, &e);
			userdb_ent_free(&e);
			if (rc == -ENOENT)
				report(t, ACL_SEV_WARNING, r->file, r->line,
				       "no %s has id %u in the %s database (the rule still applies to that id)",
				       what, who[k]->id, what);
			else if (rc < 0)
				report(t, ACL_SEV_WARNING, r->file, r->line,
				       "cannot look up %s id %u: %s (the %s database failed; the rule applies to that id all the same)",
				       what, who[k]->id, strerror(-rc), what);
		}
	}
}

/* The directories above each file: whoever may write one of them may
 * swap the file for their own. tapgate itself checks only the file. */
static void check_parents(const struct acl *acl, struct tally *t)
{
	for (size_t i = 0; i < acl->n_files; i++) {
		char dir[ACL_MAX_PATH + 1], shown[ESCAPED_SIZE(ACL_MAX_PATH)];
		bool seen = false;
		char *slash;

		for (size_t k = 0; k < i; k++)
			seen |= strcmp(acl->files[k], acl->files[i]) == 0;
		if (seen)
			continue;
		snprintf(dir, sizeof(dir), "%s", acl->files[i]);
		while ((slash = strrchr(dir, '/')) != NULL) {
			struct stat st;

			slash[slash == dir ? 1 : 0] = '\0';
			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
			    (st.st_uid != 0 ||
			     ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
			      !(st.st_mode & S_ISVTX)))) {
				str_escape(shown, sizeof(shown), dir, strlen(dir));
				report(t, ACL_SEV_WARNING, acl->files[i], 0,
				       "directory '%s' is %s (mode %04o): whoever can write it can replace this file",
				       shown, st.st_uid != 0 ? "not owned by root" :
				       "writable by group or others",
				       (unsigned)(st.st_mode & 07777));
			}
			if (slash == dir)
				break;
		}
	}
}

/* Whether whoever is not the owner or in the group may read @path:
 * the file readable by others, every directory above it searchable.
 * If not, fills @why. */
static bool world_readable(const char *path, char *why, size_t whysz)
{
	char dir[ACL_MAX_PATH + 1], shown[ESCAPED_SIZE(ACL_MAX_PATH)];
	struct stat st;
	char *slash;

	if (stat(path, &st) < 0) {
		snprintf(why, whysz, "cannot be checked (%s)", strerror(errno));
		return false;
	}
	if (!(st.st_mode & S_IROTH)) {
		snprintf(why, whysz, "is mode %04o (owner uid %u, group gid %u)",
			 (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
			 (unsigned)st.st_gid);
		return false;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	while ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (stat(dir, &st) == 0 && !(st.st_mode & S_IXOTH)) {
			str_escape(shown, sizeof(shown), dir, strlen(dir));
			snprintf(why, whysz, "is in directory '%s' of mode %04o",
				 shown, (unsigned)(st.st_mode & 07777));
			return false;
		}
	}
	return true;
}

/* Append "line N: RULE" for the rules of @file with action @act. */
static void list_rules(const struct acl *acl, const char *file,
		       enum acl_action act, char *out, size_t outsz,
		       size_t *len, unsigned *left)
{
	for (size_t i = 0; i < acl->n_rules; i++) {
		const struct acl_rule *r = &acl->rules[i];
		/* "allow", the escaped target, " user U group G max N". */
		char rule[ESCAPED_SIZE(ACL_MAX_PATTERN) + 2 * (size_t)ACL_MAX_WHO + 64];
		int n;

		if (r->action != act || strcmp(r->file, file) != 0)
			continue;
		acl_rule_format(r, rule, sizeof(rule));
		n = snprintf(out + *len, outsz - *len, "%sline %u: %s",
			     *len ? "; " : "", r->line, rule);
		/* Keep room for the "and N more" that ends a cut list. */
		if (n < 0 || (size_t)n + 40 >= outsz - *len) {
			out[*len] = '\0';
			(*left)++;
			continue;
		}
		*len += (size_t)n;
	}
}

/*
 * Rules some users cannot see: the grant reads the ACL with the
 * caller's rights, so who cannot read an included file skips its rules
 * (the original's semantics, which admins rely on for per-group
 * rules). A deny there binds only those who can read it: say so, with
 * the rules, denies first. Files read more than once are told once.
 */
static void check_hidden(const struct acl *acl, struct tally *t)
{
	for (size_t i = 0; i < acl->n_files; i++) {
		char why[ESCAPED_SIZE(ACL_MAX_PATH) + 64], rules[2048];
		size_t len = 0;
		unsigned left = 0;
		bool seen = false;

		for (size_t k = 0; k < i; k++)
			seen |= strcmp(acl->files[k], acl->files[i]) == 0;
		if (seen || world_readable(acl->files[i], why, sizeof(why)))
			continue;
		if (i == 0) {
			report(t, ACL_SEV_WARNING, acl->files[i], 0,
			       "this file %s: users who cannot read it are refused every request",
			       why);
			continue;
		}
		list_rules(acl, acl->files[i], ACL_DENY, rules, sizeof(rules),
			   &len, &left);
		list_rules(acl, acl->files[i], ACL_ALLOW, rules, sizeof(rules),
			   &len, &left);
		if (left)
			snprintf(rules + len, sizeof(rules) - len,
				 "; and %u more", left);
		report(t, ACL_SEV_WARNING, acl->files[i], 0,
		       "this file %s: users who cannot read it skip its rules%s%s",
		       why, len ? ": " : " (it has none)", len ? rules : "");
	}
}

/*
 * Root's --check: for each bridge an allow rule names exactly, whether
 * a tap's MAC could move its address (tapgate(8), AFTER THE HANDOVER).
 * Notes, not warnings: tapgate pins an unset address at the first
 * grant by itself.
 */
static void explain_bridges(const struct acl *acl)
{
	for (size_t i = 0; i < acl->n_rules; i++) {
		const struct acl_rule *r = &acl->rules[i];
		char name[ESCAPED_SIZE(ACL_MAX_PATTERN)], file[ESCAPED_SIZE(ACL_MAX_PATH)];
		struct bridge_addr a;
		bool seen = false;

		if (r->action != ACL_ALLOW || r->kind != ACL_TARGET_NAME)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = acl->rules[j].action == ACL_ALLOW &&
			       acl->rules[j].kind == ACL_TARGET_NAME &&
			       strcmp(acl->rules[j].target, r->target) == 0;
		if (seen)
			continue;
		str_escape(name, sizeof(name), r->target, strlen(r->target));
		str_escape(file, sizeof(file), r->file, strlen(r->file));
		bridge_addr_read(r->target, &a);
		if (!a.known)
			printf("%s:%u: note: bridge '%s' does not exist here now; if nobody sets its address, the first grant on it will (it is logged as 'pinned')\n",
			       file, r->line, name);
		else if (a.assign_type == BRIDGE_ADDR_SET)
			printf("%s:%u: note: bridge '%s': its address is set (by an admin, or pinned by an earlier grant): no tap's MAC can replace it\n",
			       file, r->line, name);
		else
			printf("%s:%u: note: bridge '%s': nobody set its address, so the kernel gives it its ports' lowest MAC; the first grant will set it to its current value (logged as 'pinned'), or set it now: ip link set %s address $(cat /sys/class/net/%s/address)\n",
			       file, r->line, name, name, name);
	}
}

int check_run(const char *file)
{
	struct acl_io io = aclfile_io;
	struct tally t = { 0 };
	struct acl_error err;
	char path[ACL_MAX_PATH + 1], shown[ESCAPED_SIZE(ACL_MAX_PATH)];
	struct acl acl;
	size_t n_files;

	if (!file)
		snprintf(path, sizeof(path), "%s", TAPGATE_ACL_PATH);
	else if (file[0] == '/')
		snprintf(path, sizeof(path), "%s", file);
	else if (process_cwd()[0] == '/')
		snprintf(path, sizeof(path), "%s/%s", process_cwd(), file);
	else
		die(EXIT_USAGE, "--check: give FILE as an absolute path (the working directory has no name)");

	io.diag = on_diag;
	io.ctx = &t;
	acl_init(&acl);
	acl_load(&acl, path, &io, &err);
	acl_resolve_each(&acl, ids_resolve, on_name, &t, &err);
	check_ids(&acl, &t);
	check_parents(&acl, &t);
	check_hidden(&acl, &t);
	if (getuid() == 0)
		explain_bridges(&acl);
	if (!audit_log_reachable())
		report(&t, ACL_SEV_WARNING, path, 0, "the system log (/dev/log) cannot be reached: grants and refusals are not recorded (tapgate warns on each request's stderr; start a syslog daemon, e.g. rsyslog or systemd-journald)");
	n_files = acl.n_files;
	str_escape(shown, sizeof(shown), path, strlen(path));
	printf("%s: %u error%s, %u warning%s (%zu rule%s in %zu file%s read as uid %u)\n",
	       shown, t.errors, t.errors == 1 ? "" : "s", t.warnings,
	       t.warnings == 1 ? "" : "s", acl.n_rules,
	       acl.n_rules == 1 ? "" : "s", n_files, n_files == 1 ? "" : "s",
	       (unsigned)getuid());
	acl_free(&acl);
	if (fflush(stdout) != 0 || ferror(stdout))
		die_errno(EXIT_USAGE, "--check: failed to write the report");
	return t.errors ? EXIT_ACL : 0;
}
