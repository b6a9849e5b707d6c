#!/bin/bash
# Bad requests to the tapgate service: each is refused with a clear
# message on the client's side of the connection and in the log, ends
# its instance with a non-zero status, and leaves no tap. Also a fd 3
# that is not a connection, a client that vanishes mid-grant, and one
# that never finishes its request (the 1 s deadline).
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"
. "$(dirname "$0")/lib_service.sh"

tg_users
tg_logsink
tg_bridge br0
tg_acl 'allow br0\n'
tg_service_start

hex() { printf '%b' "$1" | od -An -tx1 | tr -d ' \n'; }
status() { sed -n 's/^status=//p' <<<"$TG_OUT"; }
msg() { sed -n 's/^msg=//p' <<<"$TG_OUT"; }
n=0

# bad LABEL STATUS MSG-REGEX SVCCLIENT-OPTS...: refused with STATUS, the
# message on the client's side and in the log, no tap.
bad() {
	local label=$1 want=$2 re=$3
	shift 3
	: > "$TG_LOG"
	tg_svc_raw "$@"
	n=$((n + 1))
	tg_service_wait_ended "$n"
	assert_eq "$(status)" "$want" "$label: refused with exit $want"
	assert_match "$(msg)" "$re" "$label: the client is told why"
	assert_eq "$(sed -n 's/^nfds=//p' <<<"$TG_OUT")" 0 "$label: no fd"
	tg_log_wait 1
	assert_match "$(cat "$TG_LOG")" "refused uid=4242 .*via=service pid=[0-9]+ reason=.*$re" "$label: logged"
	assert_match "$(tail -n1 "$TG_SERVICE_LOG")" "died with code $want\$" "$label: the instance exits $want"
	assert_no_taps "$label: no tap"
}

bad "empty request" 1 'bad request to the tapgate service: the client closed the connection without sending one' --raw=
bad "bad magic" 1 "not a tapgate request \(11 bytes, no 'tgq' header\)" --raw="$(hex 'xyz\x01\x00\x03\x00\x00br0')"
bad "unknown version 2" 1 'unsupported request version 2 \(this service speaks version 1' --version=2
bad "unknown version 0" 1 'unsupported request version 0' --version=0
bad "truncated header" 1 'truncated request: 6 bytes, the header alone is 8' --raw="$(hex 'tgq\x01\x00\x03')"
bad "truncated name" 1 'truncated request: 10 bytes, expected 11' --raw="$(hex 'tgq\x01\x00\x03\x00\x00br')"
bad "oversized" 1 'oversized request: 24 bytes or more, expected 11' --bridge=br0 --extra="$(printf '%0200d' 0)"
bad "unknown flag" 1 'request has unknown flags 0x02' --raw="$(hex 'tgq\x01\x02\x03\x00\x00br0')"
bad "reserved bytes" 1 'request has non-zero reserved bytes' --raw="$(hex 'tgq\x01\x00\x03\x01\x00br0')"
bad "zero-length name" 1 'request names a bridge of 0 bytes' --raw="$(hex 'tgq\x01\x00\x00\x00\x00')"
bad "16-byte name" 1 'request names a bridge of 16 bytes' --raw="$(hex 'tgq\x01\x00\x10\x00\x00')0123456789abcdef0123456789abcdef"
bad "a slash in the name" 1 'bad request to the tapgate service: .*a/b' --raw="$(hex 'tgq\x01\x00\x03\x00\x00a/b')"
bad "a NUL in the name" 1 'bad request to the tapgate service: .*br' --raw="$(hex 'tgq\x01\x00\x03\x00\x00b\x00r')"
bad "an fd along with the request" 1 'bad request: it carries file descriptors \(1\); the service takes none' \
	--bridge=br0 --send-fd=/etc/qemu/bridge.conf
bad "request never finished" 1 'the tapgate service gave up: the request was not complete within 1000 ms \(3 bytes received\)' \
	--raw="$(hex 'tgq')" --no-shutdown
bad "idle connection" 1 'the tapgate service gave up: the request was not complete within 1000 ms \(0 bytes received\)' --idle

