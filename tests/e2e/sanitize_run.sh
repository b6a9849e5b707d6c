#!/bin/bash
# The helper built with -fsanitize=address,undefined (scripts/sanitize,
# -DTAPGATE_SANITIZE=ON) over every grant and refusal path, run as root
# in the test namespaces: a sanitizer build is never installed setuid
# or with file caps (lib.sh refuses to). Root mode skips only the
# setuid/file-caps branches of privs.c; every other line a user's grant
# or refusal runs is run here, plus both fuzz corpora through the real
# binary: each fuzz_args input as its command line, each fuzz_acl input
# as /etc/qemu/bridge.conf over an include tree on disk.
#
# Any sanitizer finding ends the helper with exit status 86 and a
# report in $TG_BUILD/sanitizer-reports/ (helper/asan_options.c); either
# fails this test.
[ "${TG_SANITIZE:-}" = 1 ] || { echo "sanitize_run.sh: needs TG_SANITIZE=1 and a -DTAPGATE_SANITIZE=ON build" >&2; exit 1; }
TG_SRC=$(cd "${TG_SRC:-$(dirname "$0")/../..}" && pwd)
export TG_SRC
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

SRC=$(cd "${TG_SRC:-$(dirname "$0")/../..}" && pwd)
REPORTS=$TG_BUILD/sanitizer-reports
mkdir -p "$REPORTS"
rm -f "$REPORTS"/report.*
readelf -dW "$TG_BUILD/helper/tapgate" | grep -q 'NEEDED.*libasan' ||
	tg_die "$TG_BUILD/helper/tapgate is not an ASan build (configure with -DTAPGATE_SANITIZE=ON)"
H=$TG_BIN/tapgate-plain
RUNS=0

tg_bridge br0
tg_bridge br1
ip link property add dev br0 altname brzero
ip link add bbig type bridge
ip link set bbig mtu 65535
ip link add veth0 type veth peer name veth1
tg_logsink

# sane LABEL: the last run ended without a sanitizer finding: no exit
# 86, no signal, no report, no tap left.
sane() {
	RUNS=$((RUNS + 1))
	local e
	e=$(tg_exit)
	if [ "$e" = 86 ] || [[ "$e" == signal* ]] || grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:' <<<"$TG_ERR" ||
		compgen -G "$REPORTS/report.*" >/dev/null; then
		TG_ERR="$TG_ERR $(cat "$REPORTS"/report.* 2>/dev/null | head -40 || true)"
		tg_notok "$1: no sanitizer finding (exit $e)"
	else
		tg_ok "$1: no sanitizer finding (exit $e)"
	fi
	local taps
	taps=$(tg_taps)
	[ -z "$taps" ] || tg_notok "$1: no tap left ($taps)"
}

run() { # LABEL [tgclient opts] -- ARGS
	local label=$1
	shift
	tg_run --root "$H" "$@"
	sane "$label"
}

# run_via LABEL PROGRAM -- ARGS: tgclient runs PROGRAM (a wrapper that
# execs the helper) instead of the helper itself.
run_via() {
	local label=$1
	shift
	tg_run --root "$@"
	sane "$label"
}

# --- the paths of one grant and each refusal ----------------------------

tg_acl 'allow br0\nallow bbig\nallow brzero\ndeny br1\n'
run "grant" -- --br=br0
assert_eq "$TG_RC" 0 "grant: granted"
run "grant with --use-vnet" -- --use-vnet --br=br0
assert_eq "$TG_RC" 0 "grant with --use-vnet: granted"
run "grant through /bin/sh -c" --sh -- --use-vnet --br=br0
assert_eq "$TG_RC" 0 "grant through sh: granted"
run "grant by altname" -- --br=brzero
assert_eq "$TG_RC" 0 "grant by altname: granted"
run_via "grant with fds 0-2 closed" /bin/sh -- -c 'exec "$0" "$@" <&- >&- 2>&-' "$H" --br=br0
assert_eq "$TG_RC" 0 "grant with fds 0-2 closed: granted"
set +e
TG_OUT=$("$TG_BIN/tgadv" fds 1000 "$TG_BIN/tgclient" -- "$H" --br=br0 2>"$TG_ROOT/stderr")
set -e
TG_ERR=$(cat "$TG_ROOT/stderr")
sane "grant with 1000 inherited fds"
run "denied by rule" -- --br=br1
assert_eq "$(tg_exit)" 2 "denied by rule: exit 2"
tg_acl 'allow br0\n'
run "denied by default" -- --br=br1
run_via "denied by default, with fds 0-2 closed" /bin/sh -- -c 'exec "$0" "$@" <&- >&- 2>&-' "$H" --br=br1
assert_eq "$(tg_exit)" 2 "denied with fds 0-2 closed: exit 2"
run "no such bridge" -- --br=nosuch
run "not a bridge" -- --br=veth0
tg_acl 'allow bbig\n'
run "attach fails (bridge mtu)" -- --br=bbig
assert_eq "$(tg_exit)" 6 "attach fails: exit 6"
tg_acl 'allow br0\n'
run_via "client closed its socket first" /bin/sh --close-early -- -c 'exec "$0" "$@"' "$H" --br=br0
assert_eq "$(tg_exit)" 7 "client closed first: exit 7"
run "a control character in the name" -- --br=$'b\e[31m'
for kind in "--fd=0" "--fd=abc" "--fd=77" "--fd=99999999999"; do
	run "bad $kind" --no-fd -- --br=br0 "$kind"
