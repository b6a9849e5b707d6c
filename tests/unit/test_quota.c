// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_quota.c - "allow BRIDGE max N" without a kernel: the names
 * tapgate gives its taps ("tapgate.UID.BRIDX.K", ".tIFINDEX"), what
 * makes a tap an orphan, the count of a dump's links, the refusal of
 * a full quota (in a forked child: it dies), the list it shows, and
 * the slots a claim tries (helper/quota.c).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bridge.h"
#include "child.h"
#include "netlink.h"
#include "quota.h"
#include "tapgate.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- quota_parse_name() ---- */

static void test_quota_parse_name_ok_forms(void **state)
{
	static const struct {
		const char *alt;
		uint32_t uid;
		int bridge;
		bool marker;
		unsigned slot;
	} cases[] = {
		{ "tapgate.0.0.0", 0, 0, false, 0 },
		{ "tapgate.1000.7.3", 1000, 7, false, 3 },
		{ "tapgate.1000.7.1023", 1000, 7, false, 1023 },
		{ "tapgate.4294967295.2147483647.4294967295", 4294967295U,
		  2147483647, false, 4294967295U },
		/* Granted without a max: the tap's ifindex, no slot. */
		{ "tapgate.1000.7.t12", 1000, 7, true, 0 },
		{ "tapgate.1000.7.t0", 1000, 7, true, 0 },
		{ "tapgate.65534.2.t4294967295", 65534, 2, true, 0 },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct quota_name n;
		int rc = quota_parse_name(cases[i].alt, &n);

		if (rc != 0)
			fail_msg("'%s': %d, want 0", cases[i].alt, rc);
		if (n.uid != cases[i].uid || n.bridge != cases[i].bridge ||
		    n.marker != cases[i].marker || n.slot != cases[i].slot)
			fail_msg("'%s': uid %u bridge %d marker %d slot %u",
				 cases[i].alt, n.uid, n.bridge, (int)n.marker,
				 n.slot);
	}
}

static void test_quota_parse_name_nok_malformed(void **state)
{
	static const char *const cases[] = {
		/* wrong prefix */
		"", "tapgate", "tapgate.", "Tapgate.1.2.3", "TAPGATE.1.2.3",
		"xtapgate.1.2.3", "tapgate-1.2.3", "tapgat.1.2.3",
		"tap.1.2.3", " tapgate.1.2.3",
		/* signs and spaces */
		"tapgate.+1.2.3", "tapgate.-1.2.3", "tapgate.1.+2.3",
		"tapgate.1.-2.3", "tapgate.1.2.+3", "tapgate.1.2.-3",
		"tapgate.1.2.t+3", "tapgate.1.2.t-3", "tapgate. 1.2.3",
		"tapgate.1 .2.3", "tapgate.1.2. 3",
		/* not decimal */
		"tapgate.0x1.2.3", "tapgate.1.2.0x3", "tapgate.a.2.3",
		/* over 2^32-1, the bridge's ifindex over 2^31-1 */
		"tapgate.4294967296.2.3", "tapgate.1.4294967296.3",
		"tapgate.1.2.4294967296", "tapgate.1.2.t4294967296",
		"tapgate.99999999999999999999999.2.3",
		"tapgate.1.2.18446744073709551617",
		"tapgate.1.2147483648.3",
		/* empty fields, missing fields */
		"tapgate...", "tapgate..2.3", "tapgate.1..3", "tapgate.1.2.",
		"tapgate.1.2.t", "tapgate.1.2", "tapgate.1", "tapgate.1.",
		/* trailing bytes */
		"tapgate.1.2.3.", "tapgate.1.2.3x", "tapgate.1.2.3.4",
		"tapgate.1.2.t3x", "tapgate.1.2.3 ", "tapgate.1.2.3\n",
		"tapgate.1.2.t3.",
		/* the marker only in the last field, once, lower case */
		"tapgate.t1.2.3", "tapgate.1.t2.3", "tapgate.1.2.tt3",
		"tapgate.1.2.T3", "tapgate.1.2.3t",
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct quota_name n;
		int rc = quota_parse_name(cases[i], &n);

		/* (@n is not promised to be clear then: callers ignore it.) */
		if (rc != -EINVAL)
			fail_msg("'%s': %d, want -EINVAL", cases[i], rc);
	}
}

