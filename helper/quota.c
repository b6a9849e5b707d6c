// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "quota.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "strutil.h"
#include "die.h"

#define SLOT_FMT NETLINK_OURS_PREFIX "%u.%d."

int quota_parse_name(const char *alt, struct quota_name *out)
{
	const char *p = alt;
	/* Zeroed for gcc -fanalyzer, which misses that the loop fills it. */
	unsigned long v[3] = { 0 };

	memset(out, 0, sizeof(*out));
	if (strncmp(p, NETLINK_OURS_PREFIX, strlen(NETLINK_OURS_PREFIX)) != 0)
		return -EINVAL;
	p += strlen(NETLINK_OURS_PREFIX);
	/* UID "." BRIDGEINDEX "." ( K | "t" IFINDEX ), decimal, no sign. */
	for (int i = 0; i < 3; i++) {
		if (i == 2 && *p == 't') {
			out->marker = true;
			p++;
		}
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (v[i] = 0; *p >= '0' && *p <= '9'; p++) {
			v[i] = v[i] * 10 + (unsigned long)(*p - '0');
			if (v[i] > 0xffffffffUL)
				return -EINVAL;
		}
		if (*p != (i < 2 ? '.' : '\0'))
			return -EINVAL;
		p += i < 2;
	}
	if (v[1] > 0x7fffffffUL)
		return -EINVAL;
	out->uid = (uint32_t)v[0];
	out->bridge = (int)v[1];
	out->slot = out->marker ? 0 : (unsigned)v[2];
	return 0;
}

bool quota_is_orphan(const struct netlink_link *l)
{
	struct quota_name n;

	return strcmp(l->kind, "tun") == 0 && l->tap && l->persist &&
	       !l->held && quota_parse_name(l->ours, &n) == 0;
}

struct count_ctx {
	uid_t uid;
	const struct bridge *br;
	unsigned max;
	struct quota_use *use;
};

static void reset(void *arg)
{
	struct count_ctx *c = arg;

	memset(c->use, 0, sizeof(*c->use));
}

void quota_tally(struct quota_use *use, uid_t uid, const struct bridge *br,
		 unsigned max, const struct netlink_link *l)
{
	struct quota_name n;

	if (!l->tap || l->master != br->ifindex ||
	    quota_parse_name(l->ours, &n) < 0)
		return;
	if (quota_is_orphan(l)) {
		if (use->n_orphans < QUOTA_SHOW_TAPS)
			memcpy(use->orphan_names[use->n_orphans], l->name,
			       IFNAME_SIZE);
		if (use->n_orphans < QUOTA_REAP_MAX)
			use->orphans[use->n_orphans++] = l->ifindex;
		return;
	}
	if (n.uid != (uint32_t)uid || n.bridge != br->ifindex)
		return;
	use->in_use++;
	if (!n.marker && n.slot < QUOTA_SLOT_BITS)
		use->taken[n.slot / 64] |= (uint64_t)1 << (n.slot % 64);
	if (n.marker || (max && n.slot >= max))
		use->outside++;
	if (use->n_shown < QUOTA_SHOW_TAPS)
		memcpy(use->taps[use->n_shown++], l->name, IFNAME_SIZE);
}

static int on_port(const struct netlink_link *l, void *arg)
{
	struct count_ctx *c = arg;

	quota_tally(c->use, c->uid, c->br, c->max, l);
	return 0;
}

int quota_count(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		unsigned max, struct quota_use *use)
{
	struct count_ctx c = { .uid = uid, .br = br, .max = max, .use = use };

	/* Only the bridge's tun ports: the kernel filters the dump by
	 * master and kind, so the cost follows the bridge, not the host. */
	return netlink_dump(sk, br->ifindex, "tun", on_port, reset, &c);
}

unsigned quota_reap(struct nl_sock *sk, const struct quota_use *use)
{
	unsigned gone = 0;

	for (unsigned i = 0; i < use->n_orphans && gone < QUOTA_REAP_PER_GRANT;
	     i++) {
		struct netlink_link l;

		/* Look again, by index: re-attached (TUNSETIFF by name, by
		 * its owner) since the dump, it is held and stays. */
		if (netlink_get(sk, use->orphans[i], NULL, &l) < 0 ||
		    !quota_is_orphan(&l))
			continue;
		if (netlink_delete(sk, l.ifindex) == 0)
			gone++;
	}
	return gone;
}