# A request not in the protocol's byte order of control bytes is never
# shown raw: the message escapes it.
: > "$TG_LOG"
tg_svc_raw --raw="$(hex 'tgq\x01\x00\x03\x00\x00\x1b[m')"
n=$((n + 1))
tg_service_wait_ended "$n"
assert_no_ctl "$(msg)" "an escape sequence in the name is escaped in the reply"
tg_log_wait 1
assert_no_ctl "$(cat "$TG_LOG")" "... and in the log"

# --- a client that vanishes mid-grant --------------------------------------
# It sends a whole request and closes at once: the handover fails, the
# instance says so, and the tap dies with it.
: > "$TG_LOG"
tg_svc_raw --bridge=br0 --close-after-send
n=$((n + 1))
tg_service_wait_ended "$n"
assert_match "$(tail -n1 "$TG_SERVICE_LOG")" 'died with code 7$' "vanished client: the instance exits 7 (handover)"
tg_log_wait 2
assert_match "$(cat "$TG_LOG")" 'refused uid=4242 .*via=service .*reason=failed to send the tap fd to the caller over the service connection, fd 3' \
	"vanished client: the failed handover is logged"
assert_no_taps "vanished client: no tap"

# --- fd 3 is not a connection ----------------------------------------------
# The instance checks what it was given; it does not trust LISTEN_FDS
# (the environment is gone before main).
serve() { # DESC REGEX REDIRECTION...
	local desc=$1 re=$2 out rc
	shift 2
	set +e
	out=$(env LISTEN_FDS=1 LISTEN_PID=$$ bash -c 'exec "$@"' sh "$@" 2>&1)
	rc=$?
	set -e
	assert_eq "$rc" 1 "$desc: exit 1"
	assert_match "$out" "$re" "$desc: says so"
}
# (Closed, fd 3 is where /dev/net/tun lands: "not a socket" either way.)
serve "fd 3 closed" '^tapgate --serve: fd 3 is not (open|a socket)' "$TG_BIN/tapgate-plain" --serve 3<&-
serve "fd 3 a file" '^tapgate --serve: fd 3 is not a socket' "$TG_BIN/tapgate-plain" --serve 3</etc/qemu/bridge.conf
/usr/bin/python3 -c 'import socket,os,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); os.dup2(s.fileno(),3); os.set_inheritable(3,True); os.execv(sys.argv[2],[sys.argv[2],"--serve"])' \
	"$TG_ROOT/listen.sock" "$TG_BIN/tapgate-plain" > "$TG_ROOT/out" 2>&1 && rc=0 || rc=$?
assert_eq "$rc" 1 "fd 3 a listening socket: exit 1"
assert_match "$(cat "$TG_ROOT/out")" 'fd 3 is a listening socket, not a connection \(the socket unit needs Accept=yes\)' \
	"fd 3 a listening socket: says Accept=yes is needed"
/usr/bin/python3 -c 'import socket,os,sys; a,b=socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM); os.dup2(a.fileno(),3); os.set_inheritable(3,True); os.execv(sys.argv[1],[sys.argv[1],"--serve"])' \
	"$TG_BIN/tapgate-plain" > "$TG_ROOT/out" 2>&1 && rc=0 || rc=$?
assert_match "$(cat "$TG_ROOT/out")" 'fd 3 is not a stream \(SOCK_STREAM\) socket' "fd 3 a datagram socket: refused"
# --serve only alone, and only for root.
tg_run "$TG_BIN/tapgate" -- --serve
assert_eq "$(tg_exit)" 1 "--serve with --fd (as QEMU would add) is a usage error, not serve mode"
set +e
out=$(/usr/bin/python3 -c 'import socket,os,sys; a,b=socket.socketpair(); os.dup2(a.fileno(),3); os.set_inheritable(3,True); os.setgid(4242); os.setuid(4242); os.execv(sys.argv[1],[sys.argv[1],"--serve"])' "$TG_BIN/tapgate-plain" 2>&1)
rc=$?
set -e
assert_eq "$rc" 5 "--serve run by a user: exit 5"
assert_match "$out" '^tapgate --serve must be started by root' "--serve run by a user: says it needs root"
assert_no_taps "no tap after any of it"
tg_service_stop
