// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_acl.c - acl_parse() on any input (parse.c, include.c), then
 * acl_resolve() and acl_resolve_each() (resolve.c), then acl_decide()
 * for several callers (decide.c).
 *
 * The input is the top-level file /etc/qemu/bridge.conf. Includes are
 * served from a small fixed tree: plain files, a file that includes
 * itself, a two-file loop, a syntax error, a chain deeper than
 * ACL_MAX_DEPTH, a fan-out toward ACL_MAX_FILES, and refusals. The
 * input itself is served at its own path, so "include bridge.conf"
 * re-reads it. Whatever the input, the result must be coherent: on
 * failure no rules and a message, on success only valid rules, and
 * every decision the one the rules imply. Anything else aborts.
 *
 * Built with clang -fsanitize=fuzzer for fuzzing, and with replay.c
 * under any compiler to replay tests/fuzz/corpus/fuzz_acl.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TOP "/etc/qemu/bridge.conf"
#define CHAIN_LEN 16     /* chain/0.conf ... chain/15.conf */
#define CHAIN_END 12     /* from here on a chain file includes nothing */

static const struct tree_file {
	const char *path;
	const char *text;
	int rc;              /* < 0: refused with this */
	const char *msg;     /* the reader's words for rc, or NULL */
} tree[] = {
	{ "/etc/qemu/alice.conf", "# alice\nallow br0\ndeny br1 # no\n", 0, NULL },
	{ "/etc/qemu/bob.conf", "allow all\r\ndeny virbr0\r\n", 0, NULL },
	{ "/etc/qemu/self.conf", "allow br2\ninclude self.conf\n", 0, NULL },
	{ "/etc/qemu/loop-a.conf", "include loop-b.conf\n", 0, NULL },
	{ "/etc/qemu/loop-b.conf", "allow br3\ninclude /etc/qemu/loop-a.conf\n", 0, NULL },
	{ "/etc/qemu/bad.conf", "allow br0\nalow br1\n", 0, NULL },
	{ "/etc/qemu/d/rel.conf", "include ../alice.conf\ninclude ../secret.conf\n", 0, NULL },
	{ "/etc/qemu/fan.conf",
	  "include alice.conf\ninclude bob.conf\ninclude alice.conf\n"
	  "include bob.conf\ninclude alice.conf\ninclude bob.conf\n"
	  "include alice.conf\ninclude bob.conf\n", 0, NULL },
	{ "/etc/qemu/empty.conf", "", 0, NULL },
	{ "/etc/qemu/secret.conf", NULL, -EACCES, NULL },
	{ "/etc/qemu/owned.conf", NULL, -EPERM,
	  "'/etc/qemu/owned.conf' is owned by uid 1000, not root (fix: chown root)" },
	{ "/etc/qemu/io.conf", NULL, -EIO, NULL },
	{ "/etc/qemu/bridge.d/10-lab.conf", "allow lab-* group staff max 2\n", 0, NULL },
	{ "/etc/qemu/bridge.d/20-alice.conf", "allow br[0-9] user alice\ndeny br9 user 1000\n", 0, NULL },
	{ "/etc/qemu/bridge.d/30-bad.conf", "allow br0 max 0\n", 0, NULL },
};

/* What the directory /etc/qemu/bridge.d lists (in no order). */
static const char *const dir_d[] = {
	"30-bad.conf", ".hidden.conf", "20-alice.conf", "10-lab.conf",
	"README", "40-missing.conf",
};

struct input {
	const uint8_t *data;
	size_t size;
};

static int serve(struct acl_source *src, const void *data, size_t len,
		 uint64_t ino)
{
	src->data = malloc(len ? len : 1);
	if (!src->data)
		return -ENOMEM;
	memcpy(src->data, data, len);
	src->len = len;
	src->dev = 1;
	src->ino = ino;
	return 0;
}

static int tree_read(void *ctx, const char *path, struct acl_source *src,
		     struct acl_error *err)
{
	const struct input *in = ctx;
	char name[64], text[64];

