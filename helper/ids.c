// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "ids.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strutil.h"
#include "die.h"
#include "userdb.h"

static void set_name(struct ids *ids, const char *name)
{
	ids->named = name != NULL;
	if (name)
		str_escape(ids->name, sizeof(ids->name), name, strlen(name));
	else
		snprintf(ids->name, sizeof(ids->name), "%u",
			 (unsigned)ids->subject.uid);
}

void ids_self(struct ids *ids)
{
	struct userdb_ent pw;

	/* The name, for messages only: nothing is decided on it, and a
	 * failed lookup leaves the uid in digits. */
	ids_self_named(ids, userdb_user_by_uid((uint32_t)getuid(), &pw) == 0 ?
		       pw.name : NULL);
	userdb_ent_free(&pw);
}

void ids_self_named(struct ids *ids, const char *name)
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
	set_name(ids, name);
}

int ids_user(const char *who, struct ids *ids)
{
	struct userdb_ent pw;
	long long uid;
	size_t n;
	int rc;

	memset(ids, 0, sizeof(*ids));
	if (str_to_int(who, 0, UINT32_MAX - 1, &uid) == 0)
		rc = userdb_user_by_uid((uint32_t)uid, &pw);
	else
		rc = userdb_user_by_name(who, &pw);
	if (rc < 0)
		return rc;
	rc = userdb_grouplist(pw.name, pw.gid, &ids->groups, &n);
	if (rc == 0) {
		ids->subject.uid = pw.id;
		ids->subject.gid = pw.gid;
		ids->subject.groups = ids->groups;
		ids->subject.n_groups = n;
		set_name(ids, pw.name);
	}
	userdb_ent_free(&pw);
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
	struct userdb_ent e;
	int rc;

	(void)ctx;
	/* -ENOENT only for "no such name"; every failure of the name
	 * service is another -errno and fails the load (userdb.h). */
	rc = kind == ACL_WHO_USER ? userdb_user_by_name(name, &e) :
	     userdb_group_by_name(name, &e);
	if (rc == 0)
		*id = e.id;
	userdb_ent_free(&e);
	return rc;
}
