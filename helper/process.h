/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * process.h - make the process sane before it does anything.
 *
 * The earliest part (fds 0-2, the environment) runs from
 * .preinit_array, before any shared library's constructor: libnl reads
 * NLDBG, NLCB and NLSYSCONFDIR in its constructors, and none of them
 * may change what a privileged tapgate does or prints.
 */
#ifndef TAPGATE_PROCESS_H
#define TAPGATE_PROCESS_H

#include <stdbool.h>

/* no_new_privs, non-dumpable, umask, cwd, signals, watchdog; find out
 * whether we run in a non-initial user namespace. Returns whether
 * no_new_privs was already set by whoever started us (for the "no
 * privilege" hint). */
bool process_harden(void);

/* Inside a user namespace our ids and capabilities are not the host's:
 * the only thing tapgate does there is ask the service (service.c);
 * everything else is refused with this, @hint (or NULL) appended. */
bool process_in_user_namespace(void);
void process_refuse_user_namespace(const char *hint);

/* The working directory we were started in (process_harden() then
 * moved to /), or "" if it had no name. */
const char *process_cwd(void);

/* Close every inherited fd above 2 except @keep1 and @keep2 (either
 * may be negative). Dies if that is impossible. */
void process_close_fds(int keep1, int keep2);

/* Seconds after which SIGALRM ends a stuck helper (and with it the
 * non-persistent tap). */
#define PROCESS_WATCHDOG_SECONDS 10

#endif
