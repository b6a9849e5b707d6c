/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * die.h - exit codes and the die() idiom of the helper program.
 *
 * Program code ends through die()/die_errno(): the message goes to
 * stderr (QEMU shows it to the user) and, as a refusal, to syslog.
 * Library code (acl/) never does this; it returns -errno.
 */
#ifndef TAPGATE_DIE_H
#define TAPGATE_DIE_H

#include <stdnoreturn.h>

#ifndef TAPGATE_VERSION
#define TAPGATE_VERSION "0.0.0"
#endif
#ifndef TAPGATE_ACL_PATH
#define TAPGATE_ACL_PATH "/etc/qemu/bridge.conf"
#endif

/* Documented in tapgate(8), EXIT STATUS. Every failure is non-zero. */
enum tapgate_exit {
	EXIT_GRANTED = 0,   /* tap created, attached and handed over */
	EXIT_USAGE = 1,     /* bad arguments or --fd (the original's 1) */
	EXIT_DENIED = 2,    /* the ACL does not allow this bridge */
	EXIT_ACL = 3,       /* the ACL could not be read or parsed */
	EXIT_BRIDGE = 4,    /* no such bridge, or not a bridge */
	EXIT_PRIVS = 5,     /* no privilege, or an environment we refuse */
	EXIT_TAP = 6,       /* creating or attaching the tap failed */
	EXIT_HANDOVER = 7,  /* the fd could not be passed to the caller */
	EXIT_QUOTA = 8,     /* allowed, but the caller holds "max" taps already */
};

__attribute__((format(printf, 2, 3)))
noreturn void die(int code, const char *fmt, ...);

/* Like die(), but the log gets @logged instead: for a message that may
 * quote a file the caller could read but the log's readers may not. */
__attribute__((format(printf, 3, 4)))
noreturn void die_private(int code, const char *logged, const char *fmt, ...);

/* Like die(), appending ": strerror(errno)" (errno saved first). */
__attribute__((format(printf, 2, 3)))
noreturn void die_errno(int code, const char *fmt, ...);

/* Exit with @code once stderr, if a pipe, has been read out, as die()
 * does: for a message written to stderr by other means (service.c
 * relaying the service's refusal). */
noreturn void die_exit_after_stderr(int code);

/* tapgate --serve: also hand each die() message and status to @hook
 * (NULL: stop), which must not die itself. */
void die_set_reply(void (*hook)(int code, const char *msg));

#ifndef TAPGATE_SERVICE_SOCKET
#define TAPGATE_SERVICE_SOCKET "/run/tapgate/socket"
#endif

#endif
