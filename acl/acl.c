// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acl.c - grammar and decision of the bridge ACL.
 *
 *   file    := { line "\n" } [ line ]
 *   line    := ws* [ stmt ws* ] [ comment ]
 *   comment := "#" any*          (at line start, or after whitespace)
 *   stmt    := "allow" ws+ TARGET { ws+ qual } [ ws+ "max" ws+ N ]
 *            | "deny" ws+ TARGET { ws+ qual }
 *            | "include" ws+ PATH
 *   TARGET  := "all" | NAME | PATTERN
 *   qual    := ("user" | "group") ws+ WHO   (each at most once)
 *   WHO     := ID | USERNAME
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

#include "pattern.h"
#include "strutil.h"

struct load_state {
	const struct acl_io *io;
	struct acl_error *err;     /* the first error */
	int first_rc;              /* and its code, 0 if none */
	size_t files_read;
	struct {
		uint64_t dev, ino;
	} stack[ACL_MAX_DEPTH + 1];
	unsigned depth;
};

/* One whitespace-separated word of a line. */
struct word {
	const char *s;
	size_t len;
};

#define MAX_WORDS 9 /* allow T user U group G max N, and one too many */

static int parse_file(struct acl *acl, struct load_state *st,
		      const char *path, const char *buf, size_t len);

