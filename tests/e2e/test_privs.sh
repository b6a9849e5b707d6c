#!/bin/bash
# Privilege: refusing to run without privilege, under no_new_privs and in
# a user namespace; the order of the privilege drop, seen with strace;
# root mode still applies the ACL.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

command -v strace >/dev/null || tg_die "missing strace (package strace)"

tg_bridge br0
tg_bridge br1
tg_acl 'allow br0\n'

NOPRIV='tapgate has no privilege: install it setuid root or with cap_net_admin'

# --- no privilege at all -----------------------------------------------

tg_run "$TG_BIN/tapgate-plain" -- --use-vnet --br=br0
assert_eq "$(tg_exit)" 5 "unprivileged install: exit 5"
assert_match "$TG_ERR" "^$NOPRIV" "unprivileged install: says how to install it"
assert_no_match "$TG_ERR" 'no_new_privs is set,' "unprivileged install: does not blame no_new_privs"
assert_no_taps "unprivileged install: no tap"

# --- no_new_privs: the setuid bit cannot take effect ---------------------

set +e
TG_OUT=$(tg_as_user setpriv --no-new-privs "$TG_BIN/tgclient" -- "$TG_BIN/tapgate" --use-vnet --br=br0 2>"$TG_ROOT/stderr")
set -e
TG_ERR=$(cat "$TG_ROOT/stderr")
assert_eq "$(tg_exit)" 5 "setuid under no_new_privs: exit 5"
assert_match "$TG_ERR" "^$NOPRIV" "setuid under no_new_privs: no privilege message"
assert_match "$TG_ERR" "no_new_privs is set, e\.g\. by QEMU's -sandbox on" \
	"setuid under no_new_privs: names no_new_privs as the cause"
assert_no_taps "setuid under no_new_privs: no tap"

# The same for the file-caps install.
tg_tun_mode 0666
set +e
TG_OUT=$(tg_as_user setpriv --no-new-privs "$TG_BIN/tgclient" -- "$TG_BIN/tapgate-caps" --br=br0 2>"$TG_ROOT/stderr")
set -e
TG_ERR=$(cat "$TG_ROOT/stderr")
assert_eq "$(tg_exit)" 5 "file caps under no_new_privs: exit 5"
assert_match "$TG_ERR" "no_new_privs is set, e\.g\." "file caps under no_new_privs: names no_new_privs"
tg_tun_mode 0600

# --- user namespaces ---------------------------------------------------------

USERNS='tapgate refuses to run inside a user namespace'

set +e
TG_OUT=$(tg_as_user unshare --user --map-root-user "$TG_BIN/tgclient" -- "$TG_BIN/tapgate" --br=br0 2>"$TG_ROOT/stderr")
set -e
TG_ERR=$(cat "$TG_ROOT/stderr")
assert_eq "$(tg_exit)" 5 "user in a user namespace (as 'root' there): exit 5"
assert_match "$TG_ERR" "^$USERNS" "user in a user namespace: 'user namespace' message"

set +e
TG_OUT=$(tg_as_user unshare --user "$TG_BIN/tgclient" -- "$TG_BIN/tapgate" --br=br0 2>"$TG_ROOT/stderr")
set -e
TG_ERR=$(cat "$TG_ROOT/stderr")
assert_eq "$(tg_exit)" 5 "user in a user namespace (unmapped): exit 5"
assert_match "$TG_ERR" "user namespace" "user in an unmapped user namespace: 'user namespace' in the message"

set +e
TG_OUT=$(unshare --user --map-root-user "$TG_BIN/tgclient" -- "$TG_BIN/tapgate" --br=br0 2>"$TG_ROOT/stderr")
set -e
TG_ERR=$(cat "$TG_ROOT/stderr")
assert_eq "$(tg_exit)" 5 "root in a user namespace: exit 5"
assert_match "$TG_ERR" "^$USERNS" "root in a user namespace: 'user namespace' message"

