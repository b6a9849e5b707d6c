// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_port_readback.c - how a grant tells that the kernel really set
 * the port flags the ACL asks for: the read-back RTM_NEWLINK is parsed
 * (netlink_parse_link()) and compared (tap_port_missing()). Kernels
 * older than a flag ignore it without an error and do not report it;
 * these answers are built here with libnl's message API, as such a
 * kernel would send them, since no old kernel runs the suite.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdbool.h>
#include <string.h>

#include "acl.h"
#include "netlink.h"
#include "tap.h"

#define ALL (NETLINK_PORT_ISOLATED | NETLINK_PORT_GUARD | NETLINK_PORT_ROOT_BLOCK)

/* Which IFLA_BRPORT_* the answer carries (-1: absent) for each flag. */
struct answer {
	const char *slave_kind;   /* NULL: no slave info at all */
	int isolated, guard, protect;
};

static struct nl_msg *build(const struct answer *a)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 7 };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
	struct nlattr *info, *data;

	assert_non_null(msg);
	assert_int_equal(nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO), 0);
	assert_int_equal(nla_put_string(msg, IFLA_IFNAME, "tap0"), 0);
	assert_int_equal(nla_put_u32(msg, IFLA_MASTER, 3), 0);
	info = nla_nest_start(msg, IFLA_LINKINFO);
	assert_non_null(info);
	assert_int_equal(nla_put_string(msg, IFLA_INFO_KIND, "tun"), 0);
	if (a->slave_kind) {
		assert_int_equal(nla_put_string(msg, IFLA_INFO_SLAVE_KIND,
						a->slave_kind), 0);
		data = nla_nest_start(msg, IFLA_INFO_SLAVE_DATA);
		assert_non_null(data);
		/* Other port attributes, as a real answer has them. */
		assert_int_equal(nla_put_u8(msg, IFLA_BRPORT_STATE, 3), 0);
		if (a->guard >= 0)
			assert_int_equal(nla_put_u8(msg, IFLA_BRPORT_GUARD, (uint8_t)a->guard), 0);
		if (a->protect >= 0)
			assert_int_equal(nla_put_u8(msg, IFLA_BRPORT_PROTECT, (uint8_t)a->protect), 0);
		if (a->isolated >= 0)
			assert_int_equal(nla_put_u8(msg, IFLA_BRPORT_ISOLATED, (uint8_t)a->isolated), 0);
		/* An attribute newer than our headers is skipped. */
		assert_int_equal(nla_put_u8(msg, IFLA_BRPORT_MAX + 5, 1), 0);
		nla_nest_end(msg, data);
	}
	nla_nest_end(msg, info);
	return msg;
}

static void check(const struct answer *a, unsigned want,
		  unsigned missing, unsigned unknown)
{
	struct nl_msg *msg = build(a);
	struct netlink_link l;
	unsigned got_unknown = 0xff, got;

	assert_int_equal(netlink_parse_link(nlmsg_hdr(msg), &l), 0);
	assert_int_equal(l.ifindex, 7);
	assert_int_equal(l.master, 3);
	assert_string_equal(l.kind, "tun");
	got = tap_port_missing(want, &l, &got_unknown);
	if (got != missing || got_unknown != unknown)
		fail_msg("missing %#x unknown %#x, want %#x %#x", got,
			 got_unknown, missing, unknown);
	nlmsg_free(msg);
}

static void test_tap_port_missing_ok_all_set(void **state)
{
	const struct answer a = { "bridge", 1, 1, 1 };

	check(&a, ALL, 0, 0);
	check(&a, NETLINK_PORT_ISOLATED, 0, 0);
	check(&a, 0, 0, 0);
}

static void test_tap_port_missing_nok_old_kernel(void **state)
{
	/* Before Linux 4.18: no IFLA_BRPORT_ISOLATED, silently. */
	const struct answer a = { "bridge", -1, 1, 1 };

	check(&a, ALL, NETLINK_PORT_ISOLATED, NETLINK_PORT_ISOLATED);
	check(&a, NETLINK_PORT_GUARD | NETLINK_PORT_ROOT_BLOCK, 0, 0);
}

static void test_tap_port_missing_nok_reported_off(void **state)
{
	const struct answer a = { "bridge", 1, 0, 1 };

	check(&a, ALL, NETLINK_PORT_GUARD, 0);
}

static void test_tap_port_missing_nok_not_a_bridge_port(void **state)
{
	const struct answer none = { NULL, 1, 1, 1 };
	const struct answer bond = { "bond", 1, 1, 1 };

	check(&none, ALL, ALL, ALL);
	check(&bond, NETLINK_PORT_GUARD, NETLINK_PORT_GUARD, NETLINK_PORT_GUARD);
	check(&none, 0, 0, 0);
}

static void test_tap_port_flags_ok(void **state)
{
	assert_int_equal(tap_port_flags(0), 0);
	assert_int_equal(tap_port_flags(ACL_OPTION_BIT(ACL_OPT_ISOLATED)),
			 NETLINK_PORT_ISOLATED);
	assert_int_equal(tap_port_flags(ACL_OPTION_BIT(ACL_OPT_GUARD)),
			 NETLINK_PORT_GUARD | NETLINK_PORT_ROOT_BLOCK);
	assert_int_equal(tap_port_flags(ACL_OPTION_BIT(ACL_OPT_ISOLATED) |
					ACL_OPTION_BIT(ACL_OPT_GUARD)), ALL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tap_port_missing_ok_all_set),
		cmocka_unit_test(test_tap_port_missing_nok_old_kernel),
		cmocka_unit_test(test_tap_port_missing_nok_reported_off),
		cmocka_unit_test(test_tap_port_missing_nok_not_a_bridge_port),
		cmocka_unit_test(test_tap_port_flags_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
