#!/bin/bash
# Smoke: one grant through the setuid install, tap state, cleanup.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_bridge br0 1400
tg_acl 'allow br0\n'
tg_run "$TG_BIN/tapgate" --hold='ip -d -o link show "$TAP"' -- --use-vnet --br=br0
assert_eq "$TG_RC" 0 "setuid grant succeeds"
assert_match "$TG_OUT" 'master br0' "tap is enslaved to br0"
assert_match "$TG_OUT" 'mtu 1400' "tap has the bridge MTU"
assert_no_taps "tap is gone once the client closes the fd"
