#!/bin/bash
# Port options of allow rules (tapgate.conf(5), "Port options"), proven
# with frames: two users' taps on one bridge with a veth as the uplink.
# Taps come from the real setuid and file-caps installs, without
# --use-vnet; tgframes writes and reads raw Ethernet frames on the fds,
# and on the uplink's peer through an AF_PACKET socket.
#   isolated: a broadcast and a unicast written to tap A never reach tap
#     B but reach the uplink, frames from the uplink reach both; without
#     the option B sees A's frames (the control).
#   guard: on a bridge running STP, a BPDU written to a guarded tap
#     disables its port and moves no root, also after the fd's holder
#     re-enabled the port through its carrier; an unguarded tap's BPDU
#     makes it the root port (the control).
# Negative checks never sleep: the frame that must not arrive is
# followed, on the same path, by a marker that must, and the reader
# reports whether the frame came before the marker (a tap's queue is
# FIFO, and the bridge delivers a written frame before write() returns).
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

for tool in bridge jq sysctl mkfifo; do
	command -v "$tool" >/dev/null || tg_die "missing tool: $tool"
done
install -m 0755 "$TG_BUILD/tests/tgframes" "$TG_BIN/tgframes"
# Only the test's frames: no IPv6 chatter from the ports.
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1

UID_A=$TG_UID
UID_B=4243
BCAST=ff:ff:ff:ff:ff:ff
declare -A IN OUT IFN

# agent NAME UID|root TGFRAMES-ARGS...: start tgframes with a pipe pair;
# sets IFN[NAME], or AGENT_FAIL to its first line when there is no tap.
agent() {
	local name=$1 who=$2 first fin fout
	shift 2
	mkfifo "$TG_ROOT/$name.in" "$TG_ROOT/$name.out"
	if [ "$who" = root ]; then
		"$TG_BIN/tgframes" "$@" <"$TG_ROOT/$name.in" >"$TG_ROOT/$name.out" 2>"$TG_ROOT/$name.err" &
	else
		setpriv --reuid="$who" --regid="$who" --clear-groups --inh-caps=-all -- \
			"$TG_BIN/tgframes" "$@" <"$TG_ROOT/$name.in" >"$TG_ROOT/$name.out" 2>"$TG_ROOT/$name.err" &
	fi
	exec {fin}>"$TG_ROOT/$name.in"
	exec {fout}<"$TG_ROOT/$name.out"
	IN[$name]=$fin
	OUT[$name]=$fout
	AGENT_FAIL=
	read -r -t 20 first <&"$fout" || first="(no answer)"
	case $first in
	"ready ifname="*) IFN[$name]=${first#ready ifname=} ;;
	*) AGENT_FAIL=$first; IFN[$name]= ;;
	esac
}

# stop NAME: end the agent; its tap goes with it.
stop() {
	eval "exec ${IN[$1]}>&- ${OUT[$1]}<&-"
}

# ask NAME COMMAND: one command to the agent, its answer on stdout.
ask() {
	local ans
	echo "$2" >&"${IN[$1]}"
	read -r -t 20 ans <&"${OUT[$1]}" || ans="(no answer)"
	echo "$ans"
}

mac() { ip -j link show "$1" | jq -r '.[0].address'; }
port() { bridge -j -d link show dev "$1" | jq -r ".[0].$2"; }

# wait_port IF FIELD REGEX: until the port's FIELD matches (10 s at most).
wait_port() {
	local i v
	for i in $(seq 200); do
		v=$(port "$1" "$2")
		[[ $v =~ ^($3)$ ]] && return 0
		sleep 0.05
	done
	return 1
}

# The file-caps install has the caller open /dev/net/tun.
tg_tun_mode 0666
tg_bridge br0
ip link add up0 type veth peer name up1
ip link set up0 master br0
ip link set up0 up
ip link set up1 up
ip link set br0 up
agent UP root packet up1
MAC_UP=$(mac up1)

# ---- isolated ---------------------------------------------------------

tg_acl 'allow br0 isolated\n'
agent A "$UID_A" tap -- "$TG_BIN/tapgate" --br=br0
assert_eq "$AGENT_FAIL" "" "isolated: user A's tap granted (setuid)"
agent B "$UID_B" tap -- "$TG_BIN/tapgate-caps" --br=br0
assert_eq "$AGENT_FAIL" "" "isolated: user B's tap granted (file caps)"
A=${IFN[A]} B=${IFN[B]}
# The VMs' own addresses: never the tap's, which the bridge keeps as a
# local address of its own (frames to it go to the host, not the VM).
MAC_A=52:54:00:00:00:0a MAC_B=52:54:00:00:00:0b
assert_eq "$(port "$A" isolated)/$(port "$B" isolated)/$(port up0 isolated)" \
	true/true/false "isolated: both taps are isolated ports, the uplink is not"
