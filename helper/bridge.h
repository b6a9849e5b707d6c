/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge.h - resolve the requested bridge once, by name, over netlink.
 *
 * MUST NOT dump all links: one RTM_GETLINK for one name, so the cost
 * does not grow with the number of interfaces on the host (a quota
 * count dumps only the bridge's own tun ports, quota.c).
 * MUST evaluate the ACL against the canonical name the kernel returns
 * (an altname must not bypass a deny), and act by ifindex afterwards.
 */
#ifndef TAPGATE_BRIDGE_H
#define TAPGATE_BRIDGE_H

#include <stddef.h>

#include "ifname.h"

struct nl_sock;

struct bridge {
	int ifindex;
	unsigned mtu;
	char name[IFNAME_SIZE];   /* canonical */
	char shown[4 * IFNAME_SIZE]; /* the same, escaped for messages */
};

/* 0; -ENODEV: no such device; -EMEDIUMTYPE: not a bridge, its kind
 * escaped into @kind_shown; -EINVAL: the kernel's answer makes no
 * sense; or a negative libnl error. */
int bridge_lookup(struct nl_sock *sk, const char *requested,
		  struct bridge *br, char *kind_shown, size_t kindsz);

/* Dies with EXIT_BRIDGE if @requested does not exist or is not a
 * Linux bridge. */
void bridge_resolve(struct nl_sock *sk, const char *requested,
		    struct bridge *br);

#endif
