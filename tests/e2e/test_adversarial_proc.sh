#!/bin/bash
# Adversarial: what a local user controls about the process that runs
# tapgate, against both the setuid and the file-caps install. Every
# case must end in a grant of exactly one tap or a clean refusal with a
# clear message; never a tap left behind, a port left on a bridge, or
# an exit 0 without an fd. (test_client.sh, test_privs.sh and
# test_process.sh cover the setuid install's --fd kinds, fds 0-2 and
# user namespaces; this file extends them to file caps and adds what a
# shell cannot do: argc 0, huge and control-character arguments,
# resource limits, signal storms, tracing, nosuid mounts, and an
# install with more capabilities than cap_net_admin.)
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_bridge br0
tg_bridge br1
tg_acl 'allow br0\n'
tg_tun_mode 0666          # the file-caps install opens it as the caller
tg_logsink
HELPERS=(tapgate tapgate-caps)
USAGE_RE='^Usage: tapgate \[--use-vnet\] --br=bridge --fd=unixfd$'
NOPRIV='^tapgate has no privilege: install it setuid root or with cap_net_admin'

# clean LABEL: whatever happened, nothing is left and nothing is raw.
no_taps_left() { [ -z "$(tg_taps)" ]; }

clean() {
	assert_no_taps "$1: no tap left"
	assert_no_ports br0 "$1: no port left on br0"
	assert_no_ports br1 "$1: no port left on br1"
}

# refused LABEL CODE REGEX: the last tg_run was refused with CODE and a
# message matching REGEX; nothing was handed over or left behind.
refused() {
	assert_eq "$(tg_exit)" "$2" "$1: exit $2"
	assert_match "$TG_ERR" "$3" "$1: message"
	assert_eq "$(kv nfds)" 0 "$1: no fd handed over"
	clean "$1"
}

# granted LABEL: the last tg_run got exactly one tap.
granted() {
	assert_eq "$TG_RC" 0 "$1: granted (exit 0, one fd, data byte 0)"
	assert_eq "$(kv nfds)" 1 "$1: exactly one fd"
	clean "$1"
}

# direct LABEL CMD...: run as the user without tgclient.
direct() {
	set +e
	TG_OUT=$(tg_as_user "$@" 2>"$TG_ROOT/stderr")
	TG_RC=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
}

