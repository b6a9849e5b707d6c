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

# tg_service_start [SERVICE-BINARY]: listen on $TG_SOCK; returns once
# the socket exists (mode 0666, as tapgate.socket's SocketMode=).
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
	systemd-socket-activate --accept -l "$TG_SOCK" "$bin" --serve \
		>> "$TG_SERVICE_LOG" 2>&1 &
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
	local grp=(--clear-groups) helper opts=()
	case "${1:-}" in
	--groups=*) grp=("$1"); shift ;;
	esac
	helper=$1
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	local errexit=0
	case $- in *e*) errexit=1 ;; esac
	set +e
	TG_OUT=$(setpriv --reuid="$TG_UID" --regid="$TG_GID" "${grp[@]}" \
		--inh-caps=-all --no-new-privs -- "$TG_BIN/tgclient" "${opts[@]}" -- \
		"$helper" "$@" 2>"$TG_ROOT/stderr")
	TG_RC=$?
	[ "$errexit" = 0 ] || set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
}