assert_eq "$(port "$A" guard)/$(port "$A" root_block)" false/false \
	"isolated: no guard without the option"
wait_port "$A" state forwarding && wait_port "$B" state forwarding ||
	tg_die "the taps' ports did not reach forwarding"

# The bridge learns where B and A are; the uplink hears both.
assert_eq "$(ask B "send $BCAST $MAC_B learnB")" sent "B: a broadcast to learn from"
assert_eq "$(ask UP "expect learnB - 5000")" seen "isolated: B's broadcast reaches the uplink"
assert_eq "$(ask A "send $BCAST $MAC_A learnA")" sent "A: a broadcast"
assert_eq "$(ask UP "expect learnA - 5000")" seen "isolated: A's broadcast reaches the uplink"
assert_eq "$(ask UP "send $BCAST $MAC_UP mark1")" sent "uplink: a broadcast marker"
assert_eq "$(ask B "expect learnA mark1 5000")" notseen "isolated: A's broadcast never reaches B (the uplink's broadcast does)"
assert_eq "$(ask A "expect learnB mark1 5000")" notseen "isolated: B's broadcast never reaches A (the uplink's broadcast does)"

# Unicast from A to B's learned address: dropped; to the uplink: there.
assert_eq "$(ask A "send $MAC_B $MAC_A ucastAB")" sent "A: a unicast to B"
assert_eq "$(ask UP "send $MAC_B $MAC_UP mark2")" sent "uplink: a unicast marker to B"
assert_eq "$(ask B "expect ucastAB mark2 5000")" notseen "isolated: A's unicast to B never reaches B (the uplink's unicast does)"
assert_eq "$(ask A "send $MAC_UP $MAC_A ucastAU")" sent "A: a unicast to the uplink"
assert_eq "$(ask UP "expect ucastAU - 5000")" seen "isolated: A's unicast reaches the uplink"
assert_eq "$(ask A "send 02:00:00:00:00:99 $MAC_A ucastAX")" sent "A: a unicast to an unknown address (flooded)"
assert_eq "$(ask UP "expect ucastAX - 5000")" seen "isolated: A's flooded unicast reaches the uplink"
assert_eq "$(ask UP "send $BCAST $MAC_UP mark3")" sent "uplink: a broadcast marker"
assert_eq "$(ask B "expect ucastAX mark3 5000")" notseen "isolated: A's flooded unicast never reaches B"
assert_eq "$(ask A "expect mark3 - 5000")" seen "isolated: the uplink's broadcast reaches A"
assert_eq "$(ask UP "send $MAC_A $MAC_UP toA")" sent "uplink: a unicast to A"
assert_eq "$(ask A "expect toA - 5000")" seen "isolated: the uplink's unicast reaches A"
stop A
stop B

# ---- the control: the same without the option ---------------------------

tg_acl 'allow br0\n'
agent C "$UID_A" tap -- "$TG_BIN/tapgate" --br=br0
agent D "$UID_B" tap -- "$TG_BIN/tapgate-caps" --br=br0
C=${IFN[C]} D=${IFN[D]}
MAC_C=52:54:00:00:00:0c MAC_D=52:54:00:00:00:0d
assert_eq "$(port "$C" isolated)/$(port "$D" isolated)" false/false "control: ports not isolated"
wait_port "$C" state forwarding && wait_port "$D" state forwarding ||
	tg_die "the control taps' ports did not reach forwarding"
assert_eq "$(ask D "send $BCAST $MAC_D learnD")" sent "control: D's broadcast"
assert_eq "$(ask C "expect learnD - 5000")" seen "control: C sees D's broadcast"
assert_eq "$(ask C "send $BCAST $MAC_C bcastC")" sent "control: C's broadcast"
assert_eq "$(ask D "expect bcastC - 5000")" seen "control: D sees C's broadcast"
assert_eq "$(ask C "send $MAC_D $MAC_C ucastCD")" sent "control: C's unicast to D"
assert_eq "$(ask D "expect ucastCD - 5000")" seen "control: D sees C's unicast"
stop C
stop D

# ---- which rules give the option (the union), in the kernel -------------

