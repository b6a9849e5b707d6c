#!/bin/bash
# Grants: setuid, file capabilities and run by root; the tap's state
# while the client holds it (master, MTU, MAC, UP, vnet_hdr, owner);
# QEMU's and libvirt's command lines; last option wins; two taps at
# once; a bridge that is down; fds 0-2 refused for --fd.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

command -v jq >/dev/null || tg_die "missing tool: jq (used to read ip -j output)"

# While the fd is held: one line of `ip -d -o`, one line of `ip -j -d`.
HOLD='ip -d -o link show "$TAP"; ip -d -j link show "$TAP"'

# --- local helpers (candidates for lib.sh) ------------------------------



# check_grant LABEL BRIDGE MTU VNET(0|1) OWNER: the run in $TG_OUT was
# a grant made with --hold="$HOLD", and the tap had this state.
check_grant() {
	local label=$1 br=$2 mtu=$3 vnet=$4 owner=$5 tap text json onoff
	onoff=$([ "$vnet" = 1 ] && echo on || echo off)

	assert_eq "$TG_RC" 0 "$label: tgclient saw a clean grant"
	assert_eq "$(tg_exit)" 0 "$label: helper exit=0"
	assert_eq "$(kv nfds)" 1 "$label: exactly one fd passed"
	assert_eq "$(kv databyte)" 0 "$label: the data byte is 0x00"
	assert_eq "$(kv hold)" 0 "$label: ip ran while the fd was held"
	assert_eq "$(kv vnet_hdr)" "$vnet" "$label: TUNGETIFF on the fd says vnet_hdr=$vnet"
	tap=$(kv ifname)
	assert_match "$tap" '^tap[0-9]+$' "$label: the fd is a tap named tapN ('$tap')"

	text=$(grep -E "^[0-9]+: $tap: " <<<"$TG_OUT" || true)
	json=$(grep -E '^\[\{' <<<"$TG_OUT" || true)
	assert_match "$text" " master $br " "$label: $tap is enslaved to $br"
	assert_match "$text" " mtu $mtu " "$label: $tap has $br's mtu $mtu"
	assert_match "$text" 'link/ether fe:' "$label: $tap's MAC starts with fe"
	assert_match "$text" '<([A-Z_]+,)*UP[,>]' "$label: $tap is UP"
	assert_match "$text" "tun type tap pi off vnet_hdr $onoff persist off" \
		"$label: tap, no PI, vnet_hdr $onoff, not persistent"
	assert_match "$text" " user $owner " "$label: tun owner is $owner"

	assert_eq "$(jq -r '.[0].ifname' <<<"$json" 2>&1)" "$tap" "$label: (json) ifname"
	assert_eq "$(jq -r '.[0].master' <<<"$json" 2>&1)" "$br" "$label: (json) master"
	assert_eq "$(jq -r '.[0].mtu' <<<"$json" 2>&1)" "$mtu" "$label: (json) mtu"
	assert_eq "$(jq -r '.[0].mtu' <<<"$(ip -j link show "$br")")" "$mtu" \
		"$label: $br's own mtu is still $mtu"
	assert_eq "$(jq -r '.[0].address | split(":")[0]' <<<"$json" 2>&1)" fe "$label: (json) MAC first byte"
	assert_eq "$(jq -r '.[0].flags | index("UP") != null' <<<"$json" 2>&1)" true "$label: (json) UP flag"
	assert_eq "$(jq -r '.[0].linkinfo.info_data.vnet_hdr' <<<"$json" 2>&1)" \
		"$([ "$vnet" = 1 ] && echo true || echo false)" "$label: (json) vnet_hdr"
	assert_eq "$(jq -r '.[0].linkinfo.info_data.user' <<<"$json" 2>&1)" "$owner" "$label: (json) owner"
	assert_eq "$(jq -r '.[0].linkinfo.info_slave_kind' <<<"$json" 2>&1)" bridge "$label: (json) a bridge port"
	assert_no_taps "$label: the tap is gone once the client closed the fd"
}

# --- fixtures -----------------------------------------------------------

tg_bridge br0 1400
tg_bridge br1
tg_acl 'allow br0\nallow br9\n'
assert_eq "$(stat -c %a /dev/net/tun)" 600 "precondition: /dev/net/tun is 0600"
assert_eq "$(jq -r '.[0].mtu' <<<"$(ip -j link show br0)")" 1400 "precondition: br0 has mtu 1400"

