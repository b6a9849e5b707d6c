#!/bin/bash
# libvirt's session mode through the tapgate service (issue 11): an
# unprivileged libvirtd (Debian's 9.0) whose bridge_helper is a tapgate
# that cannot gain privilege (tapgate-plain: no setuid bit, no file
# caps) gets its tap from the service (tapgate@.service's command line
# under systemd-socket-activate, lib_service.sh). With the ACL allowing
# br0 the domain starts on a tap of alice's on br0, the audit line says
# via=service, and destroying the domain removes the tap. With the ACL
# denying br0 the start fails and libvirt's error carries the refusal
# the service relayed, whole, every time; no tap is left.
#
# TG_LV_TRIES (default 10) sets how many denied starts are checked.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

. "$(dirname "$0")/lib_libvirt.sh"
. "$(dirname "$0")/lib_service.sh"
tg_lv_need_tools
TRIES=${TG_LV_TRIES:-10}

tg_users   # alice is TG_UID: libvirt wants a name for its user
tg_bridge br0
ip link set br0 up
tg_acl 'allow br0\n'

tg_service_start
tg_lv_session "$TG_BIN/tapgate-plain"
tg_lv_start

virsh_rc define "$U/tg.xml"
assert_eq "$VIRSH_RC" 0 "libvirt session: domain defined"

# --- a grant through the service: start, a tap of alice's on br0 ----------

# virsh returns once QEMU runs with the tap fd: the tap is there.
virsh_rc start --paused tg
assert_eq "$VIRSH_RC" 0 "start: the domain starts (tapgate-plain as bridge_helper, via the service)"
assert_eq "$(tg_taps | wc -l)" 1 "start: exactly one tap"
tap=$(tg_taps | head -n1)
link=$(ip -d -o link show dev "$tap" 2>/dev/null || true)
assert_match "$link" ' master br0 ' "start: $tap is a port of br0"
assert_match "$link" 'tun type tap .*vnet_hdr on .*user alice' "start: $tap is owned by alice, with vnet headers"
tg_log_sync
TG_OUT="" TG_ERR=$(cat "$TG_LOG")
assert_match "$(grep ' granted ' "$TG_LOG" || true)" \
	"^<86>.*tapgate\[[0-9]+\]: granted uid=$TG_UID user=alice bridge=br0 canonical=br0 tap=$tap via=service pid=[0-9]+ reason=allowed by acl$" \
	"start: the audit log has the grant, via=service"
assert_eq "$(grep -c ' granted ' "$TG_LOG" || true)" 1 "start: exactly one grant logged"
# destroy returns once QEMU is dead, and its exit closed the last fd.
virsh_rc destroy tg
assert_eq "$VIRSH_RC" 0 "destroy: the domain is destroyed"
assert_no_taps "destroy: the tap is gone"

# --- a refusal through the service: its message, whole --------------------

tg_acl 'allow br1\n'
# The exact message, as the service relays it to tapgate-plain run
# directly with libvirt's arguments.
tg_run "$TG_BIN/tapgate-plain" -- --use-vnet --br=br0
assert_eq "$(tg_exit)" 2 "denied: tapgate-plain, via the service, refuses br0 (exit 2)"
MSG=$TG_ERR
assert_match "$MSG" "^access denied by acl file: .*uid $TG_UID\)? may not use bridge 'br0'" "denied: the service's message"

# libvirt 9.0 reports: "HELPER ARGS: failed to communicate with bridge
# helper: stderr=<stderr>: <strerror>". stderr ends in our newline.
want="stderr=$MSG"$'\n'": Transport endpoint is not connected"
whole=0 other=0
for i in $(seq "$TRIES"); do
	virsh_rc start --paused tg
	if [ "$VIRSH_RC" = 0 ]; then
		other=$((other + 1))
		tg_notok "denied start #$i succeeded"
		virsh_rc destroy tg
		continue
	fi
	case $VIRSH_ERR in
	*"$want") whole=$((whole + 1)) ;;
	*) other=$((other + 1)); echo "# #$i: $(cat -v <<<"$VIRSH_ERR" | tr '\n' '|')" ;;
	esac
done
echo "# $TRIES denied starts: whole=$whole other=$other"
TG_OUT="" TG_ERR=$VIRSH_ERR
assert_match "$VIRSH_ERR" "^error: Failed to start domain 'tg'" "denied: virsh says the start failed"
assert_match "$VIRSH_ERR" "error: $TG_BIN/tapgate-plain --use-vnet --br=br0 --fd=[0-9]+: failed to communicate with bridge helper: stderr=access denied by acl file" \
	"denied: libvirt names tapgate-plain and quotes the relayed refusal"
assert_eq "$whole" "$TRIES" "denied, $TRIES starts: the relayed message arrives whole every time"
assert_no_taps "denied: no tap left"
tg_log_sync
assert_eq "$(grep -c " refused uid=$TG_UID .* bridge=br0 .*via=service" "$TG_LOG" || true)" $((TRIES + 1)) \
	"denied: every refusal logged via=service"

virsh_rc undefine tg
assert_eq "$VIRSH_RC" 0 "the domain is undefined"
kill "$LIBVIRTD"
wait "$LIBVIRTD" || true
tg_service_stop
