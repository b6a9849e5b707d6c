#!/bin/bash
# The system call filter (helper/seccomp.c): installed in the real
# binary once the ACL is loaded, and what it leaves out kills.
#
# 1. tgseccomp links the very object the helper links, installs it and
#    makes one call: the calls a grant and every refusal make pass, the
#    ones an attacker who took over the process would want are killed by
#    SIGSYS (exec, open, other sockets and ioctls, executable memory,
#    fork, ptrace, kill, id changes, another ABI).
# 2. The real setuid and file-caps binaries are held mid-grant, with a
#    live tap, by a /dev/log whose queue is full (syslog() blocks in
#    send): /proc/PID/status shows the filter (Seccomp: 2), no
#    effective capability and the caller's ids; the same user cannot
#    ptrace it or read its memory or environment; releasing the log
#    completes the grant; SIGKILL instead leaves no tap; and a log that
#    stays stuck ends in the 10 s watchdog, with no tap left.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_bridge br0
tg_acl 'allow br0\n'

SECCOMP_ON=0
grep -q '^TAPGATE_SECCOMP:BOOL=ON' "$TG_BUILD/CMakeCache.txt" && SECCOMP_ON=1
[ "$SECCOMP_ON" = 1 ] || echo "# built with -DTAPGATE_SECCOMP=OFF: asserting that no filter is installed"

# --- 1. the filter alone --------------------------------------------------

tg_logsink
probe() { # PROBE allowed|killed
	local rc
	set +e
	tg_as_user "$TG_BIN/tgseccomp" "$1" >/dev/null 2>"$TG_ROOT/probe.err"
	rc=$?
	set -e
	if [ "$2" = allowed ]; then
		assert_eq "$rc" 0 "filter: $1 is allowed"
	elif [ "$SECCOMP_ON" = 1 ]; then
		assert_eq "$rc" 159 "filter: $1 kills the process with SIGSYS (128+31)"
	else
		assert_no_match "$rc" '^159$' "filter off: $1 is not killed"
	fi
}
for p in stderr stderr-pipe netlink syslog tun-ioctls malloc exit; do
	probe "$p" allowed
done
for p in execve open openat-create socket-inet socket-packet netlink-other \
	ioctl-other ioctl-ifindex ioctl-tiocsti fionread-other fcntl-other fcntl-setfl sleep-realtime write-stdout mmap-exec mprotect-exec fork \
	ptrace kill setuid prctl chmod unlink x32-write; do
	probe "$p" killed
done
tg_log_sync
assert_match "$(cat "$TG_LOG")" 'tgseccomp\[[0-9]+\]: tgseccomp: syslog works' "filter: syslog reaches /dev/log under the filter"
kill "$TG_LOGSINK_PID"
wait "$TG_LOGSINK_PID" 2>/dev/null || true
TG_LOGSINK_PID=
rm -f /dev/log

# --- 2. the real binary, held mid-grant -----------------------------------

# jam_start: a /dev/log that accepts nothing more; jam_release lets the
# blocked syslog() fail, and the helper carry on.
jam_start() {
	coproc JAM { exec "$TG_BIN/tgadv" jam /dev/log; }
	local line
	read -r -t 10 line <&"${JAM[0]}" || true
	[ "$line" = jammed ] || tg_die "tgadv jam did not start"
	JAM_IN=${JAM[1]}
}
jam_release() {
	exec {JAM_IN}>&-
	wait "$JAM_PID" 2>/dev/null || true
}

# The helper's pid once it is blocked: the only 'tapgate' in this pid
# namespace, sleeping in sendto.
held_pid() {
	local i pid
	for i in $(seq $((TG_WAIT_MAX * 20))); do
		for pid in $(pgrep -x "$1" || true); do
			# sendto on the full /dev/log queue, not one of libnl's
			# quick netlink sendto calls
			if [ "$(cut -d' ' -f1 "/proc/$pid/syscall" 2>/dev/null)" = 44 ] &&
				[ "$(cat "/proc/$pid/wchan" 2>/dev/null)" = unix_wait_for_peer ]; then
				echo "$pid"
				return
			fi
		done
		sleep 0.05
	done
}

