#!/bin/bash
# tapgate --list [--json], --revoke TAP, --revoke --user=NAME and --reap:
# root sees every tap tapgate made, who holds it (pids from
# /proc/PID/fdinfo) and whether its MAC is still the one tapgate set; a
# user sees only their own taps and only their own processes; only root
# may revoke or reap, only tapgate's taps, and a revoked holder's fd
# fails; every use is logged to authpriv. Setuid and file-caps installs.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"
. "$(dirname "$0")/lib_boundary.sh"

tg_users  # alice 4242, bob 4243
tg_tun_mode 0666
ip link add br0 type bridge
ip link add br1 type bridge
tg_acl 'allow br0\nallow br1 max 2\n'
GO=$TG_ROOT/go

for inst in tapgate tapgate-caps; do
H=$TG_BIN/$inst
# alice holds A on br0 and has changed its MAC; bob holds B on br1;
# alice's C on br1 is pinned and owned by bob, who re-attached to it.
hold_bg 4242 "$TG_ROOT/a" --mac=02:00:00:00:00:09 --probe -- "$H" --br=br0
hold_bg 4243 "$TG_ROOT/b" --probe -- "$H" --br=br1
C=$(pin 4242 "$H" br1 --owner=4243)
hold_bg 4243 "$TG_ROOT/c" --reattach="$C"
A=$(val "$TG_ROOT/a" ifname); B=$(val "$TG_ROOT/b" ifname)
pa=$(val "$TG_ROOT/a" pid); pb=$(val "$TG_ROOT/b" pid); pc=$(val "$TG_ROOT/c" pid)

