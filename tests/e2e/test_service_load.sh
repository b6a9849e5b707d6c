#!/bin/bash
# The tapgate service under load: quotas hold for 50 concurrent callers
# through the service; one user holding 500 idle connections does not
# make another user's grant fail or take more than 2 s; clients killed
# at random moments leave no tap.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"
. "$(dirname "$0")/lib_service.sh"

tg_users
tg_logsink
tg_bridge br0
tg_service_start
GO=$TG_ROOT/go
H=$TG_BIN/tapgate

now_ms() { date +%s%3N; }

# wait_files N GLOB REGEX: until N files of GLOB contain a line REGEX.
wait_files() {
	local i
	for i in $(seq 3000); do
		[ "$(grep -l -E "$3" $2 2>/dev/null | wc -l)" -ge "$1" ] && return 0
		sleep 0.01
	done
	tg_die "only $(grep -l -E "$3" $2 2>/dev/null | wc -l) of $1 files of $2 have /$3/"
}

# --- quotas: 50 at once through the service against max 3 -------------------
racers=()
tg_acl 'allow br0 max 3\n'
for i in $(seq 50); do
	setpriv --reuid=4242 --regid=4242 --clear-groups --inh-caps=-all --no-new-privs -- \
		"$TG_BIN/tgclient" --hold="while [ ! -e $GO ]; do sleep 0.05; done" -- "$H" --br=br0 \
		> "$TG_ROOT/race.$i" 2>&1 &
	racers+=($!)
done
wait_files 50 "$TG_ROOT/race.*" '^exit='
granted=$(grep -l '^exit=0$' "$TG_ROOT"/race.* | wc -l)
refused=$(grep -l '^exit=8$' "$TG_ROOT"/race.* | wc -l)
assert_eq "$granted" 3 "50 concurrent callers through the service, max 3: exactly 3 granted"
assert_eq "$refused" 47 "... and the other 47 refused with exit 8 (quota)"
assert_eq "$(ip -o link show master br0 type tun | wc -l)" 3 "three taps on br0"
touch "$GO"
wait "${racers[@]}" || true
rm -f "$GO"
assert_no_taps "released: no tap left"

# --- 500 idle connections of one user vs another user's grant -----------------
tg_acl 'allow br0\n'
cat > "$TG_ROOT/hog.py" <<'PY'
import socket, sys
conns = []
for _ in range(int(sys.argv[2])):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    conns.append(s)
print("connected", flush=True)
sys.stdin.read()
PY
mkfifo "$TG_ROOT/hog.in"
setpriv --reuid=4243 --regid=4243 --clear-groups --inh-caps=-all -- \
	/usr/bin/python3 "$TG_ROOT/hog.py" "$TG_SOCK" 500 < "$TG_ROOT/hog.in" > "$TG_ROOT/hog.out" 2>&1 &
HOG=$!
exec 7> "$TG_ROOT/hog.in"
wait_files 1 "$TG_ROOT/hog.out" "^connected$"
t0=$(now_ms)
tg_run_nnp "$H" -- --br=br0
t1=$(now_ms)
assert_eq "$(tg_exit)" 0 "with 500 idle connections of bob's open, alice's grant succeeds"
echo "# alice's grant took $((t1 - t0)) ms behind 500 idle connections"
if [ $((t1 - t0)) -le 2000 ]; then tg_ok "... within 2 s ($((t1 - t0)) ms)"; else
	tg_notok "... within 2 s ($((t1 - t0)) ms)"; fi
exec 7>&-
wait "$HOG" || true
assert_no_taps "hog gone: no tap"

# --- clients killed at random moments ---------------------------------------------
tg_acl 'allow br0\n'
start=$(tg_service_ended)
conns0=$(grep -c '^Communication attempt' "$TG_SERVICE_LOG" || true)
# Each client (tgclient, the tapgate client it runs, the shell of
# --hold) lives in a pid namespace of its own: SIGKILL to that
# namespace's first process kills them all, and unshare returns only
# once all of them are gone (the kernel reaps a namespace before its
# init), so every fd a client held is closed when "wait" returns.
for i in $(seq 40); do
	unshare --pid --fork -- setpriv --reuid=4242 --regid=4242 --clear-groups --inh-caps=-all --no-new-privs -- \
		"$TG_BIN/tgclient" --hold='sleep 1' -- "$H" --br=br0 > /dev/null 2>&1 &
	pid=$!
	# A random moment: from before the connection to after the handover.
	sleep "0.0$((RANDOM % 30))"
	init=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null || true)
	[ -z "$init" ] || kill -KILL $init 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
done
conns=$(( $(grep -c '^Communication attempt' "$TG_SERVICE_LOG" || true) - conns0 ))
tg_service_wait_ended $((start + conns))
echo "# $conns of 40 killed clients had reached the service"
assert_no_taps "40 clients killed at random moments: no tap left"
assert_no_ports br0 "... and nothing on br0"
tg_service_stop
