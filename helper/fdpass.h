/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fdpass.h - the caller's socket: check it first, hand the tap over last.
 */
#ifndef TAPGATE_FDPASS_H
#define TAPGATE_FDPASS_H

/* Dies with EXIT_USAGE unless @fd is an open, connected AF_UNIX stream
 * socket. */
void fdpass_check(int fd);

/* Exactly one sendmsg(): one 0x00 byte and one SCM_RIGHTS message
 * with one fd. Never blocks, never raises SIGPIPE. 0 or -errno. */
int fdpass_send(int sock, int fd);

#endif