/* ---- quota_is_orphan() ---- */

/* A tap of tapgate's, persistent, that no fd holds. */
static struct netlink_link orphan_link(void)
{
	struct netlink_link l;

	memset(&l, 0, sizeof(l));
	l.ifindex = 21;
	l.master = 7;
	snprintf(l.name, sizeof(l.name), "tap0");
	snprintf(l.kind, sizeof(l.kind), "tun");
	l.tap = true;
	l.persist = true;
	l.held = false;
	snprintf(l.ours, sizeof(l.ours), "tapgate.1000.7.0");
	return l;
}

static void test_quota_is_orphan_ok_unheld_persistent_tap(void **state)
{
	struct netlink_link l = orphan_link();

	assert_true(quota_is_orphan(&l));
	/* Whoever it was granted to, with or without a max, on any
	 * bridge; attached or not. */
	snprintf(l.ours, sizeof(l.ours), "tapgate.0.3.t21");
	assert_true(quota_is_orphan(&l));
	l.master = 0;
	assert_true(quota_is_orphan(&l));
}

static void test_quota_is_orphan_nok_one_field_differs(void **state)
{
	static const struct {
		const char *what;
		const char *kind;
		int tap, persist, held; /* -1: as the orphan */
		const char *ours;
	} cases[] = {
		{ "held by an fd", NULL, -1, -1, 1, NULL },
		{ "not persistent", NULL, -1, 0, -1, NULL },
		{ "tun mode, not tap", NULL, 0, -1, -1, NULL },
		{ "not a tun device", "veth", -1, -1, -1, NULL },
		{ "no kind", "", -1, -1, -1, NULL },
		{ "macvtap", "macvtap", -1, -1, -1, NULL },
		{ "no name of ours", NULL, -1, -1, -1, "" },
		{ "a name that only starts like ours", NULL, -1, -1, -1,
		  "tapgate.x" },
		{ "a malformed name of ours", NULL, -1, -1, -1,
		  "tapgate.1000.7.-1" },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct netlink_link l = orphan_link();

		if (cases[i].kind)
			snprintf(l.kind, sizeof(l.kind), "%s", cases[i].kind);
		if (cases[i].tap >= 0)
			l.tap = cases[i].tap;
		if (cases[i].persist >= 0)
			l.persist = cases[i].persist;
		if (cases[i].held >= 0)
			l.held = cases[i].held;
		if (cases[i].ours)
			snprintf(l.ours, sizeof(l.ours), "%s", cases[i].ours);
		if (quota_is_orphan(&l))
			fail_msg("%s: counted as an orphan", cases[i].what);
	}
}

/* ---- quota_tally(): one dump's links, counted ---- */

#define UID 1000
#define BRIDX 7

static struct bridge br7(void)
{
	struct bridge br;

	memset(&br, 0, sizeof(br));
	br.state = BRIDGE_OK;
	br.ifindex = BRIDX;
	snprintf(br.name, sizeof(br.name), "br0");
	snprintf(br.shown, sizeof(br.shown), "br0");
	snprintf(br.requested, sizeof(br.requested), "br0");
	snprintf(br.requested_shown, sizeof(br.requested_shown), "br0");
	return br;
}

/* A held tap on bridge 7 named @ours. */
static struct netlink_link port(int ifindex, const char *name,
				const char *ours)
{
	struct netlink_link l = orphan_link();

	l.ifindex = ifindex;
	l.master = BRIDX;
	l.held = true;
	snprintf(l.name, sizeof(l.name), "%s", name);
	snprintf(l.ours, sizeof(l.ours), "%s", ours);
	return l;
}

