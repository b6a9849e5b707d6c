/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fdpass.h - the caller's socket: check it first, hand the tap over last.
 */
#ifndef TAPGATE_FDPASS_H
#define TAPGATE_FDPASS_H

/* Dies with EXIT_USAGE unless @fd is an open, connected AF_UNIX stream
 * socket. */
void fdpass_check(int fd);

#include <stddef.h>

/* Exactly one sendmsg(): one 0x00 byte and one SCM_RIGHTS message
 * with one fd. Never blocks, never raises SIGPIPE. 0 or -errno. */
int fdpass_send(int sock, int fd);

/* The same with @len bytes of @data instead of the one 0x00 byte (the
 * service's reply); -EIO if fewer went. */
int fdpass_send_data(int sock, int fd, const void *data, size_t len);

#endif
