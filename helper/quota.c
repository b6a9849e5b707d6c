// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "quota.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "strutil.h"
#include "tapgate.h"

#define SLOT_FMT "tapgate.%u.%d."
#define SLOT_SIZE 64

/* What one RTM_NEWLINK says about a device. */
struct link_info {
	bool seen;
	int ifindex;
	int master;
	bool tap;                 /* kind tun, in tap mode */
	bool ours;                /* an altname with our prefix: */
	bool marker;              /* "...tIFINDEX", granted without max */
	unsigned slot;            /* or "...K", quota slot K */
	char name[IFNAME_SIZE];
};

struct count_ctx {
	uid_t uid;
	const struct bridge *br;
	unsigned max;             /* for quota_use.outside; 0: none */
	char prefix[SLOT_SIZE];
	struct quota_use *use;
	struct link_info one;     /* for a single lookup */
};

static void parse_tun(struct nlattr *data, struct link_info *li)
{
	struct nlattr *tb[IFLA_TUN_MAX + 1];

	if (nla_parse_nested(tb, IFLA_TUN_MAX, data, NULL) < 0)
		return;
	if (tb[IFLA_TUN_TYPE] && nla_len(tb[IFLA_TUN_TYPE]) >= 1)
		li->tap = nla_get_u8(tb[IFLA_TUN_TYPE]) == IFF_TAP;
}

/* One altname: ours if it is PREFIX then digits (a slot) or "t" and
 * digits (a marker). */
static void parse_altname(const char *name, const char *prefix,
			  struct link_info *li)
{
	size_t plen = strlen(prefix);
	const char *p = name + plen;
	bool marker = false;
	unsigned long v = 0;

	if (strncmp(name, prefix, plen) != 0)
		return;
	if (*p == 't') {
		marker = true;
		p++;
	}
	if (*p < '0' || *p > '9')
		return;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > 0xffffffffUL)
			return;
	}
	if (*p)
		return;
	li->ours = true;
	li->marker = marker;
	li->slot = marker ? 0 : (unsigned)v;
}

static void parse_link(struct nl_msg *msg, const char *prefix,
		       struct link_info *li)
{
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifinfomsg *ifi;

	memset(li, 0, sizeof(*li));
	if (hdr->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(hdr, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return;
	ifi = nlmsg_data(hdr);
	li->seen = true;
	li->ifindex = ifi->ifi_index;
	if (tb[IFLA_MASTER] && nla_len(tb[IFLA_MASTER]) >= 4)
		li->master = (int)nla_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_IFNAME])
		nla_strlcpy(li->name, tb[IFLA_IFNAME], sizeof(li->name));
	if (tb[IFLA_LINKINFO]) {
		struct nlattr *info[IFLA_INFO_MAX + 1];

		if (nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO],
				     NULL) == 0 && info[IFLA_INFO_KIND] &&
		    info[IFLA_INFO_DATA] &&
		    strcmp(nla_get_string(info[IFLA_INFO_KIND]), "tun") == 0)
			parse_tun(info[IFLA_INFO_DATA], li);
	}
	if (tb[IFLA_PROP_LIST]) {
		struct nlattr *a;
		int rem;

		nla_for_each_nested(a, tb[IFLA_PROP_LIST], rem) {
			char alt[SLOT_SIZE + 16];

			if (nla_type(a) != IFLA_ALT_IFNAME || li->ours)
				continue;
			nla_strlcpy(alt, a, sizeof(alt));
			parse_altname(alt, prefix, li);
		}
	}
}

/* A tap on @br that tapgate granted to @uid: it carries one of the
 * uid's names for the bridge. Not the tun owner: whoever holds a tap's
 * fd may change that (TUNSETOWNER), and so give a tap away or pin it
 * on someone else. */
static int on_link(struct nl_msg *msg, void *arg)
{
	struct count_ctx *c = arg;
	struct quota_use *use = c->use;
	struct link_info li;

	parse_link(msg, c->prefix, &li);
	if (!li.seen || !li.tap || li.master != c->br->ifindex || !li.ours)
		return NL_OK;
	use->in_use++;
	if (li.marker || (c->max && li.slot >= c->max))
		use->outside++;
	if (use->n_shown < QUOTA_SHOW_TAPS)
		memcpy(use->taps[use->n_shown++], li.name, IFNAME_SIZE);
	return NL_OK;
}

