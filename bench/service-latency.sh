#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# service-latency.sh - a grant through the tapgate service against a
# setuid grant, and where the difference goes.
#
#   TG_BUILD=DIR bash bench/service-latency.sh [--rounds=N] [--warmup=N] [--cpu=N|none]
#
# Needs root and a build with tests (tests/tgclient); everything runs in
# the e2e sandbox (tests/e2e/lib.sh, lib_service.sh): private mount,
# net and pid namespaces, the service under systemd-socket-activate
# --accept with the unit's bounding set and no_new_privs, exactly as
# the e2e tests run it. Interleaved rounds, medians in microseconds:
#
#   setuid     tgclient -> tapgate (setuid): fork to fd received
#   service    tgclient -> tapgate (setuid, but no_new_privs: the client
#              path) -> service: fork to fd received
#   instance   svcclock -> service: connect to fd received (spawn and the
#              serve instance's grant; no client binary)
#   spawn      svcclock -> a service whose instance is /bin/true: connect
#              to end of stream (systemd-socket-activate's accept, fork,
#              setpriv and exec: the activation floor)
#
# service - setuid splits into: client (service - instance: exec of the
# client tapgate, its checks, the relay), activation (spawn) and the
# grant in the instance (instance - spawn) against the setuid grant.
# Under systemd as PID 1 the activation is systemd's own per-unit
# spawn (cgroup, the unit's sandboxing), not measured here.
# A benchmark, not a test: exits non-zero only on errors.

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
SRC_DIR=$(cd "$BENCH_DIR/.." && pwd)
: "${TG_BUILD:=$SRC_DIR/build-bench}"
export TG_BUILD
ROUNDS=200
WARMUP=20
CPU=1
for arg in "$@"; do
	case "$arg" in
	--rounds=*) ROUNDS=${arg#*=} ;;
	--warmup=*) WARMUP=${arg#*=} ;;
	--cpu=*) CPU=${arg#*=} ;;
	*) echo "service-latency.sh: bad argument '$arg'" >&2; exit 2 ;;
	esac
done
. "$SRC_DIR/tests/e2e/lib.sh"
tg_sandbox "$@"
. "$SRC_DIR/tests/e2e/lib_service.sh"

OUT=$TG_ROOT/results
mkdir -p "$OUT"
cc -O2 -Wall -Wextra -o "$TG_BIN/svcclock" "$BENCH_DIR/svcclock.c"
PIN=()
if [ "$CPU" != none ]; then PIN=(taskset -c "$CPU"); fi

tg_bridge br0
tg_acl 'allow br0\n'
grep -q "^[^:]*:[^:]*:$TG_UID:" /etc/passwd ||
	echo "tgbench:x:$TG_UID:$TG_GID:tapgate bench:/nonexistent:/usr/sbin/nologin" >> /etc/passwd

# The activation floor: its own socket, instances are /bin/true.
SPAWN_SOCK=$TG_ROOT/spawn.sock
systemd-socket-activate --accept -l "$SPAWN_SOCK" \
	setpriv --bounding-set=-all,+net_admin,+setuid,+setgid --no-new-privs -- /bin/true \
	> "$TG_ROOT/spawn.log" 2>&1 &
for i in $(seq 250); do [ -S "$SPAWN_SOCK" ] && break; sleep 0.02; done
chmod 0666 "$SPAWN_SOCK"
tg_service_start

one() { # NAME -> microseconds
	case $1 in
	setuid) tg_as_user "${PIN[@]}" "$TG_BIN/tgclient" --time -- "$TG_BIN/tapgate" --use-vnet --br=br0 ;;
	service) setpriv --reuid="$TG_UID" --regid="$TG_GID" --clear-groups --inh-caps=-all --no-new-privs -- \
		"${PIN[@]}" "$TG_BIN/tgclient" --time -- "$TG_BIN/tapgate" --use-vnet --br=br0 ;;
	instance) tg_as_user "${PIN[@]}" "$TG_BIN/svcclock" "$TG_SOCK" br0 ;;
	spawn) tg_as_user "${PIN[@]}" "$TG_BIN/svcclock" "$SPAWN_SOCK" br0 ;;
	esac
}
NAMES=(setuid service instance spawn)
for n in "${NAMES[@]}"; do : > "$OUT/$n"; one "$n" > /dev/null || tg_die "$n does not work"; done
for ((r = 0; r < WARMUP + ROUNDS; r++)); do
	for ((k = 0; k < ${#NAMES[@]}; k++)); do
		n=${NAMES[$(((r + k) % ${#NAMES[@]}))]}
		us=$(one "$n") || tg_die "$n failed in round $r"
		[ "$r" -lt "$WARMUP" ] || echo "$us" >> "$OUT/$n"
	done
done
[ -z "$(tg_taps)" ] || tg_die "taps left behind"

stats() {
	sort -n "$1" | awk '
		{ v[NR] = $1; s += $1 }
		function rank(p,  k) { k = int(p * NR + 0.999999); if (k < 1) k = 1; return v[k] }
		END {
			med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.1f %.1f %.1f %.1f\n", med, rank(0.10), rank(0.90), s / NR
		}'
}
med() { stats "$OUT/$1" | cut -d' ' -f1; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

echo "# service vs setuid grant, microseconds; $ROUNDS interleaved rounds after $WARMUP warm-up; pinned: ${PIN[*]:-no}"
echo "# kernel $(uname -r), $(nproc) cpus"
printf '%-9s %9s %9s %9s %9s\n' what median p10 p90 mean
for n in "${NAMES[@]}"; do
	# shellcheck disable=SC2046
	printf '%-9s %9s %9s %9s %9s\n' "$n" $(stats "$OUT/$n")
done
s=$(med setuid) v=$(med service) i=$(med instance) p=$(med spawn)
echo
echo "== RESULT (medians) =="
echo "   setuid grant $s us, through the service $v us: +$(sub "$v" "$s") us ($(awk -v a="$v" -v b="$s" 'BEGIN { printf "%.2f", a / b }')x)"
echo "   where it goes: client tapgate and relay $(sub "$v" "$i") us, activation (accept, fork, setpriv, exec) $p us,"
echo "                  the instance's grant $(sub "$i" "$p") us (vs the whole setuid grant $s us)"
tg_service_stop
