#!/bin/bash
# Adversarial: ACL files that point where they should not, against both
# installs, with a canary string planted in every target file. Each
# case must refuse (or skip an unreadable include, as documented) with a
# clear message, and the canary must never appear on stdout, stderr or
# in syslog: tapgate reads ACL files with the caller's credentials, so
# nothing the caller could not read can leak, and what it reports about
# a file is its name, never its content. Names and paths with control
# characters are escaped on stderr and in syslog. (test_aclfiles.sh
# covers the setuid install's grammar, ownership, symlink and
# non-regular-file rules; this adds the canaries, the file-caps
# install, symlinked parent directories, secret system files, /proc and
# log injection through the ACL.)
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_bridge br0
tg_bridge br1
tg_tun_mode 0666
tg_logsink
CANARY=TGCANARY-acl-5be2
PARSE_RE="^failed to parse default acl file \`/etc/qemu/bridge\.conf': "

reset_etc() {
	find /etc/qemu -mindepth 1 -delete
	: > "$TG_LOG"
}

# A secret the caller may not read: /etc/shadow of this sandbox (the
# /etc overlay), root:shadow 0640, its first token the canary.
printf '%s:$y$j9T$notarealhash:19000:0:99999:7:::\nroot:*:19000:0:99999:7:::\n' "$CANARY" > /etc/shadow
chown root:shadow /etc/shadow
chmod 0640 /etc/shadow
SHADOW_GID=$(getent group shadow | cut -d: -f3)
mkdir -p /etc/secret
printf 'allow br1\n%s br0\n' "$CANARY" > /etc/secret/root-only.conf
chmod 0600 /etc/secret/root-only.conf
# A directory the caller owns.
UDIR=$TG_ROOT/home/udir
mkdir -p "$UDIR"
chown "$TG_UID:$TG_GID" "$UDIR"

# outcome LABEL CODE REGEX [--groups=G]: run HELPER for br1 (which only
# a leaked or wrongly honoured rule could allow), expect exit CODE, a
# message matching REGEX, no fd, no tap, no port, no canary anywhere.
outcome() {
	local label=$1 code=$2 re=$3
	shift 3
	tg_run "$@" "$H" -- --br=br1
	tg_log_sync
	assert_eq "$(tg_exit)" "$code" "$h, $label: exit $code"
	assert_match "$TG_ERR" "$re" "$h, $label: message"
	assert_eq "$(kv nfds)" 0 "$h, $label: no fd"
	assert_no_taps "$h, $label: no tap left"
	assert_no_ports br1 "$h, $label: no port on br1"
	assert_no_leak "$CANARY" "$h, $label: the canary appears in no output and not in syslog"
	assert_no_ctl "$TG_ERR" "$h, $label: no raw control byte on stderr"
	assert_no_ctl "$(cat "$TG_LOG")" "$h, $label: no raw control byte in syslog"
}


