#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# held-taps.sh - latency of one grant on a loaded bridge: 1,000 taps of
# tapgate's held on br0 (issue 9), with and without a max in the ACL,
# then again with 2,000 unrelated interfaces in the namespace.
#
#   TG_BUILD=DIR bash bench/held-taps.sh [--rounds=N] [--held=N]
#        [--orphans=N] [--ifaces=N] [--cpu=N|none] [--extra=NAME=PATH]...
#
# For each ACL ("allow br0", "allow br0 max M" with M = held + 20) the
# caller first gets HELD taps from tapgate under that ACL and keeps
# them (bench/holder), then two phases run, helpers interleaved as in
# grant-latency.sh (tgclient --time: fork to fd received):
#   held    - the steady state: HELD taps on br0, no orphans;
#   orphans - before every grant of every helper, ORPHANS fresh pinned
#             orphans are made (granted, all held, then TUNSETPERSIST and
#             closed): a tapgate grant reaps them in its timed span; the
#             original and the floor find them on br0 too (the same
#             load), and the next holder run reaps them, untimed.
# Then --ifaces veth pairs are added and both ACLs run again.
# Exits non-zero only on an error, never because a target was missed.

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
SRC_DIR=$(cd "$BENCH_DIR/.." && pwd)
: "${TG_BUILD:=$SRC_DIR/build-bench}"
export TG_BUILD

