// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy.h"

#include <stdio.h>
#include <string.h>

#include "ids.h"
#include "strutil.h"
#include "die.h"

int policy_load(struct acl *acl, const struct acl_io *io,
		struct acl_error *err)
{
	int rc;

	rc = acl_load(acl, TAPGATE_ACL_PATH, io, err);
	if (rc < 0)
		return rc;
	rc = acl_resolve(acl, ids_resolve, NULL, err);
	if (rc < 0)
		acl_free(acl);
	return rc;
}

void policy_decide(const struct acl *acl, const struct acl_subject *who,
		   const struct bridge *br, struct acl_decision *d)
{
	struct acl_decision alt;

	acl_decide(acl, who, bridge_acl_name(br), d);
	if (d->verdict != ACL_VERDICT_ALLOW || !br->by_altname)
		return;
	acl_decide(acl, who, br->requested, &alt);
	if (alt.verdict == ACL_VERDICT_DENY_RULE)
		*d = alt;
}

int policy_status(const struct bridge *br, const struct acl_decision *d)
{
	/* The grant resolves the bridge before it decides. */
	if (br->state != BRIDGE_OK)
		return EXIT_BRIDGE;
	return d->verdict == ACL_VERDICT_ALLOW ? 0 : EXIT_DENIED;
}

noreturn void policy_die(const struct acl_error *err)
{
	char why[2048], logged[1200], file[1024];

	/* The message may quote a line of a file this caller could read
	 * (an include of /etc/shadow for a member of group shadow); the
	 * log only says where the problem is. */
	str_escape(file, sizeof(file), err->file, strlen(err->file));
	(void)snprintf(logged, sizeof(logged), "failed to parse default acl file `%s': problem at %s:%u (shown to the caller only; tapgate --check prints it)",
		       TAPGATE_ACL_PATH, file[0] ? file : TAPGATE_ACL_PATH,
		       err->line);
	die_private(EXIT_ACL, logged, "failed to parse default acl file `%s': %s",
		    TAPGATE_ACL_PATH, policy_error(err, why, sizeof(why)));
}

char *policy_error(const struct acl_error *err, char *out, size_t outsz)
{
	char file[1024];

	/* Paths come from root's files, but are shown escaped all the same. */
	str_escape(file, sizeof(file), err->file, strlen(err->file));
	if (err->line)
		snprintf(out, outsz, "%s:%u: %s", file, err->line, err->msg);
	else if (err->file[0] && strcmp(err->file, TAPGATE_ACL_PATH) != 0)
		snprintf(out, outsz, "%s: %s", file, err->msg);
	else
		snprintf(out, outsz, "%s", err->msg);
	return out;
}
