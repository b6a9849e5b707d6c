// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "ids.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strutil.h"
#include "tapgate.h"

static void set_name(struct ids *ids, const char *name)
{
	if (name)
		str_escape(ids->name, sizeof(ids->name), name, strlen(name));
	else
		snprintf(ids->name, sizeof(ids->name), "%u",
			 (unsigned)ids->subject.uid);
}

void ids_self(struct ids *ids)
{
	int n;

	memset(ids, 0, sizeof(*ids));
	ids->subject.uid = (uint32_t)getuid();
	ids->subject.gid = (uint32_t)getgid();
	n = getgroups(0, NULL);
	if (n < 0)
		die_errno(EXIT_PRIVS, "failed to read our supplementary groups");
	ids->groups = calloc((size_t)n + 1, sizeof(*ids->groups));
	if (!ids->groups)
		die(EXIT_PRIVS, "out of memory");
	if (n > 0) {
		gid_t *g = calloc((size_t)n, sizeof(*g));

		if (!g)
			die(EXIT_PRIVS, "out of memory");
		n = getgroups(n, g);
		if (n < 0)
			die_errno(EXIT_PRIVS, "failed to read our supplementary groups");
		for (int i = 0; i < n; i++)
			ids->groups[i] = (uint32_t)g[i];
		free(g);
	}
	ids->subject.groups = ids->groups;
	ids->subject.n_groups = (size_t)n;
	snprintf(ids->name, sizeof(ids->name), "%u", (unsigned)ids->subject.uid);
}

static int lookup_user(const char *who, struct passwd *pw, char **buf)
{
	struct passwd *res = NULL;
	size_t size = 16384;
	long long uid;
	int rc;

	*buf = malloc(size);
	if (!*buf)
		return -ENOMEM;
	if (str_to_int(who, 0, UINT32_MAX - 1, &uid) == 0)
		rc = getpwuid_r((uid_t)uid, pw, *buf, size, &res);
	else
		rc = getpwnam_r(who, pw, *buf, size, &res);
	if (rc == 0 && !res)
		return -ENOENT;
	return rc ? -rc : 0;
}

int ids_user(const char *who, struct ids *ids)
{
	struct passwd pw;
	char *buf;
	gid_t *g = NULL;
	int n = 32, rc;

	memset(ids, 0, sizeof(*ids));
	rc = lookup_user(who, &pw, &buf);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	for (;;) {
		int want = n;
		gid_t *more = realloc(g, (size_t)n * sizeof(*g));

		if (!more) {
			rc = -ENOMEM;
			break;
		}
		g = more;
		if (getgrouplist(pw.pw_name, pw.pw_gid, g, &n) >= 0)
			break;
		if (n <= want)
			n = want * 2;
		if (n > 65536) {
			rc = -E2BIG;
			break;
		}
	}
	if (rc == 0) {
		ids->groups = calloc((size_t)n + 1, sizeof(*ids->groups));
		if (!ids->groups)
			rc = -ENOMEM;
	}
	if (rc == 0) {
		for (int i = 0; i < n; i++)
			ids->groups[i] = (uint32_t)g[i];
		ids->subject.uid = (uint32_t)pw.pw_uid;
		ids->subject.gid = (uint32_t)pw.pw_gid;
		ids->subject.groups = ids->groups;
		ids->subject.n_groups = (size_t)n;
		set_name(ids, pw.pw_name);
	}
	free(g);
	free(buf);
	return rc;
}

void ids_free(struct ids *ids)
{
	free(ids->groups);
	memset(ids, 0, sizeof(*ids));
}

int ids_resolve(void *ctx, enum acl_who_kind kind, const char *name,
		uint32_t *id)
{
	size_t size = 16384;
	int rc;

	(void)ctx;
	/* A big group needs a big buffer: grow it, up to 4 MiB. */
	for (;;) {
		char *buf = malloc(size);

		if (!buf)
			return -ENOMEM;
		if (kind == ACL_WHO_USER) {
			struct passwd pw, *res = NULL;

			rc = getpwnam_r(name, &pw, buf, size, &res);
			if (rc == 0 && res)
				*id = (uint32_t)pw.pw_uid;
			else if (rc == 0)
				rc = ENOENT;
		} else {
			struct group gr, *res = NULL;

			rc = getgrnam_r(name, &gr, buf, size, &res);
			if (rc == 0 && res)
				*id = (uint32_t)gr.gr_gid;
			else if (rc == 0)
				rc = ENOENT;
		}
		free(buf);
		if (rc != ERANGE || size >= (size_t)4 * 1024 * 1024)
			break;
		size *= 4;
	}
	/* Only ENOENT (or no entry and no error) means "no such name";
	 * getpwnam(3) allows ESRCH, EBADF and EPERM for it too, but they
	 * are also what a failing lookup returns, and a deny rule must
	 * not vanish with the name service: they fail the load. */
	return -rc;
}
