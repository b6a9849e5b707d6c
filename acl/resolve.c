// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resolve.c - the user and group names of the rules, turned into ids
 * through the caller's lookup callback.
 *
 * "No such name" leaves a rule matching nobody; a lookup that failed
 * fails the load, since a deny rule that silently matched nobody would
 * open the door (a name service that is down is not "no such group").
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "strutil.h"

/* How many earlier rules are searched for the same name. */
#define SEEN_WINDOW 64

static void lookup_failed(struct acl_error *err, const struct acl_rule *r,
			  enum acl_who_kind kind, const struct acl_who *who,
			  int rc)
{
	const char *what = kind == ACL_WHO_USER ? "user" : "group";
	char shown[ESCAPED_SIZE(ACL_MAX_WHO)];

	str_escape(shown, sizeof(shown), who->name, strlen(who->name));
	(void)snprintf(err->file, sizeof(err->file), "%s", r->file);
	err->line = r->line;
	/* May cut: a message. */
	(void)snprintf(err->msg, sizeof(err->msg),
		       "cannot look up %s '%s': %s (the %s database failed, which is not 'no such %s': every request is refused until it answers)",
		       what, shown, strerror(-rc), what, what);
}

/* The same name in an earlier rule: reuse its answer. */
static const struct acl_who *seen(const struct acl *acl, size_t upto,
				  enum acl_who_kind kind, const char *name)
{
	size_t from = upto > SEEN_WINDOW ? upto - SEEN_WINDOW : 0;

	for (size_t i = from; i < upto; i++) {
		const struct acl_who *w = kind == ACL_WHO_USER ?
			&acl->rules[i].user : &acl->rules[i].group;

		if (w->set && !w->numeric && strcmp(w->name, name) == 0)
			return w;
	}
	return NULL;
}

static int resolve_who(const struct acl *acl, size_t i, struct acl_who *who,
		       enum acl_who_kind kind, acl_resolve_fn fn, void *ctx)
{
	const struct acl_who *prev = seen(acl, i, kind, who->name);
	uint32_t id = 0;
	int rc;

	if (prev) {
		who->resolved = prev->resolved;
		who->id = prev->id;
		who->lookup = prev->lookup;
		return who->lookup;
	}
	rc = fn(ctx, kind, who->name, &id);
	if (rc > 0)
		rc = -EIO; /* not the callback's contract: fail closed */
	who->lookup = rc;
	who->resolved = rc == 0;
	who->id = rc == 0 ? id : 0;
	return rc;
}

int acl_resolve_each(struct acl *acl, acl_resolve_fn fn,
		     acl_resolved_fn report, void *ctx, struct acl_error *err)
{
	int first = 0;

	memset(err, 0, sizeof(*err));
	for (size_t i = 0; i < acl->n_rules; i++) {
		struct acl_rule *r = &acl->rules[i];
		struct acl_who *who[2] = { &r->user, &r->group };

		for (int k = 0; k < 2; k++) {
			enum acl_who_kind kind = k ? ACL_WHO_GROUP : ACL_WHO_USER;
			int rc;

			if (!who[k]->set || who[k]->numeric)
				continue;
			rc = resolve_who(acl, i, who[k], kind, fn, ctx);
			if (report)
				report(ctx, r, kind, who[k], rc);
			if (rc == 0 || rc == -ENOENT)
				continue;
			if (first == 0) {
				first = rc;
				lookup_failed(err, r, kind, who[k], rc);
			}
			if (!report)
				return rc;
		}
	}
	return first;
}

int acl_resolve(struct acl *acl, acl_resolve_fn fn, void *ctx,
		struct acl_error *err)
{
	return acl_resolve_each(acl, fn, NULL, ctx, err);
}
