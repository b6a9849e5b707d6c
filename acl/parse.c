// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse.c - the lines, words and rules of the bridge ACL.
 *
 *   file    := { line "\n" } [ line ]
 *   line    := ws* [ stmt ws* ] [ comment ]
 *   comment := "#" any*          (at line start, or after whitespace)
 *   stmt    := "allow" ws+ TARGET { ws+ qual } [ ws+ "max" ws+ N ]
 *                      { ws+ option }
 *            | "deny" ws+ TARGET { ws+ qual }
 *            | "include" ws+ PATH
 *   TARGET  := "all" | NAME | PATTERN
 *   qual    := ("user" | "group") ws+ WHO   (each at most once)
 *   option  := "isolated" | "guard"         (each at most once, last)
 *   WHO     := ID | USERNAME
 *
 * Differences from qemu-bridge-helper are deliberate and fail closed:
 * every error, also inside an include, fails the whole load; a missing
 * include is an error; relative includes resolve against the including
 * file's directory; nesting and cycles are bounded; over-long lines are
 * errors, never split; '#' after whitespace starts a comment; names are
 * validated like the kernel does.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "pattern.h"
#include "strutil.h"

/* One whitespace-separated word of a line. */
struct word {
	const char *s;
	size_t len;
};

/* allow T user U group G max N isolated guard, and one too many */
#define MAX_WORDS 11

/* A word quoted in a message: whole up to the longest user or group
 * name, a longer one cut with "...", so that the words after it still
 * fit struct acl_error's message. */
#define WORD_SHOWN ESCAPED_SIZE(ACL_MAX_WHO)

__attribute__((format(printf, 4, 0)))
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

/* See load.h. */
int acl_problem(struct load_state *st, enum acl_severity sev, int rc,
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
	char shown[WORD_SHOWN];
	unsigned long long id;

	str_escape(shown, sizeof(shown), w->s, w->len);
	/* Digits, or a sign before them: meant as an id, judged as one. */
	if ((w->s[0] >= '0' && w->s[0] <= '9') ||
	    ((w->s[0] == '-' || w->s[0] == '+') && w->len > 1 &&
	     w->s[1] >= '0' && w->s[1] <= '9')) {
		int rc = parse_number(w, UINT32_MAX, &id);
		if (rc == 0 && id == UINT32_MAX)
			return acl_problem(st, ACL_SEV_ERROR, -ERANGE, file, lineno,
					   "invalid %s id %s: that is -1, which no %s has",
					   what, shown, what);
		if (rc < 0)
			return acl_problem(st, ACL_SEV_ERROR, rc, file, lineno,
					   "invalid %s id '%s': ids are decimal numbers from 0 to 4294967294, without sign or leading zeros",
					   what, shown);
		who->numeric = true;
		who->resolved = true;
		who->id = (uint32_t)id;
	} else {
		size_t len = w->len;

		if (len > ACL_MAX_WHO)
			return acl_problem(st, ACL_SEV_ERROR, -ENAMETOOLONG, file,
					   lineno, "%s name '%s' is longer than %d bytes",
					   what, shown, ACL_MAX_WHO);
		/* A trailing '$' is allowed, as for Samba machine accounts. */
		if (len > 1 && w->s[len - 1] == '$')
			len--;
		for (size_t i = 0; i < len; i++) {
			if (!name_char(w->s[i], i == 0))
				return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file,
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
	char shown[WORD_SHOWN], why[256];
	enum ifname_status ist;
	const char *bad;

	str_escape(shown, sizeof(shown), w->s, w->len);
	if (word_is(w, "all")) {
		r->kind = ACL_TARGET_ALL;
	} else if (pattern_is_pattern(w->s, w->len)) {
		if (w->len > ACL_MAX_PATTERN)
			return acl_problem(st, ACL_SEV_ERROR, -ENAMETOOLONG, file,
					   lineno, "pattern '%s' is longer than %d bytes",
					   shown, ACL_MAX_PATTERN);
		bad = pattern_syntax_error(w->s, w->len);
		if (!bad)
			bad = pattern_ifname_error(w->s, w->len);
		if (bad)
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
					   "pattern '%s' can never match a bridge: %s",
					   shown, bad);
		r->kind = ACL_TARGET_PATTERN;
	} else {
		ist = ifname_check(w->s, w->len);
		if (ist != IFNAME_OK)
			return acl_problem(st, ACL_SEV_ERROR,
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

static const char *const option_names[ACL_N_OPTIONS] = {
	[ACL_OPT_ISOLATED] = "isolated",
	[ACL_OPT_GUARD] = "guard",
};

const char *acl_option_name(enum acl_option o)
{
	return (unsigned)o < ACL_N_OPTIONS ? option_names[o] : "?";
}

/* The option @w names, or -1. */
static int option_of(const struct word *w)
{
	for (int o = 0; o < ACL_N_OPTIONS; o++)
		if (word_is(w, option_names[o]))
			return o;
	return -1;
}

/*
 * The options that end an allow rule: single words, each at most once,
 * after every qualifier, so that a rule reads "who, then how". A deny
 * attaches no port: an option there is an error, never ignored.
 */
static int parse_options(struct load_state *st, enum acl_action action,
			 const char *file, unsigned lineno,
			 const struct word *w, size_t n, struct acl_rule *r)
{
	char shown[WORD_SHOWN];

	for (size_t i = 0; i < n; i++) {
		int o = option_of(&w[i]);

		str_escape(shown, sizeof(shown), w[i].s, w[i].len);
		if (o < 0 && (word_is(&w[i], "user") || word_is(&w[i], "group") ||
			      word_is(&w[i], "max")))
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
					   "'%s' after an option: options come last (allow br0 user alice max 2 isolated guard)",
					   shown);
		if (o < 0)
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
					   "unknown word '%s' in this allow rule (expected user, group, max, isolated or guard)",
					   shown);
		if (action == ACL_DENY)
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
					   "'%s' is only for allow rules: a deny attaches no port",
					   shown);
		if (r->options & ACL_OPTION_BIT(o))
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
					   "'%s' given twice in one rule", shown);
		r->options |= ACL_OPTION_BIT(o);
	}
	return 0;
}