static bool slot_taken(const struct quota_use *use, unsigned k)
{
	return use->taken[k / 64] & ((uint64_t)1 << (k % 64));
}

static void tally_all(struct quota_use *use, unsigned max,
		      const struct netlink_link *links, size_t n)
{
	struct bridge br = br7();

	memset(use, 0, sizeof(*use));
	for (size_t i = 0; i < n; i++)
		quota_tally(use, UID, &br, max, &links[i]);
}

static void test_quota_tally_ok_counts_own_taps(void **state)
{
	struct netlink_link links[] = {
		port(20, "tap0", "tapgate.1000.7.0"),
		port(21, "tap1", "tapgate.1000.7.2"),
		/* Granted without a max: counts, holds no slot. */
		port(22, "tap2", "tapgate.1000.7.t22"),
		/* Granted under a larger max: slot 5 is outside max 3. */
		port(23, "tap3", "tapgate.1000.7.5"),
		/* A slot beyond what the bitmap records. */
		port(24, "tap4", "tapgate.1000.7.2000"),
	};
	struct quota_use use;

	tally_all(&use, 3, links, N_ELEMS(links));
	assert_int_equal(use.in_use, 5);
	assert_int_equal(use.outside, 3);   /* t22, 5 and 2000 */
	assert_true(slot_taken(&use, 0));
	assert_false(slot_taken(&use, 1));
	assert_true(slot_taken(&use, 2));
	assert_true(slot_taken(&use, 5));
	assert_int_equal(use.n_shown, 5);
	assert_string_equal(use.taps[0], "tap0");
	assert_string_equal(use.taps[4], "tap4");
	assert_int_equal(use.n_orphans, 0);

	/* With no max, nothing is outside it. */
	tally_all(&use, 0, links, N_ELEMS(links));
	assert_int_equal(use.in_use, 5);
	assert_int_equal(use.outside, 1);   /* only t22 */
}

static void test_quota_tally_nok_not_counted(void **state)
{
	struct netlink_link links[] = {
		/* another user's, a name for another bridge */
		port(30, "tap0", "tapgate.1001.7.0"),
		port(31, "tap1", "tapgate.1000.8.1"),
		/* no name of ours, or a malformed one */
		port(32, "tap2", ""),
		port(33, "tap3", "tapgate.1000.7.+1"),
		port(34, "tap4", "other.1000.7.1"),
		/* ours, but on another bridge now, or a tun-mode device */
		port(35, "tap5", "tapgate.1000.7.3"),
		port(36, "tun0", "tapgate.1000.7.4"),
	};
	struct quota_use use;

	links[5].master = 9;
	links[6].tap = false;
	tally_all(&use, 8, links, N_ELEMS(links));
	assert_int_equal(use.in_use, 0);
	assert_int_equal(use.outside, 0);
	assert_int_equal(use.n_shown, 0);
	assert_int_equal(use.n_orphans, 0);
	for (unsigned k = 0; k < 8; k++)
		assert_false(slot_taken(&use, k));
}

static void test_quota_tally_ok_orphans_apart(void **state)
{
	struct netlink_link links[] = {
		port(40, "tap0", "tapgate.1000.7.0"),
		port(41, "tap1", "tapgate.1000.7.1"),
		port(42, "tap2", "tapgate.1001.7.t42"),
	};
	struct quota_use use;

	/* Orphans, whoever's: collected to reap, never counted, and
	 * their slot is not taken. */
	links[1].held = false;
	links[2].held = false;
	tally_all(&use, 2, links, N_ELEMS(links));
	assert_int_equal(use.in_use, 1);
	assert_true(slot_taken(&use, 0));
	assert_false(slot_taken(&use, 1));
	assert_int_equal(use.n_orphans, 2);
	assert_int_equal(use.orphans[0], 41);
	assert_int_equal(use.orphans[1], 42);
	assert_string_equal(use.orphan_names[0], "tap1");
	assert_string_equal(use.orphan_names[1], "tap2");
}