# --- setuid -------------------------------------------------------------

tg_run "$TG_BIN/tapgate" --hold="$HOLD" -- --use-vnet --br=br0
check_grant "setuid --use-vnet" br0 1400 1 4242

tg_run "$TG_BIN/tapgate" --hold="$HOLD" -- --br=br0
check_grant "setuid, no --use-vnet" br0 1400 0 4242

# An empty bridge takes any MTU; this kernel must allow 9000 (no skip).
ip link add br9 type bridge
ip link set br9 mtu 9000
tg_run "$TG_BIN/tapgate" --hold="$HOLD" -- --use-vnet --br=br9
check_grant "setuid, bridge mtu 9000" br9 9000 1 4242

# --- file capabilities --------------------------------------------------

assert_match "$(getcap "$TG_BIN/tapgate-caps")" 'cap_net_admin[=+]ep' "precondition: tapgate-caps has cap_net_admin+ep"
tg_run "$TG_BIN/tapgate-caps" -- --use-vnet --br=br0
assert_eq "$TG_RC" 106 "caps, tun 0600: refused"
assert_eq "$(tg_exit)" 6 "caps, tun 0600: exit 6"
assert_match "$(head -n1 <<<"$TG_ERR")" '^failed to open /dev/net/tun' \
	"caps, tun 0600: message starts with the original's phrase"
assert_match "$TG_ERR" '0666' "caps, tun 0600: message says the device must be mode 0666"
assert_match "$TG_ERR" '^failed to open /dev/net/tun: Permission denied' "caps, tun 0600: the original's full message, then the hint"
assert_eq "$(kv nfds)" 0 "caps, tun 0600: no fd passed"
assert_no_taps "caps, tun 0600: no tap left"

tg_tun_mode 0666
tg_run "$TG_BIN/tapgate-caps" --hold="$HOLD" -- --use-vnet --br=br0
check_grant "caps --use-vnet" br0 1400 1 4242
tg_run "$TG_BIN/tapgate-caps" --hold="$HOLD" -- --br=br0
check_grant "caps, no --use-vnet" br0 1400 0 4242
tg_run "$TG_BIN/tapgate-caps" -- --br=br1
assert_eq "$(tg_exit)" 2 "caps: the ACL applies (br1 is not allowed)"
assert_no_taps "caps: no tap left after the refusal"
# The recommended +p form (no effective bit): tapgate raises it itself.
install -m 0755 "$TG_BIN/tapgate-plain" "$TG_BIN/tapgate-capsp"
setcap cap_net_admin+p "$TG_BIN/tapgate-capsp"
assert_match "$(getcap "$TG_BIN/tapgate-capsp")" 'cap_net_admin[=+]p$' "precondition: tapgate-capsp has cap_net_admin+p"
tg_run "$TG_BIN/tapgate-capsp" --hold="$HOLD" -- --use-vnet --br=br0
check_grant "caps +p --use-vnet" br0 1400 1 4242
tg_tun_mode 0600

# --- run by root ----------------------------------------------------------

# The owner shows as "root": ip prints names it can resolve.
tg_run --root "$TG_BIN/tapgate" --hold="$HOLD" -- --use-vnet --br=br0
check_grant "root, setuid binary" br0 1400 1 root
tg_run --root "$TG_BIN/tapgate-plain" --hold="$HOLD" -- --br=br0
check_grant "root, plain binary" br0 1400 0 root

tg_run --root "$TG_BIN/tapgate-plain" -- --use-vnet --br=br1
assert_eq "$TG_RC" 102 "root: a bridge the ACL does not allow is refused"
assert_eq "$(tg_exit)" 2 "root: exit 2"
assert_match "$TG_ERR" "^access denied by acl file: user 'root' \(uid 0\) may not use bridge 'br1'" "root: denial names uid 0 and br1"
assert_eq "$(kv nfds)" 0 "root: no fd passed on a denial"
assert_no_taps "root: no tap left after the denial"

tg_acl 'allow all\ndeny br0\n'
tg_run --root "$TG_BIN/tapgate" -- --br=br0
assert_eq "$(tg_exit)" 2 "root: an explicit deny applies to root"
assert_match "$TG_ERR" 'denied by /etc/qemu/bridge.conf:2;' "root: denial names the deny rule"
assert_no_taps "root: no tap left after the explicit deny"
tg_acl 'allow br0\nallow br9\n'

