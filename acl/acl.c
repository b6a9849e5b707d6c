// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acl.c - grammar and decision of the bridge ACL.
 *
 *   file    := { line "\n" } [ line ]
 *   line    := ws* [ stmt ws* ] [ comment ]
 *   comment := "#" any*          (at line start, or after whitespace)
 *   stmt    := ("allow" | "deny") ws+ (NAME | "all")
 *            | "include" ws+ PATH
 *
 * Differences from qemu-bridge-helper are deliberate and fail closed:
 * every error, also inside an include, fails the whole load; a missing
 * include is an error; relative includes resolve against the including
 * file's directory; nesting and cycles are bounded; over-long lines are
 * errors, never split; '#' after whitespace starts a comment; names are
 * validated like the kernel does.
 */
#include "acl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strutil.h"

struct load_state {
	acl_read_fn reader;
	void *ctx;
	struct acl_error *err;
	size_t files_read;
	struct {
		uint64_t dev, ino;
	} stack[ACL_MAX_DEPTH + 1];
	unsigned depth;
};

static int parse_file(struct acl *acl, struct load_state *st,
		      const char *path, const char *buf, size_t len);

__attribute__((format(printf, 5, 6)))
static int fail(struct acl_error *err, int rc, const char *file,
		unsigned line, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

static bool is_ws(char c)
{
	/* What the original skipped (g_ascii_isspace minus '\n'). */
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

void acl_init(struct acl *acl)
{
	memset(acl, 0, sizeof(*acl));
}

void acl_free(struct acl *acl)
{
	for (size_t i = 0; i < acl->n_files; i++)
		free(acl->files[i]);
	free(acl->files);
	free(acl->rules);
	acl_init(acl);
}

static const char *remember_file(struct acl *acl, const char *path)
{
	char **files;
	char *copy;

	files = realloc(acl->files, (acl->n_files + 1) * sizeof(*files));
	if (!files)
		return NULL;
	acl->files = files;
	copy = strdup(path);
	if (!copy)
		return NULL;
	acl->files[acl->n_files++] = copy;
	return copy;
}

static int add_rule(struct acl *acl, const struct acl_rule *r)
{
	if (acl->n_rules == acl->cap_rules) {
		size_t cap = acl->cap_rules ? acl->cap_rules * 2 : 16;
		struct acl_rule *rules;

		rules = realloc(acl->rules, cap * sizeof(*rules));
		if (!rules)
			return -ENOMEM;
		acl->rules = rules;
		acl->cap_rules = cap;
	}
	acl->rules[acl->n_rules++] = *r;
	return 0;
}

/* Absolute path of an include: relative ones are taken from the
 * including file's directory, never from the caller's cwd. */
static int include_path(char *out, const char *from, const char *arg,
			size_t arglen)
{
	size_t dirlen = 0;

	if (arg[0] != '/') {
		const char *slash = strrchr(from, '/');

		dirlen = slash ? (size_t)(slash - from) + 1 : 0;
	}
	if (dirlen + arglen > ACL_MAX_PATH)
		return -ENAMETOOLONG;
	memcpy(out, from, dirlen);
	memcpy(out + dirlen, arg, arglen);
	out[dirlen + arglen] = '\0';
	return 0;
}

static int do_include(struct acl *acl, struct load_state *st,
		      const char *file, unsigned lineno, const char *arg,
		      size_t arglen)
{
	char path[ACL_MAX_PATH + 1], shown[256];
	struct acl_source src = { 0 };
	int rc;

	str_escape(shown, sizeof(shown), arg, arglen);
	if (include_path(path, file, arg, arglen) < 0)
		return fail(st->err, -ENAMETOOLONG, file, lineno,
			    "include path '%s' is too long", shown);
	st->err->msg[0] = '\0';
	rc = st->reader(st->ctx, path, &src, st->err);
	if (rc == -EACCES)
		return 0; /* not readable by this caller: a rule for others */
	if (rc == -ENOENT)
		return fail(st->err, rc, file, lineno,
			    "included file '%s' does not exist", shown);
	if (rc < 0) {
		char why[sizeof(st->err->msg)];

		snprintf(why, sizeof(why), "%s", st->err->msg[0] ?
			 st->err->msg : strerror(-rc));
		return fail(st->err, rc, file, lineno,
			    "cannot include '%s': %s", shown, why);
	}
	/* Limits apply to files the caller can read: an unreadable
	 * include is skipped above, wherever it sits. */
	if (st->depth + 1 > ACL_MAX_DEPTH || st->files_read >= ACL_MAX_FILES) {
		free(src.data);
		if (st->depth + 1 > ACL_MAX_DEPTH)
			return fail(st->err, -ELOOP, file, lineno,
				    "includes nested deeper than %d levels at '%s'",
				    ACL_MAX_DEPTH, shown);
		return fail(st->err, -E2BIG, file, lineno,
			    "more than %d ACL files in one load at '%s'",
			    ACL_MAX_FILES, shown);
	}
	st->files_read++;
	for (unsigned i = 0; i <= st->depth; i++) {
		if (st->stack[i].dev == src.dev && st->stack[i].ino == src.ino) {
			free(src.data);
			return fail(st->err, -ELOOP, file, lineno,
				    "include cycle: '%s' is already being read",
				    shown);
		}
	}
	st->depth++;
	st->stack[st->depth].dev = src.dev;
	st->stack[st->depth].ino = src.ino;
	rc = parse_file(acl, st, path, src.data, src.len);
	st->depth--;
	free(src.data);
	return rc;
}

static int parse_rule(struct acl *acl, enum acl_action action,
		      const char *file, unsigned lineno, const char *arg,
		      size_t arglen, struct acl_error *err)
{
	struct acl_rule r = { .action = action, .file = file, .line = lineno };
	enum ifname_status st;
	char why[256];

	for (size_t i = 0; i < arglen; i++)
		if (is_ws(arg[i]))
			return fail(err, -EINVAL, file, lineno,
				    "expected one bridge name or 'all' after '%s'",
				    action == ACL_ALLOW ? "allow" : "deny");
	if (arglen == 3 && memcmp(arg, "all", 3) == 0) {
		r.all = true;
		return add_rule(acl, &r);
	}
	st = ifname_check(arg, arglen);
	if (st != IFNAME_OK)
		return fail(err, st == IFNAME_TOO_LONG ? -ENAMETOOLONG : -EINVAL,
			    file, lineno, "%s",
			    ifname_describe(why, sizeof(why), arg, arglen, st));
	memcpy(r.name, arg, arglen);
	r.name[arglen] = '\0';
	return add_rule(acl, &r);
}

static int parse_line(struct acl *acl, struct load_state *st,
		      const char *file, unsigned lineno, const char *p,
		      size_t len)
{
	const char *end = p + len, *kw, *arg;
	size_t kwlen;
	char shown[64];

	while (p < end && is_ws(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	/* A '#' after whitespace starts a trailing comment. */
	for (const char *q = p + 1; q < end; q++) {
		if (*q == '#' && is_ws(q[-1])) {
			end = q;
			break;
		}
	}
	while (end > p && is_ws(end[-1]))
		end--;

	kw = p;
	while (p < end && !is_ws(*p))
		p++;
	kwlen = (size_t)(p - kw);
	while (p < end && is_ws(*p))
		p++;
	arg = p;

	if (memchr(kw, '\0', (size_t)(end - kw)))
		return fail(st->err, -EINVAL, file, lineno,
			    "line contains a NUL byte");

	bool is_allow = kwlen == 5 && memcmp(kw, "allow", 5) == 0;
	bool is_deny = kwlen == 4 && memcmp(kw, "deny", 4) == 0;
	bool is_incl = kwlen == 7 && memcmp(kw, "include", 7) == 0;

	if (!is_allow && !is_deny && !is_incl) {
		str_escape(shown, sizeof(shown), kw, kwlen);
		return fail(st->err, -EINVAL, file, lineno,
			    "unknown keyword '%s' (expected allow, deny or include)",
			    shown);
	}
	if (arg == end)
		return fail(st->err, -EINVAL, file, lineno,
			    "'%s' needs an argument", is_allow ? "allow" :
			    is_deny ? "deny" : "include");
	if (is_incl)
		return do_include(acl, st, file, lineno, arg,
				  (size_t)(end - arg));
	return parse_rule(acl, is_allow ? ACL_ALLOW : ACL_DENY, file, lineno,
			  arg, (size_t)(end - arg), st->err);
}

static int parse_file(struct acl *acl, struct load_state *st,
		      const char *path, const char *buf, size_t len)
{
	const char *file, *p = buf, *end = buf + len;
	unsigned lineno = 0;
	int rc;

	file = remember_file(acl, path);
	if (!file)
		return fail(st->err, -ENOMEM, path, 0, "out of memory");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen = nl ? (size_t)(nl - p) : (size_t)(end - p);

		lineno++;
		if (linelen > ACL_MAX_LINE)
			return fail(st->err, -E2BIG, file, lineno,
				    "line longer than %d bytes", ACL_MAX_LINE);
		rc = parse_line(acl, st, file, lineno, p, linelen);
		if (rc < 0)
			return rc;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Parse the top-level file's text; identity (@dev, @ino) anchors
 * include-cycle detection. @path is known to be absolute. */
static int load(struct acl *acl, const char *path, const char *buf,
		size_t len, uint64_t dev, uint64_t ino, acl_read_fn reader,
		void *ctx, struct acl_error *err)
{
	struct load_state st = { .reader = reader, .ctx = ctx, .err = err,
				 .files_read = 1 };
	int rc;

	st.stack[0].dev = dev;
	st.stack[0].ino = ino;
	rc = parse_file(acl, &st, path, buf, len);
	if (rc < 0)
		acl_free(acl);
	return rc;
}

static int check_absolute(const char *path, struct acl_error *err)
{
	memset(err, 0, sizeof(*err));
	if (path[0] != '/')
		return fail(err, -EINVAL, path, 0, "ACL path must be absolute");
	return 0;
}

int acl_parse(struct acl *acl, const char *path, const char *buf,
	      size_t len, acl_read_fn reader, void *ctx, struct acl_error *err)
{
	int rc = check_absolute(path, err);

	if (rc < 0)
		return rc;
	/* A buffer has no identity: a cycle back to it is stopped by the
	 * depth bound; cycles among included files by their identity. */
	return load(acl, path, buf, len, UINT64_MAX, UINT64_MAX, reader, ctx,
		    err);
}

int acl_load(struct acl *acl, const char *path, acl_read_fn reader,
	     void *ctx, struct acl_error *err)
{
	struct acl_source src = { 0 };
	int rc = check_absolute(path, err);

	if (rc < 0)
		return rc;
	rc = reader(ctx, path, &src, err);
	if (rc < 0) {
		if (rc == -EACCES)
			fail(err, rc, path, 0, "permission denied: the caller may not read it (a top-level file readable only by a group admits only that group)");
		else if (!err->msg[0])
			fail(err, rc, path, 0, "%s", rc == -ENOENT ?
			     "file does not exist" : strerror(-rc));
		else if (!err->file[0])
			snprintf(err->file, sizeof(err->file), "%s", path);
		return rc;
	}
	rc = load(acl, path, src.data, src.len, src.dev, src.ino, reader, ctx,
		  err);
	free(src.data);
	return rc;
}

static bool rule_matches(const struct acl_rule *r, const char *bridge)
{
	return r->all || strcmp(r->name, bridge) == 0;
}

void acl_decide(const struct acl *acl, const char *bridge,
		struct acl_decision *d)
{
	d->verdict = ACL_VERDICT_DENY_DEFAULT;
	d->rule = NULL;
	for (size_t i = 0; i < acl->n_rules; i++) {
		const struct acl_rule *r = &acl->rules[i];

		if (!rule_matches(r, bridge))
			continue;
		if (r->action == ACL_DENY) {
			d->verdict = ACL_VERDICT_DENY_RULE;
			d->rule = r;
			return;
		}
		if (d->verdict == ACL_VERDICT_DENY_DEFAULT) {
			d->verdict = ACL_VERDICT_ALLOW;
			d->rule = r;
		}
	}
}
