#!/bin/bash
# Refusals: each kind with its exit code and the key message text, and
# no tap left behind after any of them.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

USAGE_RE='^Usage: tapgate \[--use-vnet\] --br=bridge --fd=unixfd$'

# --- local helpers (candidates for lib.sh) ------------------------------


# tg_direct CMD...: run CMD as the user without tgclient; sets TG_RC,
# TG_OUT, TG_ERR.
tg_direct() {
	set +e
	TG_OUT=$(tg_as_user "$@" 2>"$TG_ROOT/stderr")
	TG_RC=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
}

# refused LABEL CODE REGEX: the last tg_run was refused with CODE, the
# helper's stderr matches REGEX, nothing was passed and no tap is left.
refused() {
	assert_eq "$TG_RC" "$((100 + $2))" "$1: tgclient saw a failure"
	assert_eq "$(tg_exit)" "$2" "$1: exit $2"
	assert_match "$TG_ERR" "$3" "$1: message"
	assert_eq "$(kv nfds)" 0 "$1: no fd passed"
	assert_no_taps "$1: no tap left"
}

# usage LABEL REGEX: exit 1 with the usage line first on stderr.
usage() {
	assert_eq "$TG_RC" 1 "$1: exit 1"
	assert_match "$(head -n1 <<<"$TG_ERR")" "$USAGE_RE" "$1: usage line first on stderr"
	assert_match "$TG_ERR" "$2" "$1: says what is wrong"
	assert_eq "$TG_OUT" "" "$1: nothing on stdout"
	assert_no_taps "$1: no tap"
}

# --- fixtures -----------------------------------------------------------

tg_bridge br0
tg_bridge br1
ip link add veth0 type veth peer name veth1
LONG15=abcdefghijklmno
LONG16=abcdefghijklmnop
assert_eq "${#LONG15}/${#LONG16}" 15/16 "precondition: name lengths"
tg_bridge "$LONG15"
tg_logsink

# --- default deny -----------------------------------------------------------

tg_acl 'allow br1\n'
tg_run "$TG_BIN/tapgate" -- --use-vnet --br=br0
refused "default deny" 2 "^access denied by acl file: uid 4242 may not use bridge 'br0': no rule in /etc/qemu/bridge.conf \(or a file it includes that you can read\) allows it; ask your admin to add 'allow br0 user 4242' \(or a rule for one of your groups\) \(tapgate --explain --br=br0 shows why\)$"
tg_log_sync
assert_match "$(cat "$TG_LOG")" "refused uid=4242 user=\? bridge=br0 canonical=br0 tap=- reason=access denied by acl file" \
	"default deny: logged to syslog with uid and bridge"

tg_acl ''
tg_run "$TG_BIN/tapgate" -- --br=br0
refused "empty ACL file denies" 2 "^access denied by acl file: uid 4242 may not use bridge 'br0'"

tg_acl '# nothing here\n\n'
tg_run "$TG_BIN/tapgate" -- --br=br1
refused "comments only deny" 2 "^access denied by acl file: uid 4242 may not use bridge 'br1'"

# --- explicit deny ----------------------------------------------------------

tg_acl '# lab\nallow br0\ndeny br0\n'
tg_run "$TG_BIN/tapgate" -- --use-vnet --br=br0
refused "explicit deny" 2 "^access denied by acl file: uid 4242 may not use bridge 'br0': denied by /etc/qemu/bridge.conf:3;"

tg_acl 'deny br0\nallow br0\n'
tg_run "$TG_BIN/tapgate" -- --br=br0
refused "deny before allow still wins" 2 "denied by /etc/qemu/bridge.conf:1;"

tg_acl 'allow br0\ndeny all\n'
tg_run "$TG_BIN/tapgate" -- --br=br0
refused "'deny all' beats 'allow br0'" 2 "^access denied by acl file: uid 4242 may not use bridge 'br0': denied by /etc/qemu/bridge.conf:2;"
tg_acl 'deny all\nallow br0\n'
tg_run "$TG_BIN/tapgate" -- --br=br0
refused "'deny all' first beats 'allow br0'" 2 "denied by /etc/qemu/bridge.conf:1;"

tg_acl 'allow all\ndeny br0\n'
tg_run "$TG_BIN/tapgate" -- --br=br0
refused "'allow all' + 'deny br0': br0" 2 "may not use bridge 'br0': denied by /etc/qemu/bridge.conf:2;"
tg_run "$TG_BIN/tapgate" --hold='ip -o link show "$TAP"' -- --br=br1
assert_eq "$TG_RC" 0 "'allow all' + 'deny br0': br1 is granted"
assert_match "$TG_OUT" ' master br1 ' "'allow all' + 'deny br0': br1's tap is on br1"
assert_no_taps "'allow all' + 'deny br0': br1's tap is gone"

printf 'deny br1\n' > /etc/qemu/deny.conf
tg_acl 'allow all\ninclude /etc/qemu/deny.conf\n'
tg_run "$TG_BIN/tapgate" -- --br=br1
refused "deny inside an include" 2 "denied by /etc/qemu/deny.conf:1;"

# --- the bridge -------------------------------------------------------------

tg_acl 'allow all\n'
tg_run "$TG_BIN/tapgate" -- --use-vnet --br=br7
refused "bridge does not exist" 4 "^failed to get mtu of bridge \`br7': No such device: bridge 'br7' does not exist \(create it: ip link add br7 type bridge\)$"
tg_run "$TG_BIN/tapgate" -- --br=veth0
refused "a veth is not a bridge" 4 "^'veth0' is not a bridge \(its kind is veth\)"
tg_run "$TG_BIN/tapgate" -- --br=lo
refused "lo is not a bridge" 4 "^'lo' is not a bridge \(its kind is none\)"
assert_eq "$(ip -o link show master veth0 2>/dev/null)" "" "no port was added to veth0"

