// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "cmd_explain.h"

#include <errno.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acl.h"
#include "aclfile.h"
#include "bridge.h"
#include "ids.h"
#include "netlink.h"
#include "policy.h"
#include "quota.h"
#include "strutil.h"
#include "tapgate.h"
#include "userdb.h"

/*
 * Root asking for another user reads the files as root, so the
 * permission bits decide for that user what the kernel would decide
 * if the user read them: search on every directory, read on the
 * file. (POSIX ACLs on ACL files are not taken into account.)
 */
bool explain_permits(const struct stat *st, const struct acl_subject *s,
		     unsigned want)
{
	unsigned bits;
	bool member = st->st_gid == s->gid;

	if (s->uid == 0)
		return true;
	for (size_t i = 0; i < s->n_groups && !member; i++)
		member = st->st_gid == s->groups[i];
	if (st->st_uid == s->uid)
		bits = (st->st_mode >> 6) & 7;
	else if (member)
		bits = (st->st_mode >> 3) & 7;
	else
		bits = st->st_mode & 7;
	return (bits & want) == want;
}

static bool may(const struct acl_subject *s, const char *path, unsigned want)
{
	char prefix[ACL_MAX_PATH + 1];
	struct stat st;
	size_t len = strlen(path);

	if (len > ACL_MAX_PATH)
		return false;
	for (size_t i = 1; i < len; i++) {
		if (path[i] != '/')
			continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		if (stat(prefix, &st) == 0 && !explain_permits(&st, s, 1))
			return false;
	}
	/* Missing: let the reader say so. */
	return stat(path, &st) < 0 || explain_permits(&st, s, want);
}

static int read_as(void *ctx, const char *path, struct acl_source *src,
		   struct acl_error *err)
{
	if (!may(ctx, path, 4))
		return -EACCES;
	return aclfile_read(NULL, path, src, err);
}

static int list_as(void *ctx, const char *dir, acl_list_add_fn add,
		   void *add_ctx, struct acl_error *err)
{
	if (!may(ctx, dir, 5))
		return -EACCES;
	return aclfile_list(NULL, dir, add, add_ctx, err);
}

/* Who is asked about: the caller, or (root only) --user. */
static void subject(const struct args *a, struct ids *who, bool *other)
{
	char shown[ESCAPED_SIZE(256)];

	ids_self(who);
	*other = false;
	if (!a->user)
		return;
	str_escape(shown, sizeof(shown), a->user, strlen(a->user));
	{
		struct ids them;
		int rc = ids_user(a->user, &them);

		if (rc == -ENOENT)
			die(EXIT_USAGE, "--user: no user '%s'", shown);
		if (rc < 0)
			die(EXIT_USAGE, "--user: cannot look up '%s': %s", shown,
			    strerror(-rc));
		if (them.subject.uid == who->subject.uid) {
			/* Oneself: the kernel's view, not the database's. */
			ids_free(&them);
			return;
		}
		if (who->subject.uid != 0) {
			ids_free(&them);
			die(EXIT_PRIVS, "only root may explain the decision for another user ('%s')",
			    shown);
		}
		ids_free(who);
		*who = them;
		*other = true;
	}
}

struct report {
	const struct ids *who;
	bool other;                   /* root asking for --user */
	const struct acl *acl;
	struct bridge br;
	struct acl_decision d;
	bool quota_known;
	struct quota_use use;
	const char *tun;              /* why the tap would fail, or NULL */
	int status;
};

/* A rule that takes part in the decision: it matches the canonical
 * name, or it is a deny naming the altname the bridge was asked by. */
static bool applies(const struct report *r, const struct acl_rule *rule)
{
	const struct acl_subject *s = &r->who->subject;

	if (acl_rule_matches(rule, s, bridge_acl_name(&r->br)))
		return true;
	return r->br.by_altname && rule->action == ACL_DENY &&
	       acl_rule_matches(rule, s, r->br.requested);
}