static void vset(struct acl_error *e, const char *file, unsigned line,
		 const char *fmt, va_list ap)
{
	/* Truncation is fine: these are messages. */
	(void)snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	e->line = line;
	(void)vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

__attribute__((format(printf, 5, 6)))
static int fail(struct acl_error *err, int rc, const char *file,
		unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(err, file, line, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * A problem in a file being loaded: an error returns @rc, a warning 0.
 * The first error is kept in st->err. With a diag callback, everything
 * is reported as it is found and parse_file() goes on with the next
 * line; the load fails at the end all the same.
 */
__attribute__((format(printf, 6, 7)))
static int problem(struct load_state *st, enum acl_severity sev, int rc,
		   const char *file, unsigned line, const char *fmt, ...)
{
	struct acl_error e = { .line = 0 };
	va_list ap;

	va_start(ap, fmt);
	vset(&e, file, line, fmt, ap);
	va_end(ap);
	if (sev == ACL_SEV_ERROR && st->first_rc == 0) {
		*st->err = e;
		st->first_rc = rc;
	}
	if (st->io->diag)
		st->io->diag(st->io->ctx, sev, &e);
	return sev == ACL_SEV_ERROR ? rc : 0;
}

static bool is_ws(char c)
{
	/* What the original skipped (g_ascii_isspace minus '\n'). */
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool word_is(const struct word *w, const char *s)
{
	return w->len == strlen(s) && memcmp(w->s, s, w->len) == 0;
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

/* ---- includes ---- */

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

/* Read and parse one included file (not a glob). */
static int include_one(struct acl *acl, struct load_state *st,
		       const char *file, unsigned lineno, const char *path)
{
	char shown[256];
	struct acl_source src = { 0 };
	struct acl_error rerr = { 0 };
	int rc;

	str_escape(shown, sizeof(shown), path, strlen(path));
	rc = st->io->read(st->io->ctx, path, &src, &rerr);
	if (rc == -EACCES)
		/* Not readable by this caller: a rule for others. */
		return problem(st, ACL_SEV_WARNING, 0, file, lineno,
			       "skipped '%s': this caller may not read it, so its rules do not apply to them",
			       shown);
	if (rc == -ENOENT)
		return problem(st, ACL_SEV_ERROR, rc, file, lineno,
			       "included file '%s' does not exist", shown);
	if (rc < 0)
		return problem(st, ACL_SEV_ERROR, rc, file, lineno,
			       "cannot include '%s': %s", shown,
			       rerr.msg[0] ? rerr.msg : strerror(-rc));
	/* Limits apply to files the caller can read: an unreadable
	 * include is skipped above, wherever it sits. */
	if (st->depth + 1 > ACL_MAX_DEPTH) {
		free(src.data);
		return problem(st, ACL_SEV_ERROR, -ELOOP, file, lineno,
			       "includes nested deeper than %d levels at '%s'",
			       ACL_MAX_DEPTH, shown);
	}
	if (st->files_read >= ACL_MAX_FILES) {
		free(src.data);
		return problem(st, ACL_SEV_ERROR, -E2BIG, file, lineno,
			       "more than %d ACL files in one load at '%s'",
			       ACL_MAX_FILES, shown);
	}
	st->files_read++;
	for (unsigned i = 0; i <= st->depth; i++) {
		if (st->stack[i].dev == src.dev && st->stack[i].ino == src.ino) {
			free(src.data);
			return problem(st, ACL_SEV_ERROR, -ELOOP, file, lineno,
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

struct glob_list {
	const char *pattern;
	char **names;
	size_t n;
	bool too_many, nomem;
};

static int glob_add(void *ctx, const char *name)
{
	struct glob_list *g = ctx;
	char **names, *copy;

	/* Like the shell (fnmatch's FNM_PERIOD): a leading '.' is matched
	 * only by a literal '.', "." or "\\.", not by '*', '?' or a set;
	 * and never "." or "..", whatever the lister hands us. */
	if (name[0] == '.' && g->pattern[0] != '.' &&
	    !(g->pattern[0] == '\\' && g->pattern[1] == '.'))
		return 0;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	if (!pattern_match(g->pattern, name))
		return 0;
	if (g->n >= ACL_MAX_GLOB) {
		g->too_many = true;
		return -E2BIG;
	}
	names = realloc(g->names, (g->n + 1) * sizeof(*names));
	copy = names ? strdup(name) : NULL;
	if (names)
		g->names = names;
	if (!copy) {
		g->nomem = true;
		return -ENOMEM;
	}
	g->names[g->n++] = copy;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "include DIR/GLOB": every match, in byte order; none is fine. */
static int include_glob(struct acl *acl, struct load_state *st,
			const char *file, unsigned lineno, char *path,
			char *slash)
{
	struct glob_list g = { .pattern = slash + 1 };
	struct acl_error lerr = { 0 };
	char shown[256], dir_shown[256], one[ACL_MAX_PATH + 1];
	const char *why;
	int rc;

	str_escape(shown, sizeof(shown), path, strlen(path));
	if (pattern_is_pattern(path, (size_t)(slash - path)))
		return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
			       "include '%s': a pattern may only be in the last component of the path",
			       shown);
	why = pattern_syntax_error(g.pattern, strlen(g.pattern));
	if (why)
		return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
			       "include '%s': bad pattern: %s", shown, why);
	if (!st->io->list)
		return problem(st, ACL_SEV_ERROR, -ENOTSUP, file, lineno,
			       "include '%s': patterns are not supported here",
			       shown);

	*slash = '\0';
	str_escape(dir_shown, sizeof(dir_shown), path[0] ? path : "/",
		   path[0] ? strlen(path) : 1);
	rc = st->io->list(st->io->ctx, path[0] ? path : "/", glob_add, &g,
			  &lerr);
	*slash = '/';
	if (g.too_many)
		rc = problem(st, ACL_SEV_ERROR, -E2BIG, file, lineno,
			     "include '%s' matches more than %d files",
			     shown, ACL_MAX_GLOB);
	else if (g.nomem)
		rc = problem(st, ACL_SEV_ERROR, -ENOMEM, file, lineno,
			     "out of memory");
	else if (rc == -ENOENT)
		rc = problem(st, ACL_SEV_WARNING, 0, file, lineno,
			     "include '%s': directory '%s' does not exist, so nothing matches",
			     shown, dir_shown);
	else if (rc == -EACCES)
		rc = problem(st, ACL_SEV_WARNING, 0, file, lineno,
			     "skipped '%s': this caller may not list '%s', so the rules there do not apply to them",
			     shown, dir_shown);
	else if (rc < 0)
		rc = problem(st, ACL_SEV_ERROR, rc, file, lineno,
			     "cannot include '%s': %s", shown,
			     lerr.msg[0] ? lerr.msg : strerror(-rc));
	else if (g.n)
		qsort(g.names, g.n, sizeof(*g.names), cmp_names);

	for (size_t i = 0; rc == 0 && i < g.n; i++) {
		size_t dirlen = (size_t)(slash - path) + 1;

		if (dirlen + strlen(g.names[i]) > ACL_MAX_PATH) {
			rc = problem(st, ACL_SEV_ERROR, -ENAMETOOLONG, file,
				     lineno, "include path '%s' is too long",
				     shown);
		} else {
			memcpy(one, path, dirlen);
			memcpy(one + dirlen, g.names[i], strlen(g.names[i]) + 1);
			rc = include_one(acl, st, file, lineno, one);
		}
		if (st->io->diag)
			rc = 0; /* --check: report on every match */
	}
	for (size_t i = 0; i < g.n; i++)
		free(g.names[i]);
	free(g.names);
	return rc;
}

static int do_include(struct acl *acl, struct load_state *st,
		      const char *file, unsigned lineno, const char *arg,
		      size_t arglen)
{
	char path[ACL_MAX_PATH + 1];
	char *slash;

	if (memchr(arg, '\0', arglen))
		return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
			       "line contains a NUL byte");
	if (include_path(path, file, arg, arglen) < 0) {
		char shown[256];

		str_escape(shown, sizeof(shown), arg, arglen);
		return problem(st, ACL_SEV_ERROR, -ENAMETOOLONG, file, lineno,
			       "include path '%s' is too long", shown);
	}
	slash = strrchr(path, '/');
	if (slash && pattern_is_pattern(path, strlen(path)))
		return include_glob(acl, st, file, lineno, path, slash);
	return include_one(acl, st, file, lineno, path);
}

/* ---- allow and deny ---- */

static bool all_digits(const struct word *w)
{
	for (size_t i = 0; i < w->len; i++)
		if (w->s[i] < '0' || w->s[i] > '9')
			return false;
	return w->len > 0;
}

/* A decimal number, strictly: digits only, no leading zero. */
static int parse_number(const struct word *w, unsigned long long max,
			unsigned long long *out)
{
	unsigned long long v = 0;

	if (!all_digits(w))
		return -EINVAL;
	if (w->len > 1 && w->s[0] == '0')
		return -EINVAL;
	for (size_t i = 0; i < w->len; i++) {
		v = v * 10 + (unsigned)(w->s[i] - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

static bool name_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	return !first && ((c >= '0' && c <= '9') || c == '-' || c == '.');
}

static int parse_who(struct load_state *st, const char *file,
		     unsigned lineno, const char *what, const struct word *w,
		     struct acl_who *who)
{
	char shown[80];
	unsigned long long id;

	str_escape(shown, sizeof(shown), w->s, w->len);
	/* Digits, or a sign before them: meant as an id, judged as one. */
	if ((w->s[0] >= '0' && w->s[0] <= '9') ||
	    ((w->s[0] == '-' || w->s[0] == '+') && w->len > 1 &&
	     w->s[1] >= '0' && w->s[1] <= '9')) {
		int rc = parse_number(w, UINT32_MAX, &id);
		if (rc == 0 && id == UINT32_MAX)
			return problem(st, ACL_SEV_ERROR, -ERANGE, file, lineno,
				       "invalid %s id %s: that is -1, which no %s has",
				       what, shown, what);
		if (rc < 0)
			return problem(st, ACL_SEV_ERROR, rc, file, lineno,
				       "invalid %s id '%s': ids are decimal numbers from 0 to 4294967294, without sign or leading zeros",
				       what, shown);
		who->numeric = true;
		who->resolved = true;
		who->id = (uint32_t)id;
	} else {
		size_t len = w->len;

		if (len > ACL_MAX_WHO)
			return problem(st, ACL_SEV_ERROR, -ENAMETOOLONG, file,
				       lineno, "%s name '%s' is longer than %d bytes",
				       what, shown, ACL_MAX_WHO);
		/* A trailing '$' is allowed, as for Samba machine accounts. */
		if (len > 1 && w->s[len - 1] == '$')
			len--;
		for (size_t i = 0; i < len; i++) {
			if (!name_char(w->s[i], i == 0))
				return problem(st, ACL_SEV_ERROR, -EINVAL, file,
					       lineno, "invalid %s '%s': a name starts with a letter or '_' and has only letters, digits, '_', '-', '.' (and a final '$'); an id has only digits",
					       what, shown);
		}
	}
	memcpy(who->name, w->s, w->len);
	who->name[w->len] = '\0';
	who->set = true;
	return 0;
}

static int parse_target(struct load_state *st, const char *file,
			unsigned lineno, const struct word *w,
			struct acl_rule *r)
{
	char shown[80], why[256];
	enum ifname_status ist;
	const char *bad;

	str_escape(shown, sizeof(shown), w->s, w->len);
	if (word_is(w, "all")) {
		r->kind = ACL_TARGET_ALL;
	} else if (pattern_is_pattern(w->s, w->len)) {
		if (w->len > ACL_MAX_PATTERN)
			return problem(st, ACL_SEV_ERROR, -ENAMETOOLONG, file,
				       lineno, "pattern '%s' is longer than %d bytes",
				       shown, ACL_MAX_PATTERN);
		bad = pattern_syntax_error(w->s, w->len);
		if (!bad)
			bad = pattern_ifname_error(w->s, w->len);
		if (bad)
			return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				       "pattern '%s' can never match a bridge: %s",
				       shown, bad);
		r->kind = ACL_TARGET_PATTERN;
	} else {
		ist = ifname_check(w->s, w->len);
		if (ist != IFNAME_OK)
			return problem(st, ACL_SEV_ERROR,
				       ist == IFNAME_TOO_LONG ? -ENAMETOOLONG : -EINVAL,
				       file, lineno, "%s",
				       ifname_describe(why, sizeof(why), w->s,
						       w->len, ist));
		r->kind = ACL_TARGET_NAME;
	}
	memcpy(r->target, w->s, w->len);
	r->target[w->len] = '\0';
	return 0;
}

static int parse_rule(struct acl *acl, struct load_state *st,
		      enum acl_action action, const char *file,
		      unsigned lineno, const struct word *w, size_t n)
{
	struct acl_rule r = { .action = action, .file = file, .line = lineno };
	const char *verb = action == ACL_ALLOW ? "allow" : "deny";
	char shown[80];
	int rc;

	if (n < 2)
		return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
			       "'%s' needs a bridge name, a pattern or 'all'",
			       verb);
	rc = parse_target(st, file, lineno, &w[1], &r);
	if (rc < 0)
		return rc;

	for (size_t i = 2; i < n; i += 2) {
		const struct word *q = &w[i];
		struct acl_who *who = NULL;
		const char *what;
		unsigned long long max;

		str_escape(shown, sizeof(shown), q->s, q->len);
		if (word_is(q, "user"))
			who = &r.user;
		else if (word_is(q, "group"))
			who = &r.group;
		else if (!word_is(q, "max"))
			return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				       "unknown word '%s' in this %s rule (expected %s)",
				       shown, verb, action == ACL_ALLOW ?
				       "user, group or max" : "user or group");
		what = who == &r.user ? "user" : who ? "group" : "max";
		if (i + 1 == n)
			return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				       "'%s' needs %s", what, who ?
				       "a name or a numeric id" : "a number");
		if (who) {
			if (who->set)
				return problem(st, ACL_SEV_ERROR, -EINVAL, file,
					       lineno, "'%s' given twice in one rule (a rule has one %s; write two rules)",
					       what, what);
			rc = parse_who(st, file, lineno, what, &w[i + 1], who);
			if (rc < 0)
				return rc;
			continue;
		}
		if (action == ACL_DENY)
			return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				       "'max' is only for allow rules: a deny grants nothing to count");
		if (r.max)
			return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				       "'max' given twice in one rule");
		str_escape(shown, sizeof(shown), w[i + 1].s, w[i + 1].len);
		rc = parse_number(&w[i + 1], ACL_MAX_QUOTA, &max);
		if (rc < 0)
			return problem(st, ACL_SEV_ERROR, rc, file, lineno,
				       "invalid max '%s': expected a whole number from 1 to %d",
				       shown, ACL_MAX_QUOTA);
		if (max == 0)
			return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				       "'max 0' would never grant a tap: write a deny rule instead");
		r.max = (unsigned)max;
	}
	rc = add_rule(acl, &r);
	if (rc < 0)
		return problem(st, ACL_SEV_ERROR, rc, file, lineno,
			       "out of memory");
	return 0;
}

/* ---- lines and files ---- */

static int parse_line(struct acl *acl, struct load_state *st,
		      const char *file, unsigned lineno, const char *p,
		      size_t len)
{
	const char *end = p + len, *rest;
	struct word w[MAX_WORDS] = { { NULL, 0 } };
	size_t n = 0;
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
	/* p < end here: the line has a non-space byte before any '#'. */
	for (const char *q = p; q < end; q++)
		if (*q == '\0')
			return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				       "line contains a NUL byte");

	/* Split into words; "include" takes the rest of the line whole. */
	rest = NULL;
	while (p < end && n < MAX_WORDS) {
		const char *s = p;

		while (p < end && !is_ws(*p))
			p++;
		w[n].s = s;
		w[n].len = (size_t)(p - s);
		n++;
		while (p < end && is_ws(*p))
			p++;
		if (n == 1) {
			rest = p;
			if (word_is(&w[0], "include"))
				break;
		}
	}
	if (p < end && !word_is(&w[0], "include"))
		return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
			       "too many words for one rule");

	if (word_is(&w[0], "include")) {
		if (rest == end)
			return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				       "'include' needs a path");
		return do_include(acl, st, file, lineno, rest,
				  (size_t)(end - rest));
	}
	if (word_is(&w[0], "allow"))
		return parse_rule(acl, st, ACL_ALLOW, file, lineno, w, n);
	if (word_is(&w[0], "deny"))
		return parse_rule(acl, st, ACL_DENY, file, lineno, w, n);
	str_escape(shown, sizeof(shown), w[0].s, w[0].len);
	return problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
		       "unknown keyword '%s' (expected allow, deny or include)",
		       shown);
}

