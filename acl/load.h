/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * load.h - what the line parser (parse.c) and the include code
 * (include.c) share while one ACL loads. Not part of the library's API.
 */
#ifndef TAPGATE_ACL_LOAD_H
#define TAPGATE_ACL_LOAD_H

#include <stdint.h>

#include "acl.h"

/* A path quoted in a message: cut with "..." past this, so that the
 * words after it still fit struct acl_error's message. */
#define PATH_SHOWN 256

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

/*
 * A problem in a file being loaded: an error returns @rc, a warning 0.
 * The first error is kept in st->err. With a diag callback, everything
 * is reported as it is found and the parser goes on with the next
 * line; the load fails at the end all the same.
 */
__attribute__((format(printf, 6, 7)))
int acl_problem(struct load_state *st, enum acl_severity sev, int rc,
		const char *file, unsigned line, const char *fmt, ...);

/* Parse the text of the file @path (parse.c). */
int acl_parse_file(struct acl *acl, struct load_state *st, const char *path,
		   const char *buf, size_t len);

/* "include ARG" at @file:@lineno, ARG being @arglen bytes (include.c). */
int acl_include(struct acl *acl, struct load_state *st, const char *file,
		unsigned lineno, const char *arg, size_t arglen);

#endif
