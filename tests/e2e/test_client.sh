#!/bin/bash
# The client side: a caller that went away, --fd values that are not
# the caller's end of a connected unix stream socket, inherited fds, and
# a helper started with fds 0-2 closed.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

PY=/usr/bin/python3
[ -x "$PY" ] || tg_die "missing /usr/bin/python3 (package python3): used to build odd fds"

tg_bridge br0
ip link set br0 up
tg_acl 'allow br0\n'
tg_logsink

# --- 1. the client closed its socket before the handover ----------------

# tgclient --close-early closes its end of the socketpair before it
# forks the helper: the helper never holds a socket whose peer is open,
# whatever the scheduling (no wait needed, none taken). Through sh -c
# too, as QEMU runs a helper= with a space.
LATE='exec "$0" "$@"'

for i in 1 2 3; do
	tg_run /bin/sh --close-early -- -c "$LATE" "$TG_BIN/tapgate" --use-vnet --br=br0
	assert_eq "$(tg_exit)" 7 "close-early #$i: exit 7 (EXIT_HANDOVER), not a signal"
	assert_match "$TG_ERR" '^failed to send the tap fd to the caller over --fd=[0-9]+ .*Broken pipe$' \
		"close-early #$i: says why"
	assert_no_taps "close-early #$i: no tap left"
done

# The same through /bin/sh -c, as QEMU runs a helper= with a space.
tg_run "$TG_BIN/tapgate" --close-early --sh -- --use-vnet --br=br0
assert_eq "$(tg_exit)" 7 "close-early through sh -c: exit 7"
assert_no_taps "close-early through sh -c: no tap left"

# Control: tgclient reports a death by signal as exit=signalN, so the
# assertions above can fail. The original dies of SIGPIPE here.
if [ -x "$TG_BIN/qemu-bridge-helper" ]; then
	tg_tun_mode 0666
	tg_run /bin/sh --close-early -- -c "$LATE" "$TG_BIN/qemu-bridge-helper" --use-vnet --br=br0
	assert_eq "$(tg_exit)" signal13 "control: the original dies of SIGPIPE on a closed socket"
	assert_no_taps "control: no tap left by the original"
	tg_tun_mode 0600
fi

# --- 2. bad --fd values ------------------------------------------------------

# Message of a usage error: usage lines first, then the message.
msg_line() { tail -n1 <<<"$TG_ERR"; }

bad_fd_value() { # VALUE
	tg_run "$TG_BIN/tapgate" --fd-value="$1" -- --br=br0
	assert_eq "$(tg_exit)" 1 "--fd='$1': exit 1"
	assert_match "$(msg_line)" '^invalid --fd' "--fd='$1': message starts with 'invalid --fd'"
	assert_match "$TG_OUT" '^received=no$' "--fd='$1': nothing received"
	assert_no_taps "--fd='$1': no tap left"
}
for v in 0 1 2 -1 abc 3x 77 '' ' 5' +5 0x5 4294967300 99999999999 2147483647; do
	bad_fd_value "$v"
done
# fd 3 is free in the helper (tgclient's own end is close-on-exec), so
# it is where the helper opens /dev/net/tun before checking --fd: that
# must be refused as "not a socket", never used as the caller's socket.
bad_fd_value 3
assert_match "$(msg_line)" '^invalid --fd=3: not a socket' "--fd=3 (the helper's own /dev/net/tun): not a socket"

# fds of the wrong kind, built by a small wrapper that puts one at fd 9
# and execs the helper with --fd=9.
cat > "$TG_ROOT/fdwrap.py" <<'PY'
import os, socket, sys
kind, argv = sys.argv[1], sys.argv[2:]
keep = []
if kind == "file":
    fd = os.open("/etc/passwd", os.O_RDONLY)
elif kind == "dir":
    fd = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
elif kind == "devnull":
    fd = os.open("/dev/null", os.O_RDWR)
elif kind in ("pipe-r", "pipe-w"):
    r, w = os.pipe()
    fd = r if kind == "pipe-r" else w
    keep.append(w if kind == "pipe-r" else r)
else:
    if kind == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    elif kind == "tcp":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    elif kind == "unix-dgram":
        s, peer = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        keep.append(peer.detach())
    elif kind == "unix-seqpacket":
        s, peer = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        keep.append(peer.detach())
    elif kind == "unix-unconnected":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    elif kind == "unix-listening":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        path = os.path.join(os.getcwd(), "listen.sock")
        if os.path.exists(path):
            os.unlink(path)
        s.bind(path)
        s.listen(1)
    elif kind == "netlink":
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    else:
        sys.exit("fdwrap: unknown kind " + kind)
    fd = s.detach()
