#!/bin/bash
# The tapgate service (tapgate --serve under systemd-socket-activate
# --accept, as tapgate@.service runs it): a caller with no_new_privs
# gets a tap through it with the same decisions as a setuid run, over
# the ACL scenarios of test_acl_users.sh; the tap is the caller's; the
# audit line names the service and the caller's pid; a client that
# claims another uid gets its own; unmapped ids are refused; with
# neither privilege nor service the error names the service.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"
. "$(dirname "$0")/lib_service.sh"

tg_users
tg_logsink
for br in br0 br1 br2 lab-a lab-b labx; do tg_bridge "$br"; done
ip link set br0 mtu 1400

# --- no service: today's error, naming the service --------------------------
tg_acl 'allow br0\n'
tg_run_nnp "$TG_BIN/tapgate" -- --br=br0
assert_eq "$(tg_exit)" 5 "no service: a no_new_privs caller fails with exit 5"
assert_match "$TG_ERR" "^tapgate has no privilege: .*no_new_privs is set.*; nor is the tapgate service listening on $TG_SOCK \(No such file or directory: systemctl enable --now tapgate.socket\)$" \
	"no service: the message names the service socket and how to start it"
assert_no_taps "no service: no tap"
set +e
TG_OUT=$(setpriv --reuid=4242 --regid=4242 --clear-groups --inh-caps=-all -- \
	unshare --user --map-root-user "$TG_BIN/tgclient" -- "$TG_BIN/tapgate" --br=br0 2>&1)
set -e
assert_match "$TG_OUT" "^tapgate refuses to run inside a user namespace: .*; nor is the tapgate service, which would act for it, listening on $TG_SOCK" \
	"no service, in a user namespace: refused, naming the service"

tg_service_start

# --- a grant through the service ---------------------------------------------
tg_run_nnp "$TG_BIN/tapgate" --hold='ip -d -o link show dev $TAP' -- --use-vnet --br=br0
assert_eq "$(tg_exit)" 0 "no_new_privs + setuid binary: exit 0 through the service"
assert_eq "$(kv nfds)" 1 "exactly one fd over --fd"
assert_eq "$(kv databyte)" 0 "the data byte is 0x00, as the original's"
link=$(kv hold 2>/dev/null; sed -n '/ master /p' <<<"$TG_OUT")
assert_match "$link" 'master br0 ' "the tap is a port of br0"
assert_match "$link" ' mtu 1400 ' "the tap has br0's MTU"
assert_match "$link" 'link/ether fe:' "the tap's MAC starts with fe"
assert_match "$link" 'tun type tap .*vnet_hdr on .*persist off .*user (4242|alice) ' \
	"the tap is non-persistent, has vnet headers and belongs to the caller"
assert_eq "$(kv vnet_hdr)" 1 "--use-vnet reached the service"
assert_no_taps "the tap went with the client"

tg_run_nnp "$TG_BIN/tapgate-plain" -- --br=br0
assert_eq "$(tg_exit)" 0 "an unprivileged copy (no setuid, no caps) gets a tap through the service"
tg_run_nnp "$TG_BIN/tapgate-caps" -- --br=br0
assert_eq "$(tg_exit)" 0 "no_new_privs + file caps: through the service"
tg_run_nnp "$TG_BIN/tapgate --use-vnet" --sh -- --br=br0
assert_eq "$(tg_exit)" 0 "QEMU's sh -c form works through the service"

# Inside a user namespace (a Flatpak sandbox: bubblewrap makes one),
# tapgate only asks the service; the tap is the host uid's.
set +e
TG_OUT=$(setpriv --reuid=4242 --regid=4242 --clear-groups --inh-caps=-all --no-new-privs -- \
	unshare --user --map-root-user "$TG_BIN/tgclient" --hold='ip -d -o link show dev $TAP' -- "$TG_BIN/tapgate" --br=br0 2>"$TG_ROOT/stderr")
set -e
TG_ERR=$(cat "$TG_ROOT/stderr")
assert_eq "$(tg_exit)" 0 "in a user namespace (as its root): a tap through the service"
# Seen from inside, the owner is the namespace's root: host uid 4242,
# its only mapped id; the service's log line says 4242 itself.
assert_match "$TG_OUT" 'tun type tap .* user (0|root) ' "in a user namespace: the tap belongs to the namespace's root, host uid 4242"
tg_log_wait 1
assert_match "$(grep granted "$TG_LOG" | tail -n1)" 'granted uid=4242 .*via=service' "in a user namespace: granted to uid 4242 (log)"
set +e
TG_OUT=$(setpriv --reuid=4242 --regid=4242 --clear-groups --inh-caps=-all -- \
	unshare --user --map-root-user "$TG_BIN/tapgate" --check 2>&1)
