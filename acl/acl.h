/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * acl.h - the bridge ACL: parse /etc/qemu/bridge.conf and decide.
 *
 *   allow TARGET [user WHO] [group WHO] [max N] [isolated] [guard]
 *   deny  TARGET [user WHO] [group WHO]
 *   include PATH                 (PATH's last component may be a glob)
 *
 * This library makes no system calls, prints nothing and never exits.
 * Files and directories reach it only through callbacks the caller
 * supplies (struct acl_io), and user and group names are turned into
 * ids by another (acl_resolve()), so the parser can be unit-tested and
 * fuzzed without root, files or a user database. Errors are returned
 * as -errno with a filled struct acl_error.
 *
 * parse.c reads lines, words and rules; include.c follows includes and
 * globs (load.h is what the two share); resolve.c turns names into ids;
 * decide.c matches rules and decides.
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
#define ACL_MAX_FILES 256
/* Longest path, including the joined directory of a relative include. */
#define ACL_MAX_PATH 4095
/* Longest bridge pattern, and user or group name. */
#define ACL_MAX_PATTERN 255
#define ACL_MAX_WHO 64
/* Largest "max N". */
#define ACL_MAX_QUOTA 4096
/* Directory entries one include glob may match. */
#define ACL_MAX_GLOB 1024

enum acl_action { ACL_ALLOW, ACL_DENY };

enum acl_target_kind {
	ACL_TARGET_ALL,           /* "all" */
	ACL_TARGET_NAME,          /* one bridge name, compared exactly */
	ACL_TARGET_PATTERN,       /* a pattern (pattern.h) */
};

enum acl_who_kind { ACL_WHO_USER, ACL_WHO_GROUP };

/* Port options of an allow rule: how the granted tap joins the bridge.
 * Each only ever restricts the port, so several apply together. */
enum acl_option {
	ACL_OPT_ISOLATED,         /* "isolated": an isolated bridge port */
	ACL_OPT_GUARD,            /* "guard": BPDU guard and root block */
	ACL_N_OPTIONS,
};
#define ACL_OPTION_BIT(o) (1u << (o))

struct acl_who {
	bool set;                 /* the qualifier is present */
	bool numeric;             /* written as an id */
	bool resolved;            /* @id is valid: numeric, or resolved */
	uint32_t id;
	int lookup;               /* acl_resolve(): 0, -ENOENT or -errno */
	char name[ACL_MAX_WHO + 1]; /* as written (digits when numeric) */
};

struct acl_rule {
	enum acl_action action;
	enum acl_target_kind kind;
	char target[ACL_MAX_PATTERN + 1]; /* "all", the name or pattern */
	struct acl_who user, group;
	unsigned max;             /* allow only; 0 = no limit */
	unsigned options;         /* allow only; ACL_OPTION_BIT()s */
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

/* Called by a lister once per directory entry name; a non-zero return
 * stops the listing and is returned by the lister. */
typedef int (*acl_list_add_fn)(void *add_ctx, const char *name);

/*
 * List the entry names of the directory at the absolute path @dir, for
 * a glob include. Return 0, or -ENOENT (no such directory: no match),
 * -EACCES (skipped like an unreadable include), or another -errno with
 * @err->msg filled (e.g. the directory is writable by others).
 */
typedef int (*acl_list_fn)(void *ctx, const char *dir, acl_list_add_fn add,
			   void *add_ctx, struct acl_error *err);

enum acl_severity { ACL_SEV_ERROR, ACL_SEV_WARNING };

/* Receives every problem of a load (see struct acl_io). */
typedef void (*acl_diag_fn)(void *ctx, enum acl_severity sev,
			    const struct acl_error *e);

struct acl_io {
	acl_read_fn read;
	acl_list_fn list;         /* NULL: a glob include is an error */
	/*
	 * NULL: stop at the first error (the helper). Set: report every
	 * error and warning and go on with the next line (--check); the
	 * load still fails, with the first error in @err, if there was
	 * any error, but keeps the rules of the lines that parsed, for the
	 * caller to inspect and acl_free(). Warnings: includes skipped because the caller may
	 * not read them, and glob directories that do not exist.
	 */
	acl_diag_fn diag;
	void *ctx;
};

void acl_init(struct acl *acl);
void acl_free(struct acl *acl);

/* Load @path and everything it includes. On failure @err says what
 * and where, and @acl holds no rules (unless @io->diag is set). */
int acl_load(struct acl *acl, const char *path, const struct acl_io *io,
	     struct acl_error *err);

/* Parse one buffer as if it were the top-level file @path (absolute);
 * includes go through @io. Exposed for tests and fuzzing. */
int acl_parse(struct acl *acl, const char *path, const char *buf,
	      size_t len, const struct acl_io *io, struct acl_error *err);

/*
 * Look up a user or group @name: return 0 with *@id, -ENOENT if there
 * is no such name, or another -errno if the lookup itself failed.
 */
typedef int (*acl_resolve_fn)(void *ctx, enum acl_who_kind kind,
			      const char *name, uint32_t *id);

/*
 * Turn every user and group name of @acl into an id. A name that does
 * not exist (-ENOENT from @fn) leaves its rule matching nobody
 * (who->resolved false). Any other failure fails closed: -errno and
 * @err at the rule, since a deny rule that silently matched nobody
 * would open the door. Stops at the first failure; @acl must then not
 * be used to decide.
 */
int acl_resolve(struct acl *acl, acl_resolve_fn fn, void *ctx,
		struct acl_error *err);

/*
 * Told the answer for each user and group name of each rule, in rule
 * order: @rc is 0 (who->id is set), -ENOENT (the rule matches nobody)
 * or the -errno of a failed lookup. A name repeated within the next 64
 * rules is looked up once and reported at every rule that has it.
 */
typedef void (*acl_resolved_fn)(void *ctx, const struct acl_rule *r,
				enum acl_who_kind kind,
				const struct acl_who *who, int rc);

/*
 * acl_resolve(), and @report (if not NULL) hears of every name; with
 * @report it goes on after a failed lookup (--check) and returns the
 * first failure, with @err, at the end. @ctx goes to @fn and @report.
 */
int acl_resolve_each(struct acl *acl, acl_resolve_fn fn,
		     acl_resolved_fn report, void *ctx, struct acl_error *err);

/* The caller, as the kernel sees the process. */
struct acl_subject {
	uint32_t uid;             /* real uid */
	uint32_t gid;             /* real gid */
	const uint32_t *groups;   /* supplementary groups */
	size_t n_groups;
};

enum acl_verdict {
	ACL_VERDICT_ALLOW,        /* an allow matched and no deny did */
	ACL_VERDICT_DENY_RULE,    /* a deny matched (deny always wins) */
	ACL_VERDICT_DENY_DEFAULT, /* nothing allowed it */
};

struct acl_decision {
	enum acl_verdict verdict;
	const struct acl_rule *rule; /* the deciding rule, NULL by default */
	/* ALLOW only: the caller's limit of taps on this bridge, 0 for
	 * none. The largest max of the matching allows, or none if any
	 * matching allow has no max. */
	unsigned max;
	/* ALLOW only: the port options, the union of those of every
	 * matching allow (the most restrictive wins: no rule can take
	 * away an option another rule gives), and for each option the
	 * first matching rule, in load order, that gives it. */
	unsigned options;
	const struct acl_rule *option_rule[ACL_N_OPTIONS];
};

/* Whether @r applies to @who asking for the canonical name @bridge. */
bool acl_rule_matches(const struct acl_rule *r, const struct acl_subject *who,
		      const char *bridge);

/* Decide for the kernel's canonical bridge name. Order of rules never
 * matters: any matching deny wins over any matching allow. */
void acl_decide(const struct acl *acl, const struct acl_subject *who,
		const char *bridge, struct acl_decision *d);

/* The word of option @o in the grammar ("isolated", "guard"). */
const char *acl_option_name(enum acl_option o);

/* The rule as one line of the grammar, escaped for display. */
char *acl_rule_format(const struct acl_rule *r, char *out, size_t outsz);

#endif
