#!/bin/bash
# With tapgate and tapgate-qemu-compat installed on this machine, an
# unprivileged QEMU given "-netdev bridge" and no helper= gets its tap
# through tapgate: the tap appears on the bridge and tapgate's syslog
# line names it. Runs in the e2e sandbox (tests/e2e/lib.sh): private
# network, /dev and an overlay of /etc, so the host is not touched.
#
#   qemu-default-helper.sh caps     the package's file-capability install;
#                                   /dev/net/tun 0666 (udev's default)
#   qemu-default-helper.sh setuid   the fallback (root:tapgate 4750);
#                                   /dev/net/tun 0600, as on this host
# Needs TG_BUILD (for logsink) like the e2e tests.
. "$(cd "$(dirname "$0")/../.." && pwd)/tests/e2e/lib.sh"
tg_sandbox "$@"

MODE=${1:?usage: qemu-default-helper.sh caps|setuid}
HELPER=/usr/libexec/tapgate
DEFAULT=/usr/lib/qemu/qemu-bridge-helper
QEMU=$(command -v qemu-system-x86_64 || true)
[ -n "$QEMU" ] || tg_die "missing qemu-system-x86_64 (package qemu-system-x86)"
H=$TG_ROOT/home

assert_eq "$(readlink -f "$DEFAULT")" "$HELPER" "QEMU's default helper $DEFAULT resolves to $HELPER"
case $MODE in
caps)
	assert_eq "$(getcap "$HELPER" | awk '{print $2}')" cap_net_admin=p "$HELPER has cap_net_admin=p"
	assert_eq "$(stat -c '%a %U %G' "$HELPER")" "755 root root" "$HELPER is 0755 root:root"
	tg_tun_mode 0666
	GROUPS_OPT=--clear-groups
	;;
setuid)
	assert_eq "$(stat -c '%a %U %G' "$HELPER")" "4750 root tapgate" "$HELPER is setuid root, group tapgate, 4750"
	assert_eq "$(getcap "$HELPER")" "" "$HELPER has no file capability"
	TAPGATE_GID=$(getent group tapgate | cut -d: -f3)
	[ -n "$TAPGATE_GID" ] || tg_die "no group tapgate"
	GROUPS_OPT=--groups=$TAPGATE_GID
	;;
*) tg_die "unknown mode '$MODE'" ;;
esac

# The package's drop-in directory; the rule goes there, named
# explicitly so this proof does not depend on glob includes.
if [ -d /etc/qemu/bridge.d ]; then tg_ok "/etc/qemu/bridge.d exists"; else tg_notok "/etc/qemu/bridge.d exists"; fi
tg_acl 'include /etc/qemu/bridge.d/proof.conf\n'
tg_acl 'allow br0\n' /etc/qemu/bridge.d/proof.conf
tg_bridge br0 1400
tg_logsink

# The command line from the issue, plus what keeps QEMU small and
# quiet: no default devices, no display, paused, no NIC option ROM.
QARGS=(-nodefaults -display none -S -machine pc,accel=tcg -m 64
	-netdev bridge,id=n0,br=br0 -device virtio-net-pci,netdev=n0,romfile=)

# qemu_as GROUPS-OPT: QEMU as the unprivileged user in the background.
qemu_as() {
	setpriv --reuid="$TG_UID" --regid="$TG_GID" "$1" --inh-caps=-all -- \
		env -i HOME="$H" PATH=/usr/bin:/bin "$QEMU" "${QARGS[@]}" > "$H/qemu.out" 2>&1 &
	QEMU_PID=$!
}
wait_for() {
	local i
	for i in $(seq 100); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
have_tap() { [ -n "$(tg_taps)" ]; }
no_tap() { [ -z "$(tg_taps)" ]; }
qemu_gone() { ! kill -0 "$QEMU_PID" 2>/dev/null; }

qemu_as "$GROUPS_OPT"
wait_for have_tap || true
tap=$(tg_taps | head -n1)
TG_ERR=$(cat "$H/qemu.out")
if [ -n "$tap" ]; then tg_ok "$MODE: QEMU without helper= got a tap ($tap)"; else
	tg_notok "$MODE: QEMU without helper= got a tap"; fi
link=$(ip -d -o link show dev "$tap" 2>/dev/null || true)
assert_match "$link" 'master br0 ' "$MODE: the tap is a port of br0"
assert_match "$link" ' mtu 1400 ' "$MODE: the tap has br0's MTU"
assert_match "$link" 'tun type tap .*user 4242' "$MODE: the tap belongs to uid 4242"
tg_log_wait 1
log=$(cat "$TG_LOG")
assert_match "$log" "tapgate\[[0-9]+\]: granted .*uid=$TG_UID .*bridge=br0 .*tap=$tap " \
	"$MODE: tapgate's syslog line names this grant (so tapgate made the tap)"
kill -TERM "$QEMU_PID" 2>/dev/null || true
wait_for qemu_gone || true
wait "$QEMU_PID" 2>/dev/null || true
wait_for no_tap || true
assert_no_taps "$MODE: the tap is gone with QEMU"

if [ "$MODE" = setuid ]; then
	# Outside group tapgate the kernel refuses to run the helper at all.
	: > "$TG_LOG"
	qemu_as --clear-groups
	wait_for qemu_gone || true
	wait "$QEMU_PID" 2>/dev/null && rc=0 || rc=$?
	out=$(cat "$H/qemu.out")
	TG_OUT=$out
	assert_eq "$rc" 1 "setuid: a user outside group tapgate: QEMU fails"
	assert_match "$out" 'bridge helper failed' "setuid: ... with 'bridge helper failed'"
	assert_no_taps "setuid: ... and no tap"
	assert_eq "$(cat "$TG_LOG")" "" "setuid: ... and tapgate never ran (no log line)"
fi
