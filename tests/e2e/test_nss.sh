#!/bin/bash
# A name service that is down fails closed (issue 9): any non-zero
# return of getgrnam_r()/getpwnam_r() is a load failure (exit 3, with
# file:line and the lookup), never "no such name". nss-pam-ldapd says
# "server unreachable" as UNAVAIL with errno ENOENT; the stand-in module
# libnss_tgdown.so.2 (nss_tgdown.c) answers that, or TRYAGAIN, or
# ERANGE forever, or a proper NOTFOUND, or serves real entries, as
# /etc/tgdown.mode says. It is listed after "files" in the sandbox's
# private nsswitch.conf and made visible to the setuid binary's loader
# by an overlay on the system library directory in this test's mount
# namespace only (it ends with the script); the host's library
# directories are never written.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_users

# --- the stand-in module, for this mount namespace only --------------------
libc=$(ldd "$TG_BIN/tapgate" | awk '$1 == "libc.so.6" { print $3 }')
[ -n "$libc" ] || tg_die "cannot find the libc of $TG_BIN/tapgate"
libdir=$(dirname "$(readlink -f "$libc")")
mkdir -p "$TG_ROOT/lib-up" "$TG_ROOT/lib-work"
mount -t overlay tg-lib \
	-o "lowerdir=$libdir,upperdir=$TG_ROOT/lib-up,workdir=$TG_ROOT/lib-work" "$libdir"
install -m 0644 -o root -g root "$TG_BUILD/tests/libnss_tgdown.so.2" "$libdir/"
sed -i -e 's/^passwd:.*/passwd: files tgdown/' -e 's/^group:.*/group: files tgdown/' \
	/etc/nsswitch.conf
grep -q '^group: files tgdown$' /etc/nsswitch.conf || tg_die "nsswitch.conf not rewritten"
chmod 0644 /etc/nsswitch.conf

# mode WORD: what the module answers from now on.
mode() {
	printf '%s\n' "$1" > /etc/tgdown.mode
	chmod 0644 /etc/tgdown.mode
}

# The module is what the system asks: served entries are seen.
mode serve
assert_eq "$(getent group contractors)" "contractors:x:4400:" "the stand-in module serves group contractors"
assert_eq "$(getent passwd dave | cut -d: -f1,3)" "dave:4500" "the stand-in module serves user dave"
mode unavail
set +e; getent group contractors >/dev/null; rc=$?; set -e
assert_eq "$rc" 2 "getent: the module is down, no entry"

tg_bridge br0

# member [--groups=G] HELPER -- ARGS: alice (4242) through tgclient.
member() {
	tg_run "$@"
}

# expect_down LABEL: the last run refused with exit 3 naming the lookup.
expect_down() { # LABEL LINE WHAT
	assert_eq "$(tg_exit)" 3 "$1: refused, exit 3"
	assert_match "$TG_ERR" "/etc/qemu/bridge.conf:$2: cannot look up $3" "$1: names file:line and the lookup"
	assert_match "$TG_ERR" "database failed" "$1: says the database failed, not 'no such'"
	assert_no_taps "$1: no tap"
	assert_no_ports br0 "$1: nothing on br0"
}

for helper in tapgate tapgate-caps; do
	H=$TG_BIN/$helper
	[ "$helper" = tapgate-caps ] && tg_tun_mode 0666 || tg_tun_mode 0600

	# --- deny by group ---------------------------------------------------
	tg_acl 'allow br0\ndeny br0 group contractors\n'
	# The service up: the member of contractors (gid 4400) is denied:
	# the setuid/file-caps binary's loader found the module.
	mode serve
	member --groups=4400 "$H" -- --br=br0
	assert_eq "$(tg_exit)" 2 "$helper: service up: a contractor is denied (exit 2)"
	assert_match "$TG_ERR" "denied by /etc/qemu/bridge.conf:2" "$helper: service up: by the deny rule"
	# nss-pam-ldapd's unreachable server: UNAVAIL, errno ENOENT.
	mode unavail
	member --groups=4400 "$H" -- --br=br0
	expect_down "$helper: group service down (UNAVAIL/ENOENT)" 2 "group 'contractors'"
	# Not only the contractor: nobody is decided while it is down.
	member "$H" -- --br=br0
	assert_eq "$(tg_exit)" 3 "$helper: service down: a non-member is refused too (exit 3)"
	mode tryagain
	member --groups=4400 "$H" -- --br=br0
	expect_down "$helper: group service busy (TRYAGAIN/EAGAIN)" 2 "group 'contractors'"
	mode erange
	member --groups=4400 "$H" -- --br=br0
	expect_down "$helper: ERANGE whatever the buffer (bounded)" 2 "group 'contractors'"
	# Control: the same module saying NOTFOUND properly: the rule
	# matches nobody and the grant proceeds.
	mode notfound
	member --groups=4400 "$H" -- --br=br0
	assert_eq "$(tg_exit)" 0 "$helper: proper NOTFOUND: the rule matches nobody, granted"
	assert_match "$(kv ifname)" '^tap[0-9]+$' "$helper: proper NOTFOUND: got a tap"

	# --- allow by user -----------------------------------------------------
	tg_acl 'allow br0 user dave\nallow br0 user alice\n'
	mode unavail
	member "$H" -- --br=br0
	expect_down "$helper: user service down (allow by user)" 1 "user 'dave'"
	mode notfound
	member "$H" -- --br=br0
	assert_eq "$(tg_exit)" 0 "$helper: user NOTFOUND: alice's own rule grants"
done

# --- --check and --explain -----------------------------------------------------
# tool ARGS...: the setuid tapgate as alice, directly.
tool() {
	set +e
	TG_OUT=$(setpriv --reuid=4242 --regid=4242 --groups=4400 -- "$TG_BIN/tapgate" "$@" 2>"$TG_ROOT/stderr")
	TG_RC=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
}
tg_acl 'allow br0\ndeny br0 group contractors\nallow br0 user ghost\ndeny br0 user dave\n'
mode unavail
tool --check
assert_eq "$TG_RC" 3 "check, service down: exit 3"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:2: error: cannot look up group 'contractors': .*database failed" "check: the group lookup is an error"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:3: error: cannot look up user 'ghost'" "check: every failed lookup is reported, not just the first"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:4: error: cannot look up user 'dave'" "check: also the last one"
assert_no_match "$TG_OUT" "matches nobody" "check: a failure is not 'matches nobody'"
assert_match "$TG_OUT" "3 errors, 0 warnings" "check: counted"
mode notfound
tool --check
assert_eq "$TG_RC" 0 "check, proper NOTFOUND: exit 0"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:2: warning: unknown group 'contractors': this rule matches nobody" "check: NOTFOUND is 'matches nobody'"
mode serve
tool --check
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:3: warning: unknown user 'ghost'" "check, service up: the names it has resolve, ghost does not"
assert_match "$TG_OUT" "0 errors, 1 warning " "check, service up: only ghost"

mode unavail
tool --explain --br=br0
assert_eq "$TG_RC" 3 "explain, service down: exit 3"
assert_match "$TG_ERR" "/etc/qemu/bridge.conf:2: cannot look up group 'contractors'" "explain: names file:line and the lookup"
mode serve
tool --explain --br=br0
assert_eq "$TG_RC" 2 "explain, service up: a contractor is denied"
