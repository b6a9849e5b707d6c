// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_acl.c - acl_parse() on any input, then acl_decide().
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

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
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
		if (r->all)
			continue;
		if (!terminated(r->name, sizeof(r->name)))
			abort();
		if (ifname_check(r->name, strlen(r->name)) != IFNAME_OK)
			abort();
		if (strcmp(r->name, "all") == 0)
			abort(); /* that is r->all */
	}
}

/* The decision must be the one the rules imply, whatever their order. */
static void check_decide(const struct acl *acl, const char *bridge)
{
	struct acl_decision d;
	bool allow = false, deny = false;

	for (size_t i = 0; i < acl->n_rules; i++) {
		const struct acl_rule *r = &acl->rules[i];

		if (!r->all && strcmp(r->name, bridge) != 0)
			continue;
		if (r->action == ACL_DENY)
			deny = true;
		else
			allow = true;
	}
	acl_decide(acl, bridge, &d);
	if (deny) {
		if (d.verdict != ACL_VERDICT_DENY_RULE || !d.rule ||
		    d.rule->action != ACL_DENY)
			abort();
	} else if (allow) {
		if (d.verdict != ACL_VERDICT_ALLOW || !d.rule ||
		    d.rule->action != ACL_ALLOW)
			abort();
	} else if (d.verdict != ACL_VERDICT_DENY_DEFAULT || d.rule) {
		abort();
	}
	if (d.rule && !d.rule->all && strcmp(d.rule->name, bridge) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const bridges[] = {
		"br0", "br1", "br2", "br3", "virbr0", "all", "ALL", "chain",
		"br#0", "abcdefghijklmno", "",
	};
	struct input in = { data, size };
	struct acl_error err;
	struct acl acl;
	int rc;

	acl_init(&acl);
	rc = acl_parse(&acl, TOP, (const char *)data, size, tree_read, &in,
		       &err);
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
	check_rules(&acl);
	for (size_t i = 0; i < sizeof(bridges) / sizeof(bridges[0]); i++)
		check_decide(&acl, bridges[i]);
	acl_free(&acl);
	return 0;
}
