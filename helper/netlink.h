/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netlink.h - every rtnetlink message tapgate sends or reads.
 *
 * Messages are built and parsed with libnl-3's nlmsg_* and nla_* API; no
 * libnl-route (its constructors alone cost a grant ~0.2 ms). The
 * kernel's answers come back as struct netlink_link; errors as -errno,
 * the kernel's own code where it sent one (libnl would turn EXFULL,
 * "the bridge has no free port", into "Unspecific failure").
 *
 * MUST NOT dump all links on a grant: one RTM_GETLINK by name or
 * index, or a dump the kernel filters by master and kind, so the cost
 * follows the bridge, not the host.
 */
#ifndef TAPGATE_NETLINK_H
#define TAPGATE_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "ifname.h"

struct nl_sock;

/* The prefix of every altname tapgate gives a tap (quota.c). */
#define NETLINK_OURS_PREFIX "tapgate."
#define NETLINK_OURS_SIZE 64

/* Flags of a bridge port (IFLA_BRPORT_*) that a change can turn on. */
enum {
	NETLINK_PORT_ISOLATED = 1 << 0,   /* IFLA_BRPORT_ISOLATED */
	NETLINK_PORT_GUARD = 1 << 1,      /* IFLA_BRPORT_GUARD: BPDU guard */
	NETLINK_PORT_ROOT_BLOCK = 1 << 2, /* IFLA_BRPORT_PROTECT: root block */
};

/* What one RTM_NEWLINK says about a device. */
struct netlink_link {
	int ifindex;
	int master;               /* 0: none */
	unsigned mtu;
	bool up;                  /* IFF_UP */
	bool carrier;             /* IFLA_CARRIER */
	char name[IFNAME_SIZE];
	char kind[32];            /* IFLA_INFO_KIND, "" if none */
	bool has_mac;
	uint8_t mac[6];
	/* kind "tun" only: */
	bool tap;                 /* in tap mode */
	bool persist;             /* TUNSETPERSIST */
	bool held;                /* some fd is attached: queues > 0, or
	                           * for a single-queue tap, carrier */
	bool owner_set;
	uint32_t owner;
	/* the first altname that starts with NETLINK_OURS_PREFIX */
	char ours[NETLINK_OURS_SIZE];
	char alias[64];           /* IFLA_IFALIAS (cut), "" if none */
	/* a port of a bridge (IFLA_INFO_SLAVE_KIND "bridge") only: */
	bool bridge_port;
	unsigned port_known;      /* NETLINK_PORT_* the kernel reported */
	unsigned port_on;         /* NETLINK_PORT_* reported as on */
};

typedef int (*netlink_link_fn)(const struct netlink_link *l, void *ctx);

/* Connected NETLINK_ROUTE socket, close-on-exec; dies on failure. */
struct nl_sock *netlink_open(void);

/* One RTM_GETLINK by @ifindex (if > 0) or by @name, which may be an
 * altname. 0, -ENODEV, or -errno. */
int netlink_get(struct nl_sock *sk, int ifindex, const char *name,
		struct netlink_link *out);

/* A dump of the links whose master is @master (0: any) and whose kind
 * is @kind (NULL: any), filtered by the kernel; @fn for each. A dump
 * the kernel saw change under it is run again (@reset first, if any);
 * 0, a non-zero return of @fn, or -errno. */
int netlink_dump(struct nl_sock *sk, int master, const char *kind,
		 netlink_link_fn fn, void (*reset)(void *ctx), void *ctx);

/* What one RTM_NEWLINK changes; unset fields stay as they are. */
struct netlink_change {
	unsigned mtu;             /* 0: keep */
	const uint8_t *mac;       /* NULL: keep */
	int master;               /* 0: keep */
	bool up;
	const char *ifalias;      /* NULL: keep */
	/* NETLINK_PORT_* to turn on, as IFLA_INFO_SLAVE_DATA for the
	 * device's current master, which the kernel applies before the
	 * flags (rtnl_changelink, then do_setlink); 0: none. */
	unsigned port_on;
};

/* One RTM_NEWLINK on @ifindex. 0 or -errno (the kernel's). */
int netlink_change(struct nl_sock *sk, int ifindex,
		   const struct netlink_change *c);

/*
 * netlink_change(), and an RTM_GETLINK of @ifindex in the same
 * sendmsg(): the kernel handles them in order, so @after is the device
 * as the change left it, in one round trip. For what a kernel ignores
 * without an error (a nested attribute newer than it). 0, the change's
 * -errno, or the read-back's.
 */
int netlink_change_get(struct nl_sock *sk, int ifindex,
		       const struct netlink_change *c,
		       struct netlink_link *after);

/* Parse one RTM_NEWLINK message; -EINVAL if it is not one. Exposed for
 * the unit tests. */
struct nlmsghdr;
int netlink_parse_link(struct nlmsghdr *hdr, struct netlink_link *l);

/* RTM_NEWLINKPROP (@add) or RTM_DELLINKPROP of one altname. */
int netlink_altname(struct nl_sock *sk, int ifindex, bool add,
		    const char *name);

/* The device that carries altname @name: as netlink_get(). */
int netlink_get_altname(struct nl_sock *sk, const char *name,
			struct netlink_link *out);

/* RTM_DELLINK of @ifindex. 0 or -errno. */
int netlink_delete(struct nl_sock *sk, int ifindex);

#endif
