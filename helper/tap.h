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
#include <sys/types.h>

#include "bridge.h"

/* Open /dev/net/tun close-on-exec; -errno on failure (reported later,
 * so that an ACL refusal is what a refused user sees). */
int tap_open_dev(void);

/* TUNSETIFF "tap%d", IFF_TAP|IFF_NO_PI (+IFF_VNET_HDR when asked and
 * offered), owner @owner. Needs CAP_NET_ADMIN effective. Fills @name.
 * Dies with EXIT_TAP. */
void tap_create(int tunfd, bool use_vnet, uid_t owner,
		char name[IFNAME_SIZE]);

/* The new tap's ifindex (SIOCGIFINDEX). Dies with EXIT_TAP. */
int tap_index(struct nl_sock *sk, const char *name);

/* MTU := bridge MTU, first MAC byte 0xfe, enslave (one netlink
 * request), then up (a second); by @ifindex. Needs CAP_NET_ADMIN
 * effective. */
void tap_attach(struct nl_sock *sk, int tunfd, const char *tap, int ifindex,
		const struct bridge *br);

#endif
