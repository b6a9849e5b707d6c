#!/bin/bash
# Audit: one syslog line per decision, at authpriv.info for a grant and
# authpriv.warning for a refusal (PRI = facility * 8 + severity:
# authpriv is 10, so <86> and <84>), with user-supplied text escaped.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_bridge br0
tg_bridge br1
tg_acl 'allow br0\n'
tg_logsink

# log_after N: the lines after line N of $TG_LOG, once every line sent
# so far is written (the helper run by tg_run has exited by then).
log_after() {
	tg_log_sync
	tail -n +$(($1 + 1)) "$TG_LOG"
}
nlines() { wc -l < "$TG_LOG"; }
# A line holding a raw control byte other than the newline, or DEL.
has_ctl() { LC_ALL=C grep -c $'[\x01-\x09\x0b-\x1f\x7f]' "$@" || true; }

# --- grant -------------------------------------------------------------

n=$(nlines)
tg_run "$TG_BIN/tapgate" -- --use-vnet --br=br0
assert_eq "$TG_RC" 0 "grant succeeds"
tap=$(sed -n 's/^ifname=//p' <<<"$TG_OUT")
log=$(log_after "$n")
# The first grant on a bridge whose address no admin set pins it, once.
assert_eq "$(wc -l <<<"$log")" 2 "first grant on br0: two log lines"
assert_match "$(sed -n 1p <<<"$log")" '^<85>.* pinned uid=4242 .* bridge=br0 canonical=br0 address=([0-9a-f]{2}:){5}[0-9a-f]{2} reason=' \
	"first grant on br0: the bridge's address pinned, logged once (notice)"
log=$(sed -n 2p <<<"$log")
assert_match "$log" '^<86>' "grant: authpriv.info (<86>)"
assert_match "$log" 'tapgate\[[0-9]+\]: granted ' "grant: tagged tapgate[pid], says 'granted'"
assert_match "$log" " uid=$TG_UID " "grant: uid=$TG_UID"
assert_match "$log" ' bridge=br0 ' "grant: bridge=br0"
assert_match "$log" " tap=$tap " "grant: tap=$tap (the tap handed over)"
assert_match "$log" ' tap=tap[0-9]+ ' "grant: tap=tapN"

# A grant is logged before the handover; if the handover then fails (the
# client went away) a refusal line follows, so no delivered tap goes
# unlogged and no failed one looks like a plain grant.
n=$(nlines)
# (--close-early closes tgclient's end before the helper is forked)
tg_run "$TG_BIN/tapgate" --close-early -- --use-vnet --br=br0
assert_eq "$(tg_exit)" 7 "failed handover: exit 7"
log=$(log_after "$n")
assert_eq "$(wc -l <<<"$log")" 2 "failed handover: two log lines"
assert_match "$(sed -n 1p <<<"$log")" '^<86>.* granted .* tap=tap[0-9]+ ' "failed handover: the grant line first"
assert_match "$(sed -n 2p <<<"$log")" '^<84>.* refused .* tap=- reason=failed to send the tap fd to the caller' \
	"failed handover: then a refusal with the reason, naming no tap (none was handed over)"

# --- refusal by the ACL ---------------------------------------------------

n=$(nlines)
tg_run "$TG_BIN/tapgate" -- --use-vnet --br=br1
assert_eq "$(tg_exit)" 2 "refusal: exit 2"
log=$(log_after "$n")
assert_eq "$(wc -l <<<"$log")" 1 "refusal: exactly one log line"
assert_match "$log" '^<84>' "refusal: authpriv.warning (<84>)"
assert_match "$log" 'tapgate\[[0-9]+\]: refused ' "refusal: says 'refused'"
assert_match "$log" " uid=$TG_UID .* bridge=br1 " "refusal: uid and bridge"
assert_match "$log" "reason=access denied by acl file: uid $TG_UID may not use bridge 'br1'" \
	"refusal: the reason is the message the user saw"
assert_match "$log" ' tap=- ' "refusal: no tap"

