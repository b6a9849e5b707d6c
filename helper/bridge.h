/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge.h - the bridge a request names, resolved once over netlink.
 *
 * struct bridge carries the request itself (the name as asked,
 * validated and escaped once) and what the kernel says of it: whether
 * it exists and is a bridge, its canonical name, ifindex, mtu and
 * address, and whether it was asked for by an altname.
 *
 * MUST NOT dump all links: one RTM_GETLINK for one name (netlink.c).
 * MUST evaluate the ACL against the canonical name the kernel returns
 * (an altname must not bypass a deny), and act by ifindex afterwards.
 */
#ifndef TAPGATE_BRIDGE_H
#define TAPGATE_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "ifname.h"
#include "strutil.h"

struct nl_sock;

enum bridge_state {
	BRIDGE_OK,            /* exists and is a Linux bridge */
	BRIDGE_MISSING,       /* no device of that name */
	BRIDGE_NOT_A_BRIDGE,  /* a device of another kind */
};

struct bridge {
	/* The request, as asked (validated by args.c). */
	char requested[IFNAME_SIZE];
	char requested_shown[ESCAPED_SIZE(IFNAME_SIZE)]; /* escaped for messages */
	/* What the kernel says. */
	enum bridge_state state;
	char kind_shown[ESCAPED_SIZE(32)]; /* NOT_A_BRIDGE: its kind, escaped */
	bool by_altname;          /* requested is not the canonical name */
	int ifindex;
	unsigned mtu;
	uint8_t mac[6];
	char name[IFNAME_SIZE];   /* canonical */
	char shown[ESCAPED_SIZE(IFNAME_SIZE)]; /* the same, escaped for messages */
};

/* Fill @br for @requested: 0 with br->state set, or -errno if the
 * kernel could not be asked or its answer makes no sense (-EINVAL). */
int bridge_lookup(struct nl_sock *sk, const char *requested,
		  struct bridge *br);

/* bridge_lookup(), dying with EXIT_BRIDGE unless it is a bridge. */
void bridge_resolve(struct nl_sock *sk, const char *requested,
		    struct bridge *br);

/* The message a request ends with for a bridge that is not BRIDGE_OK;
 * also for a lookup error @err. */
noreturn void bridge_die(const struct bridge *br, int err);

/*
 * A bridge whose address no admin set takes the lowest port MAC, and
 * the holder of a tap's fd may give its tap any MAC (SIOCSIFHWADDR
 * needs no capability). So before a tap is attached, the bridge's own
 * current address is made administratively set, as "ip link set BR
 * address <its own>" does; from then on the kernel never changes it
 * for a port (br_stp_recalculate_bridge_id).
 */
#define BRIDGE_ADDR_SET 3         /* the kernel's NET_ADDR_SET */

struct bridge_addr {
	int known;                /* 1: read, 0: no sysfs entry */
	int assign_type;          /* NET_ADDR_SET is 3 */
	int ifindex;              /* to check it is the same device */
};

/* Read /sys/class/net/@requested/{addr_assign_type,ifindex}: opens
 * files, so before the system call filter. Never fails: unknown
 * means "pin it". */
void bridge_addr_read(const char *requested, struct bridge_addr *a);

/* Pin @br's address unless @a says an admin (or tapgate) already set
 * it. CAP_NET_ADMIN raised by the caller. Dies with EXIT_TAP. Returns
 * true if it pinned: then log it, with the capability lowered. */
bool bridge_pin_address(struct nl_sock *sk, const struct bridge *br,
			const struct bridge_addr *a);
void bridge_log_pinned(const struct bridge *br);

/* The name the ACL decides on: canonical if the bridge exists. */
const char *bridge_acl_name(const struct bridge *br);

#endif
