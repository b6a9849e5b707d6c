/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * service.h - the client side: a tapgate that cannot act itself asks
 * the tapgate service (serve.h) and relays its answer.
 */
#ifndef TAPGATE_SERVICE_H
#define TAPGATE_SERVICE_H

#include <stdbool.h>
#include <stdnoreturn.h>

#include "args.h"

/*
 * Ask the service at TAPGATE_SERVICE_SOCKET for the grant @args asks
 * for, and give the caller what a privileged run would: the tap over
 * --fd and exit 0, or the service's message on stderr and its exit
 * status. Without a service to ask, privs_die_unprivileged().
 * @nnp_before is for that message.
 */
noreturn void service_relay(const struct args *args, bool nnp_before);

/* The same for a tapgate inside a user namespace, where its ids and
 * capabilities are not the host's: drop every capability, parse the
 * command line, and relay a grant through the service; anything else,
 * or no service, is the user-namespace refusal. */
noreturn void service_relay_from_user_namespace(int argc, char *argv[],
						bool nnp_before);

#endif
