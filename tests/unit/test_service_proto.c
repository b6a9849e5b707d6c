// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_service_proto.c - the tapgate service's wire format, version 1
 * (helper/service_proto.h, tapgate(8) THE SERVICE): what the client
 * encodes parses back; every malformed request is refused with a
 * reason; a reply header is checked before it is believed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "service_proto.h"

static void test_service_request_ok_roundtrip(void **state)
{
	static const struct { bool vnet; const char *br; } cases[] = {
		{ false, "br0" }, { true, "br0" }, { true, "a" },
		{ false, "virbr-lab.12345" },       /* 15 bytes */
		{ true, "lab-\xc3\xa9" },           /* non-ASCII bytes */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t buf[SERVICE_REQ_MAX];
		struct service_request req;
		char msg[256] = "";
		size_t len = service_request_encode(buf, cases[i].vnet, cases[i].br);

		assert_int_equal(len, SERVICE_HDR_SIZE + strlen(cases[i].br));
		assert_memory_equal(buf, "tgq\x01", 4);
		if (service_request_parse(buf, len, &req, msg, sizeof(msg)) != 0)
			fail_msg("case %zu: %s", i, msg);
		assert_int_equal(req.use_vnet, cases[i].vnet);
		assert_string_equal(req.bridge, cases[i].br);
	}
}

static void test_service_request_nok_encode_invalid(void **state)
{
	uint8_t buf[SERVICE_REQ_MAX];

	assert_int_equal(service_request_encode(buf, false, ""), 0);
	assert_int_equal(service_request_encode(buf, false, "0123456789abcdef"), 0);
	assert_int_equal(service_request_encode(buf, false, "a/b"), 0);
	assert_int_equal(service_request_encode(buf, false, ".."), 0);
}

struct nok_case {
	const char *bytes;
	size_t len;
	int rc;
	const char *msg;   /* must occur in the message */
};

#define REQ(s) s, sizeof(s) - 1

static void test_service_request_nok_table(void **state)
{
	static const struct nok_case cases[] = {
		{ REQ(""), -EINVAL, "no 'tgq' header" },
		{ REQ("tg"), -EINVAL, "no 'tgq' header" },
		{ REQ("TGQ\x01\x00\x03\x00\x00" "br0"), -EINVAL, "no 'tgq' header" },
		{ REQ("tgq\x02\x00\x03\x00\x00" "br0"), -EPROTO, "unsupported request version 2" },
		{ REQ("tgq\x00\x00\x03\x00\x00" "br0"), -EPROTO, "unsupported request version 0" },
		{ REQ("tgq\x01\x00\x03"), -EINVAL, "truncated request: 6 bytes" },
		{ REQ("tgq\x01\x00\x03\x00\x00" "br"), -EINVAL, "truncated request: 10 bytes, expected 11" },
		{ REQ("tgq\x01\x00\x03\x00\x00" "br0x"), -EMSGSIZE, "oversized request" },
		{ REQ("tgq\x01\x80\x03\x00\x00" "br0"), -EINVAL, "unknown flags 0x80" },
		{ REQ("tgq\x01\x00\x03\x00\x01" "br0"), -EINVAL, "reserved" },
		{ REQ("tgq\x01\x00\x00\x00\x00"), -EINVAL, "0 bytes" },
		{ REQ("tgq\x01\x00\x10\x00\x00" "0123456789abcdef"), -EINVAL, "16 bytes" },
		{ REQ("tgq\x01\x00\x03\x00\x00" "a/b"), -EINVAL, "a/b" },
		{ REQ("tgq\x01\x00\x03\x00\x00" "a b"), -EINVAL, "a b" },
		{ REQ("tgq\x01\x00\x02\x00\x00" ".."), -EINVAL, ".." },
		{ "tgq\x01\x00\x03\x00\x00" "b\0r", 11, -EINVAL, "b\\x00r" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct service_request req;
		char msg[256] = "";
		int rc = service_request_parse((const uint8_t *)cases[i].bytes,
					       cases[i].len, &req, msg, sizeof(msg));

		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d, want %d (%s)", i, rc, cases[i].rc, msg);
		if (!strstr(msg, cases[i].msg))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, msg, cases[i].msg);
		assert_string_equal(req.bridge, "");
	}
}

static void test_service_reply_ok_roundtrip(void **state)
{
	uint8_t buf[SERVICE_REPLY_MAX];
	char big[SERVICE_MSG_MAX + 100];
	size_t len, m;
	int status;

	len = service_reply_encode(buf, 0, "", 0);
	assert_int_equal(len, SERVICE_HDR_SIZE);
	assert_int_equal(service_reply_header(buf, &status, &m), 0);
	assert_int_equal(status, 0);
	assert_int_equal(m, 0);

	len = service_reply_encode(buf, 2, "access denied", 13);
	assert_int_equal(len, SERVICE_HDR_SIZE + 13);
	assert_int_equal(service_reply_header(buf, &status, &m), 0);
	assert_int_equal(status, 2);
	assert_int_equal(m, 13);
	assert_memory_equal(buf + SERVICE_HDR_SIZE, "access denied", 13);

	/* Cut, never overflowing the buffer. */
	memset(big, 'x', sizeof(big));
	len = service_reply_encode(buf, 3, big, sizeof(big));
	assert_int_equal(len, SERVICE_REPLY_MAX);
	assert_int_equal(service_reply_header(buf, &status, &m), 0);
	assert_int_equal(m, SERVICE_MSG_MAX);
}

static void test_service_reply_nok_header(void **state)
{
	static const char *const bad[] = {
		"tgq\x01\x00\x00\x00\x00",      /* a request's magic */
		"tgr\x02\x00\x00\x00\x00",      /* another version */
		"tgr\x01\x02\x01\x00\x00",      /* reserved byte set */
		"tgr\x01\x00\x00\x05\x00",      /* a grant with a message */
		"tgr\x01\x02\x00\x01\x08",      /* 2049 bytes: too long */
	};
	int status = -1;
	size_t m = 0;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (service_reply_header((const uint8_t *)bad[i], &status, &m) != -EPROTO)
			fail_msg("case %zu accepted", i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_service_request_ok_roundtrip),
		cmocka_unit_test(test_service_request_nok_encode_invalid),
		cmocka_unit_test(test_service_request_nok_table),
		cmocka_unit_test(test_service_reply_ok_roundtrip),
		cmocka_unit_test(test_service_reply_nok_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
