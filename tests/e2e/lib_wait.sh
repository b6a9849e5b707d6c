# SPDX-License-Identifier: GPL-2.0-or-later
# lib_wait.sh - waiting for events in the end-to-end tests (sourced by
# lib.sh).
#
# A test waits for the event it needs: a file a client creates once it
# holds its fd (tgclient --ready), a tap on a bridge, a line in the log.
# Never for the absence of a process (a helper that has not started yet
# is absent too) and never for a fixed time. Every wait is bounded and
# ends the test with a message naming what did not happen: a timeout is
# a failure, never a pass.

# Upper bound of one wait, in seconds. Generous: it is only reached
# when the event never comes, and a loaded CI machine is slow.
TG_WAIT_MAX=${TG_WAIT_MAX:-60}

# tg_wait_until DESC CMD...: poll CMD until it succeeds; after
# $TG_WAIT_MAX seconds, fail the test naming DESC.
tg_wait_until() {
	local desc=$1 start=${EPOCHREALTIME/./}
	shift
	until "$@"; do
		if [ $(( ${EPOCHREALTIME/./} - start )) -gt $((TG_WAIT_MAX * 1000000)) ]; then
			tg_die "timed out after ${TG_WAIT_MAX}s waiting for $desc"
		fi
		sleep 0.01
	done
}

# tg_wait_files DESC FILE...: wait until every FILE exists (e.g. each
# written by tgclient --ready=FILE).
tg_wait_files() {
	local desc=$1 f
	shift
	for f in "$@"; do
		tg_wait_until "$desc ($f)" test -e "$f"
	done
}

# tg_log_sync: wait until the syslog sink has written every message
# sent before this call. A helper's syslog() has queued its datagram
# on /dev/log when it returns, so once tgclient reported the helper's
# exit, a marker sent now is written after all of that helper's lines:
# when the marker's file appears, the log is complete. (logsink does
# not write the marker into $TG_LOG.)
tg_log_sync() {
	local mark
	mark=$TG_ROOT/logsync.$BASHPID.${EPOCHREALTIME/./}
	logger --socket-errors=on -u /dev/log -- "tg-sync $mark" ||
		tg_die "could not send a sync marker to /dev/log"
	tg_wait_until "the syslog sink to write every message sent so far" test -e "$mark"
	rm -f "$mark"
}