# --- names: CVE-2019-13164 and the kernel's rules -------------------------

tg_acl "allow $LONG15\n"
tg_run "$TG_BIN/tapgate" --hold='ip -o link show "$TAP"' -- --br="$LONG15"
assert_eq "$TG_RC" 0 "15-byte bridge name with its rule is granted (control)"
assert_match "$TG_OUT" " master $LONG15 " "15-byte name: tap on $LONG15"
assert_no_taps "15-byte name: tap gone"

tg_run "$TG_BIN/tapgate" -- --br="$LONG16"
refused "16-byte name, rule for its 15-byte prefix" 1 "^name \`$LONG16' too long: 16"
assert_match "$TG_ERR" "$USAGE_RE" "16-byte name: usage on stderr"
tg_acl 'allow all\n'
tg_run "$TG_BIN/tapgate" -- --br="$LONG16"
refused "16-byte name under 'allow all'" 1 "^name \`$LONG16' too long: 16"
tg_acl 'alow br0\n'
tg_run "$TG_BIN/tapgate" -- --br="$LONG16"
refused "16-byte name is refused before the ACL is read" 1 "^name \`$LONG16' too long: 16"
tg_run "$TG_BIN/tapgate" -- --br="${LONG16}qrstuvwxyz0123"
refused "30-byte name" 1 "^name \`${LONG16}qrstuvwxyz0123' too long: 30"

tg_acl 'allow all\n'
for name in . .. a/b a:b 'a b' "$(printf 'a\tb')"; do
	tg_run "$TG_BIN/tapgate" -- --br="$name"
	shown=${name//$'\t'/\\x09}
	case $name in
	.|..) why="'\\.' and '\\.\\.' are not interface names" ;;
	*) why="interface names may not contain '/', ':' or whitespace" ;;
	esac
	refused "invalid name '$shown'" 1 "^invalid bridge name '$(sed 's/[.\\]/\\&/g' <<<"$shown")': $why$"
	assert_match "$TG_ERR" "$USAGE_RE" "invalid name '$shown': usage on stderr"
done
tg_run "$TG_BIN/tapgate" -- --br=
refused "empty name" 1 "^invalid bridge name '': empty name$"

# --- usage errors ------------------------------------------------------------

tg_direct "$TG_BIN/tapgate"
usage "no arguments" '^missing --br=BRIDGE$'
tg_direct "$TG_BIN/tapgate" --br=br0
usage "--br only" '^missing --fd=N$'
tg_direct "$TG_BIN/tapgate" --fd=3
usage "--fd only" '^missing --br=BRIDGE$'
tg_direct "$TG_BIN/tapgate" --use-vnet --br=br0 --fd=3 --verbose
usage "unknown option" "^unknown argument '--verbose'$"
tg_direct "$TG_BIN/tapgate" --br br0 --fd=3
usage "'--br br0' (separate form)" "^unknown argument '--br'$"
tg_direct "$TG_BIN/tapgate" --br=br0 --fd 3
usage "'--fd 3' (separate form)" "^unknown argument '--fd'$"
tg_direct "$TG_BIN/tapgate" -b br0
usage "short option" "^unknown argument '-b'$"

# Through tgclient too: the socket is there, the arguments are not.
tg_run "$TG_BIN/tapgate" --no-fd --
refused "no arguments via tgclient" 1 "$USAGE_RE"
tg_run "$TG_BIN/tapgate" -- --br br0
refused "'--br br0' via tgclient" 1 "^unknown argument '--br'$"

tg_direct "$TG_BIN/tapgate" --help
assert_eq "$TG_RC" 0 "--help: exit 0"
assert_match "$(head -n1 <<<"$TG_OUT")" "$USAGE_RE" "--help: usage line on stdout"
assert_match "$TG_OUT" 'bridge.conf' "--help: names the ACL file"
assert_eq "$TG_ERR" "" "--help: nothing on stderr"
# With other arguments --help is a usage error: exit 0 must mean a tap
# (QEMU would take fd 0 as the tap after an exit 0 without one).
tg_run "$TG_BIN/tapgate" -- --br=br0 --help
refused "--help with other options via tgclient" 1 "^--help takes no other arguments$"
tg_direct "$TG_BIN/tapgate" --version
assert_eq "$TG_RC" 0 "--version: exit 0"
assert_match "$TG_OUT" '^tapgate [0-9]+\.[0-9]+\.[0-9]+.* \(acl file /etc/qemu/bridge\.conf\)$' "--version: version and ACL path"
assert_eq "$TG_ERR" "" "--version: nothing on stderr"
assert_no_taps "--help/--version: no tap"

# --- no privilege, no tap, no handover ---------------------------------------

tg_acl 'allow br0\n'
tg_run "$TG_BIN/tapgate-plain" -- --br=br0
refused "plain binary (no setuid, no caps)" 5 "^tapgate has no privilege: install it setuid root or with cap_net_admin"

ip link add bbig type bridge
ip link set bbig mtu 65535
tg_acl 'allow bbig\n'
tg_run "$TG_BIN/tapgate" -- --br=bbig
refused "bridge mtu a tap cannot take" 6 "^failed to add interface \`tap[0-9]+' to bridge \`bbig' \(setting mtu 65535, hardware address and master\)"
assert_eq "$(ip -o link show master bbig)" "" "bridge mtu a tap cannot take: bbig has no port"

tg_acl 'allow br0\n'
tg_run "$TG_BIN/tapgate" --close-early -- --br=br0
refused "client closed the socket first" 7 "^failed to send the tap fd to the caller over --fd=[0-9]+ .*: Broken pipe$"
assert_eq "$(ip -o link show master br0)" "" "client closed first: br0 has no port"
