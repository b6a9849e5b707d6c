#!/bin/bash
# What the holder of a tap's fd can do after the handover, tried as a
# hostile user would (tests/e2e/tgholder.c), against the setuid and the
# file-caps install, and what tapgate does about each (SECURITY.md,
# "What the holder of a tap fd can do"):
#   - pin (TUNSETPERSIST) then exit: the tap stays, and the next grant on
#     that bridge, by anyone, deletes it and logs "reaped"; 200 pinned
#     taps go in four grants, 64 a grant; under "max 1" a pinned orphan does not use
#     up the quota;
#   - pin, then re-attach by name after a deny: what still works, and
#     that the next grant, --reap or --revoke closes it;
#   - MAC takeover (SIOCSIFHWADDR 00:00:00:00:00:01): the bridge's own
#     address does not change, pinned by tapgate or set by an admin;
#   - carrier (TUNSETCARRIER 0): the bridge loses carrier only when the
#     tap is its only forwarding port;
#   - the other ioctls: what the kernel lets a holder do.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"
. "$(dirname "$0")/lib_boundary.sh"

GO=$TG_ROOT/go
nlines() { wc -l < "$TG_LOG"; }
gone() { ! ip link show "$1" >/dev/null 2>&1; }

for inst in tapgate tapgate-caps; do
H=$TG_BIN/$inst
# The file-caps install needs a /dev/net/tun the caller can open.
if [ "$inst" = tapgate-caps ]; then tg_tun_mode 0666; else tg_tun_mode 0600; fi
ip link add br0 type bridge
tg_acl 'allow br0\n'

# --- pin, then exit: the next grant by another user reaps it -------------
tap=$(pin 4242 "$H" br0)
assert_eq "$(tun_persist "$tap")" "persist on" "$inst: a pinned tap outlives its holder (TUNSETPERSIST needs no capability)"
assert_eq "$(ip -o link show master br0 | grep -c " $tap:")" 1 "$inst: ... and stays a port of br0"
n=$(nlines)
TG_UID=4243 TG_GID=4243 tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "$inst: another user's grant on br0 succeeds"
assert_eq "$(tun_persist "$tap")" gone "$inst: ... and deleted the orphan $tap"
wait_for "$TG_LOG" " reaped uid=4243 .* bridge=br0 canonical=br0 taps=$tap deleted=1 "
assert_eq "$(tail -n +$((n + 1)) "$TG_LOG" | grep -c " reaped .*taps=$tap ")" 1 "$inst: ... and logged it as reaped, once"
assert_no_taps "$inst: nothing left after the reaping grant"

# A pinned tap still held is no orphan: another user's grant leaves it
# (a single-queue tap reports no queue count: held means carrier).
hold_bg 4242 "$TG_ROOT/held" --persist -- "$H" --br=br0
held=$(val "$TG_ROOT/held" ifname)
TG_UID=4243 TG_GID=4243 tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "$inst: another user's grant beside a pinned, held tap"
assert_eq "$(tun_persist "$held")" "persist on" "$inst: ... leaves the held $held alone"
release

# --- pin many: each grant reaps up to 64 ---------------------------------
# Each grant reaps the orphans before it, so a user who wants many must
# pin them all while holding them, then let go at once. A grant deletes
# at most 64 (QUOTA_REAP_PER_GRANT: about 25 ms each here, so a grant
# stays far from the 10 s watchdog); the next grants take the rest.
many=200
[ "$inst" = tapgate ] || many=50
for i in $(seq "$many"); do hold_bg 4242 "$TG_ROOT/many.$i" --persist -- "$H" --br=br0; done
assert_eq "$(grep -l '^persist=0$' "$TG_ROOT"/many.* | wc -l)" "$many" "$inst: $many taps pinned while held"
release
rm -f "$TG_ROOT"/many.*
assert_eq "$(taps_on br0)" "$many" "$inst: their holders exited: $many pinned orphans on br0"
first=$(( many < 64 ? many : 64 ))
want=$(( (many + 63) / 64 ))
grants=0
while [ "$(taps_on br0)" != 0 ] && [ "$grants" -lt 10 ]; do
	t0=$(date +%s%N)
	TG_UID=4243 TG_GID=4243 tg_run "$H" -- --br=br0
	t1=$(date +%s%N)
	assert_eq "$(tg_exit)" 0 "$inst: grant $((grants + 1)) among the orphans succeeds"
	[ "$grants" = 0 ] && tg_ok "$inst: the first grant among $many orphans took $(( (t1 - t0) / 1000000 )) ms, tgclient included"
	grants=$((grants + 1))
