// SPDX-License-Identifier: GPL-2.0-or-later
#include "netlink.h"

#include <netlink/errno.h>
#include <netlink/handlers.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "tapgate.h"

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
	rc = nl_connect(sk, NETLINK_ROUTE);
	if (rc < 0)
		die(EXIT_TAP, "failed to open a netlink socket: %s",
		    nl_geterror(rc));
	return sk;
}