# Other refusals: no such bridge, ACL parse error, no privilege.
n=$(nlines)
tg_run "$TG_BIN/tapgate" -- --br=nosuchbr
assert_eq "$(tg_exit)" 4 "missing bridge: exit 4"
log=$(log_after "$n")
assert_match "$log" "^<84>.*refused .*bridge=nosuchbr .*reason=failed to get mtu of bridge \`nosuchbr'" \
	"missing bridge: logged as a refusal with the reason"

tg_acl 'alow br0\n'
n=$(nlines)
tg_run "$TG_BIN/tapgate" -- --br=br0
assert_eq "$(tg_exit)" 3 "ACL parse error: exit 3"
log=$(log_after "$n")
assert_match "$log" "^<84>.*refused .*reason=failed to parse default acl file .*problem at /etc/qemu/bridge.conf:1 \\(shown to the caller only; tapgate --check prints it\\)$" \
	"ACL parse error: logged with where it is"
assert_no_match "$log" "alow" "ACL parse error: the log quotes nothing of the file"
assert_match "$TG_ERR" "unknown keyword 'alow'" "ACL parse error: the caller is told what is wrong"
tg_acl 'allow br0\n'

n=$(nlines)
tg_run "$TG_BIN/tapgate-plain" -- --br=br0
assert_eq "$(tg_exit)" 5 "no privilege: exit 5"
log=$(log_after "$n")
assert_match "$log" "^<84>.*refused uid=$TG_UID .*reason=tapgate has no privilege" "no privilege: logged"

# --- usage errors are logged too ----------------------------------------

n=$(nlines)
tg_run "$TG_BIN/tapgate" -- --br=br0 --bogus
assert_eq "$(tg_exit)" 1 "usage error: exit 1"
log=$(log_after "$n")
assert_eq "$(wc -l <<<"$log")" 1 "usage error: exactly one log line"
assert_match "$log" "^<84>.*tapgate\[[0-9]+\]: refused uid=$TG_UID .*reason=unknown argument '--bogus'" \
	"usage error: logged at authpriv.warning with the reason"

n=$(nlines)
tg_run "$TG_BIN/tapgate" --fd-value=abc -- --br=br0
log=$(log_after "$n")
assert_match "$log" "^<84>.*refused .*reason=invalid --fd 'abc'" "bad --fd: logged"

# --- hostile bridge names are logged escaped --------------------------------

ESC_NAME=$'br\x1b[31m'        # ESC, as in a terminal colour sequence
BS_NAME=$'b\\r\x01'           # backslash, 'r', SOH
NL_NAME=$'x\ninjected'        # a newline must not forge a second log line

: > "$TG_LOG"

# Does not exist: refused at lookup (exit 4).
tg_run "$TG_BIN/tapgate" -- --br="$ESC_NAME"
assert_eq "$(tg_exit)" 4 "ESC in a missing bridge's name: exit 4"
assert_eq "$(printf '%s' "$TG_ERR" | has_ctl)" 0 "ESC in a missing bridge's name: no raw control byte on stderr"

# Exists but is not allowed: refused by the ACL (exit 2).
ip link add "$BS_NAME" type bridge
tg_run "$TG_BIN/tapgate" -- --br="$BS_NAME"
assert_eq "$(tg_exit)" 2 "backslash+SOH bridge (exists, not allowed): exit 2"
BS_ERR=$TG_ERR

# Exists, requested by an altname with an ESC, not allowed.
ip link add "b$ESC_NAME" type bridge
ip link property add dev "b$ESC_NAME" altname $'alt\x1b[1m'
tg_run "$TG_BIN/tapgate" -- --br=$'alt\x1b[1m'
assert_eq "$(tg_exit)" 2 "ESC altname of an ESC bridge (not allowed): exit 2"
ALT_ERR=$TG_ERR

tg_run "$TG_BIN/tapgate" -- --br="$NL_NAME"
assert_eq "$(tg_exit)" 1 "newline in the name: usage error, exit 1"