# A namespace that maps every id onto itself looks like the initial one
# by its uid_map; it is still refused (identified by its inode).
unshare --user sleep 60 &
nspid=$!
in_new_userns() { [ "$(readlink /proc/$nspid/ns/user)" != "$(readlink /proc/self/ns/user)" ]; }
tg_wait_until "unshare --user to enter its namespace" in_new_userns
echo "0 0 4294967295" > /proc/$nspid/uid_map
echo "0 0 4294967295" > /proc/$nspid/gid_map
assert_match "$(nsenter --user --target "$nspid" cat /proc/self/uid_map)" \
	'^ +0 +0 +4294967295$' "precondition: the namespace maps every uid"
set +e
TG_OUT=$(nsenter --user --target "$nspid" \
	"$TG_BIN/tgclient" -- "$TG_BIN/tapgate" --br=br0 2>"$TG_ROOT/stderr")
set -e
kill "$nspid"
TG_ERR=$(cat "$TG_ROOT/stderr")
assert_eq "$(tg_exit)" 5 "root in a fully mapped user namespace: exit 5"
assert_match "$TG_ERR" "^$USERNS" "root in a fully mapped user namespace: 'user namespace' message"
assert_no_taps "user namespaces: no tap"

# --- root mode: the ACL applies to root too --------------------------------

tg_acl 'deny br0\nallow all\n'
for h in tapgate tapgate-plain; do
	set +e
	TG_OUT=$("$TG_BIN/tgclient" -- "$TG_BIN/$h" --br=br0 2>"$TG_ROOT/stderr")
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
	assert_eq "$(tg_exit)" 2 "root runs $h, denied bridge: exit 2"
	assert_match "$TG_ERR" '^access denied by acl file: user .root. \(uid 0\) may not use bridge .br0.: denied by /etc/qemu/bridge.conf:1' \
		"root runs $h: refused by the deny rule"
	set +e
	TG_OUT=$("$TG_BIN/tgclient" -- "$TG_BIN/$h" --br=br1 2>"$TG_ROOT/stderr")
	set -e
	assert_match "$TG_OUT" '^exit=0$' "root runs $h, allowed bridge: granted"
done
assert_no_taps "root mode: no tap left"
tg_acl 'allow br0\n'

# --- the order of the drop, traced ---------------------------------------

# strace runs as root, so the setuid bit of the traced tapgate still
# takes effect (a tracer with CAP_SYS_PTRACE does not suppress it);
# the first getresuid() below proves it.
ST=$TG_ROOT/strace.privs
set +e
strace -f -o "$ST" -e trace=execve,openat,getresuid,setresuid,setresgid,setgroups,setuid,setgid,capset,prctl,ioctl,sendmsg,socket \
	setpriv --reuid="$TG_UID" --regid="$TG_GID" --clear-groups --inh-caps=-all -- \
	"$TG_BIN/tgclient" -- "$TG_BIN/tapgate" --use-vnet --br=br0 > "$TG_ROOT/strace.out" 2>&1
set -e
assert_match "$(cat "$TG_ROOT/strace.out")" '^exit=0$' "traced setuid grant succeeds"
pid=$(awk '/execve\("[^"]*\/bin\/tapgate", / {print $1; exit}' "$ST")
T=$(awk -v p="$pid" '$1 == p' "$ST" | sed 's/^[0-9]* *//')

# first LINE-NUMBER of a line matching ERE, after line FROM (default 0)
at() {
	awk -v from="${2:-0}" -v re="$1" 'NR > from && $0 ~ re { print NR; exit }' <<<"$T"
}
# assert_before DESC A B: both found and A < B
assert_before() {
	if [ -n "$2" ] && [ -n "$3" ] && [ "$2" -lt "$3" ]; then
		tg_ok "$1"
	else
		TG_OUT="line numbers: ${2:-missing} / ${3:-missing}"
		TG_ERR=$(head -c 3000 <<<"$T")
		tg_notok "$1"
	fi
}

assert_match "$(grep -m1 '^getresuid' <<<"$T")" '\[4242\], \[0\], \[0\]' \
	"traced: tapgate started as ruid 4242, euid 0 (setuid took effect under strace)"

