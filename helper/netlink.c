// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "netlink.h"

#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <string.h>
#include <sys/uio.h>

#include "die.h"

/* Large enough for any answer the kernel sends about a tap or a bridge
 * (a dump is cut into parts of at most 32 KiB): one recvmsg() each,
 * without the peek libnl does when it does not know the size. */
#define RECV_BUF_SIZE 65536

struct nl_sock *netlink_open(void)
{
	struct nl_sock *sk;
	struct nl_cb *cb;
	int rc;

	/* An explicit default callback set: never a debug/verbose one. */
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	sk = cb ? nl_socket_alloc_cb(cb) : NULL;
	nl_cb_put(cb);
	if (!sk)
		die(EXIT_TAP, "failed to allocate a netlink socket: out of memory");
	/* Acks only where a request asks for one (NLM_F_ACK below). */
	nl_socket_disable_auto_ack(sk);
	rc = nl_connect(sk, NETLINK_ROUTE);
	if (rc < 0)
		die(EXIT_TAP, "failed to open a netlink socket: %s",
		    nl_geterror(rc));
	if (nl_socket_set_msg_buf_size(sk, RECV_BUF_SIZE) < 0)
		die(EXIT_TAP, "failed to size the netlink receive buffer");
	nl_socket_disable_msg_peek(sk);
	return sk;
}

/* libnl's codes for what did not come from the kernel. */
static int to_errno(int nle)
{
	switch (-nle) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_DUMP_INTR:
		return -EINTR;
	case NLE_MSG_TRUNC:
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_BAD_SOCK:
		return -EBADF;
	default:
		return -EPROTO; /* a malformed or unexpected answer */
	}
}

static void parse_tun(struct nlattr *data, struct netlink_link *l)
{
	struct nlattr *tb[IFLA_TUN_MAX + 1];
	unsigned queues = 0;

	/* The kernel reports queues only for a multi-queue device
	 * (tun_fill_info). A single-queue tap has carrier exactly while
	 * an fd is attached: the kernel turns it off when the last one
	 * detaches, and only a holder (TUNSETCARRIER) or CAP_NET_ADMIN
	 * can turn it on. A holder that turns it off itself looks let go. */
	l->held = l->carrier;
	if (nla_parse_nested(tb, IFLA_TUN_MAX, data, NULL) < 0)
		return;
	if (tb[IFLA_TUN_TYPE] && nla_len(tb[IFLA_TUN_TYPE]) >= 1)
		l->tap = nla_get_u8(tb[IFLA_TUN_TYPE]) == IFF_TAP;
	if (tb[IFLA_TUN_PERSIST] && nla_len(tb[IFLA_TUN_PERSIST]) >= 1)
		l->persist = nla_get_u8(tb[IFLA_TUN_PERSIST]) != 0;
	if (tb[IFLA_TUN_OWNER] && nla_len(tb[IFLA_TUN_OWNER]) >= 4) {
		l->owner_set = true;
		l->owner = nla_get_u32(tb[IFLA_TUN_OWNER]);
	}
	if (!tb[IFLA_TUN_NUM_QUEUES])
		return;
	/* A detached queue (IFF_DETACH_QUEUE) is still an fd that holds
	 * the device. */
	if (tb[IFLA_TUN_NUM_QUEUES] && nla_len(tb[IFLA_TUN_NUM_QUEUES]) >= 4)
		queues += nla_get_u32(tb[IFLA_TUN_NUM_QUEUES]);
	if (tb[IFLA_TUN_NUM_DISABLED_QUEUES] &&
	    nla_len(tb[IFLA_TUN_NUM_DISABLED_QUEUES]) >= 4)
		queues += nla_get_u32(tb[IFLA_TUN_NUM_DISABLED_QUEUES]);
	l->held = queues > 0;
}

/* The bridge port flags a change may set, and how the kernel names them. */
static const struct {
	int attr;
	unsigned flag;
} port_flags[] = {
	{ IFLA_BRPORT_ISOLATED, NETLINK_PORT_ISOLATED },
	{ IFLA_BRPORT_GUARD, NETLINK_PORT_GUARD },
	{ IFLA_BRPORT_PROTECT, NETLINK_PORT_ROOT_BLOCK },
};

/* IFLA_INFO_SLAVE_DATA of a bridge port: which flags the kernel knows
 * (it reports every one it has) and which are on. */
