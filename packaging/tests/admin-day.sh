#!/bin/bash
# An admin's first day with the installed packages (issue 13), played
# in the e2e sandbox (tests/e2e/lib.sh: private network, /dev and an
# overlay of /etc) against the real /usr/bin/tapgate and
# /usr/libexec/tapgate that the .deb installed with cap_net_admin=p.
#
# scripts/package-test, as the admin, has written the policy as
# drop-in files in the host's /etc/qemu/bridge.d before this runs:
#   lab.conf    allow br-lab group lab max 2     (group lab, 2 taps each)
#   guest.conf  allow br-guest user guest1       (guest1 may use br-guest)
# and the default /etc/qemu/bridge.conf allows nothing else. The users
# exist only in the sandbox's /etc: lab1 (4301, in group lab 4400),
# guest1 (4302), other1 (4303).
#
#   admin-day.sh INSTALL-LOG     the apt-get log of the install, whose
#                                /dev/net/tun warning the admin follows
# Needs TG_BUILD (tgclient, logsink) like the e2e tests.
. "$(cd "$(dirname "$0")/../.." && pwd)/tests/e2e/lib.sh"
tg_sandbox "$@"

INSTALL_LOG=${1:?usage: admin-day.sh INSTALL-LOG}
HELPER=/usr/libexec/tapgate
USER_PATH=/usr/local/bin:/usr/bin:/bin   # Debian's default PATH for users
H=$TG_ROOT/home
GO=$TG_ROOT/go

cat >> /etc/passwd <<'PW'
lab1:x:4301:4301::/nonexistent:/usr/sbin/nologin
guest1:x:4302:4302::/nonexistent:/usr/sbin/nologin
other1:x:4303:4303::/nonexistent:/usr/sbin/nologin
PW
cat >> /etc/group <<'GR'
lab1:x:4301:
guest1:x:4302:
other1:x:4303:
lab:x:4400:lab1
GR

