# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh - sandbox and assertions for tapgate's end-to-end tests.
#
# Source it, then call tg_sandbox "$@" first. The script re-executes
# itself (as root) inside new mount, network and pid namespaces, where:
#   - /etc is an overlay, so /etc/qemu/bridge.conf can be written
#     without touching the host's /etc;
#   - /dev is a private tmpfs with a /dev/net/tun of mode 0600 (as on
#     this host; tg_tun_mode changes it) and /dev/log for tg_logsink;
#   - $TG_BIN holds the helper installed setuid (tapgate), with file
#     caps (tapgate-caps), without privilege (tapgate-plain), the
#     original (qemu-bridge-helper, setuid) and the test programs.
#     The helper is copied from $TG_TAPGATE if set (e.g. the packaged
#     /usr/libexec/tapgate), else from $TG_BUILD/helper/tapgate.
# The pid namespace ends every process the test started when it exits;
# nothing outlives the namespaces but an empty directory under /tmp,
# which the exit trap removes.
#
# Tests run the helper as TG_UID:TG_GID, an unprivileged id that needs
# no passwd entry. Assertions print "ok"/"not ok" lines; the script
# exits non-zero if any failed.

set -euo pipefail

TG_UID=4242
TG_GID=4242
TG_OTHER_GID=4343
TG_FAILS=0
TG_COUNT=0

tg_die() {
	echo "FAIL: $*" >&2
	exit 1
}

# Bounded waits for events (tg_wait_until, tg_wait_files, tg_log_sync).
. "$(dirname "${BASH_SOURCE[0]}")/lib_wait.sh"

tg_sandbox() {
	if [ -n "${TG_SANDBOX:-}" ]; then
		tg_setup_inside
		return
	fi
	# Loud, never a silent skip: CI runs as root.
	[ "$(id -u)" = 0 ] || tg_die "end-to-end tests need root (they build namespaces and install setuid binaries)"
	: "${TG_BUILD:?TG_BUILD must point at the build directory}"
	[ -x "${TG_TAPGATE:-$TG_BUILD/helper/tapgate}" ] ||
		tg_die "no ${TG_TAPGATE:-$TG_BUILD/helper/tapgate}: build first (or unset TG_TAPGATE)"
	for tool in unshare setpriv setcap ip mount; do
		command -v "$tool" >/dev/null || tg_die "missing tool: $tool"
	done
	# A private pid namespace too: when the script ends, every process
	# it started (a QEMU, a stuck helper) is killed with it.
	TG_SANDBOX=1 exec unshare --mount --net --pid --fork --mount-proc \
		--propagation private bash "$0" "$@"
}

tg_setup_inside() {
	TG_ROOT=$(mktemp -d /tmp/tg-e2e.XXXXXX)
	trap 'tg_cleanup' EXIT
	mount -t tmpfs -o mode=0755 tg-e2e "$TG_ROOT"
	TG_BIN=$TG_ROOT/bin
	mkdir -p "$TG_BIN" "$TG_ROOT/etc-up" "$TG_ROOT/etc-work" "$TG_ROOT/home"
	chmod 0755 "$TG_BIN"

	mount -t overlay tg-etc \
		-o "lowerdir=/etc,upperdir=$TG_ROOT/etc-up,workdir=$TG_ROOT/etc-work" /etc
	mkdir -p /etc/qemu
	chmod 0755 /etc/qemu

	mount -t tmpfs -o mode=0755 tg-dev /dev
	mknod -m 0666 /dev/null c 1 3
	mknod -m 0666 /dev/zero c 1 5
	mknod -m 0666 /dev/full c 1 7
	mknod -m 0666 /dev/random c 1 8
	mknod -m 0666 /dev/urandom c 1 9
	mknod -m 0666 /dev/tty c 5 0
	mkdir -p /dev/net /dev/shm
	chmod 1777 /dev/shm
	mknod -m 0600 /dev/net/tun c 10 200
	ln -s /proc/self/fd /dev/fd
	ln -s /proc/self/fd/0 /dev/stdin
	ln -s /proc/self/fd/1 /dev/stdout
	ln -s /proc/self/fd/2 /dev/stderr

	# sysfs of this network namespace, not the host's.
	mount -t sysfs tg-sys /sys
	ip link set lo up

	# A sanitizer build (scripts/sanitize) is never made setuid or given
	# file caps: its runtime reads the environment and writes reports
	# where a privileged binary must not. It is run as root only
	# (TG_SANITIZE=1, tests/e2e/sanitize_run.sh).
	local helper=${TG_TAPGATE:-$TG_BUILD/helper/tapgate}
	if readelf -dW "$helper" | grep -Eq 'NEEDED.*\[lib(asan|ubsan)'; then
		[ "${TG_SANITIZE:-}" = 1 ] ||
			tg_die "$helper is a sanitizer build: refusing to install it setuid or with file caps (use TG_SANITIZE=1, root runs only)"
	fi
	if [ "${TG_SANITIZE:-}" != 1 ]; then
		install -m 4755 -o root -g root "$helper" "$TG_BIN/tapgate"
		install -m 0755 -o root -g root "$helper" "$TG_BIN/tapgate-caps"
		setcap cap_net_admin+ep "$TG_BIN/tapgate-caps"
	fi
	install -m 0755 -o root -g root "$helper" "$TG_BIN/tapgate-plain"
	install -m 0755 "$TG_BUILD/tests/tgclient" "$TG_BIN/tgclient"
	install -m 0755 "$TG_BUILD/tests/logsink" "$TG_BIN/logsink"
	install -m 0755 "$TG_BUILD/tests/tgadv" "$TG_BIN/tgadv"
	install -m 0755 "$TG_BUILD/tests/tgseccomp" "$TG_BIN/tgseccomp"
	install -m 0755 "$TG_BUILD/tests/libtgcanary.so" "$TG_BIN/libtgcanary.so"
	# QEMU's own helper; with tapgate-qemu-compat installed that path is
	# tapgate and the original is where dpkg diverted it.
	local orig=/usr/lib/qemu/qemu-bridge-helper
	orig=$(dpkg-divert --truename "$orig" 2>/dev/null || echo "$orig")
	if [ -x "$orig" ]; then
		install -m 4755 -o root -g root "$orig" "$TG_BIN/qemu-bridge-helper"
	fi
	cd "$TG_ROOT/home"
	chmod 0777 "$TG_ROOT/home"
	# A system log is always there, as on a real host: without one,
	# tapgate says on stderr that it cannot log (test_audit.sh).
	tg_logsink
}