static void parse_port(struct nlattr *data, struct netlink_link *l)
{
	struct nlattr *tb[IFLA_BRPORT_MAX + 1];

	if (nla_parse_nested(tb, IFLA_BRPORT_MAX, data, NULL) < 0)
		return;
	l->bridge_port = true;
	for (size_t i = 0; i < sizeof(port_flags) / sizeof(port_flags[0]); i++) {
		struct nlattr *a = tb[port_flags[i].attr];

		if (!a || nla_len(a) < 1)
			continue;
		l->port_known |= port_flags[i].flag;
		if (nla_get_u8(a))
			l->port_on |= port_flags[i].flag;
	}
}

int netlink_parse_link(struct nlmsghdr *hdr, struct netlink_link *l)
{
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifinfomsg *ifi;

	memset(l, 0, sizeof(*l));
	if (hdr->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(hdr, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return -EINVAL;
	ifi = nlmsg_data(hdr);
	l->ifindex = ifi->ifi_index;
	l->up = ifi->ifi_flags & IFF_UP;
	if (tb[IFLA_CARRIER] && nla_len(tb[IFLA_CARRIER]) >= 1)
		l->carrier = nla_get_u8(tb[IFLA_CARRIER]) != 0;
	if (tb[IFLA_MASTER] && nla_len(tb[IFLA_MASTER]) >= 4)
		l->master = (int)nla_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_MTU] && nla_len(tb[IFLA_MTU]) >= 4)
		l->mtu = nla_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_IFNAME])
		nla_strlcpy(l->name, tb[IFLA_IFNAME], sizeof(l->name));
	if (tb[IFLA_IFALIAS])
		nla_strlcpy(l->alias, tb[IFLA_IFALIAS], sizeof(l->alias));
	if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == 6) {
		l->has_mac = true;
		memcpy(l->mac, nla_data(tb[IFLA_ADDRESS]), 6);
	}
	if (tb[IFLA_LINKINFO]) {
		struct nlattr *info[IFLA_INFO_MAX + 1];

		if (nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO],
				     NULL) == 0 && info[IFLA_INFO_KIND]) {
			nla_strlcpy(l->kind, info[IFLA_INFO_KIND],
				    sizeof(l->kind));
			if (strcmp(l->kind, "tun") == 0 && info[IFLA_INFO_DATA])
				parse_tun(info[IFLA_INFO_DATA], l);
		}
		if (info[IFLA_INFO_SLAVE_KIND] && info[IFLA_INFO_SLAVE_DATA] &&
		    nla_strcmp(info[IFLA_INFO_SLAVE_KIND], "bridge") == 0)
			parse_port(info[IFLA_INFO_SLAVE_DATA], l);
	}
	if (tb[IFLA_PROP_LIST]) {
		struct nlattr *a;
		int rem;

		nla_for_each_nested(a, tb[IFLA_PROP_LIST], rem) {
			if (nla_type(a) != IFLA_ALT_IFNAME || l->ours[0] ||
			    nla_len(a) > NETLINK_OURS_SIZE ||
			    strncmp(nla_data(a), NETLINK_OURS_PREFIX,
				    strlen(NETLINK_OURS_PREFIX)) != 0)
				continue;
			nla_strlcpy(l->ours, a, sizeof(l->ours));
		}
	}
	return 0;
}

/* One request and its answers. */
struct reply {
	netlink_link_fn fn;       /* each RTM_NEWLINK, or NULL */
	void *ctx;
	int fn_rc;                /* the first non-zero return of fn */
	int err;                  /* the kernel's -errno, if it sent one */
	int n_links;
	uint32_t seq2;            /* a second request in the same send */
	int err2;                 /* the kernel's -errno for that one */
	int n_errs;               /* errors the kernel sent */
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;
	struct netlink_link l;

	/* After fn said stop, read on to the end of the answer all the
	 * same: left queued, it would be taken for the next answer. */
	if (!r->fn || r->fn_rc || netlink_parse_link(nlmsg_hdr(msg), &l) < 0)
		return NL_OK;
	r->n_links++;
	r->fn_rc = r->fn(&l, r->ctx);
	return NL_OK;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct reply *r = arg;

	/* The kernel's own -errno, before libnl maps it; by request. */
	if (r->seq2 && e->msg.nlmsg_seq == r->seq2)
		r->err2 = e->error;
	else
		r->err = e->error;
	r->n_errs++;
	return NL_STOP;
}

