/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * userdb.h - the one way tapgate asks the user and group database.
 *
 * glibc's contract for getpwnam_r() and its kin: "no such entry" is a
 * return of 0 with a NULL result; ANY non-zero return is a failure,
 * whatever errno it carries. nss-pam-ldapd reports an unreachable
 * server as ENOENT, so reading ENOENT as "no such name" would make a
 * deny rule vanish with the server. Here -ENOENT means only "no such
 * entry"; a failure that says ENOENT comes back as -EIO. ERANGE grows
 * the buffer, up to USERDB_BUF_MAX; past that it is a failure too.
 */
#ifndef TAPGATE_USERDB_H
#define TAPGATE_USERDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USERDB_BUF_MIN ((size_t)16 * 1024)
#define USERDB_BUF_MAX ((size_t)4 * 1024 * 1024)
/* Largest group list taken from getgrouplist() (the kernel's NGROUPS_MAX). */
#define USERDB_GROUPS_MAX 65536

/* One user or group entry. */
struct userdb_ent {
	uint32_t id;              /* uid or gid */
	uint32_t gid;             /* a user's primary group */
	const char *name;         /* in @buf */
	char *buf;                /* malloc()ed; userdb_ent_free() */
};

/*
 * The seam under every lookup: one get*_r() call with a buffer of
 * @size bytes. Returns what get*_r() returned (0 or an errno) and sets
 * *@found if it filled the result.
 */
typedef int (*userdb_call_fn)(void *ctx, char *buf, size_t size, bool *found);

/*
 * Call @fn with a buffer that starts at USERDB_BUF_MIN bytes and grows
 * on ERANGE. Returns 0 with *@buf (malloc()ed, holding the entry's
 * strings), -ENOENT (no such entry), or the failure as -errno (-EIO
 * for a failure that says ENOENT or gives no errno, -ERANGE if even
 * USERDB_BUF_MAX bytes are too few, -ENOMEM).
 */
int userdb_call(userdb_call_fn fn, void *ctx, char **buf);

/* 0, -ENOENT or -errno as userdb_call(); fill @e on 0. */
int userdb_user_by_name(const char *name, struct userdb_ent *e);
int userdb_user_by_uid(uint32_t uid, struct userdb_ent *e);
int userdb_group_by_name(const char *name, struct userdb_ent *e);
int userdb_group_by_gid(uint32_t gid, struct userdb_ent *e);
void userdb_ent_free(struct userdb_ent *e);

/*
 * The groups the database gives @user (primary group @gid included),
 * as a malloc()ed array in *@groups. 0, -E2BIG (more than
 * USERDB_GROUPS_MAX) or -ENOMEM. getgrouplist() cannot report a
 * failing name service: the list may then lack groups.
 */
int userdb_grouplist(const char *user, uint32_t gid, uint32_t **groups,
		     size_t *n);

#endif