/* ---- quota_next_slot(): the slots a claim tries, in order ---- */

static void test_quota_next_slot_ok_order(void **state)
{
	static const struct {
		const char *what;
		unsigned max, outside;
		int taken[8];         /* -1 ends */
		int want[8];          /* the slots tried, -1 ends */
	} cases[] = {
		{ "nothing taken", 3, 0, { -1 }, { 0, 1, 2, -1 } },
		{ "max 1", 1, 0, { -1 }, { 0, -1 } },
		{ "holes", 5, 0, { 0, 2, 3, -1 }, { 1, 4, -1 } },
		{ "outside taps use up the top", 4, 1, { 0, -1 }, { 1, 2, -1 } },
		{ "outside and taken", 4, 2, { 1, -1 }, { 0, -1 } },
		{ "taken above the range changes nothing", 3, 1, { 2, -1 },
		  { 0, 1, -1 } },
		{ "across a word of the bitmap", 67, 0,
		  { 0, 1, 62, 63, 64, -1 }, { 2, 3, 4, 5, 6, 7, 8, 9 } },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct quota_use use;
		long k = 0;
		size_t j;

		memset(&use, 0, sizeof(use));
		use.outside = cases[i].outside;
		for (j = 0; cases[i].taken[j] >= 0; j++)
			use.taken[cases[i].taken[j] / 64] |=
				(uint64_t)1 << (cases[i].taken[j] % 64);
		for (j = 0; j < N_ELEMS(cases[i].want); j++) {
			k = quota_next_slot(&use, cases[i].max,
					    j ? (unsigned)k + 1 : 0);
			if (k != cases[i].want[j])
				fail_msg("%s: try %zu is %ld, want %d",
					 cases[i].what, j, k, cases[i].want[j]);
			if (k < 0)
				break;
		}
	}
}

static void test_quota_next_slot_ok_past_bitmap(void **state)
{
	struct quota_use use;

	/* The bitmap says nothing of slots from QUOTA_SLOT_BITS up: they
	 * are tried (the kernel's EEXIST decides). */
	memset(&use, 0, sizeof(use));
	memset(use.taken, 0xff, sizeof(use.taken));
	assert_int_equal(quota_next_slot(&use, QUOTA_SLOT_BITS + 2, 0),
			 QUOTA_SLOT_BITS);
	assert_int_equal(quota_next_slot(&use, QUOTA_SLOT_BITS + 2,
					 QUOTA_SLOT_BITS + 1),
			 QUOTA_SLOT_BITS + 1);
	assert_int_equal(quota_next_slot(&use, QUOTA_SLOT_BITS + 2,
					 QUOTA_SLOT_BITS + 2), -1);
	assert_int_equal(quota_next_slot(&use, QUOTA_SLOT_BITS, 0), -1);
}

static void test_quota_next_slot_nok_none_left(void **state)
{
	static const struct {
		unsigned max, outside, from;
		bool all_taken;
	} cases[] = {
		{ 0, 0, 0, false },        /* no slot at all */
		{ 3, 3, 0, false },        /* outside taps fill max */
		{ 3, 4, 0, false },        /* more than max: no wrap */
		{ 1, 0xffffffffU, 0, false },
		{ 3, 0, 3, false },        /* tried them all */
		{ 3, 0, 0xffffffffU, false },
		{ 4, 0, 0, true },         /* the scan saw all taken */
		{ 4, 1, 0, true },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct quota_use use;
		long k;

		memset(&use, 0, sizeof(use));
		use.outside = cases[i].outside;
		if (cases[i].all_taken)
			memset(use.taken, 0xff, sizeof(use.taken));
		k = quota_next_slot(&use, cases[i].max, cases[i].from);
		if (k != -1)
			fail_msg("case %zu: slot %ld, want none", i, k);
	}
}