for h in tapgate tapgate-caps; do
	H=$TG_BIN/$h

	# --- secret files --------------------------------------------------

	reset_etc
	ln -s /etc/shadow /etc/qemu/bridge.conf
	outcome "top-level symlinked to /etc/shadow" 3 "${PARSE_RE}'/etc/qemu/bridge\.conf' is a symlink"

	reset_etc
	tg_acl 'allow br0\ninclude /etc/shadow\n'
	outcome "include /etc/shadow (not readable by the caller)" 2 \
		"^access denied by acl file: uid 4242 may not use bridge 'br1': no rule in"

	reset_etc
	tg_acl 'include /etc/secret/root-only.conf\n'
	outcome "include of a root-only 0600 file that would allow br1" 2 \
		"^access denied by acl file: uid 4242 may not use bridge 'br1'"

	reset_etc
	ln -s /etc/secret/root-only.conf /etc/qemu/bridge.conf
	outcome "top-level symlinked to a root-only file" 3 "is a symlink"

	reset_etc
	cp /etc/secret/root-only.conf /etc/qemu/bridge.conf
	outcome "top-level itself root-only 0600" 3 "${PARSE_RE}permission denied: the caller may not read it"

	# A member of group shadow may read /etc/shadow anyway, so the
	# parse error on their stderr may quote it; syslog (authpriv, often
	# readable by group adm) must not: it gets only file:line.
	reset_etc
	tg_acl 'allow br0\ninclude /etc/shadow\n'
	tg_run --groups="$SHADOW_GID" "$H" -- --br=br1
	tg_log_sync
	assert_eq "$(tg_exit)" 3 "$h, include /etc/shadow, caller in group shadow: exit 3"
	assert_no_taps "$h, include /etc/shadow, caller in group shadow: no tap"
	assert_no_match "$(cat "$TG_LOG")" "$CANARY" "$h, include /etc/shadow, caller in group shadow: nothing of it in syslog"
	assert_match "$(cat "$TG_LOG")" "problem at /etc/shadow:1 \\(shown to the caller only" \
		"$h, include /etc/shadow, caller in group shadow: syslog names file:line"
	assert_match "$TG_ERR" "^failed to parse default acl file .*/etc/shadow:1: " \
		"$h, include /etc/shadow, caller in group shadow: the caller, who may read it, is told what is wrong"

	# /proc: the helper is non-dumpable, so its own /proc/self files
	# are root's and closed to the caller; the caller's environment
	# (here carrying the canary) is not read back.
	reset_etc
	tg_acl 'allow br0\ninclude /proc/self/environ\n'
	set +e
	TG_OUT=$(tg_as_user /usr/bin/env "TGLEAK=$CANARY" "$TG_BIN/tgclient" -- "$H" --br=br1 2>"$TG_ROOT/stderr")
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
	tg_log_sync
	assert_match "$(tg_exit)" '^[23]$' "$h, include /proc/self/environ: refused ($(tg_exit))"
	assert_no_leak "$CANARY" "$h, include /proc/self/environ: the caller's environment is not echoed"
	assert_no_taps "$h, include /proc/self/environ: no tap"

	reset_etc
	tg_acl 'allow br0\ninclude /proc/self/fd/0\n'
	outcome "include /proc/self/fd/0 (a magic link)" 3 "is a symlink"

	# --- not regular files ---------------------------------------------

	reset_etc
	mkfifo -m 0644 /etc/qemu/bridge.conf
	outcome "top-level FIFO" 3 "${PARSE_RE}'/etc/qemu/bridge\.conf' is not a regular file"
	reset_etc
	tg_acl 'allow br1\ninclude /dev/zero\n'
	outcome "include /dev/zero" 3 "cannot include '/dev/zero': '/dev/zero' is not a regular file"
	reset_etc
	mkdir /etc/qemu/conf.d
	tg_acl 'allow br1\ninclude conf.d\n'
	outcome "include of a directory" 3 "is not a regular file"

	# --- symlinked parent directories ------------------------------------

	# /etc/qemu/d -> a directory the caller owns: whatever the caller
	# plants there is theirs (refused as not root's), or a symlink
	# (refused), or gone (a missing include fails the load).
	reset_etc
	ln -s "$UDIR" /etc/qemu/d
	tg_acl 'include d/user.conf\n'
	rm -f "$UDIR"/*
	tg_as_user sh -c "printf 'allow br1\n' > '$UDIR/user.conf'; chmod 0644 '$UDIR/user.conf'"
	outcome "include through a symlinked parent to the caller's directory: caller's file" 3 "is owned by uid 4242, not root"
	rm -f "$UDIR/user.conf"
	tg_as_user ln -s /etc/secret/root-only.conf "$UDIR/user.conf"
	outcome "... the caller's symlink to a root-only file" 3 "is a symlink"
	rm -f "$UDIR/user.conf"
	tg_as_user ln /etc/shadow "$UDIR/user.conf" 2>/dev/null || true
	if [ -e "$UDIR/user.conf" ]; then
		outcome "... a hard link the caller made to /etc/shadow" 3 "."
	else
		tg_ok "$h, ... a hard link to /etc/shadow cannot even be made (fs.protected_hardlinks)"
	fi
	rm -f "$UDIR/user.conf"
	outcome "... the caller removed the file" 3 "does not exist"
	# The top-level file's own directory a symlink to the caller's.
	rm -rf /etc/qemu
	ln -s "$UDIR" /etc/qemu
	tg_as_user sh -c "printf 'allow br1\n' > '$UDIR/bridge.conf'"
	outcome "/etc/qemu itself symlinked to the caller's directory" 3 "is owned by uid 4242, not root"
	rm -f /etc/qemu "$UDIR/bridge.conf"
	mkdir -m 0755 /etc/qemu

	# --- log injection through the ACL -------------------------------------

	reset_etc
	# (No '[' in it: that would make the last component a glob.)
	tg_acl 'allow br0\ninclude /etc/qemu/\033]0;title\007red.conf\n'
	outcome "include path with ESC/BEL (missing file)" 3 "included file '/etc/qemu/\\\\x1b\]0;title\\\\x07red\.conf' does not exist"
	reset_etc
	tg_acl 'allow br0\nal\001low br1\n'
	outcome "SOH inside a keyword" 3 "unknown keyword 'al\\\\x01low'"
	reset_etc
	tg_acl 'allow br0\nallow b\033r/1\n'
	outcome "ESC and / in a rule's bridge name" 3 "/etc/qemu/bridge\.conf:2: "
	reset_etc
	tg_acl 'allow br0\ninclude /etc/qemu/x\0177\010y.conf\n'
	outcome "DEL and BS in an include path" 3 "x\\\\x7f\\\\x08y\.conf"
	assert_eq "$(grep -c '^injected\|^title' "$TG_LOG" || true)" 0 "$h, no forged syslog line"
done
