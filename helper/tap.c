// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "acl.h"
#include "netlink.h"
#include "tapgate.h"

#define TUN_PATH "/dev/net/tun"

int tap_open_dev(void)
{
	struct stat st;
	int fd;

	fd = open(TUN_PATH, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* The misc device 10:200, not whatever was mounted there. */
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) ||
	    major(st.st_rdev) != 10 || minor(st.st_rdev) != 200) {
		close(fd);
		return -ENODEV;
	}
	return fd;
}

void tap_create(struct nl_sock *sk, int tunfd, bool use_vnet, uid_t owner,
		struct tap *tap)
{
	unsigned int features = 0;
	struct netlink_link l;
	struct ifreq ifr;
	bool vnet;
	int rc;

	if (ioctl(tunfd, TUNGETFEATURES, &features) < 0)
		features = 0; /* very old kernels: no vnet headers */
	vnet = use_vnet && (features & IFF_VNET_HDR);

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, "tap%d", sizeof("tap%d"));
	if (ioctl(tunfd, TUNSETIFF, &ifr) < 0)
		die_errno(EXIT_TAP, "failed to create tun device");
	/* The kernel NUL-terminates the name it chose. */
	ifr.ifr_name[IFNAMSIZ - 1] = '\0';
	memset(tap, 0, sizeof(*tap));
	memcpy(tap->name, ifr.ifr_name, IFNAME_SIZE);
	if (ioctl(tunfd, TUNSETOWNER, (unsigned long)owner) < 0)
		die_errno(EXIT_TAP, "failed to set the owner of `%s'", tap->name);

	/* Index and address in one answer. Only CAP_NET_ADMIN can rename
	 * the tap meanwhile; a holder of the fd cannot, and we hold it. */
	rc = netlink_get(sk, 0, tap->name, &l);
	if (rc < 0 || l.ifindex <= 0 || !l.has_mac ||
	    strcmp(l.kind, "tun") != 0) {
		errno = rc < 0 ? -rc : ENODEV;
		die_errno(EXIT_TAP, "failed to get the index and hardware address of `%s'",
			  tap->name);
	}
	tap->ifindex = l.ifindex;
	memcpy(tap->mac, l.mac, sizeof(tap->mac));
}

char *tap_alias(char *out, const uint8_t mac[6])
{
	snprintf(out, TAP_ALIAS_SIZE, TAP_ALIAS_PREFIX "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return out;
}

unsigned tap_port_flags(unsigned options)
{
	unsigned flags = 0;

	if (options & ACL_OPTION_BIT(ACL_OPT_ISOLATED))
		flags |= NETLINK_PORT_ISOLATED;
	/* No VM may disturb the spanning tree: a BPDU disables the port,
	 * and should one get through, it can never become the root port. */
	if (options & ACL_OPTION_BIT(ACL_OPT_GUARD))
		flags |= NETLINK_PORT_GUARD | NETLINK_PORT_ROOT_BLOCK;
	return flags;
}

unsigned tap_port_missing(unsigned want, const struct netlink_link *after,
			  unsigned *unknown)
{
	*unknown = after->bridge_port ? want & ~after->port_known : want;
	return after->bridge_port ? want & ~after->port_on : want;
}

/* "isolated (IFLA_BRPORT_ISOLATED, Linux 4.18)", for each of @flags. */
static char *port_words(char *out, size_t outsz, unsigned flags)
{
	static const struct {
		unsigned flag;
		const char *words;
	} names[] = {
		{ NETLINK_PORT_ISOLATED, "isolated (IFLA_BRPORT_ISOLATED, Linux 4.18)" },
		{ NETLINK_PORT_GUARD, "guard's BPDU guard (IFLA_BRPORT_GUARD, Linux 3.8)" },
		{ NETLINK_PORT_ROOT_BLOCK, "guard's root block (IFLA_BRPORT_PROTECT, Linux 3.8)" },
	};
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(flags & names[i].flag))
			continue;
		n = snprintf(out + len, outsz - len, "%s%s", len ? ", " : "",
			     names[i].words);
		if (n < 0 || (size_t)n >= outsz - len)
			break;
		len += (size_t)n;
	}
	return out;
}

