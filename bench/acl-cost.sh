#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# acl-cost.sh - what the ACL language costs per grant: the same setuid
# tapgate, one grant at a time (fork to fd received, tgclient --time),
# under ACLs that differ in one feature each, interleaved round-robin
# so that machine noise hits every variant alike; then the wall time of
# 50 parallel requests against "max 3".
#
#   TG_BUILD=DIR bash bench/acl-cost.sh [--rounds=N]
#
# TG_BUILD (default: build-bench next to this bench/) must hold a built
# helper/tapgate and tests/tgclient. Needs root; runs in the private
# namespaces of tests/e2e/lib.sh. A benchmark, not a test: it exits
# non-zero only on errors (a variant that does not grant).

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
SRC_DIR=$(cd "$BENCH_DIR/.." && pwd)
: "${TG_BUILD:=$SRC_DIR/build-bench}"
export TG_BUILD
ROUNDS=200
for arg in "$@"; do
	case "$arg" in
	--rounds=*) ROUNDS=${arg#*=} ;;
	*) echo "acl-cost.sh: bad argument '$arg'" >&2; exit 2 ;;
	esac
done
case "$ROUNDS" in '' | *[!0-9]*) echo "acl-cost.sh: --rounds: not a number" >&2; exit 2 ;; esac

. "$SRC_DIR/tests/e2e/lib.sh"
tg_sandbox "$@"

echo "alice:x:4242:4242::/nonexistent:/usr/sbin/nologin" >> /etc/passwd
echo "lab:x:4343:alice" >> /etc/group
tg_bridge br0
mkdir -p /etc/qemu/bridge.d && chmod 0755 /etc/qemu/bridge.d
for i in $(seq -w 50); do tg_acl "allow other$i\n" "/etc/qemu/bridge.d/$i.conf"; done

# name|ACL text
VARIANTS=(
	"plain|allow br0\n"
	"user name|allow br0 user alice\n"
	"group name|allow br0 group lab\n"
	"pattern|allow b?[0-9]*\n"
	"max 4, none held|allow br0 max 4\n"
	"glob, 50 files|allow br0\ninclude /etc/qemu/bridge.d/*.conf\n"
)
OUT=$TG_ROOT/samples
mkdir -p "$OUT"

grant() { # -> microseconds, fork to fd received
	local us
	us=$(tg_as_user --groups=4343 "$TG_BIN/tgclient" --repeat=1 --time -- \
		"$TG_BIN/tapgate" --br=br0) || tg_die "grant failed under: $1"
	us=$(tail -n1 <<<"$us")
	case "$us" in '' | *[!0-9.]*) tg_die "unexpected tgclient output: '$us'" ;; esac
	echo "$us"
}

for ((r = 0; r < ROUNDS + 10; r++)); do
	for i in "${!VARIANTS[@]}"; do
		tg_acl "${VARIANTS[$i]#*|}"
		us=$(grant "${VARIANTS[$i]%%|*}")
		[ "$r" -lt 10 ] || echo "$us" >> "$OUT/$i"
	done
done

median() { sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR + 1) / 2)]}'; }
base=$(median "$OUT/0")
printf '%-18s %10s %8s\n' "ACL" "median us" "vs plain"
for i in "${!VARIANTS[@]}"; do
	m=$(median "$OUT/$i")
	printf '%-18s %10.0f %8.2f\n' "${VARIANTS[$i]%%|*}" "$m" "$(awk -v a="$m" -v b="$base" 'BEGIN {print a / b}')"
done

# The race: 50 requests at once against max 3; the winners hold their
# taps until every request has finished.
tg_acl 'allow br0 max 3\n'
GO=$TG_ROOT/go
start=$(date +%s%N)
for i in $(seq 50); do
	tg_as_user "$TG_BIN/tgclient" --hold="while [ ! -e $GO ]; do sleep 0.02; done" \
		-- "$TG_BIN/tapgate" --br=br0 > "$OUT/race.$i" 2>&1 &
done
while pgrep -x tapgate >/dev/null; do sleep 0.01; done
end=$(date +%s%N)
touch "$GO"
wait
granted=$(grep -l '^exit=0$' "$OUT"/race.* | wc -l)
printf 'race: 50 requests against max 3: %d granted, all answered in %d ms\n' \
	"$granted" $(((end - start) / 1000000))
[ "$granted" = 3 ] || tg_die "the race granted $granted, not 3"