static const char *verdict_word(const struct report *r)
{
	switch (r->status) {
	case 0:
		return "allow";
	case EXIT_QUOTA:
		return "quota-full";
	case EXIT_BRIDGE:
		return "no-bridge";
	case EXIT_TAP:
		return "no-tun";
	case EXIT_PRIVS:
		return "unprivileged";
	default:
		return "deny";
	}
}

/* "gid(name)" for a group: names, not only numbers. */
static void print_group(uint32_t gid, const char *sep)
{
	struct userdb_ent gr;

	if (userdb_group_by_gid(gid, &gr) == 0) {
		char shown[ESCAPED_SIZE(ACL_MAX_WHO)];

		str_escape(shown, sizeof(shown), gr.name, strlen(gr.name));
		printf("%s%s(%u)", sep, shown, (unsigned)gid);
	} else {
		printf("%s%u", sep, (unsigned)gid);
	}
	userdb_ent_free(&gr);
}

/* The port options a grant would set, each with its rule. */
static void print_options(const struct acl_decision *d)
{
	char file[ESCAPED_SIZE(256)];

	printf("port:     ");
	if (!d->options)
		printf("no options (an equal port of the bridge)");
	for (int o = 0, n = 0; o < ACL_N_OPTIONS; o++) {
		const struct acl_rule *rule = d->option_rule[o];

		if (!(d->options & ACL_OPTION_BIT(o)) || !rule)
			continue;
		str_escape(file, sizeof(file), rule->file, strlen(rule->file));
		printf("%s%s (from %s:%u)", n++ ? ", " : "",
		       acl_option_name((enum acl_option)o), file, rule->line);
	}
	printf("\n");
}

static void print_text(const struct report *r)
{
	const struct acl_subject *s = &r->who->subject;
	const char *req = r->br.requested_shown;
	char line[4096], file[ESCAPED_SIZE(ACL_MAX_PATH)];
	unsigned rline;

	printf("user:     %s (uid %u, gid", r->who->name, (unsigned)s->uid);
	print_group(s->gid, " ");
	printf(", groups");
	for (size_t i = 0; i < s->n_groups; i++)
		print_group(s->groups[i], i ? "," : " ");
	printf("%s)\n", s->n_groups ? "" : " none");

	if (r->br.state == BRIDGE_OK)
		printf("bridge:   '%s' exists and is a bridge%s%s%s\n", req,
		       r->br.by_altname ? " (an altname of '" : "",
		       r->br.by_altname ? r->br.shown : "",
		       r->br.by_altname ? "')" : "");
	else if (r->br.state == BRIDGE_MISSING)
		printf("bridge:   '%s' does not exist\n", req);
	else
		printf("bridge:   '%s' is not a bridge (its kind is %s)\n", req,
		       r->br.kind_shown);

	printf("rules:\n");
	for (size_t i = 0; i < r->acl->n_rules; i++) {
		const struct acl_rule *rule = &r->acl->rules[i];

		if (!applies(r, rule))
			continue;
		str_escape(file, sizeof(file), rule->file, strlen(rule->file));
		printf("  %s:%u: %s\n", file, rule->line,
		       acl_rule_format(rule, line, sizeof(line)));
	}
	if (r->d.verdict == ACL_VERDICT_DENY_DEFAULT)
		printf("  (none)\n");

	if (r->d.verdict == ACL_VERDICT_ALLOW && r->quota_known) {
		char held[64];

		if (r->d.max)
			snprintf(held, sizeof(held), "%u of %u in use",
				 r->use.in_use, r->d.max);
		else
			snprintf(held, sizeof(held), "no limit, %u in use",
				 r->use.in_use);
		printf("quota:    %s%s%s%s\n", held, r->use.in_use ? " (" : "",
		       r->use.in_use ? quota_list(&r->use, line, sizeof(line)) : "",
		       r->use.in_use ? ")" : "");
	} else if (r->d.verdict == ACL_VERDICT_ALLOW && r->d.max) {
		printf("quota:    at most %u\n", r->d.max);
	} else if (r->d.verdict == ACL_VERDICT_ALLOW) {
		printf("quota:    no limit\n");
	}
	if (r->d.verdict == ACL_VERDICT_ALLOW)
		print_options(&r->d);
	if (r->tun)
		printf("tun:      %s\n", r->tun);

	/* Every verdict but the default deny has its rule. */
	file[0] = '\0';
	if (r->d.rule)
		str_escape(file, sizeof(file), r->d.rule->file,
			   strlen(r->d.rule->file));
	rline = r->d.rule ? r->d.rule->line : 0;
	switch (r->status) {
	case 0:
		printf("decision: allowed by %s:%u\n", file, rline);
		break;
	case EXIT_QUOTA:
		printf("decision: allowed by %s:%u, but all %u taps of the quota are in use\n",
		       file, rline, r->d.max);
		break;
	case EXIT_BRIDGE:
		printf("decision: refused: there is no bridge to attach to (a request ends here, before the ACL)\n");
		break;
	case EXIT_TAP:
	case EXIT_PRIVS:
		printf("decision: allowed by %s:%u, but the request would fail: %s\n",
		       file, rline, r->tun);
		break;
	default:
		if (r->d.verdict == ACL_VERDICT_DENY_RULE)
			printf("decision: denied by %s:%u\n", file, rline);
		else
			printf("decision: denied: no rule allows it\n");
	}
}

