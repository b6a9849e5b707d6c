#!/bin/bash
# Differential: the same /etc/qemu/bridge.conf scenarios against the
# original qemu-bridge-helper (Debian's, installed setuid by lib.sh) and
# tapgate. Where the original is correct the decisions must be equal
# (both hand over an fd, or both fail), and a refusal's last line starts
# with the original's message. Where the original is wrong and tapgate
# deliberately differs (REFERENCE.md, "Original flaws we fix"), both
# behaviours are asserted side by side. A table is printed at the end.
#
# The original opens /dev/net/tun after dropping to the caller, so the
# device must be 0666 here (as on a stock Debian host).
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

ORIG=$TG_BIN/qemu-bridge-helper
NEW=$TG_BIN/tapgate
[ -x "$ORIG" ] || tg_die "no /usr/lib/qemu/qemu-bridge-helper: install qemu-system-common"

tg_tun_mode 0666
tg_bridge br0
tg_bridge br1
tg_bridge ALL
LONG16=abcdefghijklmnop   # 16 bytes: one more than an interface name may have

TABLE=()

# outcome HELPER [--groups=..] BRIDGE: sets OUTCOME to "grant", "fail(N)"
# or "crash(sigN)", and OUTERR to the helper's stderr.
outcome() {
	local helper=$1 grp=()
	shift
	case "$1" in --groups=*) grp=("$1"); shift ;; esac
	tg_run "${grp[@]}" "$helper" -- --use-vnet --br="$1"
	set +e
	local ex
	ex=$(tg_exit)
	if [ "$TG_RC" = 0 ]; then
		OUTCOME=grant
	elif [[ $ex == signal* ]]; then
		OUTCOME="crash(sig${ex#signal})"
	else
		OUTCOME="fail($ex)"
	fi
	OUTERR=$TG_ERR
}

decision() { # OUTCOME -> grant|deny
	if [ "$1" = grant ]; then echo grant; else echo deny; fi
}

# same NAME BRIDGE EXPECTED [--groups=..]: both helpers must reach the
# same decision, and it must be EXPECTED (grant|deny).
same() {
	local name=$1 br=$2 want=$3 grp=("${@:4}") o n
	outcome "$ORIG" "${grp[@]}" "$br"; o=$OUTCOME; local oerr=$OUTERR
	outcome "$NEW" "${grp[@]}" "$br"; n=$OUTCOME
	TABLE+=("$name|$br|$o|$n")
	assert_eq "$(decision "$o")" "$want" "original: $name: $br -> $want"
	if [ "$(decision "$o")" = "$(decision "$n")" ]; then
		tg_ok "same decision: $name: $br ($o / $n)"
	else
		TG_ERR="original: $oerr | tapgate: $OUTERR"
		tg_notok "same decision: $name: $br (original $o, tapgate $n)"
	fi
	if [ "$(decision "$o")" = deny ]; then
		# Users search for the original's message: ours starts with it.
		local olast nlast
		olast=$(tail -n1 <<<"$oerr")
		nlast=$(tail -n1 <<<"$OUTERR")
		if [ -n "$olast" ] && [[ $nlast == "$olast"* ]]; then
			tg_ok "$name: message starts with the original's '$olast'"
		else
			TG_ERR=$OUTERR
			tg_notok "$name: message '$nlast' does not start with the original's '$olast'"
		fi
	fi
	assert_no_taps "$name: no tap left behind"
}

# differ NAME BRIDGE ORIG_WANT NEW_WANT [--groups=..]: a documented
# divergence; each WANT is an exact outcome (grant, fail(N), crash(sigN))
# or a decision (deny).
differ() {
	local name=$1 br=$2 owant=$3 nwant=$4 grp=("${@:5}") o n
	outcome "$ORIG" "${grp[@]}" "$br"; o=$OUTCOME; ORIG_ERR=$OUTERR
	outcome "$NEW" "${grp[@]}" "$br"; n=$OUTCOME; NEW_ERR=$OUTERR
	TABLE+=("$name|$br|$o|$n")
	if [ "$owant" = deny ]; then o=$(decision "$o"); fi
	if [ "$nwant" = deny ]; then n=$(decision "$n"); fi
	TG_ERR=$ORIG_ERR
	assert_eq "$o" "$owant" "original: $name: $br"
	TG_ERR=$NEW_ERR
	assert_eq "$n" "$nwant" "tapgate: $name: $br"
	assert_no_taps "$name: no tap left behind"
}

