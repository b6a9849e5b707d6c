/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * seccomp.h - the system-call allow-list for the rest of a grant.
 *
 * Installed once the ACL is loaded (name-service lookups done), before
 * the bridge is resolved. From then on the process can only talk
 * netlink (NETLINK_ROUTE), use the tun fd it already holds with the
 * few ioctls a tap needs, raise and lower cap_net_admin, send the fd,
 * write its message to stderr and syslog, and exit. Anything else
 * (execve, opening a file, another socket family, another ioctl,
 * executable memory) kills the process, and with it the
 * non-persistent tap. tapgate(8), SECURITY; SECURITY.md.
 */
#ifndef TAPGATE_SECCOMP_H
#define TAPGATE_SECCOMP_H

/* Install the filter, or die with EXIT_PRIVS. A no-op when tapgate was
 * built with -DTAPGATE_SECCOMP=OFF. */
void seccomp_install(void);

#endif
