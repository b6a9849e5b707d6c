#!/bin/bash
# "allow BRIDGE max N": held taps count, the limit is per user and per
# bridge, a released tap frees its place, 50 racing requests against
# max 3 grant exactly 3, SIGKILLed and SIGSTOPped requests leave
# nothing behind, a tap moved away by hand gives its place back, the
# tun owner (which a tap's fd holder may change) counts for nothing,
# and a lowered max holds.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_bridge br0
tg_bridge br1
GO=$TG_ROOT/go
EV=$TG_ROOT/events   # where the clients, running as the test users, signal
mkdir -m 1777 "$EV"
H=$TG_BIN/tapgate

# hold UID OUTFILE [BRIDGE [GOFILE]] [TGCLIENT-OPTS...]: a client in the
# background that keeps its tap until GOFILE (default $GO) exists. It
# creates OUTFILE.ready once its helper has exited and its own lines are
# in OUTFILE (granted or refused): $EV/<OUTFILE's name>.
hold() {
	local uid=$1 out=$2 br=${3:-br0} go=${4:-$GO}
	shift $(($# < 4 ? $# : 4))
	rm -f "$EV/${out##*/}"
	TG_UID=$uid TG_GID=$uid tg_as_user "$TG_BIN/tgclient" "$@" \
		--ready="$EV/${out##*/}" --hold-until="$go" -- "$H" --br="$br" \
		> "$out" 2>&1 &
	HELD+=($!)
}
HELD=()

# ready OUTFILE...: wait until each of these clients reported its
# helper's exit (and holds its tap, if granted). The event, not the
# absence of tapgate processes: a helper not started yet is absent too.
ready() {
	local f
	for f in "$@"; do
		tg_wait_files "a held client to report its helper's exit" "$EV/${f##*/}"
	done
}

taps_on() { # BRIDGE
	ip -o link show master "$1" type tun 2>/dev/null | wc -l
}
taps_on_is() { [ "$(taps_on "$1")" = "$2" ]; } # BRIDGE N

# release: let every held client go, and reap them (not a bare 'wait':
# the sandbox's logsink is a background job too).
release() {
	touch "$GO"
	[ ${#HELD[@]} = 0 ] || wait "${HELD[@]}" || true
	HELD=()
	rm -f "$GO"
}

# --- sequential: two held, the third refused, per user and bridge --------
tg_acl 'allow br0 max 2\nallow br1\n'
hold 4242 "$TG_ROOT/h1"; hold 4242 "$TG_ROOT/h2"
ready "$TG_ROOT/h1" "$TG_ROOT/h2"
assert_eq "$(taps_on br0)" 2 "two held taps on br0"
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "a third tap on br0 is refused with exit 8"
assert_match "$TG_ERR" "^quota reached: uid 4242 already has 2 taps on bridge 'br0' \(tap[0-9]+, tap[0-9]+\) and the ACL allows at most 2; close one first$" \
	"the refusal names the limit and the taps in use"
tg_run "$H" -- --br=br1
assert_eq "$(tg_exit)" 0 "another bridge without max is not limited"
TG_UID=4243 TG_GID=4243 tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "another user has a quota of their own"
release
assert_no_taps "released taps are gone"
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "once released, the place is free again"

# --- the largest max of matching rules; a rule without max lifts it -------
tg_acl 'allow br0 max 1\nallow br* max 2\n'
hold 4242 "$TG_ROOT/h1"; hold 4242 "$TG_ROOT/h2"
ready "$TG_ROOT/h1" "$TG_ROOT/h2"
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "max 1 and max 2 both match: the larger, 2, applies"
tg_acl 'allow br0 max 1\nallow br0 group 4343\n'
tg_run --groups=4343 "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "a matching allow without max means no limit"
release

# --- the race: 50 at once against max 3 -------------------------------------
tg_acl 'allow br0 max 3\n'
for i in $(seq 50); do hold 4242 "$TG_ROOT/race.$i"; done
ready $(seq -f "$TG_ROOT/race.%g" 50)
assert_eq "$(taps_on br0)" 3 "50 racing requests: exactly 3 taps on br0"
release
granted=$(grep -l '^exit=0$' $(seq -f "$TG_ROOT/race.%g" 50) | wc -l)
refused=$(grep -l '^exit=8$' $(seq -f "$TG_ROOT/race.%g" 50) | wc -l)
assert_eq "$granted" 3 "50 racing requests against max 3: exactly 3 granted"
assert_eq "$refused" 47 "... and 47 refused with exit 8"
assert_no_taps "after the race, no tap is left"
rm -f "$TG_ROOT"/race.*

# --- killed and stopped requests leave nothing that counts ---------------
tg_acl 'allow br0 max 1\n'
for i in $(seq 100); do
	TG_UID=4242 TG_GID=4242 tg_as_user "$TG_BIN/tgclient" -- "$H" --br=br0 >/dev/null 2>&1 &
	pid=$!
	sleep "0.00$((RANDOM % 10))"   # a random moment to kill at, not a wait
	pkill -KILL -x tapgate 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
done
assert_no_taps "100 requests SIGKILLed at random moments: no tap left"
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "... and the quota is whole"
# A stopped request holds at most its own user's one place. The event
# that puts it mid-grant: a jammed /dev/log holds uid 4242's helper in
# syslog's send, after its tap is on br0; it is stopped there. uid
# 4243's helper then gets as far (its tap on br0) and is held the same
# way, so both are mid-grant at once.
coproc JAM { exec "$TG_BIN/tgadv" jam /dev/log; }
read -r -t "$TG_WAIT_MAX" line <&"${JAM[0]}" || true
[ "$line" = jammed ] || tg_die "tgadv jam did not start"
# held_in_send: $held := the tapgate blocked in sendto (syscall 44) on
# the full /dev/log queue (not in one of netlink's quick sendto calls).
held_in_send() {
	local p
	for p in $(pgrep -x tapgate || true); do
		[ "$(cut -d' ' -f1 "/proc/$p/syscall" 2>/dev/null)" = 44 ] || continue
		[ "$(cat "/proc/$p/wchan" 2>/dev/null)" = unix_wait_for_peer ] || continue
		held=$p
		return 0
	done
	return 1
}
TG_UID=4242 TG_GID=4242 tg_as_user "$TG_BIN/tgclient" -- "$H" --br=br0 > "$TG_ROOT/st1" 2>&1 &
st1=$!
tg_wait_until "uid 4242's helper to block in syslog's send" held_in_send
kill -STOP "$held"
assert_eq "$(taps_on br0)" 1 "uid 4242's request stopped mid-grant, its tap on br0"
TG_UID=4243 TG_GID=4243 tg_as_user "$TG_BIN/tgclient" -- "$H" --br=br0 > "$TG_ROOT/st2" 2>&1 &
st2=$!
tg_wait_until "uid 4243's tap on br0 next to the stopped request's" taps_on_is br0 2
tg_ok "a user's stopped request does not block another user"
JAM_IN=${JAM[1]}
exec {JAM_IN}>&-
kill -CONT "$held"
wait "$st1" || true
wait "$st2" || true
assert_eq "$(sed -n 's/^exit=//p' "$TG_ROOT/st1")" 0 "the stopped request, continued, is granted"
assert_eq "$(sed -n 's/^exit=//p' "$TG_ROOT/st2")" 0 "the other user's request is granted"
assert_no_taps "stopped then continued: nothing left"

# --- a tap moved to another bridge by hand gives its place back ------------
hold 4242 "$TG_ROOT/h1"
ready "$TG_ROOT/h1"
tap=$(ip -o link show master br0 type tun | awk -F': ' '{print $2}')
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "max 1 with one held tap: refused"
ip link set "$tap" master br1
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "after the admin moved $tap to br1, br0 has room again"
release

# --- the tun owner proves nothing: its fd holder may change it --------------
tg_acl 'allow br0 max 1\nallow br0 user 4243\n'
hold 4243 "$TG_ROOT/h1" br0 "$GO" --setowner=4242
ready "$TG_ROOT/h1"
assert_eq "$(sed -n 's/^setowner=//p' "$TG_ROOT/h1")" 0 "another user's tap handed to uid 4242 with TUNSETOWNER (allowed by the kernel)"
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "... does not use up uid 4242's max 1"
hold 4242 "$TG_ROOT/h2"
ready "$TG_ROOT/h2"
TG_UID=4242 TG_GID=4242 tg_run "$H" --setowner=4243 -- --br=br0
assert_eq "$(tg_exit)" 8 "with one tap held, uid 4242 is refused a second"
release
hold 4242 "$TG_ROOT/h1" br0 "$GO" --setowner=4243
ready "$TG_ROOT/h1"
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "a tap uid 4242 gave away with TUNSETOWNER still counts against it"
release

# --- every grant names its tap as the user's, also without a max -----------
tg_acl 'allow br0\n'
tg_run "$H" --hold='ip -o link show "$TAP"' -- --br=br0
br0=$(cat /sys/class/net/br0/ifindex)
assert_match "$TG_OUT" "altname tapgate\.4242\.$br0\.t[0-9]+" "a grant without max carries tapgate.UID.BRIDGE.tIFINDEX"
tg_acl 'allow br0 max 2\n'
tg_run "$H" --hold='ip -o link show "$TAP"' -- --br=br0
assert_match "$TG_OUT" "altname tapgate\.4242\.$br0\.0\b" "a grant under max 2 takes slot 0"

# --- a lowered max: taps on slots above it use up the low slots -------------
tg_acl 'allow br0 max 5\n'
declare -A spid
for i in 1 2 3 4 5; do
	hold 4242 "$TG_ROOT/s$i" br0 "$GO.$i"
	spid[$i]=$!
	ready "$TG_ROOT/s$i"
done
touch "$GO.1" "$GO.2" "$GO.3"
# A client closes its fd before it exits, and the kernel deletes a
# non-persistent tap in that close: once they are reaped, 2 remain.
wait "${spid[1]}" "${spid[2]}" "${spid[3]}"
assert_eq "$(ip -o link show master br0 | grep -Eo 'tapgate\.4242\.[0-9]+\.[0-9]+' | sed 's/.*\.//' | sort | tr '\n' ' ')" "3 4 " \
	"slots 3 and 4 held, 0-2 free"
tg_acl 'allow br0 max 3\n'
hold 4242 "$TG_ROOT/s6" br0 "$GO.6"
ready "$TG_ROOT/s6"
assert_eq "$(sed -n 's/^exit=//p' "$TG_ROOT/s6")" 0 "max lowered to 3 with 2 held: one more is granted"
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "... and then no more: 3 of 3"
touch "$GO.4" "$GO.5" "$GO.6"
wait "${HELD[@]}" || true
HELD=()
rm -f "$GO".*
assert_no_taps "lowered max: nothing left"

# --- taps granted before the limit existed count too ---------------------
tg_acl 'allow br0\n'
hold 4242 "$TG_ROOT/h1"
ready "$TG_ROOT/h1"
tg_acl 'allow br0 max 1\n'
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "a tap granted before 'max 1' was written counts"
release
assert_no_taps "end: no tap left"