char *quota_names(const char (*names)[IFNAME_SIZE], unsigned n_shown,
		  unsigned total, const char *sep, char *out, size_t outsz)
{
	size_t off = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < n_shown && off + 1 < outsz; i++) {
		char shown[ESCAPED_SIZE(IFNAME_SIZE)];

		str_escape(shown, sizeof(shown), names[i], strlen(names[i]));
		off += (size_t)snprintf(out + off, outsz - off, "%s%s",
					i ? sep : "", shown);
	}
	if (total > n_shown && off + 1 < outsz)
		snprintf(out + off, outsz - off, "%s...", sep);
	return out;
}

char *quota_list(const struct quota_use *use, char *out, size_t outsz)
{
	return quota_names((const char (*)[IFNAME_SIZE])use->taps,
			   use->n_shown, use->in_use, ", ", out, outsz);
}

void quota_check(uid_t uid, const struct bridge *br, unsigned max,
		 const struct quota_use *use)
{
	char list[256];

	if (use->in_use < max)
		return;
	die(EXIT_QUOTA, "quota reached: uid %u already has %u tap%s on bridge '%s' (%s) and the ACL allows at most %u; close one first",
	    (unsigned)uid, use->in_use, use->in_use == 1 ? "" : "s",
	    br->shown, quota_list(use, list, sizeof(list)), max);
}

/* "tapgate.UID.BRIDGEINDEX." then @marker and @v: slot K or "tIFINDEX". */
static void slot_name(char *out, size_t outsz, uid_t uid,
		      const struct bridge *br, const char *marker,
		      unsigned long v)
{
	snprintf(out, outsz, SLOT_FMT "%s%lu", (unsigned)uid, br->ifindex,
		 marker, v);
}

/* Try slot @k; 1 if taken by a live tap of ours, 0 if now ours. */
static int try_slot(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		    unsigned k, int ifindex)
{
	char name[NETLINK_OURS_SIZE];

	slot_name(name, sizeof(name), uid, br, "", k);
	for (int attempt = 0; attempt < 2; attempt++) {
		struct netlink_link one;
		int rc = netlink_altname(sk, ifindex, true, name);

		if (rc != -EEXIST)
			return rc;
		rc = netlink_get_altname(sk, name, &one);
		if (rc == -ENODEV)
			continue; /* its tap just closed: try again */
		if (rc < 0)
			return rc;
		/* A live tap on this bridge, or on its way there, keeps its
		 * slot; an orphan is reaped by the next scan. Anything else
		 * (a tap moved to another bridge by hand) gives it back:
		 * delete the name from that device only; if it moved on
		 * meanwhile, nothing happens. */
		if (one.tap && (one.master == br->ifindex || one.master == 0))
			return 1;
		rc = netlink_altname(sk, one.ifindex, false, name);
		if (rc < 0 && rc != -ENODEV && rc != -ENOENT)
			return rc;
	}
	return 1;
}

long quota_next_slot(const struct quota_use *use, unsigned max,
		     unsigned from)
{
	/*
	 * Taps that hold no slot below max (granted without a max, or
	 * under a larger one) use up the top slots: such taps only ever
	 * go away while this limit holds, so every tap counted here and
	 * every slot a racing request can take add up to at most max.
	 * Slots the scan saw taken are skipped: one request, not one per
	 * tap, in the common case.
	 */
	if (use->outside >= max)
		return -1; /* quota_check() refused this already */
	for (unsigned k = from; k < max - use->outside; k++) {
		if (k < QUOTA_SLOT_BITS &&
		    (use->taken[k / 64] & ((uint64_t)1 << (k % 64))))
			continue;
		return (long)k;
	}
	return -1;
}

void quota_claim(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		 unsigned max, const struct quota_use *use, int ifindex)
{
	for (long k = quota_next_slot(use, max, 0); k >= 0;
	     k = quota_next_slot(use, max, (unsigned)k + 1)) {
		int rc = try_slot(sk, uid, br, (unsigned)k, ifindex);

		if (rc == 0)
			return;
		if (rc < 0)
			die(EXIT_TAP, "failed to claim a quota slot on bridge '%s': %s",
			    br->shown, strerror(-rc));
	}
	die(EXIT_QUOTA, "quota reached: uid %u may have at most %u tap%s on bridge '%s', and concurrent requests took the rest",
	    (unsigned)uid, max, max == 1 ? "" : "s", br->shown);
}

void quota_mark(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		int ifindex)
{
	char name[NETLINK_OURS_SIZE];
	int rc;

	slot_name(name, sizeof(name), uid, br, "t", (unsigned long)ifindex);
	rc = netlink_altname(sk, ifindex, true, name);
	if (rc < 0)
		die(EXIT_TAP, "failed to name the tap for bridge '%s' (altname %s): %s",
		    br->shown, name, strerror(-rc));
}
