#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# grant-latency.sh - latency of one grant (exec to fd received):
# tapgate vs Debian's qemu-bridge-helper vs bench/floor.c (only the
# syscalls a grant needs), interleaved round-robin in one sandbox
# namespace, then again with 2,000 other interfaces present.
#
#   TG_BUILD=DIR bash bench/grant-latency.sh [--rounds=N] [--warmup=N]
#        [--ifaces=N] [--cpu=N|none] [--no-profile] [--save=DIR]
#        [--extra=NAME=PATH]...
#
# TG_BUILD (default: build-bench next to this bench/) must hold a built
# helper/tapgate and tests/tgclient (cmake -DTAPGATE_TESTS=ON). Needs
# root; everything happens in private mount+net namespaces
# (tests/e2e/lib.sh), nothing touches the host's interfaces.
# Two clocks per helper and round: tests/e2e/tgclient --time (fork to
# fd received, the figure the targets are about) and bench/waitclock
# (fork to fd received and fork to exit reaped: QEMU and libvirt
# waitpid() the helper before they use the fd). --extra adds another
# helper binary (e.g. a prototype) to the race, installed setuid like
# the others; --save copies the raw samples out of the sandbox.
# Exits non-zero only on errors, never because a target was missed:
# it is a benchmark, not a test. See bench/README.md.

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
SRC_DIR=$(cd "$BENCH_DIR/.." && pwd)
: "${TG_BUILD:=$SRC_DIR/build-bench}"
export TG_BUILD

