// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "userdb.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

int userdb_call(userdb_call_fn fn, void *ctx, char **buf)
{
	size_t size = USERDB_BUF_MIN;

	*buf = NULL;
	for (;;) {
		bool found = false;
		char *b = malloc(size);
		int rc;

		if (!b)
			return -ENOMEM;
		rc = fn(ctx, b, size, &found);
		if (rc == 0 && found) {
			*buf = b;
			return 0;
		}
		free(b);
		if (rc == 0)
			return -ENOENT;
		if (rc != ERANGE)
			/* A failure, never "no such name": -ENOENT is kept
			 * for a return of 0 with no entry. */
			return rc == ENOENT || rc < 0 ? -EIO : -rc;
		if (size >= USERDB_BUF_MAX)
			return -ERANGE;
		size *= 2;
	}
}

struct query {
	const char *name;         /* by name, or */
	uint32_t id;              /* by id */
	struct userdb_ent *e;
};

static int call_pw(void *ctx, char *buf, size_t size, bool *found)
{
	struct query *q = ctx;
	struct passwd pw, *res = NULL;
	int rc;

	if (q->name)
		rc = getpwnam_r(q->name, &pw, buf, size, &res);
	else
		rc = getpwuid_r((uid_t)q->id, &pw, buf, size, &res);
	if (rc == 0 && res) {
		*found = true;
		q->e->id = (uint32_t)res->pw_uid;
		q->e->gid = (uint32_t)res->pw_gid;
		q->e->name = res->pw_name;
	}
	return rc;
}

static int call_gr(void *ctx, char *buf, size_t size, bool *found)
{
	struct query *q = ctx;
	struct group gr, *res = NULL;
	int rc;

	if (q->name)
		rc = getgrnam_r(q->name, &gr, buf, size, &res);
	else
		rc = getgrgid_r((gid_t)q->id, &gr, buf, size, &res);
	if (rc == 0 && res) {
		*found = true;
		q->e->id = (uint32_t)res->gr_gid;
		q->e->gid = (uint32_t)res->gr_gid;
		q->e->name = res->gr_name;
	}
	return rc;
}

static int lookup(userdb_call_fn fn, const char *name, uint32_t id,
		  struct userdb_ent *e)
{
	struct query q = { .name = name, .id = id, .e = e };

	memset(e, 0, sizeof(*e));
	return userdb_call(fn, &q, &e->buf);
}

int userdb_user_by_name(const char *name, struct userdb_ent *e)
{
	return lookup(call_pw, name, 0, e);
}

int userdb_user_by_uid(uint32_t uid, struct userdb_ent *e)
{
	return lookup(call_pw, NULL, uid, e);
}

int userdb_group_by_name(const char *name, struct userdb_ent *e)
{
	return lookup(call_gr, name, 0, e);
}

int userdb_group_by_gid(uint32_t gid, struct userdb_ent *e)
{
	return lookup(call_gr, NULL, gid, e);
}

void userdb_ent_free(struct userdb_ent *e)
{
	free(e->buf);
	memset(e, 0, sizeof(*e));
}

int userdb_grouplist(const char *user, uint32_t gid, uint32_t **groups,
		     size_t *n)
{
	gid_t *g = NULL;
	int want = 32, got;

	*groups = NULL;
	*n = 0;
	for (;;) {
		gid_t *more = realloc(g, (size_t)want * sizeof(*g));

		if (!more) {
			free(g);
			return -ENOMEM;
		}
		g = more;
		got = want;
		if (getgrouplist(user, (gid_t)gid, g, &got) >= 0)
			break;
		/* Too small: @got says how many there are (glibc), or
		 * nothing useful (others): grow either way. */
		want = got > want ? got : want * 2;
		if (want > USERDB_GROUPS_MAX) {
			free(g);
			return -E2BIG;
		}
	}
	*groups = calloc((size_t)got + 1, sizeof(**groups));
	if (!*groups) {
		free(g);
		return -ENOMEM;
	}
	for (int i = 0; i < got; i++)
		(*groups)[i] = (uint32_t)g[i];
	*n = (size_t)got;
	free(g);
	return 0;
}