void tap_attach(struct nl_sock *sk, const struct tap *tap,
		const struct bridge *br, unsigned options)
{
	unsigned want = tap_port_flags(options), missing, unknown;
	char alias[TAP_ALIAS_SIZE], words[256];
	struct netlink_link after;
	uint8_t mac[6];
	int rc;

	/* Keep the kernel's random bytes; 0xfe first so the bridge, which
	 * takes the lowest port MAC, never changes address for a VM (and
	 * bridge_pin_address() keeps it so when a holder changes it). */
	memcpy(mac, tap->mac, sizeof(mac));
	mac[0] = 0xfe;

	/* 1. One request by index: MTU of the bridge (or the bridge's own
	 *    MTU could drop), the MAC, the alias, then the master. The
	 *    kernel applies them in that order (do_setlink). */
	rc = netlink_change(sk, tap->ifindex, &(struct netlink_change){
		.mtu = br->mtu, .mac = mac, .master = br->ifindex,
		.ifalias = tap_alias(alias, mac) });
	if (rc == -EXFULL)
		die(EXIT_TAP, "failed to add interface `%s' to bridge `%s': bridge '%s' has no free port (the kernel allows 1024 ports a bridge; tapgate --list shows whose taps hold them)",
		    tap->name, br->shown, br->shown);
	if (rc < 0)
		die(EXIT_TAP, "failed to add interface `%s' to bridge `%s' (setting mtu %u, hardware address and master): %s",
		    tap->name, br->shown, br->mtu, strerror(-rc));

	/* 2. Up, separately: the kernel would apply flags before the
	 *    master. The bridge itself need not be up. */
	if (!want) {
		rc = netlink_change(sk, tap->ifindex, &(struct netlink_change){
			.up = true });
		if (rc < 0)
			die(EXIT_TAP, "failed to bring up interface `%s': %s",
			    tap->name, strerror(-rc));
		return;
	}

	/* 2'. With port options, the same request carries them: the
	 *     kernel hands IFLA_INFO_SLAVE_DATA to the current master
	 *     (the bridge, since request 1) before it applies the flags
	 *     (rtnl_changelink(), then do_setlink()), so the port is
	 *     isolated and guarded before it is up. A kernel ignores a
	 *     port attribute newer than itself without an error, so the
	 *     port is read back in the same send, and anything not shown
	 *     on is a refusal: the tap, held by no one else yet, dies with
	 *     us, and no port less protected than the ACL says is ever
	 *     handed over. */
	rc = netlink_change_get(sk, tap->ifindex, &(struct netlink_change){
		.up = true, .port_on = want }, &after);
	if (rc < 0)
		die(EXIT_TAP, "failed to set the port options of interface `%s' on bridge `%s' (%s) and bring it up: %s",
		    tap->name, br->shown, port_words(words, sizeof(words), want),
		    strerror(-rc));
	if (after.master != br->ifindex)
		die(EXIT_TAP, "failed to set the port options of interface `%s': it is no longer a port of bridge `%s'",
		    tap->name, br->shown);
	missing = tap_port_missing(want, &after, &unknown);
	if (unknown)
		die(EXIT_TAP, "failed to set the port options of interface `%s' on bridge `%s': this kernel does not support %s, which the ACL asks for (tapgate --explain --br=%s names the rule); refusing rather than handing over a port less protected than the ACL says",
		    tap->name, br->shown,
		    port_words(words, sizeof(words), unknown), br->requested_shown);
	if (missing)
		die(EXIT_TAP, "failed to set the port options of interface `%s' on bridge `%s': the kernel reports %s as off after setting it; refusing rather than handing over a port less protected than the ACL says",
		    tap->name, br->shown,
		    port_words(words, sizeof(words), missing));
}
