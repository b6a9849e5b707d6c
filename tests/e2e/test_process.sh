#!/bin/bash
# Process hardening of the real setuid binary, as seen by strace (run
# as root, so the setuid transition still happens): no_new_privs,
# non-dumpable again after the id change, umask 077, cwd /, SIGPIPE
# ignored, SIGALRM default and unblocked, the 10 s watchdog armed.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

command -v strace >/dev/null || tg_die "strace missing (scripts/install-deps installs it)"
tg_bridge br0
tg_acl 'allow br0\n'
ST=${TG_KEEP_TRACE:-$TG_ROOT/process.strace}
# tgclient runs as the user; strace (root) follows it into the setuid exec.
strace -f -o "$ST" -e trace=execve,prctl,umask,chdir,rt_sigaction,rt_sigprocmask,alarm,setresuid,setresgid,openat \
	setpriv --reuid="$TG_UID" --regid="$TG_GID" --clear-groups -- \
	"$TG_BIN/tgclient" -- "$TG_BIN/tapgate" --br=br0 > "$TG_ROOT/out" 2>&1 || true
TG_OUT=$(cat "$TG_ROOT/out")
assert_eq "$(kv exit)" 0 "the traced grant succeeds"

# Only the tapgate process: from its execve on.
pid=$(grep -m1 'execve("[^"]*/bin/tapgate"' "$ST" | awk '{print $1}')
assert_match "$pid" '^[0-9]+$' "found tapgate's pid in the trace"
trace=$(awk -v p="$pid" '$1 == p' "$ST" | sed 's/^[0-9]* *//')
line() { grep -n -m1 -- "$1" <<<"$trace" | cut -d: -f1; }
# has REGEX DESC: a line of tapgate's trace matches (short report).
has() {
	if grep -Eq -- "$1" <<<"$trace"; then tg_ok "$2"; else
		TG_OUT="(trace in $ST)" TG_ERR= tg_notok "$2: no syscall matches /$1/"; fi
}

has '^prctl\(PR_SET_NO_NEW_PRIVS, 1' "no_new_privs is set"
has '^umask\(077\)' "umask 077"
has '^chdir\("/"\) += 0' "cwd is /"
has '^rt_sigaction\(SIGPIPE, \{sa_handler=SIG_IGN' "SIGPIPE ignored"
has '^rt_sigaction\(SIGALRM, \{sa_handler=SIG_DFL' "SIGALRM has its default action"
has '^rt_sigprocmask\(SIG_SETMASK, \[\]' "no signal stays blocked"
has '^alarm\(10\)' "the 10 s watchdog is armed"
setuid_ln=$(grep -n '^setresuid(4242, 4242, 4242)' <<<"$trace" | tail -n1 | cut -d: -f1)
dump_ln=$(grep -En '^prctl\(PR_SET_DUMPABLE, (0|SUID_DUMP_DISABLE)' <<<"$trace" | tail -n1 | cut -d: -f1)
assert_match "$setuid_ln" '^[0-9]+$' "drops to uid 4242"
if [ -n "$setuid_ln" ] && [ -n "$dump_ln" ] && [ "$dump_ln" -gt "$setuid_ln" ]; then
	tg_ok "non-dumpable is set again after the id change (which resets it)"
else
	tg_notok "non-dumpable is set again after the id change (setresuid at ${setuid_ln:-none}, last PR_SET_DUMPABLE 0 at ${dump_ln:-none})"
fi
acl_ln=$(line 'openat(AT_FDCWD, "/etc/qemu/bridge.conf"')
nnp_ln=$(line '^prctl(PR_SET_NO_NEW_PRIVS')
if [ -n "$acl_ln" ] && [ -n "$nnp_ln" ] && [ "$nnp_ln" -lt "$acl_ln" ] && [ "$dump_ln" -lt "$acl_ln" ]; then
	tg_ok "hardening and the drop come before the ACL is opened"
else
	tg_notok "hardening and the drop come before the ACL is opened (nnp ${nnp_ln:-none}, dumpable ${dump_ln:-none}, acl ${acl_ln:-none})"
fi
assert_no_taps "no tap left"