l_tun=$(at '^openat\(.*"/dev/net/tun"')
l_gid=$(at '^setresgid\(4242, 4242, 4242\) += 0')
l_uid=$(at '^setresuid\(4242, 4242, 4242\) += 0')
l_drop=$(at '^capset\(.*\{effective=0, permitted=1<<CAP_NET_ADMIN, inheritable=0\}\) += 0' "$l_uid")
l_acl=$(at '^openat\(.*"/etc/qemu/bridge.conf"')
l_raise=$(at '^capset\(.*effective=1<<CAP_NET_ADMIN, permitted=1<<CAP_NET_ADMIN, inheritable=0' "$l_acl")
l_setiff=$(at '^ioctl\([0-9]+, TUNSETIFF')
l_owner=$(at '^ioctl\([0-9]+, TUNSETOWNER, 0x1092\)')
l_newlink1=$(at 'RTM_NEWLINK')
l_newlinkN=$(grep -n 'RTM_NEWLINK' <<<"$T" | tail -n1 | cut -d: -f1 || true)
l_lower=$(at '^capset\(.*\{effective=0, permitted=1<<CAP_NET_ADMIN, inheritable=0\}\) += 0' "$l_raise")
l_handover=$(at '^sendmsg\(.*SCM_RIGHTS.* = 1$')
l_bset=$(at '^prctl\(PR_CAPBSET_DROP, CAP_SYS_ADMIN\) += 0')

assert_before "/dev/net/tun is opened before the drop to uid 4242" "$l_tun" "$l_uid"
assert_before "setresgid(4242) comes before setresuid(4242)" "$l_gid" "$l_uid"
assert_before "the bounding set is cleared before the ACL is read" "$l_bset" "$l_acl"
assert_before "setresuid(4242, 4242, 4242) before the ACL is opened" "$l_uid" "$l_acl"
assert_before "capset to 'permitted cap_net_admin only, effective none' before the ACL is opened" "$l_drop" "$l_acl"
assert_before "the ACL is read before cap_net_admin is raised" "$l_acl" "$l_raise"
assert_before "cap_net_admin is raised before TUNSETIFF" "$l_raise" "$l_setiff"
assert_before "TUNSETIFF before TUNSETOWNER(4242)" "$l_setiff" "$l_owner"
assert_before "TUNSETOWNER before the first RTM_NEWLINK" "$l_owner" "$l_newlink1"
assert_before "the last RTM_NEWLINK before cap_net_admin is lowered" "$l_newlinkN" "$l_lower"
assert_before "cap_net_admin is lowered before the fd is handed over" "$l_lower" "$l_handover"

# After the drop: exactly one capset with a non-empty effective set (the
# raise), and it holds cap_net_admin only.
after_drop=$(awk -v from="$l_drop" 'NR > from' <<<"$T")
raises=$(grep '^capset(' <<<"$after_drop" | grep -vc 'effective=0,' || true)
assert_eq "$raises" 1 "after the drop cap_net_admin is raised exactly once"
assert_eq "$(grep '^capset(' <<<"$after_drop" |
	grep -Evc '\{effective=(0|1<<CAP_NET_ADMIN), permitted=1<<CAP_NET_ADMIN, inheritable=0\}\) += 0$' || true)" 0 \
	"after the drop every capset holds cap_net_admin at most (permitted; effective or not)"
assert_no_match "$(awk -v to="$l_drop" 'NR > to' <<<"$T" | grep -E '^(setresuid|setresgid|setuid|setgid)\(')" '\(0[,)]' \
	"after the drop nothing goes back to uid/gid 0"

# Everything privileged happens inside the raised window.
outside=$( { awk -v a="$l_raise" 'NR < a' <<<"$T"; awk -v b="$l_lower" 'NR > b' <<<"$T"; } |
	grep -E 'TUNSETIFF|TUNSETOWNER|RTM_NEWLINK' || true)
assert_eq "$outside" "" "TUNSETIFF, TUNSETOWNER and RTM_NEWLINK only while cap_net_admin is effective"

# No file under /etc/qemu is opened with root's credentials.
assert_no_match "$(awk -v to="$l_uid" 'NR < to' <<<"$T" | grep '^openat(')" '/etc/qemu' \
	"nothing under /etc/qemu is opened before the drop"
echo "# files opened before the drop: $(awk -v to="$l_uid" 'NR < to' <<<"$T" |
	sed -n 's/^openat([^"]*"\([^"]*\)".*/\1/p' | grep -v -E '^/(usr/)?lib|ld\.so' | tr '\n' ' ')"
assert_no_taps "traced: no tap left"