# isolated_for UID HELPER: the isolated flag of a tap granted to UID.
isolated_for() {
	agent X "$1" tap -- "$TG_BIN/$2" --br=br0
	if [ -n "$AGENT_FAIL" ]; then
		echo "refused: $AGENT_FAIL"
	else
		port "${IFN[X]}" isolated
	fi
	stop X
	rm -f "$TG_ROOT/X.in" "$TG_ROOT/X.out"
}
tg_acl 'allow all\nallow br0 user 4243 isolated\n'
assert_eq "$(isolated_for "$UID_A" tapgate)" false "union: a rule for B only leaves A's port alone"
assert_eq "$(isolated_for "$UID_B" tapgate-caps)" true "union: B's port is isolated by the rule naming B"
tg_acl 'allow br0 isolated\nallow all\nallow br0 user 4242\n'
assert_eq "$(isolated_for "$UID_A" tapgate)" true "union: broader and narrower allows without it do not take it away"
assert_no_taps "no tap is left"

# ---- guard --------------------------------------------------------------

# STP with the shortest forward delay the kernel takes (2 s).
ip link add br1 type bridge stp_state 1 forward_delay 200
ip link set br1 up
tg_acl 'allow br1 user 4242 guard\nallow br1 user 4243\n'
agent G "$UID_A" tap -- "$TG_BIN/tapgate" --br=br1
assert_eq "$AGENT_FAIL" "" "guard: the guarded tap granted"
agent U "$UID_B" tap -- "$TG_BIN/tapgate-caps" --br=br1
assert_eq "$AGENT_FAIL" "" "guard: the unguarded tap granted"
G=${IFN[G]} U=${IFN[U]}
assert_eq "$(port "$G" guard)/$(port "$G" root_block)/$(port "$G" isolated)" true/true/false \
	"guard: BPDU guard and root block on, not isolated"
assert_eq "$(port "$U" guard)/$(port "$U" root_block)" false/false "guard: the other port has neither"
# A BPDU is taken on any port STP has not disabled.
wait_port "$G" state 'blocking|listening|learning|forwarding' &&
	wait_port "$U" state 'blocking|listening|learning|forwarding' ||
	tg_die "STP did not enable the ports of br1"
root_port() { ip -j -d link show br1 | jq -r '.[0].linkinfo.info_data.root_port'; }
port_no() { ip -j -d link show "$1" | jq -r '.[0].linkinfo.info_slave_data.no'; }
assert_eq "$(root_port)" 0 "guard: br1 is its own root"

assert_eq "$(ask G "bpdu $(mac "$G") 0")" sent "guard: a BPDU claiming root priority 0 from the guarded tap"
if wait_port "$G" state disabled; then
	tg_ok "guard: the guarded tap's port is disabled by its BPDU"
else
	tg_notok "guard: the guarded tap's port is disabled by its BPDU (state $(port "$G" state))"
fi
assert_eq "$(root_port)" 0 "guard: the guarded BPDU moved no root"
# The fd's holder may re-enable the port (carrier off and on needs no
# capability); its next BPDU disables it again.
assert_eq "$(ask G "carrier 0")" carrier "guard: the holder turns the carrier off"
wait_port "$G" state disabled || tg_die "carrier off did not disable the port"
assert_eq "$(ask G "carrier 1")" carrier "guard: and on again"
if wait_port "$G" state 'blocking|listening|learning|forwarding'; then
	tg_ok "guard: carrier on re-enables the guarded port"
else
	tg_notok "guard: carrier on re-enables the guarded port (state $(port "$G" state))"
fi
assert_eq "$(ask G "bpdu $(mac "$G") 0")" sent "guard: another BPDU from the re-enabled port"
if wait_port "$G" state disabled; then
	tg_ok "guard: the re-enabled port is disabled again by its next BPDU"
else
	tg_notok "guard: the re-enabled port is disabled again by its next BPDU (state $(port "$G" state))"
fi
assert_eq "$(root_port)" 0 "guard: still no root moved"

assert_eq "$(ask U "bpdu $(mac "$U") 0")" sent "guard (control): the same BPDU from the unguarded tap"
want=$(($(port_no "$U")))
for i in $(seq 200); do
	[ "$(root_port)" = "$want" ] && break
	sleep 0.05
done
assert_eq "$(root_port)" "$want" "guard (control): the unguarded tap became br1's root port"
assert_match "$(port "$U" state)" '^(blocking|listening|learning|forwarding)$' \
	"guard (control): the unguarded port is not disabled"
stop G
stop U
stop UP

# ---- --explain and --check ----------------------------------------------

