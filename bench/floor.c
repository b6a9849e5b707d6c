// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * floor - the measurement floor for one grant: the syscalls a bridge
 * helper cannot avoid, and nothing else. Same command line as
 * qemu-bridge-helper and tapgate (--use-vnet --br=BR --fd=N).
 *
 * NOT a helper: no ACL, no privilege drop, no checks, no messages. It
 * exists only so bench/grant-latency.sh can say how far tapgate is from
 * what the kernel work of a grant costs. Never install it anywhere but
 * inside the benchmark's sandbox.
 *
 * Syscalls of one grant, in order:
 *   open /dev/net/tun, TUNGETFEATURES, TUNSETIFF tap%d,
 *   socket(AF_INET, SOCK_DGRAM), SIOCGIFMTU (bridge), SIOCSIFMTU,
 *   SIOCGIFHWADDR + SIOCSIFHWADDR, SIOCGIFINDEX + SIOCBRADDIF,
 *   SIOCGIFFLAGS + SIOCSIFFLAGS (tap), sendmsg(SCM_RIGHTS, 0x00).
 * Exit status: 0 after the fd was sent, else the step number.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int parse_fd(const char *s)
{
	int v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

int main(int argc, char *argv[])
{
	const char *br = NULL;
	int fd = -1, vnet = 0, tun, sk;
	unsigned int features = 0;
	struct ifreq ifr, bifr;
	char byte = 0;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cmsg;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--use-vnet") == 0)
			vnet = 1;
		else if (strncmp(argv[i], "--br=", 5) == 0)
			br = argv[i] + 5;
		else if (strncmp(argv[i], "--fd=", 5) == 0)
			fd = parse_fd(argv[i] + 5);
		else
			return 1;
	}
	if (!br || fd < 0 || strlen(br) >= IFNAMSIZ)
		return 1;

	tun = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (tun < 0)
		return 2;
	if (vnet && ioctl(tun, TUNGETFEATURES, &features) < 0)
		features = 0;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI |
			((vnet && (features & IFF_VNET_HDR)) ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, "tap%d", sizeof("tap%d"));
	if (ioctl(tun, TUNSETIFF, &ifr) < 0)
		return 3;

	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return 4;

	/* Bridge MTU by name; SIOCBRADDIF below also names the bridge. */
	memset(&bifr, 0, sizeof(bifr));
	memcpy(bifr.ifr_name, br, strlen(br));
	if (ioctl(sk, SIOCGIFMTU, &bifr) < 0)
		return 5;

	/* ifr.ifr_name is the tap's name as the kernel chose it. */
	ifr.ifr_mtu = bifr.ifr_mtu;
	if (ioctl(sk, SIOCSIFMTU, &ifr) < 0)
		return 6;
	if (ioctl(sk, SIOCGIFHWADDR, &ifr) < 0)
		return 7;
	ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
	if (ioctl(sk, SIOCSIFHWADDR, &ifr) < 0)
		return 7;

	/* SIOCBRADDIF takes the bridge's name and the port's ifindex,
	 * which TUNSETIFF does not return. */
	if (ioctl(sk, SIOCGIFINDEX, &ifr) < 0)
		return 8;
	bifr.ifr_ifindex = ifr.ifr_ifindex;
	if (ioctl(sk, SIOCBRADDIF, &bifr) < 0)
		return 8;

	if (ioctl(sk, SIOCGIFFLAGS, &ifr) < 0)
		return 9;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sk, SIOCSIFFLAGS, &ifr) < 0)
		return 9;

	memset(&ctl, 0, sizeof(ctl));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &tun, sizeof(int));
	if (sendmsg(fd, &msg, MSG_NOSIGNAL) != 1)
		return 10;
	return 0;
}