static void json_str(const char *key, const char *val, bool comma)
{
	char buf[4096];

	printf("\"%s\":\"%s\"%s", key, str_json(buf, sizeof(buf), val,
						 strlen(val)), comma ? "," : "");
}

static void json_rule(const struct acl_rule *rule)
{
	char line[4096];

	printf("{");
	json_str("file", rule->file, true);
	printf("\"line\":%u,", rule->line);
	json_str("action", rule->action == ACL_ALLOW ? "allow" : "deny", true);
	json_str("rule", acl_rule_format(rule, line, sizeof(line)), false);
	printf("}");
}

static void json_groups(const struct acl_subject *s)
{
	printf("\"group_names\":[");
	for (size_t i = 0; i <= s->n_groups; i++) {
		uint32_t gid = i ? s->groups[i - 1] : s->gid;
		struct userdb_ent gr;

		if (userdb_group_by_gid(gid, &gr) == 0) {
			char buf[ESCAPED_SIZE(ACL_MAX_WHO) + 8];

			printf("%s\"%s\"", i ? "," : "",
			       str_json(buf, sizeof(buf), gr.name, strlen(gr.name)));
		} else {
			printf("%snull", i ? "," : "");
		}
		userdb_ent_free(&gr);
	}
	printf("]");
}

/* "port_options": [{"option", "file", "line", "rule"}], [] if none. */
static void json_options(const struct acl_decision *d)
{
	char line[4096];
	int n = 0;

	printf("\"port_options\":[");
	for (int o = 0; o < ACL_N_OPTIONS; o++) {
		const struct acl_rule *rule = d->option_rule[o];

		if (d->verdict != ACL_VERDICT_ALLOW ||
		    !(d->options & ACL_OPTION_BIT(o)) || !rule)
			continue;
		printf("%s{", n++ ? "," : "");
		json_str("option", acl_option_name((enum acl_option)o), true);
		json_str("file", rule->file, true);
		printf("\"line\":%u,", rule->line);
		json_str("rule", acl_rule_format(rule, line, sizeof(line)), false);
		printf("}");
	}
	printf("],");
}