/* A whole round, as a grant does it: the dump counted, the quota
 * checked (in_use < max), and the slots then tried never exceed max
 * together with the taps counted. */
static void test_quota_next_slot_ok_never_over_max(void **state)
{
	struct netlink_link links[] = {
		port(50, "tap0", "tapgate.1000.7.1"),
		port(51, "tap1", "tapgate.1000.7.t51"),
		port(52, "tap2", "tapgate.1000.7.9"),
	};
	struct quota_use use;
	unsigned tried = 0;

	tally_all(&use, 5, links, N_ELEMS(links));
	assert_true(use.in_use < 5);
	for (long k = quota_next_slot(&use, 5, 0); k >= 0;
	     k = quota_next_slot(&use, 5, (unsigned)k + 1)) {
		assert_true(k < 5);
		assert_int_not_equal(k, 1);
		tried++;
	}
	/* 0 and 2: 3 taps counted + 2 slots = max. */
	assert_int_equal(tried, 2);
	assert_int_equal(use.in_use + tried, 5);
}

/* ---- quota_list() ---- */

static void set_taps(struct quota_use *use, unsigned in_use,
		     const char *const *names, unsigned n)
{
	memset(use, 0, sizeof(*use));
	use->in_use = in_use;
	use->n_shown = n;
	for (unsigned i = 0; i < n; i++)
		snprintf(use->taps[i], sizeof(use->taps[i]), "%s", names[i]);
}

static void test_quota_list_ok_forms(void **state)
{
	static const char *const eight[QUOTA_SHOW_TAPS] = {
		"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
	};
	static const struct {
		unsigned in_use, n;
		const char *names[3];
		const char *want;
	} cases[] = {
		{ 0, 0, { NULL }, "" },
		{ 1, 1, { "tap0" }, "tap0" },
		{ 2, 2, { "tap0", "tap3" }, "tap0, tap3" },
		/* Names are bytes: escaped, never shown raw. */
		{ 3, 3, { "t\\ap", "\x1b[31m", "\xc3\xa9" },
		  "t\\\\ap, \\x1b[31m, \\xc3\\xa9" },
		{ 1, 1, { "a\x7f" "b" }, "a\\x7fb" },
	};
	struct quota_use use;
	char out[256];

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		set_taps(&use, cases[i].in_use, cases[i].names, cases[i].n);
		assert_ptr_equal(quota_list(&use, out, sizeof(out)), out);
		assert_string_equal(out, cases[i].want);
	}
	/* More taps than are shown. */
	set_taps(&use, 9, eight, QUOTA_SHOW_TAPS);
	quota_list(&use, out, sizeof(out));
	assert_string_equal(out, "t0, t1, t2, t3, t4, t5, t6, t7, ...");
	set_taps(&use, 3, eight, 2);
	quota_list(&use, out, sizeof(out));
	assert_string_equal(out, "t0, t1, ...");
}

static void test_quota_list_nok_small_buffer(void **state)
{
	static const char *const names[QUOTA_SHOW_TAPS] = {
		"abcdefghijklmno", "abcdefghijklmno", "abcdefghijklmno",
		"abcdefghijklmno", "abcdefghijklmno", "abcdefghijklmno",
		"abcdefghijklmno", "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a"
		"\x0b\x0c\x0d\x0e\x0f",
	};
	struct quota_use use;
	char full[512];

	set_taps(&use, 100, names, QUOTA_SHOW_TAPS);
	quota_list(&use, full, sizeof(full));
	/* Every size: terminated within the buffer, a prefix of the
	 * whole list, never past its end (the canary). */
	for (size_t sz = 1; sz < sizeof(full); sz++) {
		char out[sizeof(full) + 1];

		memset(out, 'Z', sizeof(out));
		quota_list(&use, out, sz);
		if (out[sz] != 'Z')
			fail_msg("size %zu: wrote past the buffer", sz);
		if (strnlen(out, sz) >= sz)
			fail_msg("size %zu: not terminated", sz);
		if (strncmp(out, full, strlen(out)) != 0)
			fail_msg("size %zu: '%s' is not a prefix", sz, out);
	}
}