static int parse_rule(struct acl *acl, struct load_state *st,
		      enum acl_action action, const char *file,
		      unsigned lineno, const struct word *w, size_t n)
{
	struct acl_rule r = { .action = action, .file = file, .line = lineno };
	const char *verb = action == ACL_ALLOW ? "allow" : "deny";
	char shown[WORD_SHOWN];
	int rc;

	if (n < 2)
		return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
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
		if (option_of(q) >= 0) {
			rc = parse_options(st, action, file, lineno, &w[i],
					   n - i, &r);
			if (rc < 0)
				return rc;
			break;
		}
		if (word_is(q, "user"))
			who = &r.user;
		else if (word_is(q, "group"))
			who = &r.group;
		else if (!word_is(q, "max"))
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
					   "unknown word '%s' in this %s rule (expected %s)",
					   shown, verb, action == ACL_ALLOW ?
					   "user, group, max, isolated or guard" :
					   "user or group");
		what = who == &r.user ? "user" : who ? "group" : "max";
		if (i + 1 == n)
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
					   "'%s' needs %s", what, who ?
					   "a name or a numeric id" : "a number");
		if (who) {
			if (who->set)
				return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file,
						   lineno, "'%s' given twice in one rule (a rule has one %s; write two rules)",
						   what, what);
			rc = parse_who(st, file, lineno, what, &w[i + 1], who);
			if (rc < 0)
				return rc;
			continue;
		}
		if (action == ACL_DENY)
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
					   "'max' is only for allow rules: a deny grants nothing to count");
		if (r.max)
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
					   "'max' given twice in one rule");
		str_escape(shown, sizeof(shown), w[i + 1].s, w[i + 1].len);
		rc = parse_number(&w[i + 1], ACL_MAX_QUOTA, &max);
		if (rc < 0)
			return acl_problem(st, ACL_SEV_ERROR, rc, file, lineno,
					   "invalid max '%s': expected a whole number from 1 to %d",
					   shown, ACL_MAX_QUOTA);
		if (max == 0)
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
					   "'max 0' would never grant a tap: write a deny rule instead");
		r.max = (unsigned)max;
	}
	rc = add_rule(acl, &r);
	if (rc < 0)
		return acl_problem(st, ACL_SEV_ERROR, rc, file, lineno,
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
	char shown[WORD_SHOWN];

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
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
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
		return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				   "too many words for one rule");

	if (word_is(&w[0], "include")) {
		if (rest == end)
			return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
					   "'include' needs a path");
		return acl_include(acl, st, file, lineno, rest,
				      (size_t)(end - rest));
	}
	if (word_is(&w[0], "allow"))
		return parse_rule(acl, st, ACL_ALLOW, file, lineno, w, n);
	if (word_is(&w[0], "deny"))
		return parse_rule(acl, st, ACL_DENY, file, lineno, w, n);
	str_escape(shown, sizeof(shown), w[0].s, w[0].len);
	return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
			   "unknown keyword '%s' (expected allow, deny or include)",
			   shown);
}

int acl_parse_file(struct acl *acl, struct load_state *st, const char *path,
		   const char *buf, size_t len)
{
	const char *file, *p = buf, *end = buf + len;
	unsigned lineno = 0;
	int rc;

	file = remember_file(acl, path);
	if (!file)
		return acl_problem(st, ACL_SEV_ERROR, -ENOMEM, path, 0,
				   "out of memory");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t linelen = nl ? (size_t)(nl - p) : (size_t)(end - p);

		lineno++;
		if (linelen > ACL_MAX_LINE)
			rc = acl_problem(st, ACL_SEV_ERROR, -E2BIG, file, lineno,
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
	rc = acl_parse_file(acl, &st, path, buf, len);
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
