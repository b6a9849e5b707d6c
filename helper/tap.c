// SPDX-License-Identifier: GPL-2.0-or-later
#define _GNU_SOURCE
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

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

void tap_create(int tunfd, bool use_vnet, uid_t owner, char name[IFNAME_SIZE])
{
	unsigned int features = 0;
	struct ifreq ifr;
	bool vnet;

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
	memcpy(name, ifr.ifr_name, IFNAME_SIZE);
	if (ioctl(tunfd, TUNSETOWNER, (unsigned long)owner) < 0)
		die_errno(EXIT_TAP, "failed to set the owner of `%s'", name);
}

/* One RTM_NEWLINK on the tap's ifindex; the change object is freed. */
static int apply(struct nl_sock *sk, struct rtnl_link *tap,
		 struct rtnl_link *chg)
{
	int rc = rtnl_link_change(sk, tap, chg, 0);

	rtnl_link_put(chg);
	return rc;
}

static struct rtnl_link *new_change(const char *name)
{
	struct rtnl_link *chg = rtnl_link_alloc();

	if (!chg)
		die(EXIT_TAP, "failed to configure `%s': out of memory", name);
	return chg;
}

int tap_index(struct nl_sock *sk, const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name) + 1);
	if (ioctl(nl_socket_get_fd(sk), SIOCGIFINDEX, &ifr) < 0)
		die_errno(EXIT_TAP, "failed to get the index of `%s'", name);
	return ifr.ifr_ifindex;
}

void tap_attach(struct nl_sock *sk, int tunfd, const char *name, int ifindex,
		const struct bridge *br)
{
	struct rtnl_link *tap, *chg;
	struct nl_addr *mac;
	struct ifreq ifr;
	int rc;

	/* The kernel's random MAC, from the tun fd itself: an ioctl
	 * instead of a netlink dump of the tap. */
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name) + 1);
	if (ioctl(tunfd, SIOCGIFHWADDR, &ifr) < 0)
		die_errno(EXIT_TAP, "failed to get hardware address of `%s'", name);
	/* Keep the kernel's random bytes; 0xfe first so the bridge, which
	 * takes the lowest port MAC, never changes address for a VM. */
	ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
	mac = nl_addr_build(AF_LLC, ifr.ifr_hwaddr.sa_data, 6);
	tap = rtnl_link_alloc();
	if (!tap || !mac)
		die(EXIT_TAP, "failed to configure `%s': out of memory", name);
	rtnl_link_set_ifindex(tap, ifindex);

	/* 1. One request by index: MTU of the bridge (or the bridge's own
	 *    MTU could drop), the MAC, then the master. The kernel applies
	 *    them in that order (do_setlink). */
	chg = new_change(name);
	rtnl_link_set_mtu(chg, br->mtu);
	rtnl_link_set_addr(chg, mac);
	nl_addr_put(mac);
	rtnl_link_set_master(chg, br->ifindex);
	rc = apply(sk, tap, chg);
	if (rc < 0)
		die(EXIT_TAP, "failed to add interface `%s' to bridge `%s' (setting mtu %u, hardware address and master): %s",
		    name, br->shown, br->mtu, nl_geterror(rc));

	/* 2. Up, separately: the kernel would apply flags before the
	 *    master. The bridge itself need not be up. */
	chg = new_change(name);
	rtnl_link_set_flags(chg, IFF_UP);
	rc = apply(sk, tap, chg);
	if (rc < 0)
		die(EXIT_TAP, "failed to bring up interface `%s': %s", name,
		    nl_geterror(rc));
	rtnl_link_put(tap);
}
