#!/bin/bash
# A real QEMU (Debian's qemu-system-x86_64), run as the unprivileged
# user, gets its tap from tapgate: -netdev bridge,helper=tapgate.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

QEMU=$(command -v qemu-system-x86_64 || true)
[ -n "$QEMU" ] || tg_die "missing qemu-system-x86_64 (package qemu-system-x86)"
PY=/usr/bin/python3
[ -x "$PY" ] || tg_die "missing /usr/bin/python3 (package python3): the QMP client"

H=$TG_ROOT/home
tg_bridge br0 1400
tg_bridge br1
tg_acl 'allow br0\n'

# A paused PC with one virtio NIC on -netdev bridge; no disks, no
# display, no firmware ROM for the NIC. QMP on a unix socket in $H.
# qemu_args HELPER BRIDGE: sets QARGS.
qemu_args() {
	QARGS=(-nodefaults -display none -S -machine pc,accel=tcg -m 64
		-qmp "unix:$H/qmp.sock,server=on,wait=off"
		-netdev "bridge,id=n0,br=$2,helper=$1"
		-device virtio-net-pci,netdev=n0,romfile=)
}
# As the user, in a small clean environment.
as_user_qemu() {
	tg_as_user env -i HOME="$H" PATH=/usr/bin:/bin "$@"
}

# qemu_start HELPER BRIDGE: QEMU in the background; setpriv and env
# exec, so QEMU_PID is QEMU's own pid.
qemu_start() {
	rm -f "$H/qmp.sock" "$H/qemu.out"
	qemu_args "$1" "$2"
	setpriv --reuid="$TG_UID" --regid="$TG_GID" --clear-groups --inh-caps=-all -- \
		env -i HOME="$H" PATH=/usr/bin:/bin "$QEMU" "${QARGS[@]}" > "$H/qemu.out" 2>&1 &
	QEMU_PID=$!
}

have_tap() { [ -n "$(tg_taps)" ]; }

cat > "$H/qmp.py" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
json.loads(f.readline())
for cmd in ("qmp_capabilities", "quit"):
    f.write(json.dumps({"execute": cmd}) + "\n")
    f.flush()
    print(f.readline().strip())
PY

# check_running LABEL: the tap QEMU got is on br0, up, with br0's MTU,
# owned by the user; QMP quit; the tap goes with QEMU.
check_running() {
	local label=$1 tap link
	tg_wait_until "$label: QEMU's tap (QEMU said: $(tr '\n' ' ' < "$H/qemu.out"))" have_tap
	tap=$(tg_taps | head -n1)
	if [ -n "$tap" ]; then tg_ok "$label: a tap appeared ($tap)"; else
		TG_ERR=$(cat "$H/qemu.out"); tg_notok "$label: a tap appeared"; fi
	link=$(ip -d -o link show dev "$tap" 2>/dev/null || true)
	assert_match "$link" 'master br0 ' "$label: tap is a port of br0"
	assert_match "$link" '<[^>]*[<,]UP[,>]' "$label: tap is UP"
	assert_match "$link" ' mtu 1400 ' "$label: tap has br0's MTU"
	assert_match "$link" 'link/ether fe:' "$label: tap MAC starts with fe"
	assert_match "$link" 'tun type tap .*vnet_hdr on .*user 4242' "$label: tap has vnet headers and belongs to uid 4242"
	assert_eq "$(tg_taps | wc -l)" 1 "$label: exactly one tap"
	tg_wait_until "$label: QEMU's QMP socket" test -S "$H/qmp.sock"
	set +e
	TG_OUT=$(tg_as_user "$PY" "$H/qmp.py" "$H/qmp.sock" 2>&1)
	set -e
	assert_match "$TG_OUT" '"event": "SHUTDOWN"|"return": \{\}' "$label: QMP quit accepted"
	# QEMU's exit, reaped (an event, bounded: quit refused means the
	# assertion above failed, and QEMU is killed instead of waited on).
	grep -q '"return": {}' <<<"$TG_OUT" || kill "$QEMU_PID" 2>/dev/null || true
	local qrc=0
	wait "$QEMU_PID" || qrc=$?
	assert_eq "$qrc" 0 "$label: QEMU exited 0"
	# Its tap fd was closed on exit, before the wait returned.
	assert_no_taps "$label: the tap is gone with QEMU"
}

# --- helper=<path>: QEMU execs tapgate directly -----------------------------

qemu_start "$TG_BIN/tapgate" br0
check_running "helper=tapgate"
assert_eq "$(grep -v '^$' "$H/qemu.out" || true)" "" "helper=tapgate: nothing printed by QEMU or tapgate"

# --- helper with a space: QEMU runs it through /bin/sh -c -----------------

qemu_start "$TG_BIN/tapgate --use-vnet" br0
check_running "helper='tapgate --use-vnet' (sh -c)"

# --- a denied bridge: our message, then QEMU's -----------------------------

qemu_args "$TG_BIN/tapgate" br1
set +e
out=$(as_user_qemu timeout 30 "$QEMU" "${QARGS[@]}" 2>&1)
rc=$?
set -e
TG_OUT=$out TG_ERR=
assert_eq "$rc" 1 "denied bridge: QEMU exits 1"
assert_match "$(sed -n 1p <<<"$out")" "^access denied by acl file: uid $TG_UID may not use bridge 'br1'" \
	"denied bridge: first line is tapgate's message"
assert_match "$(sed -n 2p <<<"$out")" '^qemu-system-x86_64: -netdev bridge,id=n0,br=br1,.*: bridge helper failed$' \
	"denied bridge: then QEMU's 'bridge helper failed'"
assert_eq "$(wc -l <<<"$out")" 2 "denied bridge: nothing else"
assert_no_taps "denied bridge: no tap"

# --- QEMU's -sandbox on sets no_new_privs: tapgate says so -----------------

qemu_args "$TG_BIN/tapgate" br0
set +e
out=$(as_user_qemu timeout 30 "$QEMU" -sandbox on "${QARGS[@]}" 2>&1)
rc=$?
set -e
TG_OUT=$out
assert_eq "$rc" 1 "-sandbox on: QEMU exits 1"
assert_match "$(sed -n 1p <<<"$out")" "^tapgate has no privilege: .*no_new_privs is set, e\.g\. by QEMU's -sandbox on" \
	"-sandbox on: tapgate explains no_new_privs"
assert_match "$(sed -n 2p <<<"$out")" 'bridge helper failed$' "-sandbox on: then QEMU's 'bridge helper failed'"
assert_no_taps "-sandbox on: no tap"
