#!/bin/bash
# "allow BRIDGE max N": held taps count, the limit is per user and per
# bridge, a released tap frees its place, 50 racing requests against
# max 3 grant exactly 3, SIGKILLed and SIGSTOPped requests leave
# nothing behind, and a tap moved away by hand gives its place back.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_bridge br0
tg_bridge br1
GO=$TG_ROOT/go
H=$TG_BIN/tapgate

# hold UID OUTFILE [BRIDGE]: a client in the background that keeps its
# tap until $GO exists.
hold() {
	local uid=$1 out=$2 br=${3:-br0}
	TG_UID=$uid TG_GID=$uid tg_as_user "$TG_BIN/tgclient" \
		--hold="while [ ! -e $GO ]; do sleep 0.05; done" -- "$H" --br="$br" \
		> "$out" 2>&1 &
}

# Wait until no tapgate process is left (a held client's helper has
# exited after the handover).
helpers_done() {
	local i
	for i in $(seq 600); do
		pgrep -x tapgate >/dev/null || return 0
		sleep 0.05
	done
	tg_die "tapgate processes did not finish"
}

taps_on() { # BRIDGE
	ip -o link show master "$1" type tun 2>/dev/null | wc -l
}

release() {
	touch "$GO"
	wait
	rm -f "$GO"
}

# --- sequential: two held, the third refused, per user and bridge --------
tg_acl 'allow br0 max 2\nallow br1\n'
hold 4242 "$TG_ROOT/h1"; hold 4242 "$TG_ROOT/h2"
helpers_done
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
helpers_done
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "max 1 and max 2 both match: the larger, 2, applies"
tg_acl 'allow br0 max 1\nallow br0 group 4343\n'
tg_run --groups=4343 "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "a matching allow without max means no limit"
release

# --- the race: 50 at once against max 3 -------------------------------------
tg_acl 'allow br0 max 3\n'
for i in $(seq 50); do hold 4242 "$TG_ROOT/race.$i"; done
helpers_done
granted=$(grep -l '^exit=0$' "$TG_ROOT"/race.* 2>/dev/null | wc -l)
refused=$(grep -l '^exit=8$' "$TG_ROOT"/race.* 2>/dev/null | wc -l)
assert_eq "$(taps_on br0)" 3 "50 racing requests: exactly 3 taps on br0"
release
granted=$(grep -l '^exit=0$' "$TG_ROOT"/race.* | wc -l)
refused=$(grep -l '^exit=8$' "$TG_ROOT"/race.* | wc -l)
assert_eq "$granted" 3 "50 racing requests against max 3: exactly 3 granted"
assert_eq "$refused" 47 "... and 47 refused with exit 8"
assert_no_taps "after the race, no tap is left"
rm -f "$TG_ROOT"/race.*

# --- killed and stopped requests leave nothing that counts ---------------
tg_acl 'allow br0 max 1\n'
for i in $(seq 100); do
	TG_UID=4242 TG_GID=4242 tg_as_user "$TG_BIN/tgclient" -- "$H" --br=br0 >/dev/null 2>&1 &
	pid=$!
	sleep "0.00$((RANDOM % 10))"
	pkill -KILL -x tapgate 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
done
assert_no_taps "100 requests SIGKILLed at random moments: no tap left"
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "... and the quota is whole"
# A stopped request holds at most its own user's one place.
TG_UID=4242 TG_GID=4242 tg_as_user "$TG_BIN/tgclient" -- "$H" --br=br0 >/dev/null 2>&1 &
pid=$!
for i in $(seq 100); do pgrep -x tapgate >/dev/null && break; sleep 0.01; done
pkill -STOP -x tapgate || true
TG_UID=4243 TG_GID=4243 tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "a user's stopped request does not block another user"
pkill -CONT -x tapgate || true
wait "$pid" 2>/dev/null || true
assert_no_taps "stopped then continued: nothing left"

# --- a tap moved to another bridge by hand gives its place back ------------
hold 4242 "$TG_ROOT/h1"
helpers_done
tap=$(ip -o link show master br0 type tun | awk -F': ' '{print $2}')
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "max 1 with one held tap: refused"
ip link set "$tap" master br1
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "after the admin moved $tap to br1, br0 has room again"
release

# --- taps granted before the limit existed count too ---------------------
tg_acl 'allow br0\n'
hold 4242 "$TG_ROOT/h1"
helpers_done
tg_acl 'allow br0 max 1\n'
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "a tap granted before 'max 1' was written counts"
release
assert_no_taps "end: no tap left"