done
assert_eq "$grants" "$want" "$inst: $many orphans gone after $want grant(s), at most 64 each"
assert_no_taps "$inst: ... and none of the $many orphans left"
wait_for "$TG_LOG" " reaped uid=4243 .* deleted=$first "
t0=$(date +%s%N)
TG_UID=4243 TG_GID=4243 tg_run "$H" -- --br=br0
t1=$(date +%s%N)
tg_ok "$inst: (a grant on the empty bridge: $(( (t1 - t0) / 1000000 )) ms)"

# --- max 1: a pinned orphan does not eat the quota -----------------------
tg_acl 'allow br0 max 1\n'
hold_bg 4242 "$TG_ROOT/held" --persist -- "$H" --br=br0
held=$(val "$TG_ROOT/held" ifname)
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "$inst: max 1: a pinned tap still held counts"
release
assert_eq "$(tun_persist "$held")" "persist on" "$inst: its holder exited: an orphan"
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "$inst: max 1: the same user's next grant is not refused: the orphan was reaped first"
assert_no_taps "$inst: ... and is gone"

# --- pin, deny, re-attach by name ----------------------------------------
# tapgate makes the caller the tun owner; with a /dev/net/tun they may
# open (the file-caps setup), the owner may re-attach to a persistent
# tap by name (TUNSETIFF), whatever the ACL says by then.
tg_tun_mode 0666
tg_acl 'allow br0\n'
tap=$(pin 4242 "$H" br0)
tg_acl 'allow br0\ndeny br0 user 4242\n'
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 2 "$inst: after the deny, uid 4242 gets no new tap"
out=$(as 4242 "$TG_BIN/tgholder" --reattach="$tap" || true)
assert_match "$out" '^reattach=0$' "$inst: ... but re-attaches to its pinned $tap by name (the kernel's owner check)"
assert_eq "$(ip -o link show master br0 | grep -c " $tap:")" 1 "$inst: ... which is still a port of br0"
out=$(as 4243 "$TG_BIN/tgholder" --reattach="$tap" || true)
assert_match "$out" '^reattach=1$' "$inst: another user cannot re-attach to it (EPERM)"
TG_UID=4243 TG_GID=4243 tg_run "$H" -- --br=br0
assert_eq "$(tun_persist "$tap")" gone "$inst: the next grant on br0 deletes it again"
out=$(as 4242 "$TG_BIN/tgholder" --reattach="$tap" || true)
assert_match "$out" '^reattach=1$' "$inst: ... and then re-attaching fails (EPERM: creating a tap needs CAP_NET_ADMIN)"
# The reap timer's command closes it too.
tg_acl 'allow br0\n'
tap=$(pin 4242 "$H" br0)
tg_acl 'allow br0\ndeny br0 user 4242\n'
out=$("$H" --reap)
assert_match "$out" "^reaped $tap \(bridge br0, uid 4242\)$" "$inst: tapgate --reap deletes the pinned $tap and says so"
assert_eq "$(tun_persist "$tap")" gone "$inst: ... it is gone"
out=$(as 4242 "$TG_BIN/tgholder" --reattach="$tap" || true)
assert_match "$out" '^reattach=1$' "$inst: ... and cannot be re-attached"
# Re-attached and held, it is no orphan: only --revoke takes it back.
tg_acl 'allow br0\n'
tap=$(pin 4242 "$H" br0)
tg_acl 'allow br0\ndeny br0 user 4242\n'
hold_bg 4242 "$TG_ROOT/re" --reattach="$tap" --probe
TG_UID=4243 TG_GID=4243 tg_run "$H" -- --br=br0
assert_eq "$(tun_persist "$tap")" "persist on" "$inst: a re-attached, held tap is not reaped by a grant"
"$H" --reap >/dev/null
assert_eq "$(tun_persist "$tap")" "persist on" "$inst: ... nor by --reap"
out=$("$H" --revoke --user=4242)
assert_match "$out" "^revoked $tap \(bridge br0, uid 4242, its holders' fds now fail\)$" "$inst: root's --revoke --user=4242 deletes it"
release
assert_eq "$(val "$TG_ROOT/re" write)" 77 "$inst: ... and the holder's next write fails (EBADFD)"
assert_no_taps "$inst: nothing left after the re-attach cases"
ip link del br0
done

