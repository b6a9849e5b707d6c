// SPDX-License-Identifier: GPL-2.0-or-later
#include "bridge.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"

#include "netlink.h"
#include "strutil.h"
#include "die.h"

int bridge_lookup(struct nl_sock *sk, const char *requested,
		  struct bridge *br)
{
	struct netlink_link l;
	size_t len = strlen(requested);
	int rc;

	memset(br, 0, sizeof(*br));
	/* args.c validated it: a name the kernel could have, never cut. */
	if (len >= sizeof(br->requested))
		return -EINVAL;
	memcpy(br->requested, requested, len + 1);
	str_escape(br->requested_shown, sizeof(br->requested_shown),
		   requested, len);

	rc = netlink_get(sk, 0, requested, &l);
	if (rc == -ENODEV) {
		br->state = BRIDGE_MISSING;
		return 0;
	}
	if (rc < 0)
		return rc;
	if (strcmp(l.kind, "bridge") != 0) {
		const char *kind = l.kind[0] ? l.kind : "none";

		br->state = BRIDGE_NOT_A_BRIDGE;
		str_escape(br->kind_shown, sizeof(br->kind_shown), kind,
			   strlen(kind));
		return 0;
	}
	if (ifname_check(l.name, strlen(l.name)) != IFNAME_OK ||
	    l.ifindex <= 0 || l.mtu == 0 || !l.has_mac)
		return -EINVAL;
	br->state = BRIDGE_OK;
	memcpy(br->name, l.name, sizeof(br->name));
	/* The kernel allows control bytes in names: escape once, here. */
	str_escape(br->shown, sizeof(br->shown), l.name, strlen(l.name));
	br->by_altname = strcmp(requested, l.name) != 0;
	br->ifindex = l.ifindex;
	br->mtu = l.mtu;
	memcpy(br->mac, l.mac, sizeof(br->mac));
	return 0;
}

const char *bridge_acl_name(const struct bridge *br)
{
	return br->state == BRIDGE_OK ? br->name : br->requested;
}

noreturn void bridge_die(const struct bridge *br, int err)
{
	const char *shown = br->requested_shown;

	if (err == -EINVAL)
		die(EXIT_BRIDGE, "the kernel returned no valid name, index, mtu or address for bridge '%s'",
		    shown);
	if (err < 0)
		die(EXIT_BRIDGE, "failed to look up bridge `%s': %s", shown,
		    strerror(-err));
	if (br->state == BRIDGE_MISSING)
		die(EXIT_BRIDGE, "failed to get mtu of bridge `%s': No such device: bridge '%s' does not exist (create it: ip link add %s type bridge)",
		    shown, shown, shown);
	die(EXIT_BRIDGE, "'%s' is not a bridge (its kind is %s): tapgate attaches taps to Linux bridges only",
	    shown, br->kind_shown);
}

void bridge_resolve(struct nl_sock *sk, const char *requested,
		    struct bridge *br)
{
	int rc = bridge_lookup(sk, requested, br);

	if (rc < 0 || br->state != BRIDGE_OK)
		bridge_die(br, rc);
}

/* A small decimal sysfs attribute; -1 if it cannot be read. */
static int read_attr(const char *name, const char *attr)
{
	char path[64 + IFNAME_SIZE], buf[16];
	long long v;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return str_to_int(buf, 0, INT_MAX, &v) < 0 ? -1 : (int)v;
}

void bridge_addr_read(const char *requested, struct bridge_addr *a)
{
	memset(a, 0, sizeof(*a));
	/* args.c validated the name: no '/', not "." or "..". */
	a->assign_type = read_attr(requested, "addr_assign_type");
	a->ifindex = read_attr(requested, "ifindex");
	a->known = a->assign_type >= 0 && a->ifindex > 0;
}

bool bridge_pin_address(struct nl_sock *sk, const struct bridge *br,
			const struct bridge_addr *a)
{
	int rc;

	/* Known only for the same device: a /sys of another network
	 * namespace, or an altname, says nothing about this bridge. */
	if (a->known && a->ifindex == br->ifindex &&
	    a->assign_type == BRIDGE_ADDR_SET)
		return false;
	rc = netlink_change(sk, br->ifindex, &(struct netlink_change){
		.mac = br->mac });
	if (rc < 0)
		die(EXIT_TAP, "failed to keep the address of bridge `%s' (setting it to its own %02x:%02x:%02x:%02x:%02x:%02x): %s",
		    br->shown, br->mac[0], br->mac[1], br->mac[2], br->mac[3],
		    br->mac[4], br->mac[5], strerror(-rc));
	return true;
}

void bridge_log_pinned(const struct bridge *br)
{
	audit_event("pinned", "address=%02x:%02x:%02x:%02x:%02x:%02x reason=the bridge's own address is now administratively set, so no tap's MAC can replace it",
		    br->mac[0], br->mac[1], br->mac[2], br->mac[3], br->mac[4],
		    br->mac[5]);
}
