/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netlink.h - the one rtnetlink socket of a grant (libnl-route-3).
 */
#ifndef TAPGATE_NETLINK_H
#define TAPGATE_NETLINK_H

struct nl_sock;

/* Connected NETLINK_ROUTE socket, close-on-exec; dies on failure. */
struct nl_sock *netlink_open(void);

#endif