/* Read @answers answers: one datagram each (an ack, an error, one
 * link), or a whole multi-part dump. 0, fn's code or -errno. */
static int receive(struct nl_sock *sk, struct reply *r, int answers)
{
	struct nl_cb *cb, *orig;
	int rc = 0;

	orig = nl_socket_get_cb(sk); /* a reference of our own */
	cb = orig ? nl_cb_clone(orig) : NULL;
	nl_cb_put(orig);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	for (int i = 0; i < answers; i++) {
		int errs = r->n_errs;

		rc = nl_recvmsgs(sk, cb);
		/* A kernel error ends its answer, not the others; on_error()
		 * counts it from inside nl_recvmsgs(). */
		// cppcheck-suppress knownConditionTrueFalse
		if (rc < 0 && r->n_errs == errs)
			break;
		rc = 0;
	}
	nl_cb_put(cb);
	if (r->err)
		return r->err;
	if (r->err2)
		return r->err2;
	if (rc < 0)
		return to_errno(rc);
	return r->fn_rc;
}

/* Send @msg (freed) and read every answer; 0, fn's code or -errno. */
static int transact(struct nl_sock *sk, struct nl_msg *msg, struct reply *r)
{
	int rc;

	rc = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (rc < 0)
		return to_errno(rc);
	return receive(sk, r, 1);
}

static struct nl_msg *link_msg(int type, int flags, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_REQUEST | flags);

	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static int copy_one(const struct netlink_link *l, void *ctx)
{
	memcpy(ctx, l, sizeof(*l));
	return 0;
}

/* An RTM_GETLINK of one device, by @ifindex or by @name in @attr. */
static struct nl_msg *get_msg(int ifindex, int attr, const char *name)
{
	struct nl_msg *msg = link_msg(RTM_GETLINK, 0, ifindex);

