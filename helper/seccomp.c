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
 * The rules, and why each is there, are in seccomp_gen.c, which has
 * libseccomp compile them at build time; here the program is only
 * loaded, with one prctl(). tests/e2e/test_seccomp.sh proves the
 * filter is loaded in the real binary and that what it leaves out
 * kills.
 */
#define _GNU_SOURCE
#include "seccomp.h"

#include "die.h"

#ifdef TAPGATE_SECCOMP

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <time.h>

/* The BPF program, compiled from the rules in seccomp_gen.c by
 * libseccomp at build time. */
#include "seccomp_bpf.h"

/* Things the code below the install point would otherwise do lazily,
 * through calls the filter does not allow: syslog() stamps its lines
 * with localtime(), whose first use opens /etc/localtime. */
static void warm_up(void)
{
	tzset();
}

void seccomp_install(void)
{
	struct sock_fprog prog = {
		.len = sizeof(seccomp_bpf) / sizeof(seccomp_bpf[0]),
		.filter = (struct sock_filter *)seccomp_bpf,
	};

	warm_up();
	/* no_new_privs is set since process_harden(), as the kernel
	 * requires of an unprivileged filter. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		die_errno(EXIT_PRIVS, "failed to install the system call filter");
}

#else

void seccomp_install(void)
{
}

#endif