static int on_one(struct nl_msg *msg, void *arg)
{
	struct count_ctx *c = arg;

	parse_link(msg, c->prefix, &c->one);
	return NL_OK;
}

static struct nl_msg *link_request(int type, int flags, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* Send @msg (freed) and feed every answer to @fn. */
static int transact(struct nl_sock *sk, struct nl_msg *msg,
		    nl_recvmsg_msg_cb_t fn, void *arg)
{
	bool dump = nlmsg_hdr(msg)->nlmsg_flags & NLM_F_DUMP;
	struct nl_cb *cb, *orig;
	int rc;

	rc = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (rc < 0)
		return rc;
	orig = nl_socket_get_cb(sk); /* a reference of our own */
	cb = orig ? nl_cb_clone(orig) : NULL;
	nl_cb_put(orig);
	if (!cb)
		return -NLE_NOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, fn, arg);
	rc = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	/* libnl asks for an ACK on every request; after the answer to a
	 * single GET it follows as a message of its own, and left queued
	 * it would be taken for the answer to our next request. A dump
	 * ends with NLMSG_DONE and has none. */
	if (rc >= 0 && !dump)
		rc = nl_wait_for_ack(sk);
	return rc;
}

/* "tapgate.UID.BRIDGEINDEX.": what all of @uid's names on @br start with. */
static void name_prefix(char prefix[SLOT_SIZE], uid_t uid,
			const struct bridge *br)
{
	snprintf(prefix, SLOT_SIZE, SLOT_FMT, (unsigned)uid, br->ifindex);
}

static void init_ctx(struct count_ctx *c, uid_t uid, const struct bridge *br,
		     unsigned max, struct quota_use *use)
{
	memset(c, 0, sizeof(*c));
	c->uid = uid;
	c->br = br;
	c->max = max;
	c->use = use;
	name_prefix(c->prefix, uid, br);
}

static int count_once(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		      unsigned max, struct quota_use *use)
{
	struct count_ctx c;
	struct nl_msg *msg;
	struct nlattr *info;

	memset(use, 0, sizeof(*use));
	init_ctx(&c, uid, br, max, use);
	/* Only the bridge's tun ports: the kernel filters the dump by
	 * master and kind, so the cost follows the bridge, not the host. */
	msg = link_request(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 0);
	if (!msg)
		return -NLE_NOMEM;
	if (nla_put_u32(msg, IFLA_MASTER, (uint32_t)br->ifindex) < 0 ||
	    nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0 ||
	    !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
	    nla_put_string(msg, IFLA_INFO_KIND, "tun") < 0) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	nla_nest_end(msg, info);
	return transact(sk, msg, on_link, &c);
}

int quota_count(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		unsigned max, struct quota_use *use)
{
	int rc = -NLE_DUMP_INTR;

	/* A dump the kernel saw links change under is flagged, not
	 * wrong: count again, a few times. */
	for (int i = 0; i < 5 && rc == -NLE_DUMP_INTR; i++)
		rc = count_once(sk, uid, br, max, use);
	return rc;
}

char *quota_list(const struct quota_use *use, char *out, size_t outsz)
{
	size_t off = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < use->n_shown && off + 1 < outsz; i++) {
		char shown[4 * IFNAME_SIZE];

		str_escape(shown, sizeof(shown), use->taps[i],
			   strlen(use->taps[i]));
		off += (size_t)snprintf(out + off, outsz - off, "%s%s",
					i ? ", " : "", shown);
	}
	if (use->in_use > use->n_shown && off + 1 < outsz)
		snprintf(out + off, outsz - off, ", ...");
	return out;
}

/* RTM_NEWLINKPROP / RTM_DELLINKPROP of one altname. */
static int altname(struct nl_sock *sk, int type, int ifindex, const char *name)
{
	struct nl_msg *msg = link_request(type, NLM_F_REQUEST, ifindex);
	struct nlattr *list;

	if (!msg)
		return -NLE_NOMEM;
	if (!(list = nla_nest_start(msg, IFLA_PROP_LIST)) ||
	    nla_put_string(msg, IFLA_ALT_IFNAME, name) < 0) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	nla_nest_end(msg, list);
	return nl_send_sync(sk, msg); /* frees msg, waits for the ack */
}