static void print_json(const struct report *r)
{
	const struct acl_subject *s = &r->who->subject;
	bool first = true;

	printf("{\"user\":{");
	json_str("name", r->who->name, true);
	printf("\"uid\":%u,\"gid\":%u,\"groups\":[", (unsigned)s->uid,
	       (unsigned)s->gid);
	for (size_t i = 0; i < s->n_groups; i++)
		printf("%s%u", i ? "," : "", (unsigned)s->groups[i]);
	printf("],");
	json_groups(s);
	printf("},\"bridge\":{");
	json_str("requested", r->br.requested, true);
	if (r->br.state == BRIDGE_OK)
		json_str("name", r->br.name, true);
	printf("\"exists\":%s,\"is_bridge\":%s},",
	       r->br.state != BRIDGE_MISSING ? "true" : "false",
	       r->br.state == BRIDGE_OK ? "true" : "false");
	if (r->tun)
		json_str("tun", r->tun, true);
	json_str("decision", verdict_word(r), true);
	printf("\"exit_status\":%d,\"deciding_rule\":", r->status);
	if (r->d.rule)
		json_rule(r->d.rule);
	else
		printf("null");
	printf(",\"matching_rules\":[");
	for (size_t i = 0; i < r->acl->n_rules; i++) {
		const struct acl_rule *rule = &r->acl->rules[i];

		if (!applies(r, rule))
			continue;
		printf("%s", first ? "" : ",");
		json_rule(rule);
		first = false;
	}
	printf("],");
	json_options(&r->d);
	printf("\"quota\":");
	if (r->d.verdict != ACL_VERDICT_ALLOW || !r->quota_known) {
		printf(r->d.verdict == ACL_VERDICT_ALLOW && r->d.max ?
		       "{\"max\":%u}" : "null", r->d.max);
	} else {
		/* max 0: no limit; the taps are listed all the same. */
		printf("{\"max\":%u,\"in_use\":%u,\"taps\":[", r->d.max,
		       r->use.in_use);
		for (unsigned i = 0; i < r->use.n_shown; i++) {
			char buf[ESCAPED_SIZE(IFNAME_SIZE) + 4];

			printf("%s\"%s\"", i ? "," : "",
			       str_json(buf, sizeof(buf), r->use.taps[i],
					strlen(r->use.taps[i])));
		}
		printf("]}");
	}
	printf("}\n");
}

int explain_run(const struct args *a, int tun, enum privs_mode mode)
{
	struct report r = { 0 };
	struct acl_io io = aclfile_io;
	struct acl_error err;
	struct ids who;
	struct acl acl;
	struct nl_sock *sk;
	int rc;

	subject(a, &who, &r.other);
	r.who = &who;
	if (r.other) {
		io.read = read_as;
		io.list = list_as;
		io.ctx = (void *)&who.subject;
	}

	acl_init(&acl);
	if (policy_load(&acl, &io, &err) < 0)
		policy_die(&err);
	r.acl = &acl;

	/* The request's own checks, in its order, up to the tap. */
	sk = netlink_open();
	rc = bridge_lookup(sk, a->bridge, &r.br);
	if (rc < 0)
		bridge_die(&r.br, rc);
	policy_decide(&acl, &who.subject, &r.br, &r.d);
	r.status = policy_status(&r.br, &r.d);
	if (r.status == 0) {
		rc = quota_count(sk, (uid_t)who.subject.uid, &r.br, r.d.max,
				 &r.use);
		r.quota_known = rc == 0;
		if (r.quota_known && r.d.max && r.use.in_use >= r.d.max)
			r.status = EXIT_QUOTA;
	}
	if (r.status == 0 && mode == PRIVS_NONE) {
		r.status = EXIT_PRIVS;
		r.tun = "this tapgate is neither setuid root nor has cap_net_admin (see tapgate(8), INSTALLATION)";
	} else if (r.status == 0 && !r.other && tun < 0) {
		/* Opened at step 2 with exactly the rights a request has. */
		r.status = EXIT_TAP;
		r.tun = -tun == EACCES && mode == PRIVS_FILECAPS ?
			"/dev/net/tun cannot be opened by you (with file capabilities the caller opens it: it must be mode 0666, or install tapgate setuid root)" :
			"/dev/net/tun cannot be opened";
	}
	nl_socket_free(sk);

	if (a->json)
		print_json(&r);
	else
		print_text(&r);
	if (fflush(stdout) != 0 || ferror(stdout))
		die_errno(EXIT_USAGE, "--explain: failed to write the report");
	acl_free(&acl);
	ids_free(&who);
	return r.status;
}