ROUNDS=60
HELD=1000
ORPHANS=5
IFACES=2000
CPU=1
EXTRA=()
for arg in "$@"; do
	case "$arg" in
	--rounds=*) ROUNDS=${arg#*=} ;;
	--held=*) HELD=${arg#*=} ;;
	--orphans=*) ORPHANS=${arg#*=} ;;
	--ifaces=*) IFACES=${arg#*=} ;;
	--cpu=*) CPU=${arg#*=} ;;
	--extra=*=/*) EXTRA+=("${arg#--extra=}") ;;
	*) echo "held-taps.sh: bad argument '$arg'" >&2; exit 2 ;;
	esac
done
for n in "$ROUNDS" "$HELD" "$ORPHANS" "$IFACES"; do
	case "$n" in '' | *[!0-9]*) echo "held-taps.sh: not a number: '$n'" >&2; exit 2 ;; esac
done
[ $((HELD + ORPHANS)) -le 1000 ] || [ "$HELD" -le 1000 ] ||
	{ echo "held-taps.sh: a bridge has at most 1024 ports" >&2; exit 2; }

. "$SRC_DIR/tests/e2e/lib.sh"
command -v cc >/dev/null || tg_die "missing tool: cc"
tg_sandbox "$@"

# --- inside the sandbox from here on ----------------------------------

OUT=$TG_ROOT/results
mkdir -p "$OUT"
cc -O2 -Wall -Wextra -o "$TG_ROOT/floor" "$BENCH_DIR/floor.c"
cc -O2 -Wall -Wextra -o "$TG_BIN/holder" "$BENCH_DIR/holder.c"
install -m 4755 -o root -g root "$TG_ROOT/floor" "$TG_BIN/floor"

NAMES=(tapgate original floor)
PATHS=("$TG_BIN/tapgate" "$TG_BIN/qemu-bridge-helper" "$TG_BIN/floor")
for e in "${EXTRA[@]}"; do
	install -m 4755 -o root -g root "${e#*=}" "$TG_BIN/x-${e%%=*}"
	NAMES+=("${e%%=*}")
	PATHS+=("$TG_BIN/x-${e%%=*}")
done
[ -x "$TG_BIN/qemu-bridge-helper" ] || tg_die "the original helper was not installed"

tg_bridge br0
tg_tun_mode 0666
grep -q "^[^:]*:[^:]*:$TG_UID:" /etc/passwd ||
	echo "tgbench:x:$TG_UID:$TG_GID:tapgate bench:/nonexistent:/usr/sbin/nologin" >> /etc/passwd
# The holder keeps HELD fds open.
ulimit -n $((HELD + 64))

PIN=()
[ "$CPU" = none ] || PIN=(taskset -c "$CPU")

grant() {
	local us
	us=$(tg_as_user "${PIN[@]}" "$TG_BIN/tgclient" --repeat=1 --time -- \
		"$1" --use-vnet --br=br0) || tg_die "grant through $1 failed (tgclient status $?)"
	case "$us" in '' | *[!0-9.]*) tg_die "unexpected tgclient output for $1: '$us'" ;; esac
	echo "$us"
}

ports() { ip -o link show master br0 | wc -l; }
orphans_now() { ip -d -o link show master br0 type tun | grep -c 'persist on' || true; }

# make_orphans N: N pinned taps of tapgate's that nobody holds.
make_orphans() {
	[ "$1" = 0 ] && return 0
	tg_as_user "$TG_BIN/holder" 0 "$1" br0 "$TG_BIN/tapgate" >/dev/null ||
		tg_die "holder could not make $1 orphans"
}

# hold_start: HELD taps from tapgate under the current ACL, kept by a
# holder whose stdin is a fifo we keep open; returns once it says ready.
hold_start() {
	local fifo=$TG_ROOT/hold.fifo
	rm -f "$fifo"
	mkfifo "$fifo"
	tg_as_user "$TG_BIN/holder" "$HELD" 0 br0 "$TG_BIN/tapgate" \
		< "$fifo" > "$TG_ROOT/hold.out" &
	HOLDER_PID=$!
	exec 7> "$fifo"
	while ! grep -q '^ready' "$TG_ROOT/hold.out"; do
		kill -0 "$HOLDER_PID" 2>/dev/null || tg_die "holder failed"
		sleep 0.2
	done
	[ "$(ports)" -ge "$HELD" ] || tg_die "only $(ports) ports on br0"
}

hold_stop() {
	exec 7>&-
	wait "$HOLDER_PID" || true
	while [ -n "$(tg_taps)" ]; do sleep 0.1; done
}

# run_phase PHASE: 3 untimed rounds, then ROUNDS. The original reads
# "allow br0 max N" as a rule for a bridge named "br0 max N" and
# denies: it sits out the max phases.
run_phase() {
	local phase=$1 r k i idx=()
	for i in "${!NAMES[@]}"; do
		[ "${NAMES[$i]}" = original ] && [ "$phase" != "${phase#*.max.}" ] && continue
		idx+=("$i")
		: > "$OUT/$phase.${NAMES[$i]}"
	done
	for ((r = 0; r < ROUNDS + 3; r++)); do
		for ((k = 0; k < ${#idx[@]}; k++)); do
			i=${idx[$(((r + k) % ${#idx[@]}))]}
			# Fresh orphans before every helper's grant: the
			# holder's own grants reap those the last helper left.
			[ "$phase" = "${phase%orphans}" ] || make_orphans "$ORPHANS"
			if [ "$r" -lt 3 ]; then
				grant "${PATHS[$i]}" >/dev/null
			else
				grant "${PATHS[$i]}" >> "$OUT/$phase.${NAMES[$i]}"
			fi
		done
	done
	# The last round's orphans may outlive the helpers that ran after
	# tapgate; the next tapgate grant reaps them.
	grant "$TG_BIN/tapgate" >/dev/null
	[ "$(orphans_now)" = 0 ] || tg_die "orphans left on br0 after $phase"
}

median() {
	[ -s "$1" ] || { echo -; return; }
	sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# one_acl LABEL ACL: hold, the two phases, release.
one_acl() {
	local label=$1
	tg_acl "$2"
	hold_start
	echo "# $label: $(ports) ports on br0, $(ip -o link show | wc -l) interfaces" >&2
	run_phase "$label.held"
	run_phase "$label.orphans"
	hold_stop
}

ALLOW='allow br0\n'
ALLOWMAX="allow br0 max $((HELD + 20))\n"
one_acl base.nomax "$ALLOW"
one_acl base.max "$ALLOWMAX"
batch=$TG_ROOT/ifaces.batch
: > "$batch"
for ((i = 0; i < IFACES / 2; i++)); do echo "link add xa$i type veth peer name xb$i" >> "$batch"; done
ip -batch "$batch"
one_acl ifaces.nomax "$ALLOW"
one_acl ifaces.max "$ALLOWMAX"

echo "# median microseconds, fork -> fd received (tgclient --time), $ROUNDS interleaved rounds"
echo "# $HELD taps held on br0; 'orphans': $ORPHANS fresh pinned orphans before each grant"
echo "# pinned: ${PIN[*]:-no}; kernel $(uname -r), $(nproc) cpus"
printf '%-8s %-6s %-8s' load acl state
printf ' %10s' "${NAMES[@]}"
printf ' %14s %14s\n' tapgate/floor tapgate/orig
for load in base ifaces; do
	for acl in nomax max; do
		for st in held orphans; do
			p=$load.$acl.$st
			printf '%-8s %-6s %-8s' "$load" "$acl" "$st"
			for n in "${NAMES[@]}"; do printf ' %10s' "$(median "$OUT/$p.$n")"; done
			t=$(median "$OUT/$p.tapgate")
			printf ' %14s %14s\n' \
				"$(awk -v a="$t" -v b="$(median "$OUT/$p.floor")" 'BEGIN { printf "%.2f", a / b }')" \
				"$(awk -v a="$t" -v b="$(median "$OUT/$p.original")" 'BEGIN { if (b == "-") print "-"; else printf "%.2f", a / b }')"
		done
	done
done
