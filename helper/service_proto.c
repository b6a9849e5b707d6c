// SPDX-License-Identifier: GPL-2.0-or-later
#include "service_proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 4)))
static int refuse(char *msg, size_t msgsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, msgsz, fmt, ap); /* may cut: a message */
	va_end(ap);
	return -EINVAL;
}

size_t service_request_encode(uint8_t out[SERVICE_REQ_MAX], bool use_vnet,
			      const char *bridge)
{
	size_t n = strnlen(bridge, IFNAME_SIZE);

	if (ifname_check(bridge, n) != IFNAME_OK)
		return 0;
	memcpy(out, "tgq", 3);
	out[3] = SERVICE_VERSION;
	out[4] = use_vnet ? SERVICE_FLAG_VNET : 0;
	out[5] = (uint8_t)n;
	out[6] = out[7] = 0;
	memcpy(out + SERVICE_HDR_SIZE, bridge, n);
	return SERVICE_HDR_SIZE + n;
}

int service_request_parse(const uint8_t *buf, size_t len,
			  struct service_request *req, char *msg, size_t msgsz)
{
	enum ifname_status st;
	size_t n;

	memset(req, 0, sizeof(*req));
	if (len < 4 || memcmp(buf, "tgq", 3) != 0)
		return refuse(msg, msgsz, "not a tapgate request (%zu bytes, no 'tgq' header)",
			      len);
	if (buf[3] != SERVICE_VERSION) {
		refuse(msg, msgsz, "unsupported request version %u (this service speaks version %u: are the client and the service the same tapgate?)",
		       buf[3], SERVICE_VERSION);
		return -EPROTO;
	}
	if (len < SERVICE_HDR_SIZE)
		return refuse(msg, msgsz, "truncated request: %zu bytes, the header alone is %u",
			      len, SERVICE_HDR_SIZE);
	if (buf[4] & ~SERVICE_FLAG_VNET)
		return refuse(msg, msgsz, "request has unknown flags 0x%02x", buf[4]);
	if (buf[6] || buf[7])
		return refuse(msg, msgsz, "request has non-zero reserved bytes");
	n = buf[5];
	if (n == 0 || n >= IFNAME_SIZE)
		return refuse(msg, msgsz, "request names a bridge of %zu bytes (1 to %u)",
			      n, IFNAME_SIZE - 1);
	if (len < SERVICE_HDR_SIZE + n)
		return refuse(msg, msgsz, "truncated request: %zu bytes, expected %zu",
			      len, SERVICE_HDR_SIZE + n);
	if (len > SERVICE_HDR_SIZE + n) {
		refuse(msg, msgsz, "oversized request: %zu bytes or more, expected %zu",
		       len, SERVICE_HDR_SIZE + n);
		return -EMSGSIZE;
	}
	/* CVE-2019-13164: the one validator, refusing, never truncating. */
	st = ifname_check((const char *)buf + SERVICE_HDR_SIZE, n);
	if (st != IFNAME_OK) {
		ifname_describe(msg, msgsz, (const char *)buf + SERVICE_HDR_SIZE,
				n, st);
		return -EINVAL;
	}
	req->use_vnet = buf[4] & SERVICE_FLAG_VNET;
	memcpy(req->bridge, buf + SERVICE_HDR_SIZE, n);
	req->bridge[n] = '\0';
	return 0;
}

size_t service_reply_encode(uint8_t out[SERVICE_REPLY_MAX], uint8_t status,
			    const char *msg, size_t len)
{
	if (len > SERVICE_MSG_MAX)
		len = SERVICE_MSG_MAX;
	memcpy(out, "tgr", 3);
	out[3] = SERVICE_VERSION;
	out[4] = status;
	out[5] = 0;
	out[6] = (uint8_t)(len & 0xff);
	out[7] = (uint8_t)(len >> 8);
	if (len)
		memcpy(out + SERVICE_HDR_SIZE, msg, len);
	return SERVICE_HDR_SIZE + len;
}

int service_reply_header(const uint8_t hdr[SERVICE_HDR_SIZE], int *status,
			 size_t *msglen)
{
	size_t m = (size_t)hdr[6] | (size_t)hdr[7] << 8;

	if (memcmp(hdr, "tgr", 3) != 0 || hdr[3] != SERVICE_VERSION ||
	    hdr[5] != 0 || m > SERVICE_MSG_MAX || (hdr[4] == 0 && m != 0))
		return -EPROTO;
	*status = hdr[4];
	*msglen = m;
	return 0;
}