	if (msg && ((name && nla_put_string(msg, attr, name) < 0) ||
		    nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static int get_by(struct nl_sock *sk, int ifindex, int attr, const char *name,
		  struct netlink_link *out)
{
	struct reply r = { .fn = copy_one, .ctx = out };
	struct nl_msg *msg = get_msg(ifindex, attr, name);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!msg)
		return -ENOMEM;
	rc = transact(sk, msg, &r);
	if (rc < 0)
		return rc;
	return r.n_links == 1 ? 0 : -ENODEV;
}

int netlink_get(struct nl_sock *sk, int ifindex, const char *name,
		struct netlink_link *out)
{
	if (ifindex > 0)
		return get_by(sk, ifindex, 0, NULL, out);
	/* The kernel looks both up by either attribute; IFLA_IFNAME only
	 * holds names that fit IFNAMSIZ. */
	return get_by(sk, 0, strlen(name) < IFNAMSIZ ? IFLA_IFNAME :
		      IFLA_ALT_IFNAME, name, out);
}

int netlink_get_altname(struct nl_sock *sk, const char *name,
			struct netlink_link *out)
{
	return get_by(sk, 0, IFLA_ALT_IFNAME, name, out);
}

static int dump_once(struct nl_sock *sk, int master, const char *kind,
		     netlink_link_fn fn, void *ctx)
{
	struct reply r = { .fn = fn, .ctx = ctx };
	struct nl_msg *msg = link_msg(RTM_GETLINK, NLM_F_DUMP, 0);
	struct nlattr *info;

	if (!msg)
		return -ENOMEM;
	/*
	 * No IFLA_EXT_MASK here: with one, the kernel sizes the dump's
	 * buffer by walking every interface of the namespace first
	 * (rtnl_calcit(): if_nlmsg_size() of each, filter or not), about
	 * 0.75 us an interface here; without, it takes NLMSG_GOODSIZE and
	 * the cost follows the bridge's ports. The mask only ever left out
	 * VF statistics, which a tap does not have.
	 */
	if (master > 0 && nla_put_u32(msg, IFLA_MASTER, (uint32_t)master) < 0)
		goto nomem;
	if (kind) {
		if (!(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
		    nla_put_string(msg, IFLA_INFO_KIND, kind) < 0)
			goto nomem;
		nla_nest_end(msg, info);
	}
	return transact(sk, msg, &r);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

int netlink_dump(struct nl_sock *sk, int master, const char *kind,
		 netlink_link_fn fn, void (*reset)(void *ctx), void *ctx)
{
	int rc = -EINTR;

	/* A dump the kernel saw links change under is flagged, not
	 * wrong: read it again, a few times. */
	for (int i = 0; i < 5 && rc == -EINTR; i++) {
		if (reset)
			reset(ctx);
		rc = dump_once(sk, master, kind, fn, ctx);
	}
	return rc;
}

/* IFLA_LINKINFO { IFLA_INFO_SLAVE_DATA { IFLA_BRPORT_* = 1 } }. */
static int put_port(struct nl_msg *msg, unsigned on)
{
	struct nlattr *info, *data;

	if (!on)
		return 0;
	if (!(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
	    !(data = nla_nest_start(msg, IFLA_INFO_SLAVE_DATA)))
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(port_flags) / sizeof(port_flags[0]); i++)
		if ((on & port_flags[i].flag) &&
		    nla_put_u8(msg, port_flags[i].attr, 1) < 0)
			return -ENOMEM;
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return 0;
}

static struct nl_msg *change_msg(int ifindex, const struct netlink_change *c)
{
	struct nl_msg *msg = link_msg(RTM_NEWLINK, NLM_F_ACK, ifindex);

	if (!msg)
		return NULL;
	if (c->up) {
		struct ifinfomsg *ifi = nlmsg_data(nlmsg_hdr(msg));

		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	if ((c->mtu && nla_put_u32(msg, IFLA_MTU, c->mtu) < 0) ||
	    (c->mac && nla_put(msg, IFLA_ADDRESS, 6, c->mac) < 0) ||
	    (c->master && nla_put_u32(msg, IFLA_MASTER, (uint32_t)c->master) < 0) ||
	    (c->ifalias && nla_put_string(msg, IFLA_IFALIAS, c->ifalias) < 0) ||
	    put_port(msg, c->port_on) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int netlink_change(struct nl_sock *sk, int ifindex,
		   const struct netlink_change *c)
{
	struct reply r = { 0 };
	struct nl_msg *msg = change_msg(ifindex, c);

	if (!msg)
		return -ENOMEM;
	return transact(sk, msg, &r);
}

int netlink_change_get(struct nl_sock *sk, int ifindex,
		       const struct netlink_change *c,
		       struct netlink_link *after)
{
	struct reply r = { .fn = copy_one, .ctx = after };
	struct nl_msg *change = change_msg(ifindex, c);
	struct nl_msg *get = get_msg(ifindex, 0, NULL);
	struct iovec iov[2];
	int rc = -ENOMEM;

	memset(after, 0, sizeof(*after));
	if (!change || !get)
		goto out;
	/* Both messages in one datagram: the kernel's rtnetlink_rcv()
	 * takes them in order, and answers each (an ack or an error for
	 * the change, the link or an error for the read-back). */
	nl_complete_msg(sk, change);
	nl_complete_msg(sk, get);
	r.seq2 = nlmsg_hdr(get)->nlmsg_seq;
	iov[0].iov_base = nlmsg_hdr(change);
	iov[0].iov_len = nlmsg_hdr(change)->nlmsg_len;
	iov[1].iov_base = nlmsg_hdr(get);
	iov[1].iov_len = nlmsg_hdr(get)->nlmsg_len;
	rc = nl_send_iovec(sk, change, iov, 2);
	if (rc < 0) {
		rc = to_errno(rc);
		goto out;
	}
	rc = receive(sk, &r, 2);
	if (rc == 0 && r.n_links != 1)
		rc = -ENODEV;
out:
	nlmsg_free(change);
	nlmsg_free(get);
	return rc;
}

int netlink_altname(struct nl_sock *sk, int ifindex, bool add,
		    const char *name)
{
	struct reply r = { 0 };
	struct nl_msg *msg = link_msg(add ? RTM_NEWLINKPROP : RTM_DELLINKPROP,
				      NLM_F_ACK, ifindex);
	struct nlattr *list;

	if (!msg)
		return -ENOMEM;
	if (!(list = nla_nest_start(msg, IFLA_PROP_LIST)) ||
	    nla_put_string(msg, IFLA_ALT_IFNAME, name) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nla_nest_end(msg, list);
	return transact(sk, msg, &r);
}

int netlink_delete(struct nl_sock *sk, int ifindex)
{
	struct reply r = { 0 };
	struct nl_msg *msg = link_msg(RTM_DELLINK, NLM_F_ACK, ifindex);

	if (!msg)
		return -ENOMEM;
	return transact(sk, msg, &r);
}
