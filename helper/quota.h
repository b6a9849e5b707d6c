/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * quota.h - "allow BRIDGE max N": at most N of the caller's taps on a
 * bridge at once, counted from the kernel's own state.
 *
 * Every tap tapgate grants carries an altname naming its user and
 * bridge: "tapgate.UID.BRIDGEINDEX.K", quota slot K < N, when a max
 * applies, else "tapgate.UID.BRIDGEINDEX.tIFINDEX". In use = the taps
 * on the bridge with one of the caller's names. Not the tun owner: the
 * holder of a tap's fd may change it (TUNSETOWNER needs no privilege),
 * which would let a user give taps away or pin them on someone else.
 * The name is added to the new tap before it is attached. The kernel refuses a second device
 * with the same name (EEXIST), so concurrent requests can never take
 * the same slot: of 50 racing requests against max 3, exactly 3 win,
 * with no lock, no file and no wait. A slot dies with its tap, so
 * nothing can go stale and a crash loses nothing. A stopped tapgate
 * holds at most one slot, and only its own user's.
 *
 * MUST only ever delete slot names of the caller's own uid, and only
 * from a device that is no longer a tap on this bridge (reclaim).
 */
#ifndef TAPGATE_QUOTA_H
#define TAPGATE_QUOTA_H

#include <sys/types.h>

#include "bridge.h"

struct nl_sock;

#define QUOTA_SHOW_TAPS 8

struct quota_use {
	unsigned in_use;          /* the caller's taps on the bridge */
	unsigned outside;         /* of those, without a slot below max */
	unsigned n_shown;
	char taps[QUOTA_SHOW_TAPS][IFNAME_SIZE]; /* the first few */
};

/* Count @uid's taps on @br (@max only for use->outside; 0 if none).
 * Returns 0 or a negative libnl error. */
int quota_count(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		unsigned max, struct quota_use *use);

/* The first few of @use's taps as "tap0, tap3" (escaped). */
char *quota_list(const struct quota_use *use, char *out, size_t outsz);

/*
 * Take one of @max slots for the new tap @ifindex (not yet attached),
 * with CAP_NET_ADMIN raised by the caller. Dies with EXIT_QUOTA if
 * @uid already holds @max taps on @br, EXIT_TAP on a netlink failure.
 */
void quota_claim(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		 unsigned max, int ifindex);

/* A grant without max: name the tap as @uid's on @br all the same, so
 * that it counts if a max applies later. Dies with EXIT_TAP. */
void quota_mark(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		int ifindex);

#endif