/* Whoever holds slot @name: still one of ours, or reclaimable? */
static int holder(struct nl_sock *sk, struct count_ctx *c, const char *name)
{
	struct nl_msg *msg = link_request(RTM_GETLINK, NLM_F_REQUEST, 0);

	memset(&c->one, 0, sizeof(c->one));
	if (!msg)
		return -NLE_NOMEM;
	if (nla_put_string(msg, IFLA_ALT_IFNAME, name) < 0 ||
	    nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	return transact(sk, msg, on_one, c);
}

/* Try slot @k; 1 if taken by a live tap of ours, 0 if now ours. */
static int try_slot(struct nl_sock *sk, struct count_ctx *c, unsigned k,
		    int ifindex)
{
	char name[SLOT_SIZE + 16];

	snprintf(name, sizeof(name), "%s%u", c->prefix, k);
	for (int attempt = 0; attempt < 2; attempt++) {
		int rc = altname(sk, RTM_NEWLINKPROP, ifindex, name);

		if (rc != -NLE_EXIST)
			return rc;
		rc = holder(sk, c, name);
		if (rc == -NLE_NODEV || rc == -NLE_OBJ_NOTFOUND)
			continue; /* its tap just closed: try again */
		if (rc < 0)
			return rc;
		if (!c->one.seen)
			continue;
		/* A tap on this bridge, or on its way there, keeps its
		 * slot. Anything else (a tap moved to another bridge by
		 * hand) gives it back: delete the name from that device
		 * only; if it moved on meanwhile, nothing happens. */
		if (c->one.tap && (c->one.master == c->br->ifindex ||
				   c->one.master == 0))
			return 1;
		rc = altname(sk, RTM_DELLINKPROP, c->one.ifindex, name);
		if (rc < 0 && rc != -NLE_OBJ_NOTFOUND && rc != -NLE_NODEV)
			return rc;
	}
	return 1;
}

void quota_claim(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		 unsigned max, int ifindex)
{
	struct quota_use use;
	struct count_ctx c;
	int rc;

	rc = quota_count(sk, uid, br, max, &use);
	if (rc < 0)
		die(EXIT_TAP, "failed to count the taps of uid %u on bridge '%s': %s",
		    (unsigned)uid, br->shown, nl_geterror(rc));
	if (use.in_use >= max) {
		char list[256];

		die(EXIT_QUOTA, "quota reached: uid %u already has %u tap%s on bridge '%s' (%s) and the ACL allows at most %u; close one first",
		    (unsigned)uid, use.in_use, use.in_use == 1 ? "" : "s",
		    br->shown, quota_list(&use, list, sizeof(list)), max);
	}

	/*
	 * Taps that hold no slot below max (granted without a max, or
	 * under a larger one) use up the top slots: such taps only ever
	 * go away while this limit holds, so every tap counted here and
	 * every slot a racing request can take add up to at most max.
	 */
	init_ctx(&c, uid, br, max, &use);
	for (unsigned k = 0; k < max - use.outside; k++) {
		rc = try_slot(sk, &c, k, ifindex);
		if (rc == 0)
			return;
		if (rc < 0)
			die(EXIT_TAP, "failed to claim a quota slot on bridge '%s': %s",
			    br->shown, nl_geterror(rc));
	}
	die(EXIT_QUOTA, "quota reached: uid %u may have at most %u tap%s on bridge '%s', and concurrent requests took the rest",
	    (unsigned)uid, max, max == 1 ? "" : "s", br->shown);
}

void quota_mark(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		int ifindex)
{
	char prefix[SLOT_SIZE], name[SLOT_SIZE + 16];
	int rc;

	name_prefix(prefix, uid, br);
	snprintf(name, sizeof(name), "%st%d", prefix, ifindex);
	rc = altname(sk, RTM_NEWLINKPROP, ifindex, name);
	if (rc < 0)
		die(EXIT_TAP, "failed to name the tap for bridge '%s' (altname %s): %s",
		    br->shown, name, nl_geterror(rc));
}