tg_acl 'allow br0 isolated\nallow all guard\nallow br0 user 4242 max 2\n'
TG_OUT=$(tg_as_user "$TG_BIN/tapgate" --explain --br=br0 2>&1) || true
assert_match "$TG_OUT" "^port:     isolated \(from /etc/qemu/bridge\.conf:1\), guard \(from /etc/qemu/bridge\.conf:2\)$" \
	"--explain: the options and the rule each comes from"
assert_match "$TG_OUT" "^  /etc/qemu/bridge\.conf:1: allow br0 isolated$" "--explain: the rule shows its option"
J=$(tg_as_user "$TG_BIN/tapgate" --explain --br=br0 --json 2>&1) || true
assert_eq "$(jq -c '[.port_options[] | [.option, .line, .rule]]' <<<"$J")" \
	'[["isolated",1,"allow br0 isolated"],["guard",2,"allow all guard"]]' "--explain --json: port_options"
tg_acl 'allow br0\n'
TG_OUT=$(tg_as_user "$TG_BIN/tapgate" --explain --br=br0 2>&1) || true
assert_match "$TG_OUT" "^port:     no options \(an equal port of the bridge\)$" "--explain: no options"
J=$(tg_as_user "$TG_BIN/tapgate" --explain --br=br0 --json 2>&1) || true
assert_eq "$(jq -c '.port_options' <<<"$J")" '[]' "--explain --json: no options"

tg_acl 'allow br0 isolated guard\ndeny br1 isolated\nallow br2 guard user alice\nallow br3 guard guard\n'
set +e
TG_OUT=$(tg_as_user "$TG_BIN/tapgate" --check 2>&1)
rc=$?
set -e
assert_eq "$rc" 3 "--check: options in the wrong place are errors (exit 3)"
assert_match "$TG_OUT" "^/etc/qemu/bridge\.conf:2: error: 'isolated' is only for allow rules: a deny attaches no port$" "--check: option on a deny"
assert_match "$TG_OUT" "^/etc/qemu/bridge\.conf:3: error: 'user' after an option: options come last" "--check: option before a qualifier"
assert_match "$TG_OUT" "^/etc/qemu/bridge\.conf:4: error: 'guard' given twice in one rule$" "--check: option twice"
assert_match "$TG_OUT" "3 errors" "--check: three errors, line 1 is fine"
tg_run "$TG_BIN/tapgate" -- --br=br0
assert_eq "$(tg_exit)" 3 "a grant refuses the same file (exit 3)"

# Options in a file only some users can read bind only them: root's
# --check names the rule with its options.
tg_acl 'allow br0\ninclude /etc/qemu/lab.conf\n'
tg_acl 'allow all isolated guard\n' /etc/qemu/lab.conf 0640 root:4343
TG_OUT=$("$TG_BIN/tapgate-plain" --check 2>&1) || true
assert_match "$TG_OUT" "^/etc/qemu/lab\.conf: warning: this file is mode 0640 .*: users who cannot read it skip its rules: line 1: allow all isolated guard$" \
	"--check: a hidden rule's options are named"
assert_no_taps "no tap after the refusal"

# The example of tapgate.conf(5), as written there.
: "${TG_SRC:?TG_SRC must point at the source tree}"
sed -n '/^A lab where students share br0/,/^\.Ed/p' "$TG_SRC/acl/tapgate.conf.5" |
	sed -n '/^\.Bd/,/^\.Ed/p' | sed '1d;$d' > "$TG_ROOT/example.conf"
assert_match "$(cat "$TG_ROOT/example.conf")" 'isolated' "man page example found"
tg_acl "$(cat "$TG_ROOT/example.conf")\n"
set +e
TG_OUT=$("$TG_BIN/tapgate-plain" --check 2>&1)
rc=$?
set -e
assert_eq "$rc" 0 "the man page example passes --check"
tg_users
J=$("$TG_BIN/tapgate-plain" --explain --br=br0 --user=alice --json 2>&1) || true
assert_eq "$(jq -c '[.decision, [.port_options[].option]]' <<<"$J")" '["allow",["isolated","guard"]]' \
	"the man page example: a student gets an isolated, guarded port on br0"
J=$("$TG_BIN/tapgate-plain" --explain --br=br0 --user=bob --json 2>&1) || true
assert_eq "$(jq -c '[.decision, [.port_options[].option]]' <<<"$J")" '["allow",["guard"]]' \
	"the man page example: anyone else's port is guarded, not isolated"
assert_no_taps "nothing left"