# --- the bridge's own MAC ----------------------------------------------
tg_tun_mode 0600
H=$TG_BIN/tapgate
tg_acl 'allow br*\n'
# Control: without tapgate, a port's lower MAC replaces the address of a
# bridge nobody set (so the cases below can fail).
ip link add brc type bridge
ip link add vc0 type veth peer name vc1
ip link set vc0 master brc
ip link set vc0 address 00:00:00:00:00:01
assert_eq "$(cat /sys/class/net/brc/address)" 00:00:00:00:00:01 "control: a port's MAC 00:00:00:00:00:01 becomes the address of a bridge nobody set"
ip link del vc0
for inst in tapgate tapgate-caps; do
	H=$TG_BIN/$inst
	[ "$inst" = tapgate-caps ] && tg_tun_mode 0666
	ip link add brm type bridge
	before=$(cat /sys/class/net/brm/address)
	assert_eq "$(cat /sys/class/net/brm/addr_assign_type)" 1 "$inst: brm's address is random, set by nobody"
	n=$(nlines)
	hold_bg 4242 "$TG_ROOT/m1" --mac=00:00:00:00:00:01 -- "$H" --br=brm
	hold_bg 4243 "$TG_ROOT/m2" --mac=00:00:00:00:00:02 -- "$H" --br=brm
	assert_eq "$(val "$TG_ROOT/m1" mac)" 0 "$inst: the holder sets its tap's MAC to 00:00:00:00:00:01 (SIOCSIFHWADDR needs no capability)"
	assert_eq "$(cat "/sys/class/net/$(val "$TG_ROOT/m1" ifname)/address")" 00:00:00:00:00:01 "$inst: ... the tap has it"
	assert_eq "$(cat /sys/class/net/brm/address)" "$before" "$inst: brm's own address did not change"
	assert_eq "$(cat /sys/class/net/brm/addr_assign_type)" 3 "$inst: tapgate pinned it (administratively set)"
	assert_eq "$(tail -n +$((n + 1)) "$TG_LOG" | grep -c " pinned .* bridge=brm canonical=brm address=$before ")" 1 "$inst: pinned once, logged once, for two grants"
	release
	ip link add bra type bridge
	ip link set bra address 02:11:22:33:44:55
	n=$(nlines)
	hold_bg 4242 "$TG_ROOT/m1" --mac=00:00:00:00:00:01 -- "$H" --br=bra
	assert_eq "$(val "$TG_ROOT/m1" mac)" 0 "$inst: admin-set bra: the holder sets 00:00:00:00:00:01"
	assert_eq "$(cat /sys/class/net/bra/address)" 02:11:22:33:44:55 "$inst: bra keeps the admin's address"
	wait_for "$TG_LOG" " granted uid=4242 .* bridge=bra "
	assert_eq "$(tail -n +$((n + 1)) "$TG_LOG" | grep -c ' pinned ')" 0 "$inst: an admin-set address is left alone, nothing logged"
	release
	ip link del brm
	ip link del bra
done

# --- carrier ---------------------------------------------------------------
tg_tun_mode 0600
H=$TG_BIN/tapgate
carrier() { cat "/sys/class/net/$1/carrier" 2>/dev/null || echo down; }
wait_carrier() { # DEV VALUE
	local i
	for i in $(seq 500); do [ "$(carrier "$1")" = "$2" ] && return 0; sleep 0.02; done
	return 1
}
ip link add brk type bridge
ip link set brk up
hold_bg 4242 "$TG_ROOT/k1" --carrier=1 -- "$H" --br=brk
wait_carrier brk 1
assert_eq "$(carrier brk)" 1 "a bridge whose only port is the tap has carrier while the tap has"
release
hold_bg 4242 "$TG_ROOT/k1" --carrier=0 -- "$H" --br=brk
assert_eq "$(val "$TG_ROOT/k1" carrier)" 0 "TUNSETCARRIER 0 needs no capability"
wait_carrier "$(val "$TG_ROOT/k1" ifname)" 0
wait_carrier brk 0
assert_eq "$(carrier brk)" 0 "... and a bridge whose only port is that tap loses carrier"
release
ip link add bru type bridge
ip link add vu0 type veth peer name vu1
ip link set vu0 master bru
ip link set vu0 up
ip link set vu1 up
ip link set bru up
wait_carrier bru 1
hold_bg 4242 "$TG_ROOT/k2" --carrier=0 -- "$H" --br=bru
wait_carrier "$(val "$TG_ROOT/k2" ifname)" 0
assert_eq "$(carrier "$(val "$TG_ROOT/k2" ifname)")" 0 "with an uplink: the tap has no carrier"
assert_eq "$(carrier bru)" 1 "... and the bridge keeps its carrier through the uplink"
release