os.dup2(fd, 9)
os.set_inheritable(9, True)
os.execv(argv[0], argv + ["--fd=9"])
PY

bad_fd_kind() { # KIND REGEX
	set +e
	TG_OUT=$(tg_as_user "$PY" "$TG_ROOT/fdwrap.py" "$1" "$TG_BIN/tapgate" --br=br0 2>"$TG_ROOT/stderr")
	TG_RC=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
	assert_eq "$TG_RC" 1 "--fd=9 is a $1: exit 1"
	assert_match "$TG_ERR" "^invalid --fd=9: $2" "--fd=9 is a $1: 'invalid --fd=9: ${2//\\/}'"
	assert_eq "$TG_OUT" "" "--fd=9 is a $1: nothing on stdout"
	assert_no_taps "--fd=9 is a $1: no tap left"
}
bad_fd_kind file 'not a socket'
bad_fd_kind dir 'not a socket'
bad_fd_kind devnull 'not a socket'
bad_fd_kind pipe-r 'not a socket'
bad_fd_kind pipe-w 'not a socket'
bad_fd_kind udp 'not a unix \(AF_UNIX\) socket'
bad_fd_kind tcp 'not a unix \(AF_UNIX\) socket'
bad_fd_kind netlink 'not a unix \(AF_UNIX\) socket'
bad_fd_kind unix-dgram 'not a stream \(SOCK_STREAM\) socket'
bad_fd_kind unix-seqpacket 'not a stream \(SOCK_STREAM\) socket'
bad_fd_kind unix-unconnected 'socket is not connected'
bad_fd_kind unix-listening 'socket is not connected'

# The shell-redirection form from a user's shell.
set +e
TG_ERR=$(tg_as_user bash -c "exec 9</etc/passwd; exec '$TG_BIN/tapgate' --br=br0 --fd=9" 2>&1)
TG_RC=$?
set -e
assert_eq "$TG_RC" 1 "bash 'exec 9</etc/passwd': exit 1"
assert_match "$TG_ERR" '^invalid --fd=9: not a socket' "bash 'exec 9</etc/passwd': invalid --fd"

# A closed fd number, given with --no-fd and our own --fd.
tg_run "$TG_BIN/tapgate" --no-fd -- --br=br0 --fd=77
assert_eq "$(tg_exit)" 1 "--no-fd --fd=77 (closed): exit 1"
assert_match "$TG_ERR" '^invalid --fd=77: not an open file descriptor' "--fd=77 (closed): message"
tg_run "$TG_BIN/tapgate" --no-fd -- --br=br0
assert_eq "$(tg_exit)" 1 "no --fd at all: exit 1"
assert_match "$(msg_line)" '^missing --fd=N' "no --fd at all: message"
assert_no_taps "closed/missing --fd: no tap left"

# --- 3. inherited fds other than --fd are closed before privileged work ---

# The caller leaves fds 3, 6 and 7 open without FD_CLOEXEC; tgclient's
# socketpair then takes 4 and 5 and the helper gets --fd=5. The helper
# may open /dev/net/tun early (it keeps that fd), but every inherited
# fd but 5 must be closed before it reads the ACL or creates the tap:
# the ACL, opened next, then gets fd 3, which only a closed fd 3 allows.
ST=$TG_ROOT/strace.fds
strace -f -o "$ST" -e trace=execve,close_range,openat,ioctl,sendmsg \
	setpriv --reuid="$TG_UID" --regid="$TG_GID" --clear-groups -- \
	bash -c "exec 3</etc/passwd 6</etc/passwd 7>/dev/null; exec '$TG_BIN/tgclient' -- '$TG_BIN/tapgate' --br=br0" \
	> "$TG_ROOT/strace.out" 2>&1 || true
assert_match "$(cat "$TG_ROOT/strace.out")" '^exit=0$' "inherited fds: grant under strace"
pid=$(awk '/execve\("[^"]*\/bin\/tapgate", / {print $1; exit}' "$ST")
trace=$(awk -v p="$pid" '$1 == p' "$ST" | sed 's/^[0-9]* *//')
assert_match "$(grep '^execve' <<<"$trace" || true)" '"--fd=5"' "inherited fds: the socket is fd 5"
first() { grep -n -E "$1" <<<"$trace" | head -n1 | cut -d: -f1 || true; }
ln_close=$(grep -n '^close_range(' <<<"$trace" | tail -n1 | cut -d: -f1 || true)
ln_acl=$(first '^openat\(.*"/etc/qemu/bridge.conf"')
ln_setiff=$(first '^ioctl\([0-9]+, TUNSETIFF')
if [ -n "$ln_close" ] && [ -n "$ln_acl" ] && [ -n "$ln_setiff" ] &&
   [ "$ln_close" -lt "$ln_acl" ] && [ "$ln_close" -lt "$ln_setiff" ]; then
	tg_ok "inherited fds: closed (close_range) before the ACL is read and the tap created"
