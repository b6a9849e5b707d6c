// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * decide.c - whether a rule matches a caller, and the verdict of a
 * whole ACL: any matching deny wins, else any matching allow grants,
 * else nothing does. The order of rules never matters.
 */
#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "pattern.h"
#include "strutil.h"

static bool who_matches(const struct acl_who *w, const struct acl_subject *s,
			bool group)
{
	if (!w->set)
		return true;
	if (!w->resolved)
		return false; /* an unknown name matches nobody */
	if (!group)
		return w->id == s->uid;
	if (w->id == s->gid)
		return true;
	for (size_t i = 0; i < s->n_groups; i++)
		if (s->groups[i] == w->id)
			return true;
	return false;
}

bool acl_rule_matches(const struct acl_rule *r, const struct acl_subject *who,
		      const char *bridge)
{
	switch (r->kind) {
	case ACL_TARGET_ALL:
		break;
	case ACL_TARGET_NAME:
		if (strcmp(r->target, bridge) != 0)
			return false;
		break;
	case ACL_TARGET_PATTERN:
		if (!pattern_match(r->target, bridge))
			return false;
		break;
	}
	return who_matches(&r->user, who, false) &&
	       who_matches(&r->group, who, true);
}

void acl_decide(const struct acl *acl, const struct acl_subject *who,
		const char *bridge, struct acl_decision *d)
{
	bool unlimited = false;

	memset(d, 0, sizeof(*d));
	d->verdict = ACL_VERDICT_DENY_DEFAULT;
	for (size_t i = 0; i < acl->n_rules; i++) {
		const struct acl_rule *r = &acl->rules[i];

		if (!acl_rule_matches(r, who, bridge))
			continue;
		if (r->action == ACL_DENY) {
			memset(d, 0, sizeof(*d));
			d->verdict = ACL_VERDICT_DENY_RULE;
			d->rule = r;
			return;
		}
		if (d->verdict == ACL_VERDICT_DENY_DEFAULT) {
			d->verdict = ACL_VERDICT_ALLOW;
			d->rule = r;
		}
		/* Options: the union, each with the first rule giving it. */
		for (int o = 0; o < ACL_N_OPTIONS; o++) {
			if (!(r->options & ACL_OPTION_BIT(o)) ||
			    (d->options & ACL_OPTION_BIT(o)))
				continue;
			d->options |= ACL_OPTION_BIT(o);
			d->option_rule[o] = r;
		}
		if (!r->max)
			unlimited = true;
		else if (r->max > d->max)
			d->max = r->max;
	}
	if (unlimited)
		d->max = 0;
}

char *acl_rule_format(const struct acl_rule *r, char *out, size_t outsz)
{
	/* Names of users and groups were validated: nothing to escape. */
	char target[ESCAPED_SIZE(ACL_MAX_PATTERN)];
	char user[sizeof(" user ") + ACL_MAX_WHO];
	char group[sizeof(" group ") + ACL_MAX_WHO], max[24] = "";
	char opts[64] = "";
	size_t len = 0;

	str_escape(target, sizeof(target), r->target, strlen(r->target));
	user[0] = group[0] = '\0';
	if (r->user.set)
		snprintf(user, sizeof(user), " user %s", r->user.name);
	if (r->group.set)
		snprintf(group, sizeof(group), " group %s", r->group.name);
	if (r->max)
		snprintf(max, sizeof(max), " max %u", r->max);
	for (int o = 0; o < ACL_N_OPTIONS; o++) {
		int n;

		if (!(r->options & ACL_OPTION_BIT(o)))
			continue;
		n = snprintf(opts + len, sizeof(opts) - len, " %s",
			     acl_option_name((enum acl_option)o));
		if (n > 0 && (size_t)n < sizeof(opts) - len)
			len += (size_t)n;
	}
	snprintf(out, outsz, "%s %s%s%s%s%s", r->action == ACL_ALLOW ? "allow" :
		 "deny", target, user, group, max, opts);
	return out;
}