/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ids.h - who is asking, and what the ACL's names mean.
 *
 * The caller of a grant is what the kernel says of this process: its
 * real uid, real gid and supplementary groups (getgroups()), never a
 * fresh look in the group database, which may say otherwise than the
 * groups the user's session really has.
 */
#ifndef TAPGATE_IDS_H
#define TAPGATE_IDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "acl.h"
#include "strutil.h"

struct ids {
	struct acl_subject subject;
	uint32_t *groups;         /* malloc()ed; the subject points here */
	/* Escaped (a longer name from the database is cut with "..."), or
	 * the uid in digits. */
	char name[ESCAPED_SIZE(ACL_MAX_WHO)];
	bool named;               /* the database had a name */
};

/* This process. Dies with EXIT_PRIVS if the kernel will not say. */
void ids_self(struct ids *ids);
/* The same with the name already looked up for this uid (NULL: the
 * database had none), so that a grant asks the database once. */
void ids_self_named(struct ids *ids, const char *name);

/* The user @who (a name or a uid), as the user database has it:
 * for root's --explain --user. 0, or -ENOENT / -errno. */
int ids_user(const char *who, struct ids *ids);

void ids_free(struct ids *ids);

/* acl_resolve_fn over getpwnam_r()/getgrnam_r(). */
int ids_resolve(void *ctx, enum acl_who_kind kind, const char *name,
		uint32_t *id);

#endif
