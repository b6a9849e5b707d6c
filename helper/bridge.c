// SPDX-License-Identifier: GPL-2.0-or-later
#include "bridge.h"

#include <errno.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <string.h>

#include "strutil.h"
#include "tapgate.h"

int bridge_lookup(struct nl_sock *sk, const char *requested,
		  struct bridge *br, char *kind_shown, size_t kindsz)
{
	struct rtnl_link *link = NULL;
	const char *kind, *name;
	int rc;

	memset(br, 0, sizeof(*br));
	if (kindsz)
		kind_shown[0] = '\0';
	rc = rtnl_link_get_kernel(sk, 0, requested, &link);
	if (rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV)
		return -ENODEV;
	if (rc < 0)
		return rc;

	kind = rtnl_link_get_type(link);
	if (!kind || strcmp(kind, "bridge") != 0) {
		kind = kind ? kind : "none";
		str_escape(kind_shown, kindsz, kind, strlen(kind));
		rtnl_link_put(link);
		return -EMEDIUMTYPE;
	}

	name = rtnl_link_get_name(link);
	if (!name)
		name = ""; /* refused just below, as an empty name */
	if (ifname_check(name, strlen(name)) != IFNAME_OK) {
		rtnl_link_put(link);
		return -EINVAL;
	}
	memcpy(br->name, name, strlen(name) + 1);
	/* The kernel allows control bytes in names: escape once, here. */
	str_escape(br->shown, sizeof(br->shown), name, strlen(name));
	br->ifindex = rtnl_link_get_ifindex(link);
	br->mtu = rtnl_link_get_mtu(link);
	rtnl_link_put(link);
	if (br->ifindex <= 0 || br->mtu == 0)
		return -EINVAL;
	return 0;
}

void bridge_resolve(struct nl_sock *sk, const char *requested,
		    struct bridge *br)
{
	char shown[4 * IFNAME_SIZE], kind[64];
	int rc;

	str_escape(shown, sizeof(shown), requested, strlen(requested));
	rc = bridge_lookup(sk, requested, br, kind, sizeof(kind));
	if (rc == -ENODEV)
		die(EXIT_BRIDGE, "failed to get mtu of bridge `%s': No such device: bridge '%s' does not exist (create it: ip link add %s type bridge)",
		    shown, shown, shown);
	if (rc == -EMEDIUMTYPE)
		die(EXIT_BRIDGE, "'%s' is not a bridge (its kind is %s): tapgate attaches taps to Linux bridges only",
		    shown, kind);
	if (rc == -EINVAL)
		die(EXIT_BRIDGE, "the kernel returned no valid name, index or mtu for bridge '%s'",
		    shown);
	if (rc < 0)
		die(EXIT_BRIDGE, "failed to look up bridge `%s': %s", shown,
		    nl_geterror(rc));
}