# --- QEMU's and libvirt's command lines ---------------------------------

# helper= with a space: /bin/sh -c "HELPER --use-vnet ... --br=BR --fd=N"
tg_run "$TG_BIN/tapgate --use-vnet" --sh --hold="$HOLD" -- --use-vnet --br=br0
check_grant "QEMU sh -c form, helper string 'HELPER --use-vnet'" br0 1400 1 4242
tg_run "$TG_BIN/tapgate" --sh --hold="$HOLD" -- --br=br0
check_grant "sh -c form without --use-vnet" br0 1400 0 4242
tg_run "$TG_BIN/tapgate --br=br0" --sh --hold="$HOLD" -- --use-vnet
check_grant "QEMU sh -c form, --br= inside the helper string" br0 1400 1 4242

# QEMU's direct exec order is HELPER --use-vnet --fd=N --br=BR: --fd
# before --br. tgclient appends --fd=N last, so learn N and pass it.
fdnum=$(tg_as_user "$TG_BIN/tgclient" -- /bin/echo 2>/dev/null | sed -n 's/^--fd=//p' || true)
assert_match "$fdnum" '^[0-9]+$' "tgclient passes the socket as --fd=$fdnum"
tg_run "$TG_BIN/tapgate" --no-fd --hold="$HOLD" -- --use-vnet "--fd=$fdnum" --br=br0
check_grant "QEMU order --use-vnet --fd=N --br=br0" br0 1400 1 4242

# libvirt: --use-vnet only for virtio, then --br=, then --fd=.
tg_run "$TG_BIN/tapgate" --hold="$HOLD" -- --use-vnet --br=br0
check_grant "libvirt order --use-vnet --br=br0 --fd=N" br0 1400 1 4242
tg_run "$TG_BIN/tapgate" --hold="$HOLD" -- --br=br0
check_grant "libvirt order --br=br0 --fd=N (not virtio)" br0 1400 0 4242

# --- repeated options: last wins ----------------------------------------

tg_run "$TG_BIN/tapgate" --hold="$HOLD" -- --br=nope --br=br0
check_grant "--br=nope --br=br0" br0 1400 0 4242
tg_run "$TG_BIN/tapgate" -- --br=br0 --br=nope
assert_eq "$(tg_exit)" 4 "--br=br0 --br=nope: the last one (nope) is used"
assert_match "$TG_ERR" "bridge 'nope' does not exist" "--br=br0 --br=nope: message names nope"
assert_no_taps "--br=br0 --br=nope: no tap left"
tg_run "$TG_BIN/tapgate" --hold="$HOLD" -- --fd=1 --use-vnet --use-vnet --br=br0
check_grant "--fd=1 before the real --fd=N" br0 1400 1 4242

# --- two grants at once ---------------------------------------------------

cat > "$TG_ROOT/hold-outer.sh" <<EOF
echo "outer=\$TAP"
"$TG_BIN/tgclient" --hold="sh $TG_ROOT/hold-inner.sh" -- "$TG_BIN/tapgate" --use-vnet --br=br0
EOF
cat > "$TG_ROOT/hold-inner.sh" <<'EOF'
echo "inner=$TAP"
ip -o link show master br0 | awk -F': ' '{print "port=" $2}'
ip -o link show master br0 | grep -o 'link/ether [0-9a-f:]*' | sed 's/^link.ether /mac=/'
EOF
chmod 0644 "$TG_ROOT/hold-outer.sh" "$TG_ROOT/hold-inner.sh"
tg_run "$TG_BIN/tapgate" --hold="sh $TG_ROOT/hold-outer.sh" -- --use-vnet --br=br0
outer=$(kv outer)
inner=$(kv inner)
assert_eq "$TG_RC" 0 "two at once: the outer grant is clean"
assert_eq "$(kv exit | sort | uniq -c | awk '{$1=$1};1')" "2 0" "two at once: both helpers exit 0"
assert_eq "$(kv nfds | sort | uniq -c | awk '{$1=$1};1')" "2 1" "two at once: one fd each"
assert_match "$outer" '^tap[0-9]+$' "two at once: outer tap '$outer'"
assert_match "$inner" '^tap[0-9]+$' "two at once: inner tap '$inner'"
if [ "$outer" != "$inner" ]; then tg_ok "two at once: distinct taps"; else tg_notok "two at once: distinct taps (both $outer)"; fi
assert_eq "$(kv port | sort | tr '\n' ' ')" "$(printf '%s\n' "$outer" "$inner" | sort | tr '\n' ' ')" \
	"two at once: br0's ports are exactly the two taps"