/* ---- quota_check(): refuses a full quota before a tap exists ---- */

struct check_args {
	unsigned max, in_use;
	const char *shown;
};

static void run_check(void *arg)
{
	const struct check_args *a = arg;
	static const char *const names[] = { "tap0", "tap1", "tap2" };
	struct bridge br = br7();
	struct quota_use use;

	snprintf(br.shown, sizeof(br.shown), "%s", a->shown);
	set_taps(&use, a->in_use, names, a->in_use < 3 ? a->in_use : 3);
	quota_check(UID, &br, a->max, &use);
}

static void test_quota_check_ok_below_max(void **state)
{
	static const struct check_args cases[] = {
		{ 1, 0, "br0" }, { 2, 1, "br0" }, { 4096, 4095, "br0" },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct child_result r;

		assert_int_equal(child_run(run_check, (void *)&cases[i], &r), 0);
		if (!child_exited(&r, CHILD_RETURNED) || r.len != 0)
			fail_msg("case %zu: status %#x, wrote '%s'", i,
				 r.status, r.out);
	}
}

static void test_quota_check_nok_full(void **state)
{
	static const struct {
		struct check_args a;
		const char *want;
	} cases[] = {
		{ { 1, 1, "br0" }, "quota reached: uid 1000 already has 1 tap on bridge 'br0' (tap0) and the ACL allows at most 1; close one first\n" },
		{ { 2, 2, "br0" }, "quota reached: uid 1000 already has 2 taps on bridge 'br0' (tap0, tap1) and the ACL allows at most 2; close one first\n" },
		/* max lowered below what the caller holds */
		{ { 2, 4, "br0" }, "quota reached: uid 1000 already has 4 taps on bridge 'br0' (tap0, tap1, tap2, ...) and the ACL allows at most 2; close one first\n" },
		/* the bridge as struct bridge carries it, escaped */
		{ { 1, 1, "b\\\\r\\x0a" }, "quota reached: uid 1000 already has 1 tap on bridge 'b\\\\r\\x0a' (tap0) and the ACL allows at most 1; close one first\n" },
	};

	for (size_t i = 0; i < N_ELEMS(cases); i++) {
		struct child_result r;

		assert_int_equal(child_run(run_check, (void *)&cases[i].a, &r),
				 0);
		if (!child_exited(&r, EXIT_QUOTA))
			fail_msg("case %zu: status %#x, want exit %d", i,
				 r.status, EXIT_QUOTA);
		assert_string_equal(r.out, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quota_parse_name_ok_forms),
		cmocka_unit_test(test_quota_parse_name_nok_malformed),
		cmocka_unit_test(test_quota_is_orphan_ok_unheld_persistent_tap),
		cmocka_unit_test(test_quota_is_orphan_nok_one_field_differs),
		cmocka_unit_test(test_quota_tally_ok_counts_own_taps),
		cmocka_unit_test(test_quota_tally_nok_not_counted),
		cmocka_unit_test(test_quota_tally_ok_orphans_apart),
		cmocka_unit_test(test_quota_next_slot_ok_order),
		cmocka_unit_test(test_quota_next_slot_ok_past_bitmap),
		cmocka_unit_test(test_quota_next_slot_nok_none_left),
		cmocka_unit_test(test_quota_next_slot_ok_never_over_max),
		cmocka_unit_test(test_quota_list_ok_forms),
		cmocka_unit_test(test_quota_list_nok_small_buffer),
		cmocka_unit_test(test_quota_check_ok_below_max),
		cmocka_unit_test(test_quota_check_nok_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
