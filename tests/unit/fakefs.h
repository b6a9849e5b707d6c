/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fakefs.h - the files and directories the ACL tests serve the library
 * (test_acl.c, test_acl_rules.c): a fake reader and a fake lister over
 * tables of path -> content, entries or -errno, each file with its own
 * identity, recording every path the library asked for; and a recorder
 * of --check's diagnostics.
 *
 * Include after <cmocka.h> (the fakes assert on what they are asked).
 */
#ifndef TAPGATE_TEST_FAKEFS_H
#define TAPGATE_TEST_FAKEFS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"

#ifndef N_ELEMS
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))
#endif

struct fake_file {
	const char *path;
	const char *data;
	size_t len;
	int rc;              /* < 0: fail with it instead of serving data */
	const char *msg;     /* what the reader says with rc, or NULL */
	uint64_t ino;        /* 0: an identity of its own */
};

/* A literal with its exact length, so embedded NULs count. */
#define FILE_(p, lit) { .path = (p), .data = (lit), .len = sizeof(lit) - 1 }
#define FILE_ERR(p, e, m) { .path = (p), .rc = (e), .msg = (m) }

struct fake_dir {
	const char *path;
	const char *const *names;
	size_t n;
	int rc;              /* < 0: fail with it (after listing none) */
	const char *msg;
};

#define DIR_(p, arr) { .path = (p), .names = (arr), .n = N_ELEMS(arr) }
#define DIR_ERR(p, e, m) { .path = (p), .rc = (e), .msg = (m) }

#define MAX_ASKED 256
#define MAX_DIAG 64

struct diag_rec {
	enum acl_severity sev;
	struct acl_error e;
};

struct fake_fs {
	const struct fake_file *files;
	size_t n;
	const struct fake_dir *dirs;
	size_t n_dirs;
	char *asked[MAX_ASKED];   /* paths read, in order */
	size_t n_asked;
	char *listed[MAX_ASKED];  /* directories listed, in order */
	size_t n_listed;
	struct diag_rec diag[MAX_DIAG];
	size_t n_diag;
};

static inline int fake_read(void *ctx, const char *path,
			    struct acl_source *src, struct acl_error *err)
{
	struct fake_fs *fs = ctx;

	assert_non_null(path);
	assert_int_equal(path[0], '/');
	if (fs->n_asked < MAX_ASKED)
		fs->asked[fs->n_asked] = strdup(path);
	fs->n_asked++;
	for (size_t i = 0; i < fs->n; i++) {
		const struct fake_file *f = &fs->files[i];

		/* Unused slots of a fixed-size table have no path. */
		if (!f->path || strcmp(f->path, path) != 0)
			continue;
		if (f->rc < 0) {
			if (f->msg)
				snprintf(err->msg, sizeof(err->msg), "%s", f->msg);
			return f->rc;
		}
		src->data = malloc(f->len ? f->len : 1);
		assert_non_null(src->data);
		memcpy(src->data, f->data, f->len);
		src->len = f->len;
		src->dev = 7;
		src->ino = f->ino ? f->ino : 1000 + i;
		return 0;
	}
	return -ENOENT;
}

static inline int fake_list(void *ctx, const char *dir,
			    acl_list_add_fn add, void *add_ctx,
			    struct acl_error *err)
{
	struct fake_fs *fs = ctx;

	assert_non_null(dir);
	assert_int_equal(dir[0], '/');
	if (fs->n_listed < MAX_ASKED)
		fs->listed[fs->n_listed] = strdup(dir);
	fs->n_listed++;
	for (size_t i = 0; i < fs->n_dirs; i++) {
		const struct fake_dir *d = &fs->dirs[i];

		if (!d->path || strcmp(d->path, dir) != 0)
			continue;
		if (d->rc < 0) {
			if (d->msg)
				snprintf(err->msg, sizeof(err->msg), "%s", d->msg);
			return d->rc;
		}
		/* Like the real lister: "." and ".." are never listed. */
		for (size_t k = 0; k < d->n; k++) {
			int rc = add(add_ctx, d->names[k]);

			if (rc)
				return rc;
		}
		return 0;
	}
	return -ENOENT;
}

static inline void fake_diag(void *ctx, enum acl_severity sev,
			     const struct acl_error *e)
{
	struct fake_fs *fs = ctx;

	assert_non_null(e);
	if (fs->n_diag < MAX_DIAG) {
		fs->diag[fs->n_diag].sev = sev;
		fs->diag[fs->n_diag].e = *e;
	}
	fs->n_diag++;
}

static inline void fs_done(struct fake_fs *fs)
{
	for (size_t i = 0; i < fs->n_asked && i < MAX_ASKED; i++)
		free(fs->asked[i]);
	for (size_t i = 0; i < fs->n_listed && i < MAX_ASKED; i++)
		free(fs->listed[i]);
	fs->n_asked = 0;
	fs->n_listed = 0;
	fs->n_diag = 0;
}

#define FS(table) { .files = (table), .n = N_ELEMS(table) }
#define FS_DIRS(table, dtable) { .files = (table), .n = N_ELEMS(table), \
				 .dirs = (dtable), .n_dirs = N_ELEMS(dtable) }

#endif