held() { # LABEL HELPER
	local label=$1 helper=$2 name pid st out
	name=$(basename "$helper")
	jam_start
	tg_as_user "$TG_BIN/tgclient" -- "$helper" --use-vnet --br=br0 > "$TG_ROOT/held.out" 2>"$TG_ROOT/held.err" &
	local client=$!
	pid=$(held_pid "$name")
	if [ -z "$pid" ]; then
		tg_notok "$label: the helper blocks in syslog's send (no pid found)"
		jam_release
		wait "$client" || true
		return
	fi
	tg_ok "$label: the helper is held in syslog's send (pid $pid)"
	st=$(cat "/proc/$pid/status")
	if [ "$SECCOMP_ON" = 1 ]; then
		assert_match "$st" $'^Seccomp:\t2$' "$label: the filter is installed (Seccomp: 2, filter mode)"
		assert_match "$st" $'^Seccomp_filters:\t1$' "$label: exactly one filter"
	else
		assert_match "$st" $'^Seccomp:\t0$' "$label: no filter (built without TAPGATE_SECCOMP)"
	fi
	assert_match "$st" $'^NoNewPrivs:\t1$' "$label: no_new_privs"
	assert_match "$st" $'^Uid:\t4242\t4242\t4242\t4242$' "$label: runs as the caller, all four uids"
	assert_match "$st" $'^CapEff:\t0000000000000000$' "$label: no effective capability while logging"
	assert_match "$st" $'^CapPrm:\t0000000000001000$' "$label: only cap_net_admin permitted"
	assert_match "$(ip -o link show type tun)" 'master br0' "$label: the tap exists and is on br0 meanwhile"
	out=$(tg_as_user "$TG_BIN/tgadv" ptrace "$pid")
	assert_match "$out" '^ptrace_attach=EPERM$' "$label: the same user cannot PTRACE_ATTACH"
	assert_match "$out" '^ptrace_seize=EPERM$' "$label: the same user cannot PTRACE_SEIZE"
	for f in environ mem maps auxv; do
		if tg_as_user cat "/proc/$pid/$f" >/dev/null 2>&1; then
			tg_notok "$label: /proc/PID/$f is not readable by the same user"
		else
			tg_ok "$label: /proc/PID/$f is not readable by the same user"
		fi
	done
	if tg_as_user ls "/proc/$pid/fd" >/dev/null 2>&1; then
		tg_notok "$label: /proc/PID/fd is not listable by the same user"
	else
		tg_ok "$label: /proc/PID/fd is not listable by the same user"
	fi
	jam_release
	wait "$client" || true
	TG_OUT=$(cat "$TG_ROOT/held.out") TG_ERR=$(cat "$TG_ROOT/held.err")
	assert_eq "$(kv exit)" 0 "$label: released, the grant completes"
	assert_eq "$(kv nfds)" 1 "$label: released, one fd handed over"
	assert_no_taps "$label: no tap left"
}

held "setuid" "$TG_BIN/tapgate"
tg_tun_mode 0666
held "file caps" "$TG_BIN/tapgate-caps"
tg_tun_mode 0600

# Held, then killed: the tap goes with it.
jam_start
tg_as_user "$TG_BIN/tgclient" -- "$TG_BIN/tapgate" --br=br0 > "$TG_ROOT/held.out" 2>&1 &
client=$!
pid=$(held_pid tapgate)
assert_match "${pid:-none}" '^[0-9]+$' "held then killed: the helper is held"
[ -z "$pid" ] || tg_as_user kill -KILL "$pid"
wait "$client" || true
jam_release
TG_OUT=$(cat "$TG_ROOT/held.out")
assert_eq "$(kv exit)" signal9 "held then killed by its user: dies of SIGKILL"
assert_eq "$(kv nfds)" 0 "held then killed: no fd handed over"
assert_no_taps "held then killed: the tap went with the process"

# A syslog that never recovers: the watchdog ends the helper at 10 s.
jam_start
start=$(date +%s)
tg_as_user "$TG_BIN/tgclient" -- "$TG_BIN/tapgate" --br=br0 > "$TG_ROOT/held.out" 2>&1 || true
took=$(( $(date +%s) - start ))
jam_release
TG_OUT=$(cat "$TG_ROOT/held.out")
assert_eq "$(kv exit)" signal14 "stuck syslog: the 10 s watchdog (SIGALRM) ends the helper"
if [ "$took" -ge 9 ] && [ "$took" -le 15 ]; then tg_ok "stuck syslog: ended after ${took} s"; else tg_notok "stuck syslog: ended after ${took} s, want about 10"; fi
assert_eq "$(kv nfds)" 0 "stuck syslog: no fd handed over"
assert_no_taps "stuck syslog: no tap left"
