#!/bin/bash
# The tapgate service as the packages install it (tapgate(8), THE
# SERVICE). For scripts/package-test:
#
#   service.sh installed   after installing the .deb: the units are in
#                          place, point at the installed helper and the
#                          compiled-in socket, tapgate.socket is enabled,
#                          the service unit rates 2.0 or lower in
#                          systemd-analyze security, and in the e2e
#                          sandbox the installed helper, run with
#                          no_new_privs (so it has no privilege: the
#                          service-only setup), gets a tap through the
#                          installed helper's --serve
#   service.sh purged      after purging: units and enablement are gone
#
# Needs TG_BUILD (for the e2e test programs) like the e2e tests.
. "$(cd "$(dirname "$0")/../.." && pwd)/tests/e2e/lib.sh"
tg_sandbox "$@"

PHASE=${1:?usage: service.sh installed|purged}
UNITDIR=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
HELPER=/usr/libexec/tapgate
WANTS=/etc/systemd/system/sockets.target.wants/tapgate.socket

case $PHASE in
installed)
	for u in tapgate.socket tapgate@.service; do
		[ -f "$UNITDIR/$u" ] && tg_ok "$UNITDIR/$u installed" || tg_notok "$UNITDIR/$u installed"
	done
	assert_match "$(grep '^ExecStart=' "$UNITDIR/tapgate@.service")" "^ExecStart=$HELPER --serve\$" \
		"tapgate@.service runs the installed helper"
	sock=$(sed -n 's/^ListenStream=//p' "$UNITDIR/tapgate.socket")
	assert_match "$(strings "$HELPER")" "^$sock\$" "the helper asks the socket the unit listens on ($sock)"
	# /etc is an overlay of the host's in the sandbox: the link is read-through.
	assert_eq "$(readlink "$WANTS" || true)" "$UNITDIR/tapgate.socket" "tapgate.socket is enabled (sockets.target.wants)"
	set +e
	out=$(systemd-analyze security --offline=yes --threshold=20 "$UNITDIR/tapgate@.service" 2>&1)
	rc=$?
	set -e
	assert_eq "$rc" 0 "systemd-analyze security rates tapgate@.service 2.0 or lower ($(tail -n1 <<<"$out" | grep -o '[0-9]*\.[0-9]'))"

	. "$(cd "$(dirname "$0")/../.." && pwd)/tests/e2e/lib_service.sh"
	TG_SOCK=$sock
	tg_bridge br0
	tg_acl 'allow br0\n'
	tg_service_start "$HELPER"
	tg_run_nnp "$HELPER" -- --br=br0
	assert_eq "$(tg_exit)" 0 "service only: the installed helper without privilege gets a tap through the service"
	assert_match "$(kv ifname)" '^tap[0-9]+$' "service only: one tap fd received"
	tg_service_stop
	;;
purged)
	for u in tapgate.socket tapgate@.service; do
		[ ! -e "$UNITDIR/$u" ] && tg_ok "$UNITDIR/$u removed" || tg_notok "$UNITDIR/$u removed"
	done
	[ ! -e "$WANTS" ] && [ ! -L "$WANTS" ] && tg_ok "tapgate.socket no longer enabled" ||
		tg_notok "tapgate.socket no longer enabled ($WANTS left)"
	;;
*)
	tg_die "usage: service.sh installed|purged"
	;;
esac
