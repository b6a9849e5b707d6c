#!/bin/bash
# The invisible deny (issue 9): the grant reads the ACL with the
# caller's rights, so a user who cannot read an included file skips its
# rules. Root's --check warns about every such file, with its rules,
# denies first; a user's --check only says it skipped the file.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_users
tg_bridge br0

# tool ARGS...: the setuid tapgate as alice, directly.
tool() {
	set +e
	TG_OUT=$(setpriv --reuid=4242 --regid=4242 --clear-groups -- "$TG_BIN/tapgate" "$@" 2>"$TG_ROOT/stderr")
	TG_RC=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
}

mkdir -p /etc/qemu/bridge.d && chmod 0755 /etc/qemu/bridge.d
tg_acl 'allow br0\ninclude /etc/qemu/bridge.d/*.conf\ninclude private.conf\n'
tg_acl '# for some\nallow br0 user alice\ndeny br0 user bob\n' /etc/qemu/bridge.d/x.conf 0600
tg_acl 'allow br1\n' /etc/qemu/bridge.d/y.conf 0644
tg_acl 'allow br2 group students\n' /etc/qemu/private.conf 0640 root:4343
set +e; TG_OUT=$("$TG_BIN/tapgate" --check 2>&1); TG_RC=$?; set -e
assert_eq "$TG_RC" 0 "root check: hidden rules are warnings"
assert_match "$TG_OUT" "^/etc/qemu/bridge.d/x.conf: warning: this file is mode 0600 .*: users who cannot read it skip its rules: line 3: deny br0 user bob; line 2: allow br0 user alice$" \
	"root check: names the 0600 file and its rules, the deny first"
assert_match "$TG_OUT" "^/etc/qemu/private.conf: warning: this file is mode 0640 \(owner uid 0, group gid 4343\): users who cannot read it skip its rules: line 1: allow br2 group students$" \
	"root check: a group-readable include"
assert_no_match "$TG_OUT" "y.conf: warning" "root check: a world-readable file is fine"
assert_match "$TG_OUT" "0 errors, 2 warnings" "root check: counted"
chmod 0640 /etc/qemu/bridge.conf
set +e; TG_OUT=$("$TG_BIN/tapgate" --check 2>&1); set -e
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf: warning: this file is mode 0640 .*: users who cannot read it are refused every request" "root check: the top-level file"
chmod 0644 /etc/qemu/bridge.conf
chmod 0700 /etc/qemu/bridge.d
set +e; TG_OUT=$("$TG_BIN/tapgate" --check 2>&1); set -e
assert_match "$TG_OUT" "^/etc/qemu/bridge.d/y.conf: warning: this file is in directory '/etc/qemu/bridge.d' of mode 0700: users who cannot read it skip its rules: line 1: allow br1$" \
	"root check: a readable file in a directory others cannot search"
chmod 0755 /etc/qemu/bridge.d
# A user sees what they can read, and is told of the rest as before.
tool --check
assert_match "$TG_OUT" "skipped '/etc/qemu/bridge.d/x.conf': this caller may not read it" "user check: the unreadable file is skipped"
assert_no_match "$TG_OUT" "deny br0 user bob" "user check: its rules are not shown to a user"

# What the warning is about: bob skips the deny he cannot read.
TG_UID=4243 TG_GID=4243 tg_run "$TG_BIN/tapgate" -- --br=br0
assert_eq "$(tg_exit)" 0 "bob cannot read x.conf: its deny does not bind him (why root is warned)"
assert_no_taps "the granted tap is gone with its client"