# --- root's view ------------------------------------------------------
n=$(wc -l < "$TG_LOG")
js=$("$H" --list --json)
q() { jq -c "$1" <<<"$js"; }
assert_eq "$(q '.scope')" '"all"' "$inst: root's --list covers all users"
assert_eq "$(q '[.taps[].tap] | sort')" "$(printf '%s\n' "$A" "$B" "$C" | sort | jq -R . | jq -cs .)" "$inst: root sees A, B and C, nothing else"
assert_eq "$(q ".taps[] | select(.tap==\"$A\") | [.bridge,.user,.uid,.slot,.persistent,.held,.orphan,.pids,.mac,.mac_unchanged]")" \
	"[\"br0\",\"alice\",4242,null,false,true,false,[$pa],\"02:00:00:00:00:09\",false]" \
	"$inst: A: br0, alice 4242, no slot, not persistent, held by alice's pid, MAC changed by its holder"
assert_eq "$(q ".taps[] | select(.tap==\"$B\") | [.bridge,.user,.uid,.slot,.held,.pids,.mac_unchanged]")" \
	"[\"br1\",\"bob\",4243,0,true,[$pb],true]" "$inst: B: br1, bob, quota slot 0, held by bob's pid, MAC as set"
assert_eq "$(q ".taps[] | select(.tap==\"$C\") | [.user,.persistent,.held,.pids]")" \
	"[\"alice\",true,true,[$pc]]" "$inst: C: alice's, persistent, held by bob's re-attaching pid"
assert_eq "$(q ".taps[] | select(.tap==\"$A\") | .mac_set")" "\"$(cat "/sys/class/net/$A/ifalias" | sed 's/^tapgate mac=//')\"" \
	"$inst: mac_set is the MAC tapgate gave it (its alias)"
txt=$("$H" --list)
assert_match "$txt" "^TAP +BRIDGE +USER +UID +SLOT +PERSIST +STATE +MAC +HELD BY$" "$inst: the text list has a header"
assert_match "$txt" "^$A +br0 +alice +4242 +- +no +held +changed +$pa$" "$inst: the text line for A"
wait_for "$TG_LOG" " listed uid=0 .* taps=3 scope=all"
tg_ok "$inst: root's --list is logged"

# --- a user's view ----------------------------------------------------
js=$(as 4242 "$H" --list --json)
assert_eq "$(q '.scope')" '"own"' "$inst: alice's --list covers her own taps"
assert_eq "$(q '[.taps[].tap] | sort')" "$(printf '%s\n' "$A" "$C" | sort | jq -R . | jq -cs .)" "$inst: alice sees A and C, not bob's B"
assert_eq "$(q ".taps[] | select(.tap==\"$A\") | .pids")" "[$pa]" "$inst: alice sees her own pid on A"
assert_eq "$(q ".taps[] | select(.tap==\"$C\") | [.held,.pids]")" "[true,[]]" "$inst: C is held, but by bob: alice is shown no pid"
txt=$(as 4243 "$H" --list)
assert_no_match "$txt" "^($A|$C) " "$inst: bob's list shows none of alice's taps"
assert_match "$txt" "^$B " "$inst: ... and his own B"
wait_for "$TG_LOG" " listed uid=4243 .* scope=own"

# --- only root revokes or reaps ---------------------------------------
set +e
err=$(as 4242 "$H" --revoke "$A" 2>&1); rc=$?
set -e
assert_eq "$rc" 5 "$inst: alice's --revoke of her own tap: exit 5"
assert_match "$err" "only root may revoke taps \(you are uid 4242\)" "$inst: ... saying only root may"
set +e
err=$(as 4243 "$H" --reap 2>&1); rc=$?
set -e
assert_eq "$rc" 5 "$inst: bob's --reap: exit 5"
assert_eq "$(ip -o link show | grep -cE " ($A|$B|$C):")" 3 "$inst: ... and nothing was deleted"

# --- only tapgate's taps ----------------------------------------------
ip tuntap add dev other0 mode tap
set +e
err=$("$H" --revoke other0 2>&1); rc=$?
set -e
assert_eq "$rc" 6 "$inst: --revoke of a tap tapgate did not make: exit 6"
assert_match "$err" "'other0' is not a tap tapgate made" "$inst: ... saying so"
assert_match "$(ip -o link show other0)" "other0" "$inst: ... and it is still there"
ip link set other0 master br0
"$H" --reap >/dev/null
assert_match "$(ip -o link show other0)" "other0" "$inst: --reap leaves a persistent tap tapgate did not make"
ip link del other0
set +e
err=$("$H" --revoke tap999 2>&1); rc=$?
set -e
assert_eq "$rc" 6 "$inst: --revoke of a missing tap: exit 6"

# --- revoke by name, by user; reap --------------------------------------
out=$("$H" --revoke "$A")
assert_eq "$out" "revoked $A (bridge br0, uid 4242, its holders' fds now fail)" "$inst: root's --revoke $A says what it did"
assert_eq "$(tun_persist "$A")" gone "$inst: ... $A is gone"
wait_for "$TG_LOG" " revoked uid=0 .* tap=$A tap_bridge=br0 tap_uid=4242 persistent=no held=yes"
tg_ok "$inst: ... logged"
out=$("$H" --revoke --user=bob)
assert_eq "$out" "revoked $B (bridge br1, uid 4243, its holders' fds now fail)" "$inst: --revoke --user=bob deletes bob's B only"
assert_match "$(ip -o link show "$C")" "$C" "$inst: ... alice's C, held by bob, stays"
release
assert_eq "$(val "$TG_ROOT/a" write)" 77 "$inst: alice's write on the revoked fd fails (EBADFD)"
assert_eq "$(val "$TG_ROOT/b" write)" 77 "$inst: bob's write on the revoked fd fails (EBADFD)"
# C is now an orphan: bob let it go.
out=$(as 4242 "$H" --list --json | jq -c ".taps[] | select(.tap==\"$C\") | [.held,.orphan]")
assert_eq "$out" "[false,true]" "$inst: C, let go, is listed as an orphan"
out=$("$H" --reap)
assert_eq "$out" "$(printf 'reaped %s (bridge br1, uid 4242)\nreaped 1 orphaned tap' "$C")" "$inst: --reap deletes C and says so"
wait_for "$TG_LOG" " reaped uid=0 .* tap=$C tap_bridge=br1 tap_uid=4242 persistent=yes held=no"
out=$("$H" --reap)
assert_eq "$out" "reaped 0 orphaned taps" "$inst: a second --reap finds nothing"
out=$("$H" --revoke --user=4242)
assert_eq "$out" "uid 4242 has no taps tapgate made" "$inst: --revoke --user of a user without taps"
assert_no_taps "$inst: nothing left"
done

# --- the packaged timer runs --reap ------------------------------------
unit=$TG_SRC/packaging/systemd/tapgate-reap.service
cmd=$(sed -n 's/^ExecStart=//p' "$unit")
assert_eq "$cmd" "/usr/bin/tapgate --reap" "tapgate-reap.service runs tapgate --reap"
assert_match "$(sed -n 's/^OnUnitActiveSec=//p' "$TG_SRC/packaging/systemd/tapgate-reap.timer")" '^[0-9]+min$' "tapgate-reap.timer repeats it"
assert_match "$(sed -n 's/^Unit=//p;s/^WantedBy=//p' "$TG_SRC/packaging/systemd/tapgate-reap.timer")" '^timers.target$' "... and is enabled under timers.target"
C=$(pin 4242 "$TG_BIN/tapgate" br0)
out=$("$TG_BIN/tapgate" ${cmd#/usr/bin/tapgate })
assert_eq "$out" "$(printf 'reaped %s (bridge br0, uid 4242)\nreaped 1 orphaned tap' "$C")" "the service's command line deletes an orphan"

# --- usage ---------------------------------------------------------------
for bad in "--list --br=br0" "--reap --json" "--revoke" "--revoke tap0 --user=bob" \
	"--revoke abcdefghijklmnop" "--list --reap" "--revoke tap0 tap1"; do
	set +e
	# shellcheck disable=SC2086
	err=$("$TG_BIN/tapgate" $bad 2>&1); rc=$?
	set -e
	assert_eq "$rc" 1 "usage error: tapgate $bad"
done
