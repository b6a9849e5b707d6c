/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acl.h - the bridge ACL: parse /etc/qemu/bridge.conf and decide.
 *
 * This library makes no system calls, prints nothing and never exits.
 * Files reach it only through an acl_read_fn the caller supplies, so
 * the parser can be unit-tested and fuzzed without root or files.
 * Errors are returned as -errno with a filled struct acl_error.
 */
#ifndef TAPGATE_ACL_H
#define TAPGATE_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ifname.h"

/* The original read lines with fgets() into 4096 bytes: a line of up
 * to 4095 bytes it read whole (at 4095 the next call returned only the
 * newline, an empty line). We accept exactly those; longer lines are an
 * error instead of being split into two rules. */
#define ACL_MAX_LINE 4095
/* Include nesting: the top-level file is depth 0. */
#define ACL_MAX_DEPTH 8
/* Files read in one load, counting repeats; bounds include fan-out. */
#define ACL_MAX_FILES 64
/* Longest path, including the joined directory of a relative include. */
#define ACL_MAX_PATH 4095

enum acl_action { ACL_ALLOW, ACL_DENY };

struct acl_rule {
	enum acl_action action;
	bool all;                 /* "allow all" / "deny all" */
	char name[IFNAME_SIZE];   /* bridge name when !all */
	const char *file;         /* owned by the struct acl */
	unsigned line;
};

struct acl {
	struct acl_rule *rules;
	size_t n_rules, cap_rules;
	char **files;             /* every path read, for rule->file */
	size_t n_files;
};

struct acl_error {
	char file[ACL_MAX_PATH + 1]; /* empty when not about a file */
	unsigned line;               /* 0 when not about a line */
	char msg[512];
};

/* What a reader hands back for one file. */
struct acl_source {
	char *data;               /* malloc()ed; the library frees it */
	size_t len;
	uint64_t dev, ino;        /* identity, for include-cycle detection */
};

/*
 * Read the file at an absolute @path. Return 0 and fill @src, or:
 *   -EACCES  the caller may not read it: an include is skipped (the
 *            group-readable include idiom), the top-level file fails;
 *   -ENOENT  it does not exist: always an error;
 *   other -errno with @err->msg filled (e.g. not owned by root).
 */
typedef int (*acl_read_fn)(void *ctx, const char *path,
			   struct acl_source *src, struct acl_error *err);

void acl_init(struct acl *acl);
void acl_free(struct acl *acl);

/* Load @path and everything it includes. On failure @acl holds no
 * rules and @err says what and where. */
int acl_load(struct acl *acl, const char *path, acl_read_fn reader,
	     void *ctx, struct acl_error *err);

/* Parse one buffer as if it were the top-level file @path (absolute);
 * includes go through @reader. Exposed for tests and fuzzing. */
int acl_parse(struct acl *acl, const char *path, const char *buf,
	      size_t len, acl_read_fn reader, void *ctx,
	      struct acl_error *err);

enum acl_verdict {
	ACL_VERDICT_ALLOW,        /* an allow matched and no deny did */
	ACL_VERDICT_DENY_RULE,    /* a deny matched (deny always wins) */
	ACL_VERDICT_DENY_DEFAULT, /* nothing allowed it */
};

struct acl_decision {
	enum acl_verdict verdict;
	const struct acl_rule *rule; /* the deciding rule, NULL by default */
};

/* Decide for the kernel's canonical bridge name. Order of rules never
 * matters: any matching deny wins over any matching allow. */
void acl_decide(const struct acl *acl, const char *bridge,
		struct acl_decision *d);

#endif
