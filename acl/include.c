// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * include.c - "include PATH" and "include DIR/GLOB".
 *
 * Relative paths are taken from the including file's directory, never
 * from the caller's cwd; a missing include is an error; nesting, the
 * number of files and the matches of one glob are bounded; a file that
 * is already being read is a cycle. Files and directories are reached
 * only through the caller's acl_io.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "pattern.h"
#include "strutil.h"

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
	char shown[PATH_SHOWN];
	struct acl_source src = { 0 };
	struct acl_error rerr = { 0 };
	int rc;

	str_escape(shown, sizeof(shown), path, strlen(path));
	rc = st->io->read(st->io->ctx, path, &src, &rerr);
	if (rc == -EACCES)
		/* Not readable by this caller: a rule for others. */
		return acl_problem(st, ACL_SEV_WARNING, 0, file, lineno,
				   "skipped '%s': this caller may not read it, so its rules do not apply to them",
				   shown);
	if (rc == -ENOENT)
		return acl_problem(st, ACL_SEV_ERROR, rc, file, lineno,
				   "included file '%s' does not exist", shown);
	if (rc < 0)
		return acl_problem(st, ACL_SEV_ERROR, rc, file, lineno,
				   "cannot include '%s': %s", shown,
				   rerr.msg[0] ? rerr.msg : strerror(-rc));
	/* Limits apply to files the caller can read: an unreadable
	 * include is skipped above, wherever it sits. */
	if (st->depth + 1 > ACL_MAX_DEPTH) {
		free(src.data);
		return acl_problem(st, ACL_SEV_ERROR, -ELOOP, file, lineno,
				   "includes nested deeper than %d levels at '%s'",
				   ACL_MAX_DEPTH, shown);
	}
	if (st->files_read >= ACL_MAX_FILES) {
		free(src.data);
		return acl_problem(st, ACL_SEV_ERROR, -E2BIG, file, lineno,
				   "more than %d ACL files in one load at '%s'",
				   ACL_MAX_FILES, shown);
	}
	st->files_read++;
	for (unsigned i = 0; i <= st->depth; i++) {
		if (st->stack[i].dev == src.dev && st->stack[i].ino == src.ino) {
			free(src.data);
			return acl_problem(st, ACL_SEV_ERROR, -ELOOP, file, lineno,
					   "include cycle: '%s' is already being read",
					   shown);
		}
	}
	st->depth++;
	st->stack[st->depth].dev = src.dev;
	st->stack[st->depth].ino = src.ino;
	rc = acl_parse_file(acl, st, path, src.data, src.len);
	st->depth--;
	free(src.data);
	return rc;
}

struct glob_list {
	const char *pattern;
	char **names;             /* room for ACL_MAX_GLOB */
	size_t n;
	bool too_many, nomem;
};

static int glob_add(void *ctx, const char *name)
{
	struct glob_list *g = ctx;
	char *copy;

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
	copy = strdup(name);
	if (!copy) {
		g->nomem = true;
		return -ENOMEM;
	}
	g->names[g->n] = copy;
	g->n++;
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
	char shown[PATH_SHOWN], dir_shown[PATH_SHOWN], one[ACL_MAX_PATH + 1];
	const char *why;
	int rc;

	str_escape(shown, sizeof(shown), path, strlen(path));
	if (pattern_is_pattern(path, (size_t)(slash - path)))
		return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				   "include '%s': a pattern may only be in the last component of the path",
				   shown);
	why = pattern_syntax_error(g.pattern, strlen(g.pattern));
	if (why)
		return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				   "include '%s': bad pattern: %s", shown, why);
	if (!st->io->list)
		return acl_problem(st, ACL_SEV_ERROR, -ENOTSUP, file, lineno,
				   "include '%s': patterns are not supported here",
				   shown);

	g.names = calloc(ACL_MAX_GLOB, sizeof(*g.names));
	if (!g.names)
		return acl_problem(st, ACL_SEV_ERROR, -ENOMEM, file, lineno,
				   "out of memory");
	*slash = '\0';
	str_escape(dir_shown, sizeof(dir_shown), path[0] ? path : "/",
		   path[0] ? strlen(path) : 1);
	rc = st->io->list(st->io->ctx, path[0] ? path : "/", glob_add, &g,
			  &lerr);
	*slash = '/';
	if (g.too_many)
		rc = acl_problem(st, ACL_SEV_ERROR, -E2BIG, file, lineno,
				 "include '%s' matches more than %d files",
				 shown, ACL_MAX_GLOB);
	else if (g.nomem)
		rc = acl_problem(st, ACL_SEV_ERROR, -ENOMEM, file, lineno,
				 "out of memory");
	else if (rc == -ENOENT)
		rc = acl_problem(st, ACL_SEV_WARNING, 0, file, lineno,
				 "include '%s': directory '%s' does not exist, so nothing matches",
				 shown, dir_shown);
	else if (rc == -EACCES)
		rc = acl_problem(st, ACL_SEV_WARNING, 0, file, lineno,
				 "skipped '%s': this caller may not list '%s', so the rules there do not apply to them",
				 shown, dir_shown);
	else if (rc < 0)
		rc = acl_problem(st, ACL_SEV_ERROR, rc, file, lineno,
				 "cannot include '%s': %s", shown,
				 lerr.msg[0] ? lerr.msg : strerror(-rc));
	else if (g.n)
		qsort(g.names, g.n, sizeof(*g.names), cmp_names);

	for (size_t i = 0; rc == 0 && i < g.n; i++) {
		size_t dirlen = (size_t)(slash - path) + 1;

		if (dirlen + strlen(g.names[i]) > ACL_MAX_PATH) {
			rc = acl_problem(st, ACL_SEV_ERROR, -ENAMETOOLONG, file,
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

int acl_include(struct acl *acl, struct load_state *st, const char *file,
		unsigned lineno, const char *arg, size_t arglen)
{
	char path[ACL_MAX_PATH + 1];
	char *slash;

	if (memchr(arg, '\0', arglen))
		return acl_problem(st, ACL_SEV_ERROR, -EINVAL, file, lineno,
				   "line contains a NUL byte");
	if (include_path(path, file, arg, arglen) < 0) {
		char shown[PATH_SHOWN];

		str_escape(shown, sizeof(shown), arg, arglen);
		return acl_problem(st, ACL_SEV_ERROR, -ENAMETOOLONG, file, lineno,
				   "include path '%s' is too long", shown);
	}
	slash = strrchr(path, '/');
	if (slash && pattern_is_pattern(path, strlen(path)))
		return include_glob(acl, st, file, lineno, path, slash);
	return include_one(acl, st, file, lineno, path);
}