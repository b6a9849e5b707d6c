// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "aclfile.h"
#include "strutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

__attribute__((format(printf, 3, 4)))
static int refuse(struct acl_error *err, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap); /* may cut */
	va_end(ap);
	return rc;
}

int aclfile_read(void *ctx, const char *raw_path, struct acl_source *src,
		 struct acl_error *err)
{
	char path[ESCAPED_SIZE(ACL_MAX_PATH)];
	struct stat st;
	char *data;
	size_t len = 0;
	int fd, rc;

	(void)ctx;
	/* Messages show the path escaped; open() gets it as it is. */
	str_escape(path, sizeof(path), raw_path, strlen(raw_path));
	/* O_NONBLOCK: a FIFO must not hang us before fstat() refuses it. */
	fd = open(raw_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT || rc == -EACCES)
			return rc;
		if (rc == -ELOOP)
			return refuse(err, rc, "'%s' is a symlink: ACL files must be regular files owned by root",
				      path);
		return refuse(err, rc, "failed to open '%s': %s", path,
			      strerror(-rc));
	}
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return refuse(err, rc, "failed to stat '%s': %s", path,
			      strerror(-rc));
	}
	rc = 0;
	if (!S_ISREG(st.st_mode))
		rc = refuse(err, -EINVAL, "'%s' is not a regular file", path);
	else if (st.st_uid != 0)
		rc = refuse(err, -EPERM, "'%s' is owned by uid %lu, not root (fix: chown root)",
			    path, (unsigned long)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		rc = refuse(err, -EPERM, "'%s' is writable by group or others, mode %04lo (fix: chmod go-w)",
			    path, (unsigned long)(st.st_mode & 07777));
	else if (st.st_size > ACLFILE_MAX_SIZE)
		rc = refuse(err, -EFBIG, "'%s' is larger than %lu bytes",
			    path, (unsigned long)ACLFILE_MAX_SIZE);
	if (rc < 0) {
		close(fd);
		return rc;
	}

	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = read(fd, data + len, (size_t)st.st_size + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = refuse(err, -errno, "failed to read '%s': %s",
				    path, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > (size_t)st.st_size) {
			rc = refuse(err, -EFBIG, "'%s' grew while being read",
				    path);
			break;
		}
	}
	close(fd);
	if (rc < 0) {
		free(data);
		return rc;
	}
	src->data = data;
	src->len = len;
	src->dev = (uint64_t)st.st_dev;
	src->ino = (uint64_t)st.st_ino;
	return 0;
}

int aclfile_list(void *ctx, const char *raw_dir, acl_list_add_fn add,
		 void *add_ctx, struct acl_error *err)
{
	char dir[ESCAPED_SIZE(ACL_MAX_PATH)];
	struct stat st;
	DIR *d;
	int fd, rc = 0;

	(void)ctx;
	str_escape(dir, sizeof(dir), raw_dir, strlen(raw_dir));
	fd = open(raw_dir, O_RDONLY | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		rc = -errno;
		if (rc == -ENOENT || rc == -EACCES)
			return rc;
		if (rc == -ELOOP)
			return refuse(err, rc, "'%s' is a symlink: include directories must be real directories owned by root",
				      dir);
		if (rc == -ENOTDIR)
			return refuse(err, rc, "'%s' is not a directory", dir);
		return refuse(err, rc, "failed to open directory '%s': %s",
			      dir, strerror(-rc));
	}
	/* Whoever may add a file here may add rules: only root. */
	if (fstat(fd, &st) < 0)
		rc = refuse(err, -errno, "failed to stat '%s': %s", dir,
			    strerror(errno));
	else if (st.st_uid != 0)
		rc = refuse(err, -EPERM, "directory '%s' is owned by uid %lu, not root (fix: chown root)",
			    dir, (unsigned long)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		rc = refuse(err, -EPERM, "directory '%s' is writable by group or others, mode %04lo (fix: chmod go-w)",
			    dir, (unsigned long)(st.st_mode & 07777));
	if (rc < 0) {
		close(fd);
		return rc;
	}
	d = fdopendir(fd);
	if (!d) {
		rc = -errno;
		close(fd);
		return refuse(err, rc, "failed to read directory '%s': %s",
			      dir, strerror(-rc));
	}
	for (;;) {
		struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				rc = refuse(err, -errno, "failed to read directory '%s': %s",
					    dir, strerror(errno));
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rc = add(add_ctx, de->d_name);
		if (rc != 0)
			break;
	}
	closedir(d);
	return rc;
}

const struct acl_io aclfile_io = {
	.read = aclfile_read,
	.list = aclfile_list,
};
