/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aclfile.h - the acl_read_fn that reaches the filesystem.
 *
 * Runs with the caller's credentials. A file is trusted only if, on
 * the open fd: it is a regular file, not a symlink, owned by root and
 * not writable by group or others.
 */
#ifndef TAPGATE_ACLFILE_H
#define TAPGATE_ACLFILE_H

#include "acl.h"

#define ACLFILE_MAX_SIZE (1024 * 1024)

int aclfile_read(void *ctx, const char *path, struct acl_source *src,
		 struct acl_error *err);

#endif
