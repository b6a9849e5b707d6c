#!/bin/bash
# packaging/systemd as systemd sees it: tapgate@.service rates 2.0 or
# lower in systemd-analyze security; both units verify; they keep what
# the design needs (Accept=yes, mode 0666, the socket the helper asks,
# the host's network, three capabilities); and every system call and
# socket family a serve instance uses, over a grant and refusals, is
# one the unit's SystemCallFilter= and RestrictAddressFamilies= allow.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"
. "$(dirname "$0")/lib_service.sh"

UNITS=$(cd "$(dirname "$0")/../../packaging/systemd" && pwd)
SVC=$UNITS/tapgate@.service
SOCKU=$UNITS/tapgate.socket
for tool in systemd-analyze strace; do
	command -v "$tool" >/dev/null || tg_die "missing $tool (packages systemd, strace)"
done

# --- the exposure figure --------------------------------------------------------
set +e
out=$(systemd-analyze security --offline=yes "$SVC" 2>&1)
set -e
fig=$(sed -n 's/.*Overall exposure level for tapgate@[^:]*: \([0-9.]*\) .*/\1/p' <<<"$out")
echo "# systemd-analyze security --offline=yes: exposure $fig"
assert_match "$fig" '^[0-9]+\.[0-9]$' "systemd-analyze rated the unit"
assert_eq "$(awk -v f="$fig" 'BEGIN { print (f <= 2.0) ? "yes" : "no" }')" yes "exposure $fig is 2.0 or lower"
systemd-analyze security --offline=yes --threshold=20 "$SVC" >/dev/null 2>&1 && rc=0 || rc=$?
assert_eq "$rc" 0 "--threshold=20 passes"

# --- both units verify, pointing at this build ---------------------------------------
mkdir -p "$TG_ROOT/units"
sed "s|^ExecStart=/usr/libexec/tapgate |ExecStart=$TG_BIN/tapgate-plain |" "$SVC" > "$TG_ROOT/units/tapgate@.service"
cp "$SOCKU" "$TG_ROOT/units/"
set +e
out=$(cd "$TG_ROOT/units" && systemd-analyze verify --man=no ./tapgate.socket ./tapgate@.service 2>&1)
set -e
TG_OUT=$out
assert_eq "$out" "" "systemd-analyze verify: no complaint about either unit"

# --- what the design needs --------------------------------------------------------------
key() { sed -n "s/^$2=//p" "$1"; }
assert_eq "$(key "$SOCKU" ListenStream)" "$TG_SOCK" "ListenStream= is the socket the helper asks"
assert_eq "$(key "$SOCKU" Accept)" yes "Accept=yes: one instance per connection, on fd 3"
assert_eq "$(key "$SOCKU" SocketMode)" 0666 "SocketMode=0666: any user may ask, the ACL decides"
assert_match "$(key "$SOCKU" MaxConnections)" '^[0-9]+$' "MaxConnections= bounds the instances"
assert_eq "$(key "$SVC" ExecStart)" "/usr/libexec/tapgate --serve" "ExecStart= is tapgate --serve"
assert_eq "$(key "$SVC" CapabilityBoundingSet)" "CAP_NET_ADMIN CAP_SETUID CAP_SETGID" "three capabilities, no more"
assert_eq "$(key "$SVC" NoNewPrivileges)" yes "NoNewPrivileges=yes"
assert_eq "$(key "$SVC" RestrictAddressFamilies)" "AF_UNIX AF_NETLINK" "unix and netlink sockets only"
assert_eq "$(key "$SVC" DeviceAllow)" "/dev/net/tun rw" "DeviceAllow= /dev/net/tun"
assert_eq "$(key "$SVC" PrivateNetwork)" "" "no PrivateNetwork=: the tap must be on the host's bridges"
assert_eq "$(key "$SVC" PrivateDevices)" "" "no PrivateDevices=: it would hide /dev/net/tun"

# --- system calls and socket families of a serve instance ------------------------------
# expand @GROUP|NAME: the system calls it stands for.
expand() {
	local t
	for t in $(systemd-analyze syscall-filter "$1" 2>/dev/null | sed -n '2,$p' | grep -v '^ *#' | awk '{print $1}'); do
		case $t in @*) expand "$t" ;; *) echo "$t" ;; esac
	done
}
allow=$(for f in $(grep '^SystemCallFilter=[^~]' "$SVC" | sed 's/^SystemCallFilter=//'); do expand "$f"; done | sort -u)
deny=$(for f in $(grep '^SystemCallFilter=~' "$SVC" | sed 's/^SystemCallFilter=~//'); do expand "$f"; done | sort -u)
allowed=$(comm -23 <(echo "$allow") <(echo "$deny"))
assert_match "$allowed" '^setresuid$' "the filter expands (setresuid is in it)"

tg_users
tg_logsink
tg_bridge br0
tg_acl 'allow br0 max 4\n'
mkdir -p "$TG_ROOT/trace"
cat > "$TG_ROOT/serve-traced" <<SH
#!/bin/sh
exec strace -f -qq -o "$TG_ROOT/trace/\$\$" -- setpriv --bounding-set=-all,+net_admin,+setuid,+setgid --no-new-privs -- "$TG_BIN/tapgate-plain" --serve
SH
chmod 0755 "$TG_ROOT/serve-traced"
tg_service_start "$TG_ROOT/serve-traced"
# tg_service_start appends --serve; the wrapper ignores its arguments.
tg_run_nnp "$TG_BIN/tapgate" -- --use-vnet --br=br0
assert_eq "$(tg_exit)" 0 "traced: a grant"
tg_run_nnp "$TG_BIN/tapgate" -- --br=nosuch
assert_eq "$(tg_exit)" 4 "traced: no such bridge"
tg_acl 'allow br1\n'
tg_run_nnp "$TG_BIN/tapgate" -- --br=br0
assert_eq "$(tg_exit)" 2 "traced: denied"
tg_svc_raw --version=9
tg_svc_raw --raw=74677101
tg_svc_raw --bridge=br0 --close-after-send
tg_service_wait_ended 6
# From the exec of tapgate on: the instance itself, not setpriv or strace.
used=$(for f in "$TG_ROOT"/trace/*; do
	sed -n '/execve(".*tapgate-plain"/,$p' "$f" | sed -n 's/^[0-9]* *\([a-z0-9_]*\)(.*/\1/p'
done | sort -u)
echo "# system calls used: $(echo $used)"
missing=$(comm -23 <(echo "$used") <(echo "$allowed") | tr '\n' ' ')
TG_OUT=$used
assert_eq "$missing" "" "every system call of a serve instance is in the unit's SystemCallFilter="
fams=$(cat "$TG_ROOT"/trace/* | sed -n 's/.* socket(\(AF_[A-Z0-9]*\),.*/\1/p' | sort -u | tr '\n' ' ')
assert_eq "$fams" "AF_NETLINK AF_UNIX " "socket families used: AF_UNIX and AF_NETLINK only (RestrictAddressFamilies=)"
tg_service_stop