# --- configurations the original handles correctly ----------------------

tg_acl 'allow br0\n'
same "allow name" br0 grant
same "allow name, other bridge" br1 deny

tg_acl 'allow all\n'
same "allow all" br0 grant
same "allow all" br1 grant

tg_acl 'allow all\ndeny br0\n'
same "deny name (after allow all)" br0 deny
same "deny name (after allow all), other bridge" br1 grant

tg_acl 'deny br0\nallow all\n'
same "deny name (before allow all)" br0 deny
same "deny name (before allow all), other bridge" br1 grant

tg_acl 'allow br0\ndeny all\n'
same "deny all after allow" br0 deny
tg_acl 'deny all\nallow br0\n'
same "deny all before allow" br0 deny

tg_acl 'allow br0\ndeny br0\n'
same "deny beats allow (allow first)" br0 deny
tg_acl 'deny br0\nallow br0\n'
same "deny beats allow (deny first)" br0 deny

tg_acl 'allow br1\n'
same "default deny" br0 deny

tg_acl ''
same "empty file" br0 deny

tg_acl '# allow br1\n#allow br0\n   # deny br0\nallow br0\n'
same "comments" br0 grant
same "comments (commented rule)" br1 deny

tg_acl '\n\n   \n\t\nallow br0\n\n'
same "blank lines" br0 grant

tg_acl 'allow br0\r\ndeny br1\r\n'
same "CRLF" br0 grant
same "CRLF (deny)" br1 deny

tg_acl 'allow\tbr0\n\tallow br1\n'
same "tab separator" br0 grant
same "leading tab" br1 grant

tg_acl '   allow   br0   \n\t allow br1 \t \n'
same "leading/trailing whitespace" br0 grant
same "leading/trailing whitespace (tabs)" br1 grant

tg_acl 'allow br0'
same "no final newline" br0 grant

tg_acl 'allow ALL\n'
same "'allow ALL' is a bridge named ALL" ALL grant
same "'allow ALL' is not 'allow all'" br0 deny

tg_acl 'Allow br0\n'
same "keywords are case-sensitive (Allow)" br0 deny
tg_acl 'ALLOW all\n'
same "keywords are case-sensitive (ALLOW)" br0 deny

tg_acl 'allow br1\n' /etc/qemu/inc.conf
tg_acl 'include /etc/qemu/inc.conf\n'
same "include (absolute path)" br1 grant
same "include (absolute path), other bridge" br0 deny

tg_acl 'allow br1\n' /etc/qemu/grp.conf 0640 root:$TG_OTHER_GID
tg_acl 'allow br0\ninclude /etc/qemu/grp.conf\n'
same "group-readable include, member" br1 grant --groups=$TG_OTHER_GID
same "group-readable include, not a member" br1 deny
same "group-readable include, not a member, own rule" br0 grant

tg_acl 'allow br0\n' /etc/qemu/bridge.conf 0640 root:$TG_OTHER_GID
same "top-level root:$TG_OTHER_GID 0640, member" br0 grant --groups=$TG_OTHER_GID
same "top-level root:$TG_OTHER_GID 0640, not a member" br0 deny

pad=$(printf '%*s' 4085 '')     # "allow br0" + 4085 spaces = 4094 bytes
tg_acl "allow br0${pad}\n"
same "4094-byte line" br0 grant
# A 4095-byte line: the original reads it in two calls with an empty
# tail, so it works there; it is tapgate's longest line too.
tg_acl "allow br0${pad} \n"
same "4095-byte line (longest both read whole)" br0 grant

# --- documented divergences ---------------------------------------------

# Missing include: the original ignores it (fail open), we refuse.
tg_acl 'allow br0\ninclude /etc/qemu/missing.conf\n'
differ "missing include" br0 grant "fail(3)"
assert_match "$NEW_ERR" "included file '/etc/qemu/missing.conf' does not exist" \
	"tapgate names the missing include"

# Syntax error inside an include: the original drops the rest of that
# file (here the deny), so it grants; we refuse the whole ACL.
tg_acl 'alow br1\ndeny br0\n' /etc/qemu/inc.conf
tg_acl 'allow br0\ninclude /etc/qemu/inc.conf\n'
differ "syntax error inside include (rest ignored)" br0 grant "fail(3)"
assert_match "$NEW_ERR" "/etc/qemu/inc.conf:1: unknown keyword 'alow'" \
	"tapgate names the file and line of the syntax error"