tg_cleanup() {
	local rc=$?
	[ -n "${TG_LOGSINK_PID:-}" ] && kill "$TG_LOGSINK_PID" 2>/dev/null || true
	cd /
	umount -l /dev 2>/dev/null || true
	umount -l /sys 2>/dev/null || true
	umount -l /etc 2>/dev/null || true
	umount -l "$TG_ROOT" 2>/dev/null || true
	rmdir "$TG_ROOT" 2>/dev/null || true
	if [ "$rc" = 0 ] && [ "$TG_FAILS" != 0 ]; then
		rc=1
	fi
	[ "$TG_COUNT" = 0 ] || echo "# $TG_COUNT assertions, $TG_FAILS failed"
	exit "$rc"
}

# --- fixtures ---------------------------------------------------------

# tg_acl TEXT [PATH [MODE [OWNER]]]: write an ACL file (default the
# top-level one, root-owned, 0644). TEXT is printf'd with %b.
tg_acl() {
	local path=${2:-/etc/qemu/bridge.conf}
	printf '%b' "$1" > "$path"
	chmod "${3:-0644}" "$path"
	chown "${4:-root:root}" "$path"
}

# tg_bridge NAME [MTU]
tg_bridge() {
	ip link add "$1" type bridge
	[ -z "${2:-}" ] || ip link set "$1" mtu "$2"
}

tg_tun_mode() {
	chmod "$1" /dev/net/tun
}

# Start a syslog stand-in on /dev/log; messages land in $TG_LOG.
tg_logsink() {
	# Started at setup; again only if a test took /dev/log away.
	[ -z "${TG_LOGSINK_PID:-}" ] || [ ! -S /dev/log ] || return 0
	TG_LOG=$TG_ROOT/syslog
	: > "$TG_LOG"
	# Started from a subshell, so that it is not one of the script's
	# jobs: a test's bare "wait" for its own clients must not wait for
	# the sink too. (The pid namespace ends it with the test.)
	TG_LOGSINK_PID=$("$TG_BIN/logsink" /dev/log "$TG_LOG" </dev/null >/dev/null 2>&1 & echo $!)
	tg_wait_until "logsink to bind /dev/log" test -S /dev/log
}

# Wait until $TG_LOG has at least N lines (syslog is asynchronous only
# in the sense that our sink writes after receiving); fail the test if
# they never come. To know that no more lines are coming, tg_log_sync.
tg_log_wait() {
	tg_wait_until "$1 lines in the syslog sink's $TG_LOG" tg_log_has "$1"
}
tg_log_has() { [ "$(wc -l < "$TG_LOG")" -ge "$1" ]; }

# tg_users: names for the test ids, in the sandbox's own /etc/passwd
# and /etc/group: alice is TG_UID (4242), bob 4243, carol 4244 (primary
# group students); students is TG_OTHER_GID (4343), with alice listed
# as a member in the database only; crew (4345) lists bob.
tg_users() {
	cat >> /etc/passwd <<'PW'
alice:x:4242:4242::/nonexistent:/usr/sbin/nologin
bob:x:4243:4243::/nonexistent:/usr/sbin/nologin
carol:x:4244:4343::/nonexistent:/usr/sbin/nologin
PW
	cat >> /etc/group <<'GR'
alice:x:4242:
bob:x:4243:
students:x:4343:alice
crew:x:4345:bob
GR
}

