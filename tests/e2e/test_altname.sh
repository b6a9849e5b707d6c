#!/bin/bash
# Altnames: the kernel resolves an altname to its device, so the ACL is
# decided on the canonical name; rules for an altname grant nothing.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

command -v jq >/dev/null || tg_die "missing tool: jq (used to read ip -j output)"


# denied LABEL REQUESTED REGEX: exit 2, message matches, no tap.
denied() {
	tg_run "$TG_BIN/tapgate" -- --use-vnet --br="$2"
	assert_eq "$TG_RC" 102 "$1: refused"
	assert_eq "$(tg_exit)" 2 "$1: exit 2"
	assert_match "$TG_ERR" "$3" "$1: message"
	assert_eq "$(kv nfds)" 0 "$1: no fd passed"
	assert_no_taps "$1: no tap"
}

# granted LABEL REQUESTED MASTER: a tap on MASTER.
granted() {
	tg_run "$TG_BIN/tapgate" --hold='ip -o link show "$TAP"; ip -j link show "$TAP"' -- --use-vnet --br="$2"
	assert_eq "$TG_RC" 0 "$1: granted"
	assert_eq "$(kv nfds)" 1 "$1: one fd passed"
	assert_match "$TG_OUT" "^[0-9]+: $(kv ifname): .* master $3 " "$1: the tap's master is $3"
	assert_eq "$(grep '^\[{' <<<"$TG_OUT" | jq -r '.[0].master')" "$3" "$1: (json) master is $3"
	assert_no_taps "$1: the tap is gone afterwards"
}

tg_bridge br0 1400
tg_bridge br1
ip link add veth0 type veth peer name veth1
LONGALT=brx-a-very-long-altname-of-br0
ip link property add dev br0 altname brx ||
	tg_die "the kernel refuses 'ip link property add dev br0 altname brx': altnames are required"
ip link property add dev br0 altname "$LONGALT" ||
	tg_die "the kernel refuses a ${#LONGALT}-byte altname"
ip link property add dev veth0 altname vx ||
	tg_die "the kernel refuses 'ip link property add dev veth0 altname vx'"
assert_eq "$(ip -j link show brx | jq -r '.[0].ifname')" br0 "precondition: brx resolves to br0"
assert_eq "$(ip -j link show br0 | jq -r '.[0].altnames | sort | join(",")')" "brx,$LONGALT" "precondition: br0's altnames"

# 'allow all' + 'deny br0': the altname must not slip past the deny.
tg_acl 'allow all\ndeny br0\n'
denied "allow all, deny br0: --br=brx" brx \
	"^access denied by acl file: uid 4242 may not use bridge 'brx' \(an altname of 'br0'\): denied by /etc/qemu/bridge\.conf:2;"
denied "allow all, deny br0: --br=br0" br0 \
	"^access denied by acl file: uid 4242 may not use bridge 'br0': denied by /etc/qemu/bridge\.conf:2;"
granted "allow all, deny br0: br1 (control)" br1 br1

# 'allow br0': the altname reaches br0.
tg_acl 'allow br0\n'
granted "allow br0: --br=brx" brx br0
granted "allow br0: --br=br0" br0 br0
tg_run "$TG_BIN/tapgate" --hold='ip -o link show "$TAP"' -- --br=brx
assert_match "$TG_OUT" ' mtu 1400 ' "allow br0: --br=brx: the tap has br0's mtu"

# Only the altname in the ACL: evaluated on the canonical name, denied.
tg_acl 'allow brx\n'
denied "allow brx only: --br=brx" brx \
	"^access denied by acl file: uid 4242 may not use bridge 'brx' \(an altname of 'br0'\): no rule in /etc/qemu/bridge\.conf .* allows it; ask your admin to add 'allow br0 user 4242' \(or a rule for one of your groups\) \(tapgate --explain --br=brx shows why\)$"
denied "allow brx only: --br=br0" br0 "may not use bridge 'br0': no rule"

tg_acl 'allow all\ndeny brx\n'
granted "deny brx (an altname): --br=br0 by its kernel name is not affected" br0 br0
denied "deny brx (an altname): --br=brx is denied by that rule (fail closed)" brx \
	"^access denied by acl file: uid 4242 may not use bridge 'brx' \(an altname of 'br0'\): denied by /etc/qemu/bridge\.conf:2;"

# Altnames may be up to 127 bytes; the ones of 16+ can never be asked for.
tg_acl 'allow all\n'
tg_run "$TG_BIN/tapgate" -- --br="$LONGALT"
assert_eq "$(tg_exit)" 1 "a ${#LONGALT}-byte altname: exit 1"
assert_match "$TG_ERR" "^name \`$LONGALT' too long: ${#LONGALT}" "a ${#LONGALT}-byte altname: too long"
assert_no_taps "a ${#LONGALT}-byte altname: no tap"

# An altname of something that is not a bridge.
tg_run "$TG_BIN/tapgate" -- --br=vx
assert_eq "$(tg_exit)" 4 "altname of a veth: exit 4"
assert_match "$TG_ERR" "^'vx' is not a bridge \(its kind is veth\)" "altname of a veth: not a bridge"
assert_no_taps "altname of a veth: no tap"

# The altname removed: brx no longer exists.
ip link property del dev br0 altname brx
tg_run "$TG_BIN/tapgate" -- --br=brx
assert_eq "$(tg_exit)" 4 "altname removed: exit 4"
assert_match "$TG_ERR" "bridge 'brx' does not exist" "altname removed: brx does not exist"
assert_no_taps "altname removed: no tap"
