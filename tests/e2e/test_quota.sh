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

# --- the tun owner proves nothing: its fd holder may change it --------------
tg_acl 'allow br0 max 1\nallow br0 user 4243\n'
TG_UID=4243 TG_GID=4243 tg_as_user "$TG_BIN/tgclient" --setowner=4242 \
	--hold="while [ ! -e $GO ]; do sleep 0.05; done" -- "$H" --br=br0 > "$TG_ROOT/h1" 2>&1 &
helpers_done
for i in $(seq 100); do grep -q '^setowner=' "$TG_ROOT/h1" && break; sleep 0.05; done
assert_eq "$(sed -n 's/^setowner=//p' "$TG_ROOT/h1")" 0 "another user's tap handed to uid 4242 with TUNSETOWNER (allowed by the kernel)"
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 0 "... does not use up uid 4242's max 1"
hold 4242 "$TG_ROOT/h2"
helpers_done
TG_UID=4242 TG_GID=4242 tg_run "$H" --setowner=4243 -- --br=br0
assert_eq "$(tg_exit)" 8 "with one tap held, uid 4242 is refused a second"
release
TG_UID=4242 TG_GID=4242 tg_as_user "$TG_BIN/tgclient" --setowner=4243 \
	--hold="while [ ! -e $GO ]; do sleep 0.05; done" -- "$H" --br=br0 > "$TG_ROOT/h1" 2>&1 &
helpers_done
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
for i in 1 2 3 4 5; do
	TG_UID=4242 TG_GID=4242 tg_as_user "$TG_BIN/tgclient" \
		--hold="while [ ! -e $GO.$i ]; do sleep 0.05; done" -- "$H" --br=br0 > "$TG_ROOT/s$i" 2>&1 &
	helpers_done
done
touch "$GO.1" "$GO.2" "$GO.3"
for i in $(seq 100); do [ "$(taps_on br0)" = 2 ] && break; sleep 0.05; done
assert_eq "$(ip -o link show master br0 | grep -Eo 'tapgate\.4242\.[0-9]+\.[0-9]+' | sed 's/.*\.//' | sort | tr '\n' ' ')" "3 4 " \
	"slots 3 and 4 held, 0-2 free"
tg_acl 'allow br0 max 3\n'
TG_UID=4242 TG_GID=4242 tg_as_user "$TG_BIN/tgclient" \
	--hold="while [ ! -e $GO.6 ]; do sleep 0.05; done" -- "$H" --br=br0 > "$TG_ROOT/s6" 2>&1 &
helpers_done
assert_eq "$(sed -n 's/^exit=//p' "$TG_ROOT/s6")" 0 "max lowered to 3 with 2 held: one more is granted"
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "... and then no more: 3 of 3"
touch "$GO.4" "$GO.5" "$GO.6"
wait
rm -f "$GO".*
assert_no_taps "lowered max: nothing left"

# --- taps granted before the limit existed count too ---------------------
tg_acl 'allow br0\n'
hold 4242 "$TG_ROOT/h1"
helpers_done
tg_acl 'allow br0 max 1\n'
tg_run "$H" -- --br=br0
assert_eq "$(tg_exit)" 8 "a tap granted before 'max 1' was written counts"
release
assert_no_taps "end: no tap left"
