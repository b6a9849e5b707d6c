/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * quota.h - "allow BRIDGE max N": at most N of the caller's taps on a
 * bridge at once, counted from the kernel's own state; and the reaping
 * of taps that a holder pinned (TUNSETPERSIST) and let go.
 *
 * Every tap tapgate grants carries an altname naming its user and
 * bridge: "tapgate.UID.BRIDGEINDEX.K", quota slot K < N, when a max
 * applies, else "tapgate.UID.BRIDGEINDEX.tIFINDEX". In use = the taps
 * on the bridge with one of the caller's names. Not the tun owner: the
 * holder of a tap's fd may change it (TUNSETOWNER needs no privilege),
 * which would let a user give taps away or pin them on someone else.
 * The name is added to the new tap before it is attached. The kernel
 * refuses a second device with the same name (EEXIST), so concurrent
 * requests can never take the same slot: of 50 racing requests against
 * max 3, exactly 3 win, with no lock, no file and no wait. A slot dies
 * with its tap, so nothing can go stale and a crash loses nothing.
 *
 * An orphan is a tap with one of tapgate's names that is persistent
 * and that no fd holds any more: its holder called TUNSETPERSIST and
 * closed it. Every grant deletes the orphans on its bridge (whoever
 * they belong to) before it counts, so an orphan never uses up a
 * quota or a port for long. Only CAP_NET_ADMIN can add an altname, so
 * a device with tapgate's name is one tapgate made.
 *
 * MUST only ever delete slot names of the caller's own uid, and only
 * from a device that is no longer a tap on this bridge (reclaim).
 * MUST only delete devices that are orphans as defined above.
 */
#ifndef TAPGATE_QUOTA_H
#define TAPGATE_QUOTA_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bridge.h"
#include "netlink.h"

struct nl_sock;

#define QUOTA_SHOW_TAPS 8
#define QUOTA_SLOT_BITS 1024      /* a bridge has at most 1024 ports */
#define QUOTA_REAP_MAX 1024
/* Deleting a bridge port costs ~25 ms (the kernel waits for RCU): a
 * grant deletes at most this many, far from the 10 s watchdog; later
 * grants and tapgate --reap take the rest. */
#define QUOTA_REAP_PER_GRANT 64

struct quota_use {
	unsigned in_use;          /* the caller's taps on the bridge */
	unsigned outside;         /* of those, without a slot below max */
	unsigned n_shown;
	char taps[QUOTA_SHOW_TAPS][IFNAME_SIZE]; /* the first few */
	uint64_t taken[QUOTA_SLOT_BITS / 64];    /* slots the scan saw */
	unsigned n_orphans;       /* found on the bridge */
	int orphans[QUOTA_REAP_MAX];
	char orphan_names[QUOTA_SHOW_TAPS][IFNAME_SIZE];
};

/* What a tapgate altname says. */
struct quota_name {
	uint32_t uid;
	int bridge;               /* ifindex of the bridge it was granted on */
	bool marker;              /* "tIFINDEX": granted without a max */
	unsigned slot;            /* else quota slot K */
};

/* 0 if @alt is one of tapgate's names, else -EINVAL. */
int quota_parse_name(const char *alt, struct quota_name *out);

/* True if @l is a tap tapgate made that is persistent and held by no
 * fd. */
bool quota_is_orphan(const struct netlink_link *l);

/* Count one link of a dump of @br's tun ports into @use, as
 * quota_count() does for each: @uid's taps on @br (slots taken, and
 * those outside @max) and every orphan on it. Pure, for tests. */
void quota_tally(struct quota_use *use, uid_t uid, const struct bridge *br,
		 unsigned max, const struct netlink_link *l);

/* One dump of @br's tun ports: count @uid's taps (@max only for
 * use->outside; 0 if none) and collect the orphans, which are not
 * counted. 0 or -errno. */
int quota_count(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		unsigned max, struct quota_use *use);

/* Delete the orphans quota_count() found, at most
 * QUOTA_REAP_PER_GRANT (CAP_NET_ADMIN raised by the caller). Returns
 * how many went; an orphan that someone re-attached or deleted
 * meanwhile is skipped. */
unsigned quota_reap(struct nl_sock *sk, const struct quota_use *use);

/* The first @n_shown of @names, escaped, joined by @sep, then
 * "@sep..." if @total is more. */
char *quota_names(const char (*names)[IFNAME_SIZE], unsigned n_shown,
		  unsigned total, const char *sep, char *out, size_t outsz);

/* The first few of @use's taps as "tap0, tap3" (escaped). */
char *quota_list(const struct quota_use *use, char *out, size_t outsz);

/* Dies with EXIT_QUOTA if @use shows @uid at @max already: before a
 * tap is made. */
void quota_check(uid_t uid, const struct bridge *br, unsigned max,
		 const struct quota_use *use);

/* The slot quota_claim() tries next: the lowest K >= @from below
 * @max - @use->outside that @use does not show taken (a slot from
 * QUOTA_SLOT_BITS up is never shown taken), or -1 if none is left. */
long quota_next_slot(const struct quota_use *use, unsigned max,
		     unsigned from);

/*
 * Take one of @max slots for the new tap @ifindex (not yet attached),
 * with CAP_NET_ADMIN raised by the caller, skipping the slots @use saw
 * taken. Dies with EXIT_QUOTA if concurrent requests took the rest,
 * EXIT_TAP on a netlink failure.
 */
void quota_claim(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		 unsigned max, const struct quota_use *use, int ifindex);

/* A grant without max: name the tap as @uid's on @br all the same, so
 * that it counts if a max applies later. Dies with EXIT_TAP. */
void quota_mark(struct nl_sock *sk, uid_t uid, const struct bridge *br,
		int ifindex);

#endif