done
rm -f /dev/log
run "no syslog socket" -- --br=br1
tg_logsink

# --- the ACL language: qualifiers, patterns, globs, quotas -----------------
mkdir -p /etc/qemu/bridge.d && chmod 0755 /etc/qemu/bridge.d
tg_acl 'deny br1 user nosuchuser\n' /etc/qemu/bridge.d/10-x.conf
tg_acl 'allow b?[0-9]* user root group 0 max 2\ninclude /etc/qemu/bridge.d/*.conf\n'
run "grant under user, group, pattern, glob and max 2" -- --br=br0
assert_eq "$(tg_exit)" 0 "quota grant: exit 0"
tg_run --root "$H" --hold="$H --explain --br=br0 --json >/dev/null; $H --br=br0 --fd=0 2>/dev/null; $H --explain --br=br0" -- --br=br0
sane "grant holding one tap while --explain counts it"
assert_match "$TG_OUT" "quota: +1 of 2 in use" "explain under the sanitizer counted the held tap"
tg_run --root "$H" --hold="$TG_BIN/tgclient -- $H --br=br0 >/dev/null" -- --br=br0
sane "a second tap (max 2) while one is held"
tg_acl 'allow br0 max 1\n'
tg_run --root "$H" --hold="$TG_BIN/tgclient -- $H --br=br0 > $TG_ROOT/quota.out 2>&1" -- --br=br0
sane "quota full while one is held"
assert_match "$(cat "$TG_ROOT/quota.out")" "^exit=8$" "quota full: exit 8"
for args in "--check" "--check /etc/qemu/bridge.d/10-x.conf" "--explain --br=br0" \
	"--explain --br=nosuch --json" "--explain --br=veth0" "--explain --br=br0 --user=root"; do
	set +e
	TG_OUT=$("$H" $args 2>"$TG_ROOT/stderr"); rc=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
	TG_OUT="exit=$rc"
	sane "tapgate $args"
done
tg_acl 'alow br0\nallow br0 max 0\nallow br/*\ninclude /etc/qemu/nope.d/*.conf\n'
set +e
TG_OUT=$("$H" --check 2>"$TG_ROOT/stderr"); rc=$?
set -e
TG_ERR=$(cat "$TG_ROOT/stderr")
TG_OUT="exit=$rc"
sane "tapgate --check of a file with errors"
assert_eq "$rc" 3 "--check with errors: exit 3"
tg_acl 'allow br0\n'

# --- both fuzz corpora through the real binary ---------------------------

# fuzz_args: each input is a NUL-separated argument list; run once as
# it is (with tgclient's --fd appended) and once without --fd.
n=0
for f in "$SRC"/tests/fuzz/corpus/fuzz_args/*; do
	mapfile -d '' -t args < "$f" || true
	run "fuzz_args $(basename "$f")" -- "${args[@]}"
	run "fuzz_args $(basename "$f"), no --fd" --no-fd -- "${args[@]}"
	n=$((n + 1))
done
assert_match "$n" '^[1-9][0-9]*$' "fuzz_args corpus replayed through the binary ($n inputs)"

# fuzz_acl: the include tree of tests/fuzz/fuzz_acl.c, on disk.
mkdir -p /etc/qemu/d /etc/qemu/chain
printf '# alice\nallow br0\ndeny br1 # no\n' > /etc/qemu/alice.conf
printf 'allow all\r\ndeny virbr0\r\n' > /etc/qemu/bob.conf
printf 'allow br2\ninclude self.conf\n' > /etc/qemu/self.conf
printf 'include loop-b.conf\n' > /etc/qemu/loop-a.conf
printf 'allow br3\ninclude /etc/qemu/loop-a.conf\n' > /etc/qemu/loop-b.conf
printf 'allow br0\nalow br1\n' > /etc/qemu/bad.conf
printf 'include ../alice.conf\ninclude ../secret.conf\n' > /etc/qemu/d/rel.conf
for _ in 1 2 3 4; do printf 'include alice.conf\ninclude bob.conf\n'; done > /etc/qemu/fan.conf
: > /etc/qemu/empty.conf
printf 'allow br1\n' > /etc/qemu/secret.conf
printf 'allow br1\n' > /etc/qemu/owned.conf
chown "$TG_UID" /etc/qemu/owned.conf
for i in $(seq 0 15); do
	if [ "$i" -lt 12 ]; then printf 'allow c%d\ninclude %d.conf\n' "$i" $((i + 1)); else printf 'allow chain\n'; fi > /etc/qemu/chain/$i.conf
done
n=0
for f in "$SRC"/tests/fuzz/corpus/fuzz_acl/*; do
	cp "$f" /etc/qemu/bridge.conf
	chmod 0644 /etc/qemu/bridge.conf
	run "fuzz_acl $(basename "$f"), br0" -- --br=br0
	run "fuzz_acl $(basename "$f"), br1" -- --br=br1
	n=$((n + 1))
done
assert_match "$n" '^[1-9][0-9]*$' "fuzz_acl corpus replayed through the binary ($n inputs)"

echo "# $RUNS sanitizer runs of the helper"
if compgen -G "$REPORTS/report.*" >/dev/null; then
	tg_notok "no sanitizer report at all ($(ls "$REPORTS"))"
else
	tg_ok "no sanitizer report at all"
fi
