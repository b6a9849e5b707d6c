/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - create one non-persistent tap and attach it to a bridge.
 *
 * The tap lives exactly as long as its fd: every failure path ends the
 * process, the fd closes and the kernel removes the device. No
 * rollback code, no leftover device.
 */
#ifndef TAPGATE_TAP_H
#define TAPGATE_TAP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bridge.h"

struct netlink_link;

/* The tap of this grant, as the kernel answered for it. */
struct tap {
	char name[IFNAME_SIZE];
	int ifindex;
	uint8_t mac[6];           /* the kernel's random address */
};

/* "tapgate mac=fe:..": the ifalias tapgate gives its taps, which only
 * CAP_NET_ADMIN may change; tapgate --list compares it with the MAC. */
#define TAP_ALIAS_PREFIX "tapgate mac="
#define TAP_ALIAS_SIZE (sizeof(TAP_ALIAS_PREFIX) + 17)

/* Open /dev/net/tun close-on-exec; -errno on failure (reported later,
 * so that an ACL refusal is what a refused user sees). */
int tap_open_dev(void);

/* TUNSETIFF "tap%d", IFF_TAP|IFF_NO_PI (+IFF_VNET_HDR when asked and
 * offered), owner @owner; then one RTM_GETLINK for its ifindex and
 * address. Needs CAP_NET_ADMIN effective. Dies with EXIT_TAP. */
void tap_create(struct nl_sock *sk, int tunfd, bool use_vnet, uid_t owner,
		struct tap *tap);

/* MTU := bridge MTU, first MAC byte 0xfe, the alias, enslave (one
 * netlink request), then the port options and up (a second, which with
 * @options also reads the port back in the same send); by ifindex.
 * @options are the ACL's (ACL_OPTION_BIT()s): a port flag the kernel
 * does not report as on is a refusal. Needs CAP_NET_ADMIN effective.
 * Dies with EXIT_TAP. */
void tap_attach(struct nl_sock *sk, const struct tap *tap,
		const struct bridge *br, unsigned options);

/* The bridge port flags (NETLINK_PORT_*) ACL @options ask for. */
unsigned tap_port_flags(unsigned options);

/* Of the port flags @want, those @after (the port as the kernel reports
 * it) does not show on; in @unknown those it does not report at all. */
unsigned tap_port_missing(unsigned want, const struct netlink_link *after,
			  unsigned *unknown);

/* TAP_ALIAS_PREFIX and @mac as text, into @out (TAP_ALIAS_SIZE). */
char *tap_alias(char *out, const uint8_t mac[6]);

#endif
