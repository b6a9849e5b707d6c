#!/bin/bash
# tapgate --explain ends with the status the request itself would end
# with now, for every refusal kind and for a grant: the same checks in
# the same order (bridge, ACL, quota, privilege, /dev/net/tun), run
# side by side against the same state.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_bridge br0
tg_bridge br1
ip link add veth0 type veth peer name veth1

# agree LABEL HELPER BRIDGE WANT: the request and --explain over the
# same state both end with WANT.
agree() {
	local label=$1 h=$2 br=$3 want=$4 rc
	tg_run "$h" -- --br="$br"
	assert_eq "$(tg_exit)" "$want" "$label: the request exits $want"
	set +e
	tg_as_user "$h" --explain --br="$br" >"$TG_ROOT/explain" 2>&1
	rc=$?
	set -e
	assert_eq "$rc" "$want" "$label: --explain exits $want too"
	assert_no_taps "$label: no tap left"
}

tg_acl 'allow br0\n'
agree "granted" "$TG_BIN/tapgate" br0 0
agree "no rule allows it" "$TG_BIN/tapgate" br1 2
tg_acl 'allow all\ndeny br1\n'
agree "a deny rule" "$TG_BIN/tapgate" br1 2
tg_acl 'alow br0\n'
agree "an ACL that does not parse" "$TG_BIN/tapgate" br0 3
tg_acl 'allow all\n'
agree "no such bridge" "$TG_BIN/tapgate" nosuch 4
agree "not a bridge" "$TG_BIN/tapgate" veth0 4
agree "not privileged" "$TG_BIN/tapgate-plain" br0 5
tg_tun_mode 0600
agree "file caps, /dev/net/tun 0600" "$TG_BIN/tapgate-caps" br0 6
assert_match "$(cat "$TG_ROOT/explain")" "^tun: +/dev/net/tun cannot be opened by you" \
	"file caps, /dev/net/tun 0600: --explain says why"
agree "setuid, /dev/net/tun 0600 (opened as root)" "$TG_BIN/tapgate" br0 0
tg_tun_mode 0666
agree "file caps, /dev/net/tun 0666" "$TG_BIN/tapgate-caps" br0 0

# A full quota: one tap held under max 1.
tg_acl 'allow br0 max 1\n'
GO=$TG_ROOT/go
tg_as_user "$TG_BIN/tgclient" --hold-until="$GO" --ready="$TG_ROOT/home/ready" \
	-- "$TG_BIN/tapgate" --br=br0 >"$TG_ROOT/held" 2>&1 &
held=$!
tg_wait_files "the held client's fd" "$TG_ROOT/home/ready"
assert_match "$(cat "$TG_ROOT/held")" "nfds=1" "quota: the first tap is held"
tg_run "$TG_BIN/tapgate" -- --br=br0
assert_eq "$(tg_exit)" 8 "quota full: the request exits 8"
set +e
tg_as_user "$TG_BIN/tapgate" --explain --br=br0 >"$TG_ROOT/explain" 2>&1
rc=$?
set -e
assert_eq "$rc" 8 "quota full: --explain exits 8 too"
touch "$GO"
wait "$held"
assert_no_taps "quota: nothing left once released"
