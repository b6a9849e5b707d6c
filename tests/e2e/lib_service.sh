# SPDX-License-Identifier: GPL-2.0-or-later
# lib_service.sh - the tapgate service in the e2e sandbox (lib.sh).
#
# Source it after lib.sh and tg_sandbox. tg_service_start runs, as
# root, the command line tapgate@.service runs, under
# systemd-socket-activate --accept (one instance per connection, the
# connection on fd 3), listening on the socket path compiled into the
# helper. /run is a tmpfs of the sandbox's own, so nothing appears on
# the host.

# The socket the helper was built to ask (CMake TAPGATE_SERVICE_SOCKET).
tg_service_socket() {
	local s
	s=$(sed -n 's/^TAPGATE_SERVICE_SOCKET:STRING=//p' "$TG_BUILD/CMakeCache.txt" 2>/dev/null || true)
	echo "${s:-/run/tapgate/socket}"
}

TG_SOCK=$(tg_service_socket)
TG_SVC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
install -m 0755 "$TG_SVC_DIR/svcclient.py" "$TG_BIN/svcclient.py"

# tg_service_start [SERVICE-BINARY]: listen on $TG_SOCK; returns once
# the socket exists (mode 0666, as tapgate.socket's SocketMode=). Each
# instance starts as tapgate@.service starts it: root, with the unit's
# capability bounding set (CAP_NET_ADMIN CAP_SETUID CAP_SETGID) and
# no_new_privs.
tg_service_start() {
	local bin=${1:-$TG_BIN/tapgate-plain} i
	command -v systemd-socket-activate >/dev/null ||
		tg_die "missing systemd-socket-activate (package systemd)"
	if ! mountpoint -q /run || [ ! -e "$TG_ROOT/.run-mounted" ]; then
		mount -t tmpfs -o mode=0755 tg-run /run
		: > "$TG_ROOT/.run-mounted"
	fi
	mkdir -p "$(dirname "$TG_SOCK")"
	chmod 0755 "$(dirname "$TG_SOCK")"
	rm -f "$TG_SOCK"
	TG_SERVICE_LOG=$TG_ROOT/service.log
	systemd-socket-activate --accept -l "$TG_SOCK" \
		setpriv --bounding-set=-all,+net_admin,+setuid,+setgid --no-new-privs -- \
		"$bin" --serve >> "$TG_SERVICE_LOG" 2>&1 &
	TG_SERVICE_PID=$!
	for i in $(seq 250); do
		if [ -S "$TG_SOCK" ]; then
			chmod 0666 "$TG_SOCK"
			return 0
		fi
		sleep 0.02
	done
	tg_die "the service did not start listening on $TG_SOCK: $(cat "$TG_SERVICE_LOG")"
}

tg_service_stop() {
	[ -n "${TG_SERVICE_PID:-}" ] || return 0
	kill "$TG_SERVICE_PID" 2>/dev/null || true
	wait "$TG_SERVICE_PID" 2>/dev/null || true
	TG_SERVICE_PID=
	rm -f "$TG_SOCK"
}

# tg_nnp CMD...: as the user, with no_new_privs set (what QEMU's
# -sandbox on, Flatpak and NoNewPrivileges= do to a helper).
tg_nnp() {
	setpriv --no-new-privs "$@"
}

# tg_run_nnp [--groups=..] HELPER [TGCLIENT-OPTS...] -- [HELPER-ARGS...]:
# tg_run, with no_new_privs set on tgclient and so on the helper it
# runs (what QEMU's -sandbox on, Flatpak and NoNewPrivileges= do).
tg_run_nnp() {
	tg_run --nnp "$@"
}

# tg_svc_raw [--as=UID:GID] SVCCLIENT-OPTS...: the raw protocol client
# (svcclient.py) as the user; sets TG_OUT, TG_ERR, TG_RC.
tg_svc_raw() {
	local uid=$TG_UID gid=$TG_GID
	case "${1:-}" in
	--as=*) uid=${1#--as=}; gid=${uid#*:}; uid=${uid%%:*}; shift ;;
	esac
	set +e
	TG_OUT=$(setpriv --reuid="$uid" --regid="$gid" --clear-groups --inh-caps=-all \
		-- /usr/bin/python3 "$TG_BIN/svcclient.py" "$TG_SOCK" "$@" 2>"$TG_ROOT/stderr" </dev/null)
	TG_RC=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
}

# The number of instances that have ended (systemd-socket-activate's
# log), and waiting for N of them: the event that a request is done.
tg_service_ended() {
	grep -c 'died with code\|killed by signal\|exited' "$TG_SERVICE_LOG" 2>/dev/null || true
}
tg_service_wait_ended() { # N
	local i
	for i in $(seq 1000); do
		[ "$(tg_service_ended)" -ge "$1" ] && return 0
		sleep 0.01
	done
	tg_die "only $(tg_service_ended) of $1 service instances ended: $(tail -5 "$TG_SERVICE_LOG")"
}