else
	TG_OUT="close_range at ${ln_close:-none}, ACL at ${ln_acl:-none}, TUNSETIFF at ${ln_setiff:-none}"
	TG_ERR=$trace
	tg_notok "inherited fds: closed (close_range) before the ACL is read and the tap created"
fi
assert_eq "$(grep '^close_range(' <<<"$trace" | grep -vc ' = 0$' || true)" 0 "inherited fds: every close_range succeeded"
assert_match "$(grep -E '^openat\(.*"/etc/qemu/bridge.conf"' <<<"$trace" || true)" '= 3$' \
	"inherited fds: the ACL got fd 3, so the inherited fd 3 was really closed"
assert_match "$(grep SCM_RIGHTS <<<"$trace" || true)" '^sendmsg\(5,' "inherited fds: the tap is sent over fd 5"
assert_no_taps "inherited fds: no tap left"

# --- 4. started with fds 0, 1 and 2 closed -------------------------------

CLOSE012='exec "$0" "$@" <&- >&- 2>&-'

tg_run /bin/sh -- -c "$CLOSE012" "$TG_BIN/tapgate" --use-vnet --br=br0
assert_eq "$TG_RC" 0 "fds 0-2 closed: grant succeeds"
assert_match "$TG_OUT" '^databyte=0$' "fds 0-2 closed: the data byte is 0"
assert_match "$TG_OUT" '^nfds=1$' "fds 0-2 closed: exactly one fd"
assert_eq "$TG_ERR" "" "fds 0-2 closed: nothing on the caller's stderr"
assert_no_taps "fds 0-2 closed: no tap left after the grant"

tg_bridge br1
ip link set br1 up
: > "$TG_LOG"
tg_run /bin/sh -- -c "$CLOSE012" "$TG_BIN/tapgate" --br=br1
assert_eq "$(tg_exit)" 2 "fds 0-2 closed, denied bridge: exit 2"
assert_match "$TG_OUT" '^received=no$' "fds 0-2 closed, denied: no fd"
assert_match "$TG_OUT" '^databyte=-1$' "fds 0-2 closed, denied: nothing written into the socket"
assert_eq "$TG_ERR" "" "fds 0-2 closed, denied: nothing on the caller's stderr"
tg_log_sync   # the helper has exited: every line it sent is written now
assert_match "$(cat "$TG_LOG")" "refused uid=$TG_UID .*bridge=br1 .*reason=access denied by acl file" \
	"fds 0-2 closed, denied: the refusal went to syslog"
assert_no_taps "fds 0-2 closed, denied: no tap left"

# Only stderr closed, and a failure after the tap exists and is attached
# (the client went away): were fd 2 not reopened on /dev/null first,
# /dev/net/tun would become fd 2 and the message a frame on br0.
# br0 is up and promiscuous, so any frame entering it is counted.
ip link set br0 promisc on
br0_rx() {
	ip -s -j link show br0 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'
}
before=$(br0_rx)
tg_run /bin/sh --close-early -- -c 'exec "$0" "$@" 2>&-' "$TG_BIN/tapgate" --br=br0
assert_eq "$(tg_exit)" 7 "fd 2 closed, client gone: exit 7"
assert_eq "$(br0_rx)" "$before" "fd 2 closed, client gone: no frame entered br0 (message not written into the tap)"
assert_no_taps "fd 2 closed, client gone: no tap left"

# Control for the counter: a message written into a tap on br0 counts.
"$PY" - <<'PY'
import fcntl, os, struct, subprocess
fd = os.open("/dev/net/tun", os.O_RDWR)
ifr = fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"tgctl%d", 0x0002 | 0x1000))  # TUNSETIFF, IFF_TAP|IFF_NO_PI
name = ifr[:16].rstrip(b"\0").decode()
subprocess.run(["ip", "link", "set", name, "master", "br0", "up"], check=True)
os.write(fd, b"failed to send the tap fd to the caller over --fd=4 (did it exit or close the socket?): Broken pipe\n")
os.close(fd)
PY
after=$(br0_rx)
if [ "$after" -gt "$before" ]; then
	tg_ok "control: a message written into a tap on br0 is counted ($before -> $after)"
else
	tg_notok "control: a message written into a tap on br0 is counted ($before -> $after)"
fi
assert_no_taps "control tap is gone"