assert_eq "$(kv mac | cut -c1-2 | tr '\n' ' ')" "fe fe " "two at once: both MACs start with fe"
assert_eq "$(kv mac | sort -u | wc -l)" 2 "two at once: distinct MACs"
assert_no_taps "two at once: both taps gone"

# --- a bridge that is down; one that is up --------------------------------

assert_eq "$(jq -r '.[0].flags | index("UP") == null' <<<"$(ip -j link show br0)")" true "precondition: br0 is down"
tg_run "$TG_BIN/tapgate" --hold="$HOLD" -- --use-vnet --br=br0
check_grant "bridge down" br0 1400 1 4242
assert_eq "$(jq -r '.[0].flags | index("UP") == null' <<<"$(ip -j link show br0)")" true "bridge down: the helper did not bring br0 up"
ip link set br0 up
tg_run "$TG_BIN/tapgate" --hold="$HOLD" -- --use-vnet --br=br0
check_grant "bridge up" br0 1400 1 4242
ip link set br0 down

# --- the bridge keeps its address when a tap joins -------------------------

# A bridge takes the lowest port MAC; with a NIC-like port at 52:54:...
# the tap's fe:... must not become the bridge's address.
tg_bridge brv
ip link add veth0 type veth peer name veth1
ip link set veth0 address 52:54:00:12:34:56
ip link set veth0 master brv
tg_acl 'allow brv\n'
brmac=$(jq -r '.[0].address' <<<"$(ip -j link show brv)")
assert_eq "$brmac" 52:54:00:12:34:56 "precondition: brv took its port's MAC"
tg_run "$TG_BIN/tapgate" --hold='ip -j link show brv; ip -o link show master brv' -- --use-vnet --br=brv
assert_eq "$TG_RC" 0 "bridge with a port: grant"
assert_eq "$(grep '^\[{' <<<"$TG_OUT" | jq -r '.[0].address')" "$brmac" "bridge with a port: brv's MAC unchanged while the tap is on it"
assert_match "$TG_OUT" "^[0-9]+: $(kv ifname)@?[^:]*: .* master brv " "bridge with a port: the tap was on brv"
assert_no_taps "bridge with a port: tap gone"
assert_eq "$(ip -o link show master brv | awk -F': ' '{print $2}' | sed 's/@.*//')" veth0 "bridge with a port: only veth0 left on brv"
tg_acl 'allow br0\nallow br9\n'

# --- --fd must not be 0, 1 or 2 (nor junk) --------------------------------

for v in 0 1 2; do
	tg_run "$TG_BIN/tapgate" --fd-value="$v" -- --use-vnet --br=br0
	assert_eq "$(tg_exit)" 1 "--fd=$v: exit 1"
	assert_match "$TG_ERR" "invalid --fd=$v: fds 0, 1 and 2 are stdin, stdout and stderr" "--fd=$v: says why"
	assert_match "$TG_ERR" '^Usage: tapgate \[--use-vnet\] --br=bridge --fd=unixfd$' "--fd=$v: usage on stderr"
	assert_eq "$(kv nfds)" 0 "--fd=$v: nothing passed"
	assert_no_taps "--fd=$v: no tap"
done
for v in -1 abc 3x '' 99999999999; do
	tg_run "$TG_BIN/tapgate" --fd-value="$v" -- --br=br0
	assert_eq "$(tg_exit)" 1 "--fd='$v': exit 1"
	assert_match "$TG_ERR" "invalid --fd '$v': expected a decimal file descriptor number" "--fd='$v': says why"
	assert_no_taps "--fd='$v': no tap"
done
tg_run "$TG_BIN/tapgate" --fd-value=99 -- --br=br0
assert_eq "$(tg_exit)" 1 "--fd=99 (not open): exit 1"
assert_match "$TG_ERR" '^invalid --fd=99: not an open file descriptor' "--fd=99: says it is not open"
assert_no_taps "--fd=99: no tap"