rc=$?
set -e
assert_eq "$rc" 5 "in a user namespace: anything but a grant is still refused"
assert_match "$TG_OUT" '^tapgate refuses to run inside a user namespace: .*only asks the tapgate service' \
	"in a user namespace: --check refused, saying what is allowed there"

# Refusals keep their message and status; the client logs nothing twice.
tg_run_nnp "$TG_BIN/tapgate" -- --br=nosuchbr
assert_eq "$(tg_exit)" 4 "no such bridge: the service's exit 4 is the client's"
assert_eq "$TG_ERR" "failed to get mtu of bridge \`nosuchbr': No such device: bridge 'nosuchbr' does not exist (create it: ip link add nosuchbr type bridge)" \
	"no such bridge: the service's message, once, on the client's stderr"
tg_run_nnp "$TG_BIN/tapgate" --fd-value=1 -- --br=br0
assert_eq "$(tg_exit)" 1 "a bad --fd is refused before the service is asked"
n_before=$(tg_service_ended)

# --- the same decisions as a setuid run ----------------------------------------
# compare LABEL UID GID GROUPS BRIDGE: one request as a setuid run and one
# through the service; the status, the message and the tap's owner agree.
compare() {
	local label=$1 uid=$2 gid=$3 groups=$4 br=$5 g=() want_rc want_err
	[ -n "$groups" ] && g=(--groups="$groups")
	TG_UID=$uid TG_GID=$gid tg_run "${g[@]}" "$TG_BIN/tapgate" --hold='ip -d -o link show dev $TAP' -- --br="$br"
	want_rc=$(tg_exit) want_err=$TG_ERR
	local want_owner; want_owner=$(grep -o 'user [0-9]*' <<<"$TG_OUT" || true)
	TG_UID=$uid TG_GID=$gid tg_run_nnp "${g[@]}" "$TG_BIN/tapgate" --hold='ip -d -o link show dev $TAP' -- --br="$br"
	assert_eq "$(tg_exit)" "$want_rc" "$label: same exit status as setuid ($want_rc)"
	assert_eq "$TG_ERR" "$want_err" "$label: same message as setuid"
	assert_eq "$(grep -o 'user [0-9]*' <<<"$TG_OUT" || true)" "$want_owner" "$label: same tap owner"
	assert_no_taps "$label: no tap left"
}

tg_acl 'allow br1 user alice\nallow br2 user 4243\n'
compare "user alice on br1 as alice" 4242 4242 "" br1
compare "user alice on br1 as bob" 4243 4243 "" br1
compare "user 4243 on br2 as bob" 4243 4243 "" br2
tg_acl 'allow lab-* group students\n'
compare "group students (supplementary)" 4242 4242 4343 lab-a
compare "group students (primary gid, carol)" 4244 4343 "" lab-b
compare "listed in /etc/group only: the kernel's groups decide" 4242 4242 "" lab-a
compare "pattern lab-* vs labx" 4242 4242 4343 labx
tg_acl 'allow br0 user bob group crew\n'
compare "bob in crew" 4243 4243 4345 br0
compare "bob without crew" 4243 4243 "" br0
tg_acl 'allow all\ndeny br1 user bob\n'
compare "deny br1 user bob beats allow all" 4243 4243 "" br1
tg_acl 'allow br0 group students\n' /etc/qemu/students.conf 0640 root:4343
tg_acl 'include /etc/qemu/students.conf\n'
compare "an include only group students may read" 4242 4242 4343 br0
compare "... unreadable without the group" 4242 4242 "" br0
tg_acl 'alow br0\n'
compare "an ACL syntax error" 4242 4242 "" br0
ip link add brtap type bridge
ip link property add dev brtap altname lab-alt
tg_acl 'allow brtap\n'
compare "an altname of an allowed bridge" 4242 4242 "" lab-alt
ip link del brtap