# --- running things as the unprivileged caller -------------------------

# tg_as_user [--groups=G1,G2] CMD...: run as TG_UID:TG_GID.
tg_as_user() {
	local groups=(--clear-groups) nnp=()
	while :; do
		case "${1:-}" in
		--groups=*) groups=("--groups=${1#--groups=}"); shift ;;
		--nnp) nnp=(--no-new-privs); shift ;;   # no_new_privs set
		*) break ;;
		esac
	done
	setpriv --reuid="$TG_UID" --regid="$TG_GID" "${groups[@]}" \
		--inh-caps=-all "${nnp[@]}" -- "$@"
}

# tg_run [--groups=..|--root|--nnp] HELPER [TGCLIENT-OPTS...] -- [HELPER-ARGS...]
# Runs the helper through tgclient as the user (as root with --root).
# Sets TG_RC (tgclient's status), TG_OUT (stdout) and TG_ERR (stderr).
tg_run() {
	local grp=() helper opts=() as=(tg_as_user)
	while :; do
		case "${1:-}" in
		--groups=*) grp=("$1"); shift ;;
		--root) as=(); shift ;;
		--nnp) as=(tg_as_user --nnp); shift ;;
		*) break ;;
		esac
	done
	helper=$1
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	local errexit=0
	case $- in *e*) errexit=1 ;; esac
	set +e
	TG_OUT=$("${as[@]}" "${grp[@]}" "$TG_BIN/tgclient" "${opts[@]}" -- \
		"$helper" "$@" 2>"$TG_ROOT/stderr")
	TG_RC=$?
	[ "$errexit" = 0 ] || set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
}

# kv KEY: the values of KEY= lines in $TG_OUT (tgclient's output).
kv() {
	sed -n "s/^$1=//p" <<<"$TG_OUT"
}

# The helper's own exit code from tgclient's output ("exit=N").
tg_exit() {
	sed -n 's/^exit=//p' <<<"$TG_OUT"
}

# --- assertions --------------------------------------------------------

tg_ok() {
	TG_COUNT=$((TG_COUNT + 1))
	echo "ok $TG_COUNT - $*"
}

tg_notok() {
	TG_COUNT=$((TG_COUNT + 1))
	TG_FAILS=$((TG_FAILS + 1))
	echo "not ok $TG_COUNT - $*"
	echo "#   stdout: ${TG_OUT:-}" | head -20
	echo "#   stderr: ${TG_ERR:-}" | head -20
}

assert_eq() { # ACTUAL EXPECTED DESC
	if [ "$1" = "$2" ]; then tg_ok "$3"; else tg_notok "$3 (got '$1', want '$2')"; fi
}

assert_match() { # TEXT REGEX DESC   (grep -E)
	if grep -Eq -- "$2" <<<"$1"; then tg_ok "$3"; else tg_notok "$3 (no match for /$2/ in '$1')"; fi
}

assert_no_match() { # TEXT REGEX DESC
	if grep -Eq -- "$2" <<<"$1"; then tg_notok "$3 (unexpected /$2/ in '$1')"; else tg_ok "$3"; fi
}

# Every tun/tap device in this namespace, one name a line.
tg_taps() {
	ip -o link show type tun 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//'
}

assert_no_taps() { # DESC
	local taps
	taps=$(tg_taps)
	if [ -z "$taps" ]; then tg_ok "$1"; else tg_notok "$1 (left behind: $taps)"; fi
}

# assert_no_ports BRIDGE DESC: nothing is enslaved to BRIDGE.
assert_no_ports() {
	local ports
	ports=$(ip -o link show master "$1" 2>/dev/null | awk -F': ' '{print $2}')
	if [ -z "$ports" ]; then tg_ok "$2"; else tg_notok "$2 (ports of $1: $ports)"; fi
}

# assert_no_leak TEXT DESC: TEXT (a canary planted in a file the helper
# must not reveal) is in none of $TG_OUT, $TG_ERR and, with a logsink,
# the syslog.
assert_no_leak() {
	local where=""
	grep -qF -- "$1" <<<"${TG_OUT:-}" && where+=" stdout"
	grep -qF -- "$1" <<<"${TG_ERR:-}" && where+=" stderr"
	[ -n "${TG_LOG:-}" ] && [ -f "$TG_LOG" ] && grep -qF -- "$1" "$TG_LOG" && where+=" syslog"
	if [ -z "$where" ]; then tg_ok "$2"; else tg_notok "$2 (found in$where)"; fi
}

# assert_no_ctl TEXT DESC: no raw control byte (other than newline and
# tab) and no DEL in TEXT: user text must have been escaped.
assert_no_ctl() {
	if printf '%s' "$1" | LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]'; then
		tg_notok "$2 (raw control byte: $(printf '%s' "$1" | od -c | head -3 | tr -s ' ' | tr '\n' '|'))"
	else
		tg_ok "$2"
	fi
}