for h in "${HELPERS[@]}"; do
	H=$TG_BIN/$h

	# --- argv -------------------------------------------------------------

	# argc == 0 (the kernel then passes argv = { "" }): a usage error,
	# not a crash on argv[0] and not a grant.
	direct "$TG_BIN/tgadv" argc0 "$H"
	assert_eq "$TG_RC" 1 "$h, argc 0: exit 1"
	assert_match "$(head -n1 <<<"$TG_ERR")" "$USAGE_RE" "$h, argc 0: usage line"
	assert_match "$TG_ERR" '^missing --br=BRIDGE$' "$h, argc 0: says what is missing"
	clean "$h, argc 0"

	# One argument of 128 KiB - 1 (MAX_ARG_STRLEN) in each position.
	big=$(head -c 131000 /dev/zero | tr '\0' 'b')
	tg_run "$H" -- --br="$big"
	refused "$h, 128 KiB bridge name" 1 "bridge name .* too long|name .*too long"
	assert_eq "$(wc -c <<<"$TG_ERR" | awk '{print ($1 < 4096)}')" 1 "$h, 128 KiB bridge name: the message stays short"
	tg_run "$H" -- --"$big"
	refused "$h, 128 KiB unknown argument" 1 "^unknown argument '--bbbb"
	assert_eq "$(wc -c <<<"$TG_ERR" | awk '{print ($1 < 4096)}')" 1 "$h, 128 KiB unknown argument: the message stays short"
	tg_run "$H" --no-fd -- --br=br0 --fd="$(head -c 100000 /dev/zero | tr '\0' '7')"
	refused "$h, 100000-digit --fd" 1 "^invalid --fd '7777"
	# Many arguments: 30000 repeats of an option, then a valid line.
	many=()
	for _ in $(seq 30000); do many+=(--use-vnet); done
	tg_run "$H" -- "${many[@]}" --br=br0
	granted "$h, 30000 repeated --use-vnet (last wins, still one tap)"
	tg_run "$H" -- "${many[@]}" --br=br1
	refused "$h, 30000 repeated --use-vnet, denied bridge" 2 '^access denied by acl file'

	# Control characters, escaped on stderr and in syslog.
	: > "$TG_LOG"
	tg_run "$H" -- --br=$'b\e]0;owned\a' --use-vnet
	refused "$h, OSC title sequence in --br" 4 "^failed to get mtu of bridge \`b\\\\x1b\]0;owned\\\\x07'"
	assert_no_ctl "$TG_ERR" "$h, OSC in --br: no raw control byte on stderr"
	tg_run "$H" -- $'--\e[2J\r\bx\x7f' --br=br0
	refused "$h, ESC/CR/BS/DEL in an unknown argument" 1 "^unknown argument '--\\\\x1b\[2J\\\\x0d\\\\x08x\\\\x7f'"
	assert_no_ctl "$TG_ERR" "$h, ESC/CR/BS/DEL in an unknown argument: no raw control byte on stderr"
	tg_run "$H" --no-fd -- --br=br0 --fd=$'3\r\ninjected: yes'
	refused "$h, CR LF in --fd" 1 "^invalid --fd '3\\\\x0d\\\\x0ainjected: yes'"
	assert_no_ctl "$TG_ERR" "$h, CR LF in --fd: no raw control byte on stderr"
	tg_run "$H" -- $'--br=\xff\xfe\x80'
	refused "$h, invalid UTF-8 in --br" 4 "^failed to get mtu of bridge \`\\\\xff\\\\xfe\\\\x80'"
	tg_log_sync
	assert_no_ctl "$(cat "$TG_LOG")" "$h, control characters: no raw control byte in syslog"
	assert_eq "$(grep -c '^injected' "$TG_LOG" || true)" 0 "$h, CR LF in --fd: no forged syslog line"

	# --- --fd that is not the caller's AF_UNIX stream socket --------------

	for kind in pipe file udp listening closed memfd unix-dgram-log; do
		set +e
		TG_OUT=$(tg_as_user /usr/bin/python3 - "$kind" "$H" --br=br0 2>"$TG_ROOT/stderr" <<'PY'
import os, socket, sys
kind, argv = sys.argv[1], sys.argv[2:]
keep = []
if kind == "pipe":
    r, w = os.pipe(); fd = w; keep.append(r)
elif kind == "file":
    fd = os.open("/etc/hostname", os.O_RDONLY)
elif kind == "udp":
    fd = socket.socket(socket.AF_INET, socket.SOCK_DGRAM).detach()
elif kind == "listening":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind("\0tgadv-listen-%d" % os.getpid()); s.listen(1); fd = s.detach()
elif kind == "memfd":
    fd = os.memfd_create("x", 0)
elif kind == "unix-dgram-log":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.connect("/dev/log"); fd = s.detach()
elif kind == "closed":
    fd = None
if fd is not None:
    os.dup2(fd, 9)
    os.set_inheritable(9, True)
else:
    try: os.close(9)
    except OSError: pass
os.execv(argv[0], argv + ["--fd=9"])
PY
)
		TG_RC=$?
		set -e
		TG_ERR=$(cat "$TG_ROOT/stderr")
		assert_eq "$TG_RC" 1 "$h, --fd is a $kind: exit 1"
		assert_match "$TG_ERR" '^invalid --fd=9: ' "$h, --fd is a $kind: 'invalid --fd=9: ...'"
		clean "$h, --fd is a $kind"
	done

	# --- descriptors and resource limits -------------------------------------

	tg_run /bin/sh -- -c 'exec "$0" "$@" <&- >&- 2>&-' "$H" --br=br0
	granted "$h, fds 0-2 closed"
	tg_run /bin/sh -- -c 'exec "$0" "$@" <&- >&- 2>&-' "$H" --br=br1
	assert_eq "$(tg_exit)" 2 "$h, fds 0-2 closed, denied: exit 2"
	clean "$h, fds 0-2 closed, denied"

	# A thousand inherited fds (no FD_CLOEXEC) in front of the socket.
	set +e
	TG_OUT=$(tg_as_user "$TG_BIN/tgadv" fds 1000 "$TG_BIN/tgclient" -- "$H" --br=br0 2>"$TG_ROOT/stderr")
	TG_RC=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
	granted "$h, 1000 inherited fds"

	# RLIMIT_NOFILE from 0 up: a grant or a refusal, never a crash into
	# one; at these sizes the ACL cannot even be opened.
	for n in 0 1 3 4 5 6 8; do
		set +e
		TG_OUT=$(tg_as_user "$TG_BIN/tgclient" -- /usr/bin/prlimit --nofile="$n" -- "$H" --br=br0 2>"$TG_ROOT/stderr")
		TG_RC=$?
		set -e
		TG_ERR=$(cat "$TG_ROOT/stderr")
		if [ "$TG_RC" = 0 ]; then
			granted "$h, RLIMIT_NOFILE=$n"
		else
			# 127: the loader could not open libc, before any of
			# tapgate's code ran.
			assert_match "$(tg_exit)" '^([1-7]|127)$' "$h, RLIMIT_NOFILE=$n: a refusal or a loader error, no signal (got $(tg_exit))"
			assert_match "$TG_ERR" '[a-z]' "$h, RLIMIT_NOFILE=$n: says why"
			assert_eq "$(kv nfds)" 0 "$h, RLIMIT_NOFILE=$n: no fd"
			clean "$h, RLIMIT_NOFILE=$n"
		fi
	done

	# Address space, data and stack limits from tiny up: where the
	# loader or malloc gives up the helper dies or refuses, and no tap
	# can exist yet; where it runs, it grants exactly one tap.
	for lim in --as=1048576 --as=4194304 --as=8388608 --as=16777216 --as=33554432 \
		--as=67108864 --data=65536 --data=1048576 --stack=16384 --stack=65536 --fsize=0; do
		set +e
		TG_OUT=$(tg_as_user "$TG_BIN/tgclient" -- /usr/bin/prlimit "$lim" -- "$H" --br=br0 2>"$TG_ROOT/stderr")
		TG_RC=$?
		set -e
		TG_ERR=$(cat "$TG_ROOT/stderr")
		if [ "$TG_RC" = 0 ]; then
			granted "$h, prlimit $lim"
		else
			# A refusal, or a death in the loader or before any
			# privileged step; either way nothing was handed over.
			assert_eq "$(kv nfds)" 0 "$h, prlimit $lim: refused or died ($(tg_exit)), no fd"
			assert_match "$(tg_exit)" '^([1-7]|127|signal(6|9|11|25))$' "$h, prlimit $lim: a refusal, a loader error or a fatal signal, never exit 0"
			clean "$h, prlimit $lim"
			echo "# $h, prlimit $lim: exit=$(tg_exit) ${TG_ERR:0:100}"
		fi
	done

	# --- signals at random moments ---------------------------------------

	set +e
	TG_OUT=$(tg_as_user "$TG_BIN/tgadv" storm 300 "$RANDOM" "$H" --use-vnet --br=br0 2>"$TG_ROOT/stderr")
	TG_RC=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
	echo "# $h storm: $(tr '\n' ' ' <<<"$TG_OUT")"
	assert_eq "$TG_RC" 0 "$h, 300 runs hit by SIGKILL / SIGSTOP+SIGCONT / SIGSTOP+SIGKILL / a closed socket: no exit 0 without exactly one fd"
	assert_match "$TG_OUT" 'violations=0' "$h, signal storm: no protocol violation"
	# A tap whose last fd was in flight on a socket tgadv closed is
	# freed by the kernel's af_unix garbage collector, asynchronously.
	tg_wait_until "the kernel to free the storm's last taps" no_taps_left
	clean "$h, signal storm"

	# --- tracing, namespaces, mounts -------------------------------------

	# strace by the same user: the kernel runs a traced setuid/file-caps
	# binary without its privilege, and tapgate says so.
	direct strace -f -o /dev/null "$TG_BIN/tgclient" -- "$H" --br=br0
	assert_eq "$(tg_exit)" 5 "$h under the same user's strace: exit 5"
	assert_match "$TG_ERR" "$NOPRIV" "$h under the same user's strace: no privilege"
	clean "$h under strace"

	direct unshare -r -n "$TG_BIN/tgclient" -- "$H" --br=br0
	assert_eq "$(tg_exit)" 5 "$h in 'unshare -r -n': exit 5"
	assert_match "$TG_ERR" '^tapgate refuses to run inside a user namespace' "$h in 'unshare -r -n': user namespace refused"
	clean "$h in unshare -r -n"

	direct setpriv --no-new-privs "$TG_BIN/tgclient" -- "$H" --br=br0
	assert_eq "$(tg_exit)" 5 "$h under no_new_privs: exit 5"
	assert_match "$TG_ERR" "${NOPRIV}.*no_new_privs is set" "$h under no_new_privs: names no_new_privs"
	clean "$h under no_new_privs"