# --- the other ioctls --------------------------------------------------
# Offloads change the tap's own features, not the bridge's.
hold_bg 4242 "$TG_ROOT/o" --offload=3 -- "$H" --br=brk
tap=$(val "$TG_ROOT/o" ifname)
t3=$(ethtool -k "$tap"); b3=$(ethtool -k brk)
release
hold_bg 4242 "$TG_ROOT/o" --offload=0 -- "$H" --br=brk
tap=$(val "$TG_ROOT/o" ifname)
t0=$(ethtool -k "$tap"); b0=$(ethtool -k brk)
release
assert_match "$(diff <(echo "$t3") <(echo "$t0") || true)" 'tcp-segmentation-offload: off' "TUNSETOFFLOAD changes the tap's own offloads (TSO on, then off)"
assert_eq "$b0" "$b3" "... and none of the bridge's"

# Pinned, then its own carrier turned off: it looks let go, and the
# next grant reaps it; the holder loses only its own tap.
tg_acl 'allow br*\n'
hold_bg 4242 "$TG_ROOT/self" --persist --carrier=0 --probe -- "$H" --br=brk
tap=$(val "$TG_ROOT/self" ifname)
TG_UID=4243 TG_GID=4243 tg_run "$H" -- --br=brk
assert_eq "$(tun_persist "$tap")" gone "a pinned tap whose holder turned its carrier off is reaped as let go"
release
assert_eq "$(val "$TG_ROOT/self" write)" 77 "... and that holder's fd fails (EBADFD), nobody else's"

hold_bg 4242 "$TG_ROOT/o" --link=768 --offload=0 --sndbuf=4096 --vnethdrsz=12 --vnetle=1 --vnetbe=1 \
	--txfilter --attach-filter --detach-queue --owner=4243 --group=4343 --ebpf -- "$H" --br=brk
f=$TG_ROOT/o
assert_eq "$(val "$f" link)" 16 "TUNSETLINK: EBUSY, the tap is up and only CAP_NET_ADMIN can bring it down"
assert_eq "$(val "$f" offload)" 0 "TUNSETOFFLOAD: allowed"
assert_eq "$(val "$f" sndbuf)" 0 "TUNSETSNDBUF: allowed"
assert_eq "$(val "$f" vnethdrsz)" 0 "TUNSETVNETHDRSZ: allowed"
assert_eq "$(val "$f" vnetle)" 0 "TUNSETVNETLE: allowed"
assert_match "$(val "$f" vnetbe)" '^(0|22)$' "TUNSETVNETBE: allowed where the kernel has it (EINVAL otherwise)"
assert_eq "$(val "$f" txfilter)" 0 "TUNSETTXFILTER: allowed"
assert_eq "$(val "$f" attach_filter)" 0 "TUNATTACHFILTER: allowed"
assert_eq "$(val "$f" detach_queue)" 22 "TUNSETQUEUE IFF_DETACH_QUEUE: EINVAL on a single-queue tap"
assert_eq "$(val "$f" owner)" 0 "TUNSETOWNER: allowed"
assert_eq "$(val "$f" group)" 0 "TUNSETGROUP: allowed"
if [ "$(sysctl -n kernel.unprivileged_bpf_disabled)" != 0 ]; then
	assert_eq "$(val "$f" ebpf_load)" 1 "with kernel.unprivileged_bpf_disabled set, the user cannot load an eBPF program for TUNSETSTEERINGEBPF/TUNSETFILTEREBPF (EPERM)"
else
	assert_eq "$(val "$f" filter_ebpf)" 0 "unprivileged eBPF allowed on this host: TUNSETFILTEREBPF works"
fi
tap=$(val "$f" ifname)
for cmd in "set $tap down" "set $tap nomaster" "set $tap name x$tap" "property add dev $tap altname x$tap" \
	"set $tap alias mine" "del $tap"; do
	# shellcheck disable=SC2086
	if as 4242 ip link $cmd 2>/dev/null; then tg_notok "netlink 'ip link $cmd' as the holder succeeded"
	else tg_ok "netlink 'ip link $cmd' as the holder: refused (needs CAP_NET_ADMIN)"; fi
done
assert_eq "$(ip -o link show master brk | grep -c " $tap:")" 1 "after all of them the tap is still a port of brk, nothing else moved"
assert_eq "$(cat /sys/class/net/brk/addr_assign_type)" 3 "brk's address stays pinned"
release
assert_no_taps "no tap left"
