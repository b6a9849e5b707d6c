#!/bin/bash
# README, "Coming from -net tap": the classic recipe fails for an
# unprivileged user, and the lines the README gives instead work as
# written. The ACL line and both QEMU lines are read from README.md and
# run unchanged, except that the VM's memory and disk options are
# swapped for a small paused PC; QEMU's default helper path is
# bind-mounted onto tapgate in this mount namespace, as the compat
# package would divert it. Run against the setuid install
# (/dev/net/tun 0600) and the file-capability install (0666).
. "$(dirname "$0")/lib.sh"
# Before tg_sandbox, which changes the working directory.
README=$(cd "$(dirname "$0")/../.." && pwd)/README.md
tg_sandbox "$@"

QEMU=$(command -v qemu-system-x86_64 || true)
[ -n "$QEMU" ] || tg_die "missing qemu-system-x86_64 (package qemu-system-x86)"
DEFAULT=/usr/lib/qemu/qemu-bridge-helper
[ -e "$DEFAULT" ] || tg_die "missing $DEFAULT (package qemu-system-common)"
H=$TG_ROOT/home

# --- what the README says ---------------------------------------------------
section=$(awk '/^## Coming from `-net tap`/ {on = 1; next} /^## / {on = 0} on' "$README")
[ -n "$section" ] || tg_die "README.md has no section 'Coming from \`-net tap\`'"
acl_line=$(sed -n "s/^    \(echo 'allow .*\)$/\1/p" <<<"$section")
mapfile -t qemu_lines < <(sed -n 's/^    \(qemu-system-x86_64 .*\)$/\1/p' <<<"$section")
assert_eq "$acl_line" "echo 'allow br0 user alice' > /etc/qemu/bridge.d/alice.conf" "README: the ACL line"
assert_eq "${#qemu_lines[@]}" 2 "README: two QEMU lines"
VM_OPTS=' -m 1G -hda vm.qcow2 '
# The test's stand-in for the user's VM: no disk, no display, paused.
SMALL=' -nodefaults -display none -S -machine pc,accel=tcg -m 64 '

tg_users                 # alice (4242, TG_UID), bob (4243)
tg_bridge br0 1400
# The packages' default ACL: nothing itself, the drop-ins included.
mkdir -p /etc/qemu/bridge.d
tg_acl 'include /etc/qemu/bridge.d/*.conf\n'
(umask 022 && sh -c "$acl_line")
assert_eq "$(stat -c '%a %U %G' /etc/qemu/bridge.d/alice.conf)" "644 root root" "the README's echo made a root-owned 0644 drop-in"
tg_logsink

have_tap() { [ -n "$(tg_taps)" ]; }
no_tap() { [ -z "$(tg_taps)" ]; }

# as USER CMD...: a login-like environment for alice or bob.
as() {
	local uid
	uid=$(id -u "$1")
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all -- \
		env -i HOME="$H" PATH=/usr/bin:/bin "$@"
}

# --- the classic recipe, as the user -------------------------------------------
tg_tun_mode 0666
set +e
out=$(as alice timeout 30 $QEMU $SMALL -net nic,model=virtio-net-pci -net tap,ifname=tap0,script=no,downscript=no 2>&1)
rc=$?
set -e
TG_OUT=$out
assert_eq "$rc" 1 "classic: -net tap,ifname=tap0,script=no as a user fails"
assert_match "$out" 'could not configure /dev/net/tun \(tap0\): Operation not permitted' \
	"classic: ... 'could not configure /dev/net/tun (tap0): Operation not permitted' (README)"
assert_no_taps "classic: no tap"