# ... rules before the error in the include still count for the original.
tg_acl 'deny br0\nbogus\n' /etc/qemu/inc.conf
differ "syntax error inside include (rules before it kept)" br0 deny "fail(3)"

# A 16-byte name inside an include: error in the include, ignored.
tg_acl "allow $LONG16\ndeny br0\n" /etc/qemu/inc.conf
differ "16-byte name inside include" br0 grant "fail(3)"

# A 16-byte name at top level: both refuse (the original's whole parse fails).
tg_acl "allow br0\nallow $LONG16\n"
differ "16-byte name at top level" br0 "fail(1)" "fail(3)"
assert_match "$ORIG_ERR" "name \`$LONG16' too long: 16" "original: too-long name message"
assert_match "$NEW_ERR" "name \`$LONG16' too long: 16" "tapgate: keeps the original's message"

# A 16-byte --br: both refuse before reading the ACL, same message.
tg_acl 'allow all\n'
differ "16-byte --br" "$LONG16" "fail(1)" "fail(1)"
assert_match "$ORIG_ERR" "^name \`$LONG16' too long: 16" "original: --br too long message"
assert_match "$(tail -n1 <<<"$NEW_ERR")" "^name \`$LONG16' too long: 16" \
	"tapgate: --br too long message starts like the original's"

# Relative include: the original resolves it against the caller's cwd,
# so a file the user plants there grants access. tapgate resolves it
# against /etc/qemu (where there is no rel.conf) and refuses.
printf 'allow br1\n' > "$PWD/rel.conf"
chown "$TG_UID:$TG_GID" "$PWD/rel.conf"
tg_acl 'allow br0\ninclude rel.conf\n'
differ "relative include, user-planted in the cwd" br1 grant "fail(3)"
assert_match "$NEW_ERR" "included file '/etc/qemu/rel.conf' does not exist" \
	"tapgate looked for rel.conf in /etc/qemu, not in the cwd"
rm -f "$PWD/rel.conf"

# Trailing comment: the original makes a rule for 'br0 # x' and denies
# br0; tapgate reads '#' after whitespace as a comment and grants.
tg_acl 'allow br0 # x\n'
differ "trailing comment 'allow br0 # x'" br0 deny grant

# Tab separator followed by a later space: the original splits at the
# first space ('allow\tbr0' is then an unknown command) and fails.
tg_acl 'allow\tbr0 \n'
differ "tab separator then trailing space" br0 "fail(1)" grant
assert_match "$ORIG_ERR" "Unknown command" "original: unknown command for 'allow<TAB>br0 '"

# Over-long line: the original reads 4095 bytes, then parses the tail
# as a new line, so a long comment smuggles in a rule. We refuse.
hashes=$(printf '#%.0s' $(seq 4095))
tg_acl "${hashes}allow br0\n"
differ "over-long comment line split into a rule" br0 grant "fail(3)"
assert_match "$NEW_ERR" "line longer than 4095 bytes" "tapgate: over-long line is an error"

# Self-include: the original recurses, one open FILE and a 4 KiB line
# buffer per level. With 4096 fds its 8 MiB stack overflows first; with
# 1024 fopen() fails first (ignored), every level then reads the
# 'allow br0' after the include, and it grants. Fixed limits make both
# outcomes deterministic; these run last because they change them.
tg_acl 'include /etc/qemu/bridge.conf\nallow br0\n'
ulimit -s 8192
ulimit -n 4096
differ "self-include (nofile 4096)" br0 "crash(sig11)" "fail(3)"
assert_match "$NEW_ERR" "include cycle" "tapgate: include cycle named"
ulimit -n 1024
differ "self-include (nofile 1024)" br0 grant "fail(3)"

# --- summary --------------------------------------------------------------

echo "#"
printf '# %-52s %-17s %-12s %-9s %s\n' scenario bridge original tapgate decisions
for row in "${TABLE[@]}"; do
	IFS='|' read -r s b o n <<<"$row"
	k=same
	[ "$(decision "$o")" = "$(decision "$n")" ] || k=DIFFER
	printf '# %-52s %-17s %-12s %-9s %s\n' "$s" "$b" "$o" "$n" "$k"
done
