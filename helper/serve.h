/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serve.h - tapgate --serve: one grant for the process at the other
 * end of a connection, as tapgate@.service runs it (Accept=yes).
 *
 * The connection is fd 3, checked for what it is rather than trusted
 * from LISTEN_FDS (the environment is emptied before main, process.c).
 * The caller is what the kernel says of the peer; the request
 * (service_proto.h) only says which bridge and whether --use-vnet.
 */
#ifndef TAPGATE_SERVE_H
#define TAPGATE_SERVE_H

#include <stdbool.h>

#include "args.h"
#include "privs.h"

/* The connection systemd and systemd-socket-activate --accept pass. */
#define SERVE_FD 3

/* The request has to be complete within this many milliseconds. */
#define SERVE_REQUEST_MS 1000

/* argv is exactly "tapgate --serve": the unit's command line. */
bool serve_requested(int argc, char *const argv[]);

/* Check fd 3, send every later die() message back over it, become the
 * peer (privs_become()), refuse unmapped ids, read and parse the
 * request into @args (a grant with --fd=3). Dies on every refusal. */
enum privs_mode serve_accept(struct args *args);

/* Hand the tap over as the reply of status 0. 0 or -errno. */
int serve_handover(int sock, int tunfd);

#endif
