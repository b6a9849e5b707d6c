# SPDX-License-Identifier: GPL-2.0-or-later
# lib_boundary.sh - helpers for the tests of what a tap's fd holder can
# do after the handover (test_boundary.sh, test_admin.sh). Source it
# after lib.sh's tg_sandbox.

install -m 0755 "$TG_BUILD/tests/tgholder" "$TG_BIN/tgholder"

# wait_for FILE REGEX: wait (up to 20 s) for a line of FILE to match.
wait_for() {
	local i
	for i in $(seq 1000); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.02
	done
	tg_die "timed out waiting for /$2/ in $1: $(tail -c 600 "$1" 2>/dev/null | tr '\n' ' ')"
}

# as UID CMD...: run CMD as UID:UID, no supplementary groups.
as() {
	local uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all -- "$@"
}

# pin UID HELPER BRIDGE [ACTIONS...]: the user gets a tap, makes it
# persistent (and whatever ACTIONS say), and exits. Prints the tap.
pin() {
	local uid=$1 h=$2 br=$3 out
	shift 3
	out=$(as "$uid" "$TG_BIN/tgholder" --persist "$@" -- "$h" --br="$br")
	grep -q '^persist=0$' <<<"$out" || tg_die "pin: $out"
	sed -n 's/^ifname=//p' <<<"$out"
}

# hold_bg UID OUT [TGHOLDER-ARGS...]: tgholder in the background until
# $GO exists; waits until it is ready.
hold_bg() {
	local uid=$1 out=$2
	shift 2
	as "$uid" "$TG_BIN/tgholder" --hold-until="$GO" "$@" > "$out" 2>&1 &
	HOLDERS+=($!)
	wait_for "$out" '^(ready=1|received=no)$'
}

# release: let every held tgholder go, and wait for them.
HOLDERS=()
release() {
	touch "$GO"
	local p
	for p in "${HOLDERS[@]}"; do wait "$p" || true; done
	HOLDERS=()
	rm -f "$GO"
}

val() { # FILE KEY
	sed -n "s/^$2=//p" "$1" | tail -1
}

# link_attr TAP: "persist on"-style details of a tun device.
tun_persist() {
	ip -d link show "$1" 2>/dev/null | grep -Eo 'persist (on|off)' || echo gone
}

taps_on() { # BRIDGE
	ip -o link show master "$1" type tun 2>/dev/null | wc -l
}