static int parse_file(struct acl *acl, struct load_state *st,
		      const char *path, const char *buf, size_t len)
{
	const char *file, *p = buf, *end = buf + len;
	unsigned lineno = 0;
	int rc;

	file = remember_file(acl, path);
	if (!file)
		return problem(st, ACL_SEV_ERROR, -ENOMEM, path, 0,
			       "out of memory");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen = nl ? (size_t)(nl - p) : (size_t)(end - p);

		lineno++;
		if (linelen > ACL_MAX_LINE)
			rc = problem(st, ACL_SEV_ERROR, -E2BIG, file, lineno,
				     "line longer than %d bytes", ACL_MAX_LINE);
		else
			rc = parse_line(acl, st, file, lineno, p, linelen);
		if (rc < 0 && !st->io->diag)
			return rc;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Parse the top-level file's text; identity (@dev, @ino) anchors
 * include-cycle detection. @path is known to be absolute. */
static int load(struct acl *acl, const char *path, const char *buf,
		size_t len, uint64_t dev, uint64_t ino,
		const struct acl_io *io, struct acl_error *err)
{
	struct load_state st = { .io = io, .err = err, .files_read = 1 };
	int rc;

	st.stack[0].dev = dev;
	st.stack[0].ino = ino;
	rc = parse_file(acl, &st, path, buf, len);
	if (rc == 0 && st.first_rc < 0)
		rc = st.first_rc; /* --check: reported, not returned */
	if (rc < 0 && !io->diag)
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
	      size_t len, const struct acl_io *io, struct acl_error *err)
{
	int rc = check_absolute(path, err);

	if (rc < 0)
		return rc;
	/* A buffer has no identity: a cycle back to it is stopped by the
	 * depth bound; cycles among included files by their identity. */
	return load(acl, path, buf, len, UINT64_MAX, UINT64_MAX, io, err);
}

int acl_load(struct acl *acl, const char *path, const struct acl_io *io,
	     struct acl_error *err)
{
	struct acl_source src = { 0 };
	int rc = check_absolute(path, err);

	if (rc < 0)
		return rc;
	rc = io->read(io->ctx, path, &src, err);
	if (rc < 0) {
		if (rc == -EACCES)
			fail(err, rc, path, 0, "permission denied: the caller may not read it (a top-level file readable only by a group admits only that group)");
		else if (!err->msg[0])
			fail(err, rc, path, 0, "%s", rc == -ENOENT ?
			     "file does not exist" : strerror(-rc));
		else if (!err->file[0])
			snprintf(err->file, sizeof(err->file), "%s", path);
		if (io->diag)
			io->diag(io->ctx, ACL_SEV_ERROR, err);
		return rc;
	}
	rc = load(acl, path, src.data, src.len, src.dev, src.ino, io, err);
	free(src.data);
	return rc;
}

/* ---- names ---- */

static int resolve_one(struct acl_rule *r, struct acl_who *who,
		       enum acl_who_kind kind, acl_resolve_fn fn, void *ctx,
		       struct acl_error *err)
{
	uint32_t id;
	int rc;

	if (!who->set || who->numeric)
		return 0;
	rc = fn(ctx, kind, who->name, &id);
	if (rc == -ENOENT) {
		who->resolved = false;
		return 0;
	}
	if (rc < 0) {
		char shown[ACL_MAX_WHO * 4 + 1];

		str_escape(shown, sizeof(shown), who->name, strlen(who->name));
		return fail(err, rc, r->file, r->line,
			    "cannot look up %s '%s': %s", kind == ACL_WHO_USER ?
			    "user" : "group", shown, strerror(-rc));
	}
	who->resolved = true;
	who->id = id;
	return 0;
}

/* The same name in an earlier rule: reuse its answer. */
static const struct acl_who *seen(const struct acl *acl, size_t upto,
				  enum acl_who_kind kind, const char *name)
{
	size_t from = upto > 64 ? upto - 64 : 0;

	for (size_t i = from; i < upto; i++) {
		const struct acl_who *w = kind == ACL_WHO_USER ?
			&acl->rules[i].user : &acl->rules[i].group;

		if (w->set && !w->numeric && strcmp(w->name, name) == 0)
			return w;
	}
	return NULL;
}

int acl_resolve(struct acl *acl, acl_resolve_fn fn, void *ctx,
		struct acl_error *err)
{
	memset(err, 0, sizeof(*err));
	for (size_t i = 0; i < acl->n_rules; i++) {
		struct acl_rule *r = &acl->rules[i];
		struct acl_who *who[2] = { &r->user, &r->group };

		for (int k = 0; k < 2; k++) {
			enum acl_who_kind kind = k ? ACL_WHO_GROUP : ACL_WHO_USER;
			const struct acl_who *prev;
			int rc;

			if (!who[k]->set || who[k]->numeric)
				continue;
			prev = seen(acl, i, kind, who[k]->name);
			if (prev) {
				who[k]->resolved = prev->resolved;
				who[k]->id = prev->id;
				continue;
			}
			rc = resolve_one(r, who[k], kind, fn, ctx, err);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* ---- the decision ---- */

static bool who_matches(const struct acl_who *w, const struct acl_subject *s,
			bool group)
{
	if (!w->set)
		return true;
	if (!w->resolved)
		return false; /* an unknown name matches nobody */
	if (!group)
		return w->id == s->uid;
	if (w->id == s->gid)
		return true;
	for (size_t i = 0; i < s->n_groups; i++)
		if (s->groups[i] == w->id)
			return true;
	return false;
}

bool acl_rule_matches(const struct acl_rule *r, const struct acl_subject *who,
		      const char *bridge)
{
	switch (r->kind) {
	case ACL_TARGET_ALL:
		break;
	case ACL_TARGET_NAME:
		if (strcmp(r->target, bridge) != 0)
			return false;
		break;
	case ACL_TARGET_PATTERN:
		if (!pattern_match(r->target, bridge))
			return false;
		break;
	}
	return who_matches(&r->user, who, false) &&
	       who_matches(&r->group, who, true);
}

void acl_decide(const struct acl *acl, const struct acl_subject *who,
		const char *bridge, struct acl_decision *d)
{
	bool unlimited = false;

	d->verdict = ACL_VERDICT_DENY_DEFAULT;
	d->rule = NULL;
	d->max = 0;
	for (size_t i = 0; i < acl->n_rules; i++) {
		const struct acl_rule *r = &acl->rules[i];

		if (!acl_rule_matches(r, who, bridge))
			continue;
		if (r->action == ACL_DENY) {
			d->verdict = ACL_VERDICT_DENY_RULE;
			d->rule = r;
			d->max = 0;
			return;
		}
		if (d->verdict == ACL_VERDICT_DENY_DEFAULT) {
			d->verdict = ACL_VERDICT_ALLOW;
			d->rule = r;
		}
		if (!r->max)
			unlimited = true;
		else if (r->max > d->max)
			d->max = r->max;
	}
	if (unlimited)
		d->max = 0;
}

char *acl_rule_format(const struct acl_rule *r, char *out, size_t outsz)
{
	char target[4 * ACL_MAX_PATTERN + 1], user[4 * ACL_MAX_WHO + 8];
	char group[4 * ACL_MAX_WHO + 8], max[24] = "";

	str_escape(target, sizeof(target), r->target, strlen(r->target));
	user[0] = group[0] = '\0';
	if (r->user.set)
		snprintf(user, sizeof(user), " user %s", r->user.name);
	if (r->group.set)
		snprintf(group, sizeof(group), " group %s", r->group.name);
	if (r->max)
		snprintf(max, sizeof(max), " max %u", r->max);
	snprintf(out, outsz, "%s %s%s%s%s", r->action == ACL_ALLOW ? "allow" :
		 "deny", target, user, group, max);
	return out;
}
