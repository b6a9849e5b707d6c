#!/bin/bash
# A real libvirt (Debian's libvirtd 9.0, session mode) runs tapgate as
# its bridge_helper: an unprivileged session daemon of the test user
# starts a domain with <interface type='bridge'> on br0 and gets a tap
# owned by the user on br0; destroying the domain removes it. With the
# ACL denying br0, the start fails and libvirt's error carries
# tapgate's message whole, with nothing after it, every time: libvirt
# formats that error as soon as the --fd socket closes, while a thread
# of its own may still be reading the helper's stderr, so tapgate waits
# (bounded) for the pipe to be read out before it exits (helper/die.c).
#
# TG_LV_TRIES (default 30) sets how many denied starts are checked.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

. "$(dirname "$0")/lib_libvirt.sh"
tg_lv_need_tools
TRIES=${TG_LV_TRIES:-30}

tg_users   # alice is TG_UID: libvirt wants a name for its user
tg_bridge br0
ip link set br0 up
tg_acl 'allow br0\n'

# The session daemon's world (lib_libvirt.sh), with the setuid tapgate
# as the bridge helper.
tg_lv_session "$TG_BIN/tapgate"
tg_lv_start

virsh_rc define "$U/tg.xml"
assert_eq "$VIRSH_RC" 0 "libvirt session: domain defined"

# --- a grant: start, a tap of alice's on br0; destroy, gone ---------------

# virsh returns once QEMU runs with the tap fd: the tap is there.
virsh_rc start --paused tg
assert_eq "$VIRSH_RC" 0 "start: the domain starts (tapgate as bridge_helper)"
assert_eq "$(tg_taps | wc -l)" 1 "start: exactly one tap"
tap=$(tg_taps | head -n1)
link=$(ip -d -o link show dev "$tap" 2>/dev/null || true)
assert_match "$link" ' master br0 ' "start: $tap is a port of br0"
assert_match "$link" 'tun type tap .*vnet_hdr on .*user alice' "start: $tap is owned by alice, with vnet headers"
assert_match "$link" "altname tapgate\\.$TG_UID\\." "start: $tap carries tapgate's name for alice"
# destroy returns once QEMU is dead, and its exit closed the last fd.
virsh_rc destroy tg
assert_eq "$VIRSH_RC" 0 "destroy: the domain is destroyed"
assert_no_taps "destroy: the tap is gone"

# --- a refusal: tapgate's message, whole, every time ----------------------

tg_acl 'allow br1\n'
# The exact message, from tapgate run directly with libvirt's arguments.
tg_run "$TG_BIN/tapgate" -- --use-vnet --br=br0
assert_eq "$(tg_exit)" 2 "denied: tapgate itself refuses br0 (exit 2)"
MSG=$TG_ERR
assert_match "$MSG" "^access denied by acl file: .*uid $TG_UID\)? may not use bridge 'br0'" "denied: tapgate's message"

# libvirt 9.0 reports: "HELPER ARGS: failed to communicate with bridge
# helper: stderr=<stderr>: <strerror>". stderr ends in our newline.
want="stderr=$MSG"$'\n'": Transport endpoint is not connected"
whole=0 cut=0 garbled=0 other=0
for i in $(seq "$TRIES"); do
	virsh_rc start --paused tg
	err=$VIRSH_ERR
	if [ "$VIRSH_RC" = 0 ]; then
		other=$((other + 1))
		tg_notok "denied start #$i succeeded"
		virsh_rc destroy tg
		continue
	fi
	case $err in
	*"$want") whole=$((whole + 1)) ;;
	*"stderr=$MSG"*) garbled=$((garbled + 1)); echo "# #$i garbled: $(cat -v <<<"${err#*stderr=}" | tr '\n' '|')" ;;
	*"stderr="*|*"failed to communicate with bridge helper: : "*) cut=$((cut + 1)); echo "# #$i cut: $(cat -v <<<"${err#*bridge helper: }" | tr '\n' '|')" ;;
	*) other=$((other + 1)); echo "# #$i other: $(cat -v <<<"$err" | tr '\n' '|')" ;;
	esac
done
echo "# $TRIES denied starts: whole=$whole cut=$cut garbled=$garbled other=$other"
TG_OUT="" TG_ERR=$VIRSH_ERR
assert_match "$VIRSH_ERR" "^error: Failed to start domain 'tg'" "denied: virsh says the start failed"
assert_match "$VIRSH_ERR" "error: $TG_BIN/tapgate --use-vnet --br=br0 --fd=[0-9]+: failed to communicate with bridge helper: stderr=access denied by acl file" \
	"denied: libvirt names tapgate and quotes its stderr"
assert_eq "$cut" 0 "denied, $TRIES starts: tapgate's message never cut"
assert_eq "$garbled" 0 "denied, $TRIES starts: never anything after it"
assert_eq "$whole" "$TRIES" "denied, $TRIES starts: the message arrives whole every time"
assert_no_taps "denied: no tap left"

virsh_rc undefine tg
assert_eq "$VIRSH_RC" 0 "the domain is undefined"
kill "$LIBVIRTD"
wait "$LIBVIRTD" || true