done

# From a nosuid mount neither the setuid bit nor file caps take effect.
mkdir -p "$TG_ROOT/nosuid"
mount -t tmpfs -o nosuid,mode=0755 tg-nosuid "$TG_ROOT/nosuid"
install -m 4755 -o root -g root "$TG_BUILD/helper/tapgate" "$TG_ROOT/nosuid/tapgate"
install -m 0755 -o root -g root "$TG_BUILD/helper/tapgate" "$TG_ROOT/nosuid/tapgate-caps"
setcap cap_net_admin+ep "$TG_ROOT/nosuid/tapgate-caps"
for h in tapgate tapgate-caps; do
	tg_run "$TG_ROOT/nosuid/$h" -- --br=br0
	refused "$h on a nosuid mount" 5 "${NOPRIV} \(is its file system mounted nosuid"
done

# A file-caps install with more than cap_net_admin is a mistake (or a
# planted binary): refuse rather than quietly drop the extra.
for caps in cap_net_admin,cap_sys_admin+p cap_net_admin,cap_dac_override+ep cap_net_admin,cap_setpcap+p; do
	install -m 0755 -o root -g root "$TG_BUILD/helper/tapgate" "$TG_BIN/tapgate-xcaps"
	setcap "$caps" "$TG_BIN/tapgate-xcaps"
	tg_run "$TG_BIN/tapgate-xcaps" -- --br=br0
	refused "file caps $caps" 5 "^tapgate refuses to run with capabilities other than cap_net_admin"
done
rm -f "$TG_BIN/tapgate-xcaps"