ROUNDS=300
WARMUP=20
IFACES=2000
CPU=1
PROFILE=1
SAVE=
EXTRA=()
usage() {
	sed -n '8,10p' "$0" | sed 's/^# *//'
	exit "${1:-2}"
}
for arg in "$@"; do
	case "$arg" in
	--rounds=*) ROUNDS=${arg#*=} ;;
	--warmup=*) WARMUP=${arg#*=} ;;
	--ifaces=*) IFACES=${arg#*=} ;;
	--cpu=*) CPU=${arg#*=} ;;
	--no-profile) PROFILE=0 ;;
	--save=/*) SAVE=${arg#--save=} ;;
	--extra=*=/*) EXTRA+=("${arg#--extra=}") ;;
	-h | --help) usage 0 ;;
	*) echo "grant-latency.sh: bad argument '$arg'" >&2; usage ;;
	esac
done
for n in "$ROUNDS" "$WARMUP" "$IFACES"; do
	case "$n" in '' | *[!0-9]*) echo "grant-latency.sh: not a number: '$n'" >&2; exit 2 ;; esac
done
[ "$ROUNDS" -ge 10 ] || { echo "grant-latency.sh: --rounds must be >= 10" >&2; exit 2; }
[ $((IFACES % 2)) = 0 ] || { echo "grant-latency.sh: --ifaces must be even (veth pairs)" >&2; exit 2; }

. "$SRC_DIR/tests/e2e/lib.sh"
[ -x "$TG_BUILD/tests/tgclient" ] || [ -n "${TG_SANDBOX:-}" ] ||
	tg_die "no $TG_BUILD/tests/tgclient: configure with -DTAPGATE_TESTS=ON and build"
[ -x /usr/lib/qemu/qemu-bridge-helper ] || [ -n "${TG_SANDBOX:-}" ] ||
	tg_die "no /usr/lib/qemu/qemu-bridge-helper (apt-get install qemu-system-common)"
command -v cc >/dev/null || tg_die "missing tool: cc"
tg_sandbox "$@"

# --- inside the sandbox from here on ----------------------------------

OUT=$TG_ROOT/results
mkdir -p "$OUT"

# The floor, built here so nothing is left behind: dynamic (libc only,
# the honest floor for a dynamically linked helper) and static (what a
# helper could reach with no dynamic loading at all).
cc -O2 -Wall -Wextra -o "$TG_ROOT/floor" "$BENCH_DIR/floor.c"
cc -O2 -Wall -Wextra -o "$TG_BIN/waitclock" "$BENCH_DIR/waitclock.c"
cc -O2 -Wall -Wextra -static -o "$TG_ROOT/floor-static" "$BENCH_DIR/floor.c"
install -m 4755 -o root -g root "$TG_ROOT/floor" "$TG_BIN/floor"
install -m 4755 -o root -g root "$TG_ROOT/floor-static" "$TG_BIN/floor-static"

NAMES=(tapgate original floor floor-static)
PATHS=("$TG_BIN/tapgate" "$TG_BIN/qemu-bridge-helper" "$TG_BIN/floor" "$TG_BIN/floor-static")
for e in "${EXTRA[@]}"; do
	name=${e%%=*}
	[ -x "${e#*=}" ] || tg_die "--extra: ${e#*=} is not executable"
	install -m 4755 -o root -g root "${e#*=}" "$TG_BIN/x-$name"
	NAMES+=("$name")
	PATHS+=("$TG_BIN/x-$name")
done
[ -x "$TG_BIN/qemu-bridge-helper" ] || tg_die "the original helper was not installed"

tg_bridge br0
# The original reads /etc/qemu/bridge.conf too (Debian's build).
tg_acl 'allow br0\n'
# Debian's original drops to the caller before it opens /dev/net/tun,
# so it needs the usual distro mode 0666 (udev's static-node rule).
tg_tun_mode 0666
# The caller as a local account (in the overlay /etc only): tapgate's
# audit line looks the name up, and a uid with no passwd entry falls
# through nsswitch's "files" to libnss_systemd (dlopen, ~0.4 ms here),
# which is not the common case.
grep -q "^[^:]*:[^:]*:$TG_UID:" /etc/passwd ||
	echo "tgbench:x:$TG_UID:$TG_GID:tapgate bench:/nonexistent:/usr/sbin/nologin" >> /etc/passwd

PIN=()
if [ "$CPU" != none ]; then
	command -v taskset >/dev/null || tg_die "missing tool: taskset (or use --cpu=none)"
	PIN=(taskset -c "$CPU")
fi

# One grant of helper $1 as the unprivileged user through tgclient;
# prints the microseconds from fork to fd received.
grant_tgclient() {
	local us
	us=$(tg_as_user "${PIN[@]}" "$TG_BIN/tgclient" --repeat=1 --time -- \
		"$1" --use-vnet --br=br0) || tg_die "grant through $1 failed (tgclient status $?)"
	case "$us" in
	'' | *[!0-9.]*) tg_die "unexpected tgclient output for $1: '$us'" ;;
	esac
	echo "$us"
}

# The same through waitclock; prints "fd_us exit_us".
grant_waitclock() {
	local us
	us=$(tg_as_user "${PIN[@]}" "$TG_BIN/waitclock" br0 "$1") ||
		tg_die "grant through $1 failed (waitclock status $?)"
	case "$us" in
	*[!0-9.\ ]* | '' | *' '*' '*) tg_die "unexpected waitclock output for $1: '$us'" ;;
	esac
	echo "$us"
}

# Every helper must grant once before we time anything.
for i in "${!NAMES[@]}"; do
	tg_run "${PATHS[$i]}" -- --use-vnet --br=br0
	[ "$TG_RC" = 0 ] || tg_die "${NAMES[$i]} does not grant: $TG_ERR $TG_OUT"
done

# run_phase PHASE: WARMUP discarded rounds, then ROUNDS rounds; each
# round runs every helper once, the starting helper rotating so none is
# always first (after a tap teardown) or last.
run_phase() {
	local phase=$1 r k i n=${#NAMES[@]} f us
	for i in "${!NAMES[@]}"; do
		for f in fd wfd wexit; do : > "$OUT/$phase.${NAMES[$i]}.$f"; done
	done
	for ((r = 0; r < WARMUP + ROUNDS; r++)); do
		for ((k = 0; k < n; k++)); do
			i=$(((r + k) % n))
			f=$OUT/$phase.${NAMES[$i]}
			if [ "$r" -lt "$WARMUP" ]; then
				grant_tgclient "${PATHS[$i]}" >/dev/null
				grant_waitclock "${PATHS[$i]}" >/dev/null
				continue
			fi
			grant_tgclient "${PATHS[$i]}" >> "$f.fd"
			us=$(grant_waitclock "${PATHS[$i]}")
			echo "${us% *}" >> "$f.wfd"
			echo "${us#* }" >> "$f.wexit"
		done
		if [ $(((r + 1) % 100)) = 0 ]; then
			echo "#   $phase: round $((r + 1))/$((WARMUP + ROUNDS))" >&2
		fi
	done
	[ -z "$(tg_taps)" ] || tg_die "taps left behind: $(tg_taps | tr '\n' ' ')"
}

# stats FILE: "median p10 p90 mean" (nearest-rank percentiles).
stats() {
	sort -n "$1" | awk '
		{ v[NR] = $1; s += $1 }
		function rank(p,  k) { k = int(p * NR + 0.999999); if (k < 1) k = 1; return v[k] }
		END {
			med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.1f %.1f %.1f %.1f\n", med, rank(0.10), rank(0.90), s / NR
		}'
}

median() { stats "$1" | cut -d' ' -f1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

report_phase() {
	local phase=$1 i f
	for f in fd wfd wexit; do
		for i in "${!NAMES[@]}"; do
			# shellcheck disable=SC2046,SC2183
			printf '%-7s %-6s %-14s %9s %9s %9s %9s\n' "$phase" "$f" "${NAMES[$i]}" \
				$(stats "$OUT/$phase.${NAMES[$i]}.$f")
		done
	done
}

# add_ifaces N: N/2 veth pairs, down, unattached: plain "other
# interfaces" a busy host has (only bridge/veth/tun modules exist here).
add_ifaces() {
	local i batch=$TG_ROOT/ifaces.batch
	: > "$batch"
	for ((i = 0; i < $1 / 2; i++)); do
		echo "link add xa$i type veth peer name xb$i" >> "$batch"
	done
	ip -batch "$batch"
}

echo "# grant latency in microseconds; fd = tgclient --time (fork -> fd received),"
echo "# wfd/wexit = waitclock (fork -> fd received / fork -> exit reaped, as QEMU waits)"
echo "# $ROUNDS rounds after $WARMUP warm-up rounds, helpers interleaved; pinned: ${PIN[*]:-no}"
echo "# kernel $(uname -r), $(nproc) cpus; helpers: ${NAMES[*]}"
printf '%-7s %-6s %-14s %9s %9s %9s %9s\n' phase clock helper median p10 p90 mean

run_phase base
report_phase base

links_before=$(ip -o link show | wc -l)
add_ifaces "$IFACES"
links_after=$(ip -o link show | wc -l)
echo "# added $((links_after - links_before)) interfaces ($links_before -> $links_after in the namespace)"
run_phase ifaces
report_phase ifaces

# --- where the time goes (root, on unprivileged copies) ----------------
# LD_DEBUG is ignored and strace/valgrind cannot follow a setuid exec by
# an unprivileged caller, so this looks at copies run by root: the same
# code except the kernel's setuid exec work and the privilege drop
# (tapgate takes its "run by root" path: capng_apply, not change_id).

profile_bin() {
	case $1 in
	tapgate) echo "$TG_BIN/tapgate-plain" ;;
	original) echo "$TG_ROOT/original-plain" ;;
	*) echo "$TG_ROOT/$1" ;;
	esac
}

profile() {
	local p=$OUT/profile name bin
	mkdir -p "$p"
	install -m 0755 /usr/lib/qemu/qemu-bridge-helper "$TG_ROOT/original-plain"
	echo
	echo "# --- profile: one grant each, run by root ---"
	echo "# dynamic loader (LD_DEBUG=statistics; cycles are TSC cycles):"
	for name in tapgate original floor; do
		bin=$(profile_bin "$name")
		"$TG_BIN/tgclient" -- /usr/bin/env LD_DEBUG=statistics \
			LD_DEBUG_OUTPUT="$p/ld.$name" "$bin" --use-vnet --br=br0 >/dev/null 2>&1 || true
		cat "$p/ld.$name".* 2>/dev/null | awk -v n="$name" '
			/total startup time in dynamic loader/ { t = $(NF - 1) }
			/time needed for relocation/ { r = $(NF - 2) }
			/final number of relocations:/ { k = $NF }
			/number of relocations:/ && !k { k = $NF }
			END { printf "#   %-9s startup %s cycles, relocation %s cycles, %s relocations\n", n, t, r, k }'
	done

	if command -v strace >/dev/null; then
		echo "# syscalls of one grant (strace -f; exec to exit):"
		for name in tapgate original floor; do
			bin=$(profile_bin "$name")
			"$TG_BIN/tgclient" -- "$(command -v strace)" -f -qq -o "$p/strace.$name" \
				"$bin" --use-vnet --br=br0 >/dev/null 2>&1 || true
			[ -s "$p/strace.$name" ] || { echo "#   $name: strace failed"; continue; }
			printf '#   %-9s %3d:' "$name" "$(grep -c '^[0-9]* *[a-z_0-9]*(' "$p/strace.$name")"
			sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p' "$p/strace.$name" | sort | uniq -c |
				sort -rn | awk '{ printf " %s %s", $2, $1 } END { print "" }'
		done
		echo "#   tapgate's files and sockets:"
		grep -E 'open(at)?\(|connect\(|socket\(' "$p/strace.tapgate" | grep -v '\.so' |
			sed -E 's/^[0-9]+ +//; s/, O_[A-Z_|]+.*(= [-0-9]+).*/ \1/; s/^/#     /' | cut -c1-110
	fi

	if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
		echo "# user-space instructions of one grant (callgrind), by object:"
		for name in tapgate original floor floor-static; do
			bin=$(profile_bin "$name")
			"$TG_BIN/tgclient" -- "$(command -v valgrind)" --tool=callgrind -q \
				--callgrind-out-file="$p/cg.$name" \
				"$bin" --use-vnet --br=br0 >/dev/null 2>&1 || true
			[ -s "$p/cg.$name" ] || { echo "#   $name: valgrind failed"; continue; }
			# Self cost per object from the raw profile: "ob=" sets the
			# object, a "calls=" line is followed by an inclusive cost
			# that belongs to the callee and is skipped.
			awk -v n="$name" '
				/^c?ob=/ {
					id = $1; sub(/^c?ob=/, "", id)
					if (NF > 1 || id !~ /^\(/) { nm = $NF; sub(/.*\//, "", nm); obj[id] = nm }
					if ($0 ~ /^ob=/) cur = id
					next
				}
				/^calls=/ { skip = 1; next }
				/^[0-9+*-]/ { if (skip) { skip = 0; next } by[obj[cur]] += $2; total += $2 }
				END {
					printf "#   %-12s %8d instructions:", n, total
					for (o in by) if (by[o] * 50 >= total) printf " %s %d%%", o, by[o] * 100 / total
					print ""
				}' "$p/cg.$name"
		done
	fi
}
[ "$PROFILE" = 0 ] || profile

# --- result ------------------------------------------------------------

med() { median "$OUT/$1.$2.$3"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f", a - b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "met" : "MISSED" }'; }

# result_clock CLOCK TITLE
result_clock() {
	local clock=$1 n b f phase t ro rf rs tg fl
	echo "-- $2"
	printf '   %-14s %10s %10s %10s\n' helper base "+$IFACES" growth
	for n in "${NAMES[@]}"; do
		b=$(med base "$n" "$clock")
		f=$(med ifaces "$n" "$clock")
		printf '   %-14s %10s %10s %10s\n' "$n" "$b" "$f" "$(sub "$f" "$b")"
	done
	for phase in base ifaces; do
		t=$(med "$phase" tapgate "$clock")
		ro=$(ratio "$t" "$(med "$phase" original "$clock")")
		rf=$(ratio "$t" "$(med "$phase" floor "$clock")")
		rs=$(ratio "$t" "$(med "$phase" floor-static "$clock")")
		printf '   %-7s tapgate/original %s (target <= 0.60: %s)  tapgate/floor %s (target <= 1.30: %s)  tapgate/floor-static %s\n' \
			"$phase" "$ro" "$(verdict "$ro" 0.60)" "$rf" "$(verdict "$rf" 1.30)" "$rs"
	done
	tg=$(sub "$(med ifaces tapgate "$clock")" "$(med base tapgate "$clock")")
	fl=$(sub "$(med ifaces floor "$clock")" "$(med base floor "$clock")")
	echo "   growth with $IFACES interfaces: tapgate $tg us, floor $fl us (the kernel's own); tapgate's beyond the floor's: $(sub "$tg" "$fl") us"
}

echo
echo "== RESULT (median microseconds; $ROUNDS interleaved rounds per phase) =="
result_clock fd "exec -> fd received (tgclient --time): the figure the targets are about"
result_clock wexit "exec -> helper exited (waitclock): what QEMU and libvirt wait for"
if [ -n "$SAVE" ]; then
	mkdir -p "$SAVE"
	cp -r "$OUT"/. "$SAVE"/
	echo "raw samples saved in $SAVE"
fi