# --- the README's lines --------------------------------------------------------
# run_line MODE N: QEMU line N as alice; the tap is alice's, on br0, up,
# with br0's MTU, made by tapgate (log line), not persistent, and gone
# with QEMU.
run_line() {
	local mode=$1 n=$2 line args tap link
	line=${qemu_lines[$n]}
	case $line in
	*"$VM_OPTS"*) ;;
	*) tg_notok "README line $n has the VM options '$VM_OPTS': $line"; return ;;
	esac
	args=${line/"$VM_OPTS"/"$SMALL"}
	args=${args#qemu-system-x86_64 }
	: > "$TG_LOG"
	# Not through as(): a backgrounded function is a subshell, and
	# QEMU_PID must be QEMU's own pid (setpriv and env exec).
	# shellcheck disable=SC2086 # the README's words, split as a shell would
	setpriv --reuid=4242 --regid=4242 --clear-groups --inh-caps=-all -- \
		env -i HOME="$H" PATH=/usr/bin:/bin "$QEMU" $args > "$H/qemu.out" 2>&1 &
	QEMU_PID=$!
	tg_wait_until "QEMU's tap" have_tap
	tap=$(tg_taps | head -n1)
	TG_ERR=$(cat "$H/qemu.out")
	if [ -n "$tap" ]; then tg_ok "$mode, README line $n: alice's QEMU got a tap ($tap)"; else
		tg_notok "$mode, README line $n: alice's QEMU got a tap"; fi
	link=$(ip -d -o link show dev "$tap" 2>/dev/null || true)
	assert_match "$link" 'master br0 ' "$mode, line $n: the tap is a port of br0 (no brctl addif)"
	assert_match "$link" '<[^>]*[<,]UP[,>]' "$mode, line $n: the tap is up (no ip link set up)"
	assert_match "$link" ' mtu 1400 ' "$mode, line $n: the tap has br0's MTU"
	assert_match "$link" 'tun type tap .*user (4242|alice) ' "$mode, line $n: the tap belongs to alice"
	assert_no_match "$link" 'persist on' "$mode, line $n: the tap is not persistent (no tunctl)"
	tg_log_sync
	assert_match "$(cat "$TG_LOG")" "granted uid=4242 user=alice bridge=br0 .*tap=$tap " \
		"$mode, line $n: tapgate made it (its log line)"
	assert_eq "$(ps -o user= -p "$QEMU_PID" | tr -d ' ')" alice "$mode, line $n: QEMU runs as alice, not root"
	# QEMU quits on SIGTERM; wait for its exit, then for the kernel to
	# remove the tap with the last fd.
	kill -TERM "$QEMU_PID"
	wait "$QEMU_PID" 2>/dev/null || true
	tg_wait_until "the tap gone after QEMU quit" no_tap
	assert_no_taps "$mode, line $n: the tap is gone with QEMU"
}

# bob has no rule: refused, with tapgate's message before QEMU's.
refused_bob() {
	local mode=$1 args out rc
	args=${qemu_lines[0]/"$VM_OPTS"/"$SMALL"}
	args=${args#qemu-system-x86_64 }
	set +e
	# shellcheck disable=SC2086
	out=$(as bob timeout 30 "$QEMU" $args 2>&1)
	rc=$?
	set -e
	TG_OUT=$out
	assert_eq "$rc" 1 "$mode: bob's QEMU fails"
	assert_match "$(sed -n 1p <<<"$out")" '^access denied by acl file' "$mode: bob is told why, by tapgate"
	assert_match "$out" 'bridge helper failed' "$mode: ... then QEMU's 'bridge helper failed'"
	assert_no_taps "$mode: no tap for bob"
}

# QEMU runs its default helper; here that path is tapgate, as with
# tapgate-qemu-compat installed.
mount --bind "$TG_BIN/tapgate" "$DEFAULT"
tg_tun_mode 0600
run_line setuid 0
run_line setuid 1
refused_bob setuid
umount "$DEFAULT"

mount --bind "$TG_BIN/tapgate-caps" "$DEFAULT"
tg_tun_mode 0666
run_line caps 0
run_line caps 1
refused_bob caps
umount "$DEFAULT"
