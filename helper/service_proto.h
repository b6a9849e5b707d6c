/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * service_proto.h - the tapgate service's wire format (version 1),
 * pure: no system calls, so it is unit-tested on its own.
 *
 * Request, client to service, then the client shuts down its writing
 * side (the end of the request is the end of the stream):
 *
 *   0..2  "tgq"            magic
 *   3     1                version
 *   4     flags            bit 0: --use-vnet; every other bit 0
 *   5     n                length of the bridge name, 1..15
 *   6..7  0 0              reserved
 *   8..   the bridge name  n bytes, no NUL
 *
 * Nothing in it says who the caller is: the service asks the kernel
 * (SO_PEERCRED, SO_PEERGROUPS). No fd travels with it.
 *
 * Reply, service to client, one sendmsg():
 *
 *   0..2  "tgr"            magic
 *   3     1                version
 *   4     status           tapgate's exit status (tapgate(8))
 *   5     0                reserved
 *   6..7  m                message length, little-endian, <= 2048
 *   8..   the message      m bytes: what the service wrote to stderr
 *
 * Status 0 carries exactly one fd (SCM_RIGHTS, the tap) and no message;
 * any other status carries no fd.
 */
#ifndef TAPGATE_SERVICE_PROTO_H
#define TAPGATE_SERVICE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ifname.h"

#define SERVICE_VERSION 1
#define SERVICE_HDR_SIZE 8
#define SERVICE_REQ_MAX (SERVICE_HDR_SIZE + IFNAME_SIZE - 1)
#define SERVICE_MSG_MAX 2048
#define SERVICE_REPLY_MAX (SERVICE_HDR_SIZE + SERVICE_MSG_MAX)
#define SERVICE_FLAG_VNET 0x01

struct service_request {
	bool use_vnet;
	char bridge[IFNAME_SIZE];  /* validated with ifname_check() */
};

/* The request for @use_vnet and @bridge (already validated) into @out;
 * returns its length, or 0 if @bridge is not a valid name. */
size_t service_request_encode(uint8_t out[SERVICE_REQ_MAX], bool use_vnet,
			      const char *bridge);

/* Parse the @len bytes of a whole request. 0, or -EINVAL / -EPROTO
 * (unknown version) / -EMSGSIZE (bytes after the request) with why in
 * @msg. */
int service_request_parse(const uint8_t *buf, size_t len,
			  struct service_request *req, char *msg, size_t msgsz);

/* A reply header and message (cut to SERVICE_MSG_MAX) into @out;
 * returns the length to send. */
size_t service_reply_encode(uint8_t out[SERVICE_REPLY_MAX], uint8_t status,
			    const char *msg, size_t len);

/* The header of a reply: 0 with @status and @msglen, or -EPROTO. */
int service_reply_header(const uint8_t hdr[SERVICE_HDR_SIZE], int *status,
			 size_t *msglen);

#endif