	if (path[0] != '/')
		abort(); /* the library must only ask for absolute paths */
	if (strcmp(path, TOP) == 0)
		return serve(src, in->data, in->size, 2);
	for (size_t i = 0; i < sizeof(tree) / sizeof(tree[0]); i++) {
		if (strcmp(path, tree[i].path) != 0)
			continue;
		if (tree[i].rc < 0) {
			if (tree[i].msg)
				snprintf(err->msg, sizeof(err->msg), "%s",
					 tree[i].msg);
			return tree[i].rc;
		}
		return serve(src, tree[i].text, strlen(tree[i].text), 100 + i);
	}
	for (int n = 0; n < CHAIN_LEN; n++) {
		snprintf(name, sizeof(name), "/etc/qemu/chain/%d.conf", n);
		if (strcmp(path, name) != 0)
			continue;
		if (n < CHAIN_END)
			snprintf(text, sizeof(text), "allow c%d\ninclude %d.conf\n",
				 n, n + 1);
		else
			snprintf(text, sizeof(text), "allow chain\n");
		return serve(src, text, strlen(text), 500 + (uint64_t)n);
	}
	return -ENOENT;
}

static int tree_list(void *ctx, const char *dir, acl_list_add_fn add,
		     void *add_ctx, struct acl_error *err)
{
	(void)ctx;
	(void)err;
	if (dir[0] != '/')
		abort();
	if (strcmp(dir, "/etc/qemu/secret.d") == 0)
		return -EACCES;
	if (strcmp(dir, "/etc/qemu/bridge.d") != 0)
		return -ENOENT;
	for (size_t i = 0; i < sizeof(dir_d) / sizeof(dir_d[0]); i++) {
		int rc = add(add_ctx, dir_d[i]);

		if (rc)
			return rc;
	}
	return 0;
}

static int fake_resolve(void *ctx, enum acl_who_kind kind, const char *name,
			uint32_t *id)
{
	(void)ctx;
	if (strcmp(name, "broken") == 0)
		return -EIO;
	if (kind == ACL_WHO_USER && strcmp(name, "alice") == 0) {
		*id = 1000;
		return 0;
	}
	if (kind == ACL_WHO_GROUP && strcmp(name, "staff") == 0) {
		*id = 50;
		return 0;
	}
	return -ENOENT;
}

/* What acl_resolve_each() told: must agree with what it returns and
 * with what acl_resolve() returned for the same rules. */
struct told {
	size_t names, failures;
	unsigned first_line;
};

