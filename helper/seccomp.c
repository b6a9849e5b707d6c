// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seccomp.c - the allow-list filter (see seccomp.h).
 *
 * MUST be installed after every name-service lookup (NSS modules open
 *      files and sockets of their own) and before the first netlink
 *      request.
 * MUST default to killing the whole process: a tap that exists only
 *      through our fd then dies with us, nothing is half-done.
 * MUST keep every die() path working: stderr (fd 2 only), syslog over
 *      an AF_UNIX socket to /dev/log, exit_group.
 *
 * The list is what tests/e2e show the grant and every refusal after
 * the install point use, and nothing more. Where a call takes a
 * selector (socket family, ioctl request, mmap protection) the
 * selector is pinned too. tests/e2e/test_seccomp.sh proves the filter
 * is loaded in the real binary and that what it leaves out kills.
 */
#define _GNU_SOURCE
#include "seccomp.h"

#include "tapgate.h"

#ifdef TAPGATE_SECCOMP

#include <errno.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct rule {
	int nr;
	unsigned nargs;
	struct scmp_arg_cmp arg[2];
};

#define ANY(name) { SCMP_SYS(name), 0, { { 0 } } }
#define ARG1(name, a) { SCMP_SYS(name), 1, { a } }
#define ARG2(name, a, b) { SCMP_SYS(name), 2, { a, b } }

static const struct rule rules[] = {
	/* memory: malloc and free, libnl's buffers; never executable.
	 * (mprotect and madvise serve only malloc's secondary arenas,
	 * which a single-threaded process never creates.) */
	ANY(brk),
	ARG1(mmap, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)),
	ANY(munmap),
	ANY(mremap),
	/* netlink (NETLINK_ROUTE only) for the bridge and the tap, and
	 * syslog's AF_UNIX socket to /dev/log (datagram, or stream as
	 * glibc's fallback) */
	ARG2(socket, SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
	     SCMP_A2(SCMP_CMP_EQ, NETLINK_ROUTE)),
	ARG1(socket, SCMP_A0(SCMP_CMP_EQ, AF_UNIX)),
	ANY(bind),
	ANY(connect),
	ANY(getsockname),
	ANY(setsockopt),
	ANY(sendmsg),
	ANY(sendto),
	ANY(recvmsg),
	ANY(close),
	/* the tap: exactly the requests tap.c makes */
	ARG1(ioctl, SCMP_A1(SCMP_CMP_EQ, TUNGETFEATURES)),
	ARG1(ioctl, SCMP_A1(SCMP_CMP_EQ, TUNSETIFF)),
	ARG1(ioctl, SCMP_A1(SCMP_CMP_EQ, TUNSETOWNER)),
	ARG1(ioctl, SCMP_A1(SCMP_CMP_EQ, SIOCGIFHWADDR)),
	ARG1(ioctl, SCMP_A1(SCMP_CMP_EQ, SIOCGIFINDEX)),
	/* cap_net_admin in and out of the effective set (privs.c) */
	ANY(capset),
	/* libnl's port id and syslog's LOG_PID; the uid in messages;
	 * syslog's timestamp where the vDSO cannot serve it */
	ANY(getpid),
	ANY(getuid),
	ANY(clock_gettime),
	/* messages go to stderr only */
	ARG1(write, SCMP_A0(SCMP_CMP_EQ, STDERR_FILENO)),
	/* the end; and the caller may stop and continue us at any time,
	 * which must not turn a restarted call into a kill */
	ANY(exit_group),
	ANY(restart_syscall),
};

/* Things the code below the install point would otherwise do lazily,
 * through calls the filter does not allow: syslog() stamps its lines
 * with localtime(), whose first use opens /etc/localtime. */
static void warm_up(void)
{
	tzset();
}

void seccomp_install(void)
{
	scmp_filter_ctx ctx;
	int rc = 0;

	warm_up();
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		die(EXIT_PRIVS, "failed to set up the system call filter: out of memory");
	for (size_t i = 0; rc == 0 && i < sizeof(rules) / sizeof(rules[0]); i++)
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, rules[i].nr,
					    rules[i].nargs, rules[i].arg);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		die_errno(EXIT_PRIVS, "failed to install the system call filter");
	}
}

#else

void seccomp_install(void)
{
}

#endif
