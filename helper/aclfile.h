/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aclfile.h - the acl_io that reaches the filesystem.
 *
 * Runs with the caller's credentials. A file is trusted only if, on
 * the open fd: it is a regular file, not a symlink, owned by root and
 * not writable by group or others. A directory an include glob lists
 * must likewise be a real directory, owned by root, not writable by
 * group or others: whoever may create a file there may add rules.
 */
#ifndef TAPGATE_ACLFILE_H
#define TAPGATE_ACLFILE_H

#include "acl.h"

#define ACLFILE_MAX_SIZE (1024L * 1024)

int aclfile_read(void *ctx, const char *path, struct acl_source *src,
		 struct acl_error *err);

int aclfile_list(void *ctx, const char *dir, acl_list_add_fn add,
		 void *add_ctx, struct acl_error *err);

/* read and list, no diag: stop at the first error. */
extern const struct acl_io aclfile_io;

#endif