static void on_name(void *ctx, const struct acl_rule *r, enum acl_who_kind kind,
		    const struct acl_who *who, int rc)
{
	struct told *t = ctx;

	if (kind != ACL_WHO_USER && kind != ACL_WHO_GROUP)
		abort();
	if (who != (kind == ACL_WHO_USER ? &r->user : &r->group))
		abort();
	if (!who->set || who->numeric || who->lookup != rc ||
	    who->resolved != (rc == 0))
		abort();
	if (rc != 0 && rc != -ENOENT && rc != -EIO)
		abort();
	t->names++;
	if (rc == -EIO && t->failures++ == 0)
		t->first_line = r->line;
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void check_who(const struct acl_who *w)
{
	if (!w->set)
		return;
	if (!terminated(w->name, sizeof(w->name)) || !w->name[0])
		abort();
	if (w->numeric && (!w->resolved || w->id == UINT32_MAX))
		abort();
}

static void check_rules(const struct acl *acl)
{
	for (size_t i = 0; i < acl->n_rules; i++) {
		const struct acl_rule *r = &acl->rules[i];
		bool known = false;

		if (r->action != ACL_ALLOW && r->action != ACL_DENY)
			abort();
		if (r->line == 0 || !r->file)
			abort();
		for (size_t k = 0; k < acl->n_files; k++)
			known |= r->file == acl->files[k];
		if (!known)
			abort();
		if (r->max > ACL_MAX_QUOTA || (r->action == ACL_DENY && r->max))
			abort();
		/* Options: known bits only, and never on a deny. */
		if ((r->options & ~((1u << ACL_N_OPTIONS) - 1)) ||
		    (r->action == ACL_DENY && r->options))
			abort();
		check_who(&r->user);
		check_who(&r->group);
		if (!terminated(r->target, sizeof(r->target)))
			abort();
		switch (r->kind) {
		case ACL_TARGET_ALL:
			if (strcmp(r->target, "all") != 0)
				abort();
			break;
		case ACL_TARGET_NAME:
			if (ifname_check(r->target, strlen(r->target)) != IFNAME_OK ||
			    strcmp(r->target, "all") == 0)
				abort();
			break;
		case ACL_TARGET_PATTERN:
			break;
		default:
			abort();
		}
	}
}

/* The decision must be the one the rules imply, whatever their order. */
static void check_decide(const struct acl *acl, const struct acl_subject *who,
			 const char *bridge)
{
	struct acl_decision d;
	bool allow = false, deny = false, unlimited = false;
	unsigned max = 0, options = 0;

	for (size_t i = 0; i < acl->n_rules; i++) {
		const struct acl_rule *r = &acl->rules[i];

		if (!acl_rule_matches(r, who, bridge))
			continue;
		/* An exact name matches only itself. */
		if (r->kind == ACL_TARGET_NAME && strcmp(r->target, bridge) != 0)
			abort();
		if (r->action == ACL_DENY) {
			deny = true;
		} else {
			allow = true;
			unlimited |= r->max == 0;
			max = r->max > max ? r->max : max;
			options |= r->options;
		}
	}
	acl_decide(acl, who, bridge, &d);
	if (deny) {
		if (d.verdict != ACL_VERDICT_DENY_RULE || !d.rule ||
		    d.rule->action != ACL_DENY)
			abort();
	} else if (allow) {
		if (d.verdict != ACL_VERDICT_ALLOW || !d.rule ||
		    d.rule->action != ACL_ALLOW)
			abort();
		if (d.max != (unlimited ? 0 : max))
			abort();
		/* The union of the matching allows' options, each from a
		 * matching allow that has it. */
		if (d.options != options)
			abort();
		for (int o = 0; o < ACL_N_OPTIONS; o++) {
			const struct acl_rule *from = d.option_rule[o];

			if (!(options & (1u << o)) != !from)
				abort();
			if (from && (from->action != ACL_ALLOW ||
				     !(from->options & (1u << o)) ||
				     !acl_rule_matches(from, who, bridge)))
				abort();
		}
	} else if (d.verdict != ACL_VERDICT_DENY_DEFAULT || d.rule) {
		abort();
	}
	if (d.rule && !acl_rule_matches(d.rule, who, bridge))
		abort();
	if (d.verdict != ACL_VERDICT_ALLOW && d.options)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const bridges[] = {
		"br0", "br1", "br2", "br3", "br9", "virbr0", "all", "ALL",
		"chain", "br#0", "lab-1", "lab-", "abcdefghijklmno", "",
	};
	static const uint32_t staff[] = { 50, 7 };
	static const struct acl_subject callers[] = {
		{ .uid = 4242, .gid = 4242 },
		{ .uid = 1000, .gid = 1000, .groups = staff, .n_groups = 2 },
		{ .uid = 0, .gid = 50 },
	};
	struct input in = { data, size };
	struct acl_io io = { .read = tree_read, .list = tree_list, .ctx = &in };
	struct acl_error err;
	struct acl acl;
	char line[4096];
	int rc;

	acl_init(&acl);
	rc = acl_parse(&acl, TOP, (const char *)data, size, &io, &err);
	if (rc > 0)
		abort();
	if (!terminated(err.file, sizeof(err.file)) ||
	    !terminated(err.msg, sizeof(err.msg)))
		abort();
	if (rc < 0) {
		/* Fail closed: nothing left to allow with, and a reason. */
		if (acl.n_rules || acl.rules || acl.n_files || acl.files)
			abort();
		if (err.msg[0] == '\0')
			abort();
	}
	if (rc == 0) {
		struct acl_error each_err;
		struct told t = { 0 };
		int first = acl_resolve(&acl, fake_resolve, NULL, &err);
		int each;

		if (first < 0 && (err.line == 0 || err.msg[0] == '\0'))
			abort();
		/* The callback's context is the report's too. */
		each = acl_resolve_each(&acl, fake_resolve, on_name, &t,
					&each_err);
		if (each != first || (each < 0) != (t.failures > 0))
			abort();
		if (each < 0 && (each_err.line != err.line ||
				 each_err.line != t.first_line ||
				 strcmp(each_err.msg, err.msg) != 0))
			abort();
	}
	check_rules(&acl);
	for (size_t i = 0; i < acl.n_rules; i++)
		if (!terminated(acl_rule_format(&acl.rules[i], line, sizeof(line)),
				sizeof(line)))
			abort();
	for (size_t c = 0; c < sizeof(callers) / sizeof(callers[0]); c++)
		for (size_t i = 0; i < sizeof(bridges) / sizeof(bridges[0]); i++)
			check_decide(&acl, &callers[c], bridges[i]);
	acl_free(&acl);
	return 0;
}