# as NAME CMD...: run CMD as that user, with the groups a login would
# give them and a user's PATH.
as() {
	local name=$1 uid groups
	shift
	uid=$(id -u "$name")
	groups=$(id -G "$name" | tr ' ' ,)
	setpriv --reuid="$uid" --regid="$uid" --groups="$groups" --inh-caps=-all -- \
		env -i HOME="$H" PATH="$USER_PATH" "$@"
}
# request NAME BRIDGE: one request through tgclient, as QEMU makes it.
request() {
	local errexit=0
	case $- in *e*) errexit=1 ;; esac
	set +e
	TG_OUT=$(as "$1" "$TG_BIN/tgclient" -- "$HELPER" --br="$2" 2>"$TG_ROOT/stderr")
	[ "$errexit" = 0 ] || set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
}
# hold NAME BRIDGE OUT: a request whose client keeps the tap until $GO.
hold() {
	as "$1" "$TG_BIN/tgclient" --hold="while [ ! -e $GO ]; do sleep 0.05; done" \
		-- "$HELPER" --br="$2" > "$3" 2>&1 &
	HOLDERS+=("$!")
}
HOLDERS=()
# run_as NAME CMD...: sets RC, OUT, ERR.
run_as() {
	local errexit=0
	case $- in *e*) errexit=1 ;; esac
	set +e
	OUT=$(as "$@" 2>"$TG_ROOT/stderr")
	RC=$?
	[ "$errexit" = 0 ] || set -e
	ERR=$(cat "$TG_ROOT/stderr")
	TG_OUT=$OUT TG_ERR=$ERR
}
wait_for() {
	local i
	for i in $(seq 100); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
received() { grep -q '^ifname=' "$1"; }

# --- the install --------------------------------------------------------
assert_eq "$(stat -c '%a %U %G' "$HELPER")" "755 root root" "installed: $HELPER is 0755 root:root"
assert_eq "$(getcap "$HELPER" | awk '{print $2}')" cap_net_admin=p "installed: $HELPER has cap_net_admin=p"
assert_eq "$(readlink /usr/bin/tapgate)" ../libexec/tapgate "installed: /usr/bin/tapgate links to ../libexec/tapgate"
run_as other1 sh -c 'command -v tapgate'
assert_eq "$OUT" /usr/bin/tapgate "a user's PATH finds tapgate"
for f in lab guest; do
	assert_eq "$(stat -c '%a %U %G' "/etc/qemu/bridge.d/$f.conf")" "644 root root" "the admin's drop-in $f.conf is in place"
done

# --- the admin checks the policy ------------------------------------------
# No /dev/log yet: nobody would hear of a grant. [lead: issue 13 "system
# log unreachable" in --check] (The sandbox starts a sink: take it away.)
rm -f /dev/log
set +e
OUT=$(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin tapgate --check 2>&1)
RC=$?
set -e
TG_OUT=$OUT
assert_eq "$RC" 0 "root: tapgate --check from PATH: no error"
assert_match "$OUT" '0 errors' "root: tapgate --check: 0 errors"
assert_match "$OUT" '\(2 rules in 3 files ' "root: tapgate --check read both drop-ins (2 rules in 3 files)"
assert_match "$OUT" '[Ss]ystem log|/dev/log' "[lead] root: tapgate --check warns that the system log cannot be reached"
# A request while no log is reachable: the user is told (the bridges do
# not exist yet: refused with exit 4, which is logged too).
request guest1 br-guest
assert_eq "$(tg_exit)" 4 "no system log: guest1's request for a missing bridge: exit 4"
assert_match "$TG_ERR" '[Ss]ystem log|/dev/log' "[lead] no system log: the request says on stderr that it could not log"
tg_logsink
set +e
OUT=$(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin tapgate --check 2>&1)
set -e
TG_OUT=$OUT
assert_no_match "$OUT" '[Ss]ystem log|/dev/log' "root: with a system log, --check does not warn about it"

tg_bridge br-lab
tg_bridge br-guest

# --- the postinst's /dev/net/tun warning, followed -------------------------
# The host's (and so the sandbox's) /dev/net/tun is 0600: under the file
# capability every request fails until the admin applies the fix the
# postinst printed.
# (apt-get's log ends each line of a maintainer script with \r.)
warning=$(tr -d '\r' < "$INSTALL_LOG" | grep '^tapgate:' || true)
TG_OUT=$warning
assert_match "$warning" '/dev/net/tun is mode 600' "the install warned that /dev/net/tun is mode 600"
fix=$(sed -n 's/^tapgate: *\(chmod 0666 \/dev\/net\/tun\)$/\1/p' <<<"$warning")
assert_eq "$fix" "chmod 0666 /dev/net/tun" "the warning names the command that fixes it"
request lab1 br-lab
assert_eq "$(tg_exit)" 6 "before the fix: lab1's request fails (exit 6)"
assert_match "$TG_ERR" '^failed to open /dev/net/tun: Permission denied' "before the fix: ... 'failed to open /dev/net/tun'"
run_as lab1 tapgate --explain --br=br-lab
assert_eq "$RC" 6 "[lead] before the fix: tapgate --explain exits 6 like the request (tun access)"
assert_no_taps "before the fix: no tap"
# In the sandbox's private /dev, never the host's.
sh -c "$fix"
assert_eq "$(stat -c %a /dev/net/tun)" 666 "the admin ran '$fix' (the sandbox's device)"
grep -o "echo 'KERNEL.*rules" <<<"$warning" > "$TG_ROOT/udev-cmd" || true
assert_match "$(cat "$TG_ROOT/udev-cmd")" '^echo .KERNEL=="tun", MODE="0666", OPTIONS\+="static_node=net/tun". > /etc/udev/rules.d/[0-9]+-tapgate-tun\.rules$' \
	"the warning names the udev rule that keeps it at boot"
mkdir -p /etc/udev/rules.d
sh "$TG_ROOT/udev-cmd"
assert_match "$(cat /etc/udev/rules.d/*tapgate-tun.rules)" '^KERNEL=="tun", MODE="0666"' "... and that command writes it (sandbox /etc)"

# --- group lab: two taps each, the third refused ---------------------------
hold lab1 br-lab "$H/t1"
hold lab1 br-lab "$H/t2"
wait_for received "$H/t1" || true
wait_for received "$H/t2" || true
tap1=$(sed -n 's/^ifname=//p' "$H/t1")
tap2=$(sed -n 's/^ifname=//p' "$H/t2")
TG_OUT="$(cat "$H/t1" "$H/t2")"
assert_match "$tap1 $tap2" '^tap[0-9]+ tap[0-9]+$' "lab1 holds two taps on br-lab ($tap1, $tap2)"
assert_eq "$(ip -o link show master br-lab type tun | wc -l)" 2 "br-lab has exactly these two ports"
request lab1 br-lab
assert_eq "$(tg_exit)" 8 "lab1's third tap on br-lab is refused with exit 8"
assert_match "$TG_ERR" "^quota reached: .*2 taps on bridge 'br-lab'" "... saying the quota is reached"
run_as lab1 tapgate --explain --br=br-lab
assert_eq "$RC" 8 "lab1: tapgate --explain exits 8, like the request"
assert_match "$OUT" "$tap1" "lab1: --explain lists the first held tap"
assert_match "$OUT" "$tap2" "lab1: --explain lists the second held tap"
assert_match "$OUT" 'user: +lab1 ' "[lead] lab1: --explain names the user"
assert_match "$OUT" 'lab' "lab1: --explain shows group lab"
assert_match "$(grep -i '^ *groups\|groups' <<<"$OUT")" '\blab\b' "[lead] lab1: --explain names the group, not only its number"
run_as lab1 tapgate --explain --br=br-lab --json
assert_match "$OUT" '"name":"lab1"' "[lead] lab1: --explain --json has the user's name"
assert_match "$OUT" '"lab"' "[lead] lab1: --explain --json has the group's name"
assert_match "$OUT" "\"exit_status\":8" "lab1: --explain --json: exit_status 8"

# --- guest1: br-guest only -------------------------------------------------
hold guest1 br-guest "$H/g1"
wait_for received "$H/g1" || true
gtap=$(sed -n 's/^ifname=//p' "$H/g1")
TG_OUT=$(cat "$H/g1")
assert_match "$gtap" '^tap[0-9]+$' "guest1 gets a tap on br-guest ($gtap)"
run_as guest1 tapgate --explain --br=br-guest
assert_eq "$RC" 0 "guest1: --explain br-guest exits 0, like the request"
assert_match "$OUT" 'no limit' "guest1: --explain: no limit on br-guest"
assert_match "$OUT" "quota:.*$gtap" "[lead] guest1: --explain lists the tap guest1 holds, also without a limit"
request guest1 br-lab
assert_eq "$(tg_exit)" 2 "guest1 is refused br-lab (exit 2)"

# --- other1: refused, follows the hint verbatim ----------------------------
request other1 br-lab
assert_eq "$(tg_exit)" 2 "other1 is refused br-lab (exit 2)"
hint=$TG_ERR
assert_match "$hint" '^access denied by acl file' "the refusal starts with the original's phrase"
assert_no_match "$hint" "allow br-lab'" "[lead] the hint never suggests 'allow br-lab' for everyone"
assert_match "$hint" "other1" "[lead] the refusal names the user by name"
assert_match "$hint" "4303" "the refusal names the uid"
assert_match "$hint" "allow br-lab (user other1|group [a-z0-9]+)" "[lead] the hint suggests a rule no broader than the request"
assert_match "$hint" "[Aa]sk (the|your) (admin|administrator)" "[lead] a user who cannot edit the ACL is told to ask the admin"
cmd=$(grep -oE "tapgate --explain( --[a-z]+(=[^ ,;)'\"]+)?)*" <<<"$hint" | head -n1)
assert_match "$cmd" '^tapgate --explain --br=br-lab' "the refusal names the --explain command ($cmd)"
run_as other1 sh -c "$cmd"
assert_eq "$RC" 2 "the hint followed verbatim ('$cmd' as other1): exit 2, equal to the request's"
assert_no_match "$ERR" 'not found' "... the command exists on a user's PATH"
assert_match "$OUT" 'decision: +denied' "... and explains the refusal"
assert_match "$OUT" 'user: +other1 ' "[lead] ... naming other1"
run_as other1 tapgate --explain --br=br-lab --json
assert_match "$OUT" '"name":"other1"' "[lead] other1: --explain --json has the user's name"
request other1 br-guest
assert_eq "$(tg_exit)" 2 "other1 is refused br-guest (exit 2)"

# root explains for a user, by name.
set +e
OUT=$(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin tapgate --explain --br=br-lab --user=other1 2>&1)
RC=$?
set -e
TG_OUT=$OUT
assert_eq "$RC" 2 "root: --explain --user=other1: exit 2"
assert_match "$OUT" 'user: +other1 ' "root: --explain --user=other1 names other1"

# --- the log --------------------------------------------------------------
tg_log_wait 8
log=$(cat "$TG_LOG")
TG_OUT=$log
assert_match "$log" "granted uid=4301 user=lab1 bridge=br-lab .*tap=$tap1 " "log: lab1's first grant names $tap1"
assert_match "$log" "granted uid=4302 user=guest1 bridge=br-guest " "log: guest1's grant"
assert_match "$log" "refused uid=4303 user=other1 bridge=br-lab " "log: other1's refusal"
assert_no_match "$(grep ' refused ' <<<"$log")" ' tap=tap' "[lead] log: no refusal names a tap"

# --- the end of the day ------------------------------------------------------
touch "$GO"
wait "${HOLDERS[@]}" || true
wait_for sh -c '[ -z "$(ip -o link show type tun)" ]' || true
assert_no_taps "the day's taps are gone with their holders"