# --- the audit line ---------------------------------------------------------------
tg_acl 'allow br0\n'
: > "$TG_LOG"
tg_svc_raw --bridge=br0
pid=$(sed -n 's/^pid=//p' <<<"$TG_OUT")
assert_eq "$(sed -n 's/^status=//p' <<<"$TG_OUT")" 0 "raw client: granted"
tg_log_wait 1
assert_match "$(cat "$TG_LOG")" "^<86>.*tapgate\[[0-9]+\]: granted uid=4242 user=alice bridge=br0 canonical=br0 tap=tap[0-9]+ via=service pid=$pid reason=allowed by acl$" \
	"granted: one authpriv line with via=service and the caller's pid"
: > "$TG_LOG"
tg_svc_raw --bridge=br1
tg_log_wait 1
pid=$(sed -n 's/^pid=//p' <<<"$TG_OUT")
assert_match "$(cat "$TG_LOG")" "^<84>.*refused uid=4242 user=alice bridge=br1 canonical=br1 tap=- via=service pid=$pid reason=access denied by acl file" \
	"refused: logged with via=service and the caller's pid"
: > "$TG_LOG"
tg_run "$TG_BIN/tapgate" -- --br=br1
tg_log_wait 1
assert_no_match "$(cat "$TG_LOG")" 'via=' "a setuid run's line has no via="

# --- a client that claims another uid gets its own ------------------------------
# Inside a user namespace of its own it is uid 0 and says so; the kernel
# tells the service its real uid.
tg_acl 'allow br0\n'
set +e
TG_OUT=$(setpriv --reuid=4242 --regid=4242 --clear-groups -- unshare --user --map-root-user \
	sh -c 'echo inside=$(id -u); exec /usr/bin/python3 "$1" "$2" --bridge=br0 --hold </dev/null' sh \
	"$TG_BIN/svcclient.py" "$TG_SOCK" 2>&1)
set -e
assert_match "$TG_OUT" '^inside=0$' "claims: the client believes it is uid 0"
assert_eq "$(sed -n 's/^status=//p' <<<"$TG_OUT")" 0 "claims: granted"
tg_log_wait 1
assert_match "$(tail -n1 "$TG_LOG")" 'granted uid=4242 user=alice ' "claims: the service acted for uid 4242"
# A request with bytes where an id could go is refused, not believed.
tg_svc_raw --raw="$(printf 'tgq\x01\x00\x03\x00\x00br0' | od -An -tx1 | tr -d ' \n')" --extra=00000000
assert_eq "$(sed -n 's/^status=//p' <<<"$TG_OUT")" 1 "claims: trailing bytes (an 'id') are an oversized request"

# --- unmapped ids: the overflow uid and gid ------------------------------------------
ouid=$(cat /proc/sys/kernel/overflowuid) ogid=$(cat /proc/sys/kernel/overflowgid)
: > "$TG_LOG"
tg_svc_raw --as="$ouid:4242" --bridge=br0
assert_eq "$(sed -n 's/^status=//p' <<<"$TG_OUT")" 5 "overflow uid $ouid: refused with exit 5"
assert_match "$(sed -n 's/^msg=//p' <<<"$TG_OUT")" "^the tapgate service refuses uid $ouid gid 4242: that is the overflow id" \
	"overflow uid: the message says why"
tg_svc_raw --as="4242:$ogid" --bridge=br0
assert_eq "$(sed -n 's/^status=//p' <<<"$TG_OUT")" 5 "overflow gid $ogid: refused with exit 5"
tg_log_wait 2
assert_eq "$(grep -c "refused uid=$ouid .*via=service.*overflow id" "$TG_LOG")" 1 "overflow uid: logged"
# The service refuses before it reads the request: the tapgate client
# still relays its answer, also when its send found the socket closed.
for i in 1 2 3 4 5; do
	TG_UID=$ouid TG_GID=4242 tg_run_nnp "$TG_BIN/tapgate" -- --br=br0
	assert_eq "$(tg_exit)" 5 "overflow uid, the tapgate client (run $i): exit 5 relayed"
	assert_match "$TG_ERR" "^the tapgate service refuses uid $ouid gid 4242: that is the overflow id" \
		"overflow uid, the tapgate client (run $i): the service's message relayed"
done
assert_no_taps "unmapped ids: no tap"

# --- root through the service: the ACL still applies ---------------------------------
tg_acl 'allow br1\n'
set +e
TG_OUT=$(/usr/bin/python3 "$TG_BIN/svcclient.py" "$TG_SOCK" --bridge=br0 </dev/null 2>&1)
set -e
assert_eq "$(sed -n 's/^status=//p' <<<"$TG_OUT")" 2 "root through the service: the ACL applies (denied)"
tg_service_stop