tg_log_sync
assert_eq "$(nlines)" 4 "four refusals, four log lines (the newline forged none)"
assert_eq "$(grep -c '^injected' "$TG_LOG" || true)" 0 "no log line starts with the text after the newline"
assert_eq "$(has_ctl "$TG_LOG")" 0 "no raw control byte anywhere in the log (od below if not)"
[ "$(has_ctl "$TG_LOG")" = 0 ] || od -c "$TG_LOG" | head -40 | sed 's/^/#   /'
assert_eq "$(grep -c '^<84>.* refused ' "$TG_LOG" || true)" 4 "all four at authpriv.warning"
assert_match "$(cat "$TG_LOG")" 'bridge=br\\x1b\[31m ' "ESC logged as \\x1b in bridge="
assert_match "$(cat "$TG_LOG")" 'bridge=b\\\\r\\x01 ' "backslash logged as \\\\ and SOH as \\x01 in bridge="
assert_match "$(cat "$TG_LOG")" 'canonical=b\\\\r\\x01 ' "and the same in canonical="
assert_match "$(cat "$TG_LOG")" 'bridge=alt\\x1b\[1m canonical=bbr\\x1b\[31m ' "altname and canonical name escaped"
assert_match "$(cat "$TG_LOG")" "reason=invalid bridge name 'x\\\\+x0ainjected'" \
	"newline logged escaped in the reason (bridge= is '-' for a usage error)"
for byte in 1b 01; do
	if LC_ALL=C grep -q "$(printf "\\x$byte")" "$TG_LOG"; then
		tg_notok "raw 0x$byte byte in the log"
	else
		tg_ok "no raw 0x$byte byte in the log"
	fi
done

# stderr goes to the user's terminal: the same escaping applies there
# (STYLE.md: escape control characters before printing or logging).
TG_OUT="" TG_ERR="(cat -v) $(cat -v <<<"$BS_ERR")"
assert_eq "$(printf '%s' "$BS_ERR" | has_ctl)" 0 "backslash+SOH bridge: no raw control byte on stderr"
TG_OUT="" TG_ERR="(cat -v) $(cat -v <<<"$ALT_ERR")"
assert_eq "$(printf '%s' "$ALT_ERR" | has_ctl)" 0 "ESC altname of an ESC bridge: no raw control byte on stderr"
assert_no_taps "no tap left"

# --- the user name, when the uid has one ---------------------------------

echo "tguser:x:$TG_UID:$TG_GID::/nonexistent:/usr/sbin/nologin" >> /etc/passwd   # overlay /etc
n=$(nlines)
tg_run "$TG_BIN/tapgate" -- --br=br0
assert_eq "$TG_RC" 0 "grant for a uid with a passwd entry"
log=$(log_after "$n")
assert_match "$log" "^<86>.* granted uid=$TG_UID user=tguser bridge=br0 canonical=br0 tap=tap[0-9]+ reason=" \
	"grant: fields in order, user=tguser"
assert_no_taps "no tap left at the end"

# --- no system log: said, never lost in silence -------------------------

# glibc's syslog() drops lines when nothing listens on /dev/log. With
# the socket gone, each request says so on stderr, and --check warns.
rm -f /dev/log
tg_acl 'allow br0\n'
tg_run "$TG_BIN/tapgate" -- --br=br0
assert_eq "$(tg_exit)" 0 "no system log: the grant goes on (documented choice)"
assert_match "$TG_ERR" "^tapgate: warning: the system log \(/dev/log\) cannot be reached: this request is not recorded" \
	"no system log: the grant says on stderr that it is not logged"
tg_run "$TG_BIN/tapgate" -- --br=nosuch
assert_eq "$(tg_exit)" 4 "no system log: a refusal still refuses"
assert_match "$TG_ERR" "cannot be reached: this request is not recorded" "no system log: the refusal says it too"
out=$("$TG_BIN/tapgate" --check 2>&1) || true
assert_match "$out" "warning: the system log \(/dev/log\) cannot be reached" "no system log: --check warns"
assert_match "$out" ": 0 errors, 1 warning" "no system log: --check counts it as a warning, not an error"
assert_no_taps "no tap left without a log"
