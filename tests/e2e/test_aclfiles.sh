#!/bin/bash
# The ACL files, through the real binary: every fault in any file fails
# the whole load closed (exit 3, file:line), files must be root-owned,
# not group/other-writable, regular, not symlinks; includes are bounded
# and resolve against the including file's directory; the grammar's
# comments, CRLF and tabs; the group-readable include idiom.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

HELPER=$TG_BIN/tapgate
PARSE_RE="^failed to parse default acl file \`/etc/qemu/bridge\.conf': "

# --- local helpers (candidates for lib.sh) ------------------------------


# An empty /etc/qemu (inside the sandbox's /etc overlay).
reset_etc() {
	find /etc/qemu -mindepth 1 -delete
}

# granted LABEL BRIDGE [--groups=G]: the user gets a tap on BRIDGE.
granted() {
	local label=$1 br=$2
	shift 2
	tg_run "$@" "$HELPER" --hold='ip -o link show "$TAP"' -- --use-vnet --br="$br"
	assert_eq "$TG_RC" 0 "$label: $br is granted"
	assert_match "$TG_OUT" " master $br " "$label: the tap is on $br"
	assert_no_taps "$label: the tap is gone afterwards"
}

# denied LABEL BRIDGE REGEX [--groups=G]: exit 2, message matches.
denied() {
	local label=$1 br=$2 re=$3
	shift 3
	tg_run "$@" "$HELPER" -- --use-vnet --br="$br"
	assert_eq "$(tg_exit)" 2 "$label: $br is denied (exit 2)"
	assert_match "$TG_ERR" "^access denied by acl file: uid 4242 may not use bridge '$br': $re" "$label: denial reason"
	assert_eq "$(kv nfds)" 0 "$label: no fd passed"
	assert_no_taps "$label: no tap"
}

# broken LABEL DETAIL_REGEX [--groups=G]: the load fails, exit 3, with
# the original's phrase first and DETAIL after it. Asks for br0, which
# every broken fixture would allow if the fault were ignored.
broken() {
	local label=$1 re=$2
	shift 2
	tg_run "$@" "$HELPER" -- --use-vnet --br=br0
	assert_eq "$TG_RC" 103 "$label: refused"
	assert_eq "$(tg_exit)" 3 "$label: exit 3"
	assert_match "$TG_ERR" "$PARSE_RE$re" "$label: message"
	assert_eq "$(wc -l <<<"$TG_ERR")" 1 "$label: one line on stderr"
	assert_eq "$(kv nfds)" 0 "$label: no fd passed"
	assert_no_taps "$label: no tap"
}

# --- fixtures -----------------------------------------------------------

tg_bridge br0
tg_bridge br1

# --- faults: every one fails the whole load -------------------------------

reset_etc
tg_acl 'allow br0\n'
granted "control: a plain allow" br0

reset_etc
broken "no bridge.conf at all" "file does not exist$"

reset_etc
tg_acl 'allow br0\ninclude /etc/qemu/missing.conf\n'
broken "missing include (absolute)" "/etc/qemu/bridge\.conf:2: included file '/etc/qemu/missing\.conf' does not exist$"
tg_acl 'allow br0\ninclude missing.conf\n'
broken "missing include (relative)" "/etc/qemu/bridge\.conf:2: included file '/etc/qemu/missing\.conf' does not exist$"

reset_etc
tg_acl 'allow br0\ninclude inc.conf\n'
tg_acl '# site rules\nalow br1\n' /etc/qemu/inc.conf
broken "unknown keyword in an include" "/etc/qemu/inc\.conf:2: unknown keyword 'alow' \(expected allow, deny or include\)$"
tg_acl 'allow br1 br0\n' /etc/qemu/inc.conf
broken "two names in an include" "/etc/qemu/inc\.conf:1: unknown word 'br0' in this allow rule \(expected user, group, max, isolated or guard\)$"
tg_acl '\n\ndeny\n' /etc/qemu/inc.conf
broken "deny without a name in an include" "/etc/qemu/inc\.conf:3: 'deny' needs a bridge name, a pattern or 'all'$"
tg_acl 'allow a/b\n' /etc/qemu/inc.conf
broken "invalid name in an include" "/etc/qemu/inc\.conf:1: invalid bridge name 'a/b': "
tg_acl 'allow abcdefghijklmnop\n' /etc/qemu/inc.conf
broken "16-byte name in an include" "/etc/qemu/inc\.conf:1: name \`abcdefghijklmnop' too long: 16"
tg_acl 'Allow br0\n'
broken "keywords are case-sensitive" "/etc/qemu/bridge\.conf:1: unknown keyword 'Allow'"

# Ownership and mode: the include would grant br0 if it were read.
reset_etc
tg_acl 'include inc.conf\n'
tg_acl 'allow br0\n' /etc/qemu/inc.conf 0644 root:root
granted "control: a root-owned 0644 include" br0
tg_acl 'allow br0\n' /etc/qemu/inc.conf 0644 4242:4242
broken "include owned by the user" "/etc/qemu/bridge\.conf:1: cannot include '/etc/qemu/inc\.conf': '/etc/qemu/inc\.conf' is owned by uid 4242, not root \(fix: chown root\)$"
tg_acl 'allow br0\n' /etc/qemu/inc.conf 0644 4343:root
broken "include owned by another uid" "/etc/qemu/bridge\.conf:1: cannot include '/etc/qemu/inc\.conf': '/etc/qemu/inc\.conf' is owned by uid 4343, not root"
tg_acl 'allow br0\n' /etc/qemu/inc.conf 0664 root:root
broken "include group-writable" "/etc/qemu/bridge\.conf:1: cannot include '/etc/qemu/inc\.conf': '/etc/qemu/inc\.conf' is writable by group or others, mode 0664 \(fix: chmod go-w\)$"
tg_acl 'allow br0\n' /etc/qemu/inc.conf 0646 root:root
broken "include other-writable" "/etc/qemu/bridge\.conf:1: cannot include '/etc/qemu/inc\.conf': '/etc/qemu/inc\.conf' is writable by group or others, mode 0646"
tg_acl 'allow br0\n' /etc/qemu/inc.conf 0666 root:root
broken "include world-writable" "/etc/qemu/bridge\.conf:1: cannot include '/etc/qemu/inc\.conf': '/etc/qemu/inc\.conf' is writable by group or others, mode 0666"

reset_etc
tg_acl 'allow br0\n' /etc/qemu/bridge.conf 0644 4242:4242
broken "top-level owned by the user" "'/etc/qemu/bridge\.conf' is owned by uid 4242, not root \(fix: chown root\)$"
tg_acl 'allow br0\n' /etc/qemu/bridge.conf 0664 root:root
broken "top-level group-writable" "'/etc/qemu/bridge\.conf' is writable by group or others, mode 0664 \(fix: chmod go-w\)$"
tg_acl 'allow br0\n' /etc/qemu/bridge.conf 0646 root:root
broken "top-level other-writable" "'/etc/qemu/bridge\.conf' is writable by group or others, mode 0646"

# Symlinks.
reset_etc
tg_acl 'allow br0\n' /etc/qemu/real.conf
ln -s real.conf /etc/qemu/link.conf
tg_acl 'include real.conf\n'
granted "control: including the target itself" br0
tg_acl 'include link.conf\n'
broken "include that is a symlink" "/etc/qemu/bridge\.conf:1: cannot include '/etc/qemu/link\.conf': '/etc/qemu/link\.conf' is a symlink: ACL files must be regular files owned by root$"
rm /etc/qemu/bridge.conf
ln -s real.conf /etc/qemu/bridge.conf
broken "top-level that is a symlink" "'/etc/qemu/bridge\.conf' is a symlink: ACL files must be regular files owned by root$"

# Cycles, and a diamond that is not one.
reset_etc
tg_acl 'allow br0\ninclude a.conf\n'
tg_acl 'include b.conf\n' /etc/qemu/a.conf
tg_acl '\ninclude a.conf\n' /etc/qemu/b.conf
broken "include cycle a -> b -> a" "/etc/qemu/b\.conf:2: include cycle: '/etc/qemu/a\.conf' is already being read$"
tg_acl 'include a.conf\n' /etc/qemu/a.conf
broken "self-include" "/etc/qemu/a\.conf:1: include cycle: '/etc/qemu/a\.conf' is already being read$"
tg_acl 'allow br0\ninclude /etc/qemu/bridge.conf\n'
broken "top-level includes itself" "/etc/qemu/bridge\.conf:2: include cycle: '/etc/qemu/bridge\.conf' is already being read$"
tg_acl 'allow br0\ninclude a.conf\n'
tg_acl 'include c.conf\n' /etc/qemu/a.conf
ln /etc/qemu/a.conf /etc/qemu/c.conf
broken "cycle through a hard link (same inode)" "/etc/qemu/a\.conf:1: include cycle: '/etc/qemu/c\.conf' is already being read$"
reset_etc
tg_acl 'include a.conf\ninclude b.conf\n'
tg_acl 'include c.conf\n' /etc/qemu/a.conf
tg_acl 'include c.conf\n' /etc/qemu/b.conf
tg_acl 'allow br0\n' /etc/qemu/c.conf
granted "diamond (c.conf included twice, no cycle)" br0

# Nesting depth: bridge.conf is depth 0; d1..d8 are allowed, d9 is not.
reset_etc
tg_acl 'include d1.conf\n'
for i in 1 2 3 4 5 6 7; do
	tg_acl "include d$((i + 1)).conf\n" "/etc/qemu/d$i.conf"
done
tg_acl 'allow br0\n' /etc/qemu/d8.conf
granted "includes nested 8 deep" br0
tg_acl '# one more\ninclude d9.conf\n' /etc/qemu/d8.conf
tg_acl 'allow br0\n' /etc/qemu/d9.conf
broken "includes nested 9 deep" "/etc/qemu/d8\.conf:2: includes nested deeper than 8 levels at '/etc/qemu/d9\.conf'$"

# Line length: 4095 bytes is the longest line (what the original's
# fgets read whole); longer is an error, never split into two rules.
reset_etc
pad=$(printf '%*s' 4086 '')
line4095="allow br0$pad"
assert_eq "${#line4095}" 4095 "precondition: a 4095-byte line"
tg_acl "# first\n$line4095\n"
granted "a 4095-byte line" br0
tg_acl "allow br0\n$line4095 \n"
broken "a 4096-byte line" "/etc/qemu/bridge\.conf:2: line longer than 4095 bytes$"
# The original read '#' + 4094 x as one comment, then 'allow br1' as a
# rule of its own.
xs=$(printf '%*s' 4094 '' | tr ' ' x)
tg_acl "allow br0\n#${xs}allow br1\n"
broken "an over-long comment line" "/etc/qemu/bridge\.conf:2: line longer than 4095 bytes$"
tg_run "$HELPER" -- --br=br1
assert_eq "$(tg_exit)" 3 "an over-long comment line: its tail is no rule for br1"
tg_acl 'allow br0\ninclude inc.conf\n'
tg_acl "\n\n\n$line4095 \n" /etc/qemu/inc.conf
broken "a 4096-byte line in an include" "/etc/qemu/inc\.conf:4: line longer than 4095 bytes$"

# Not regular files: must be refused at once, never read or waited on.
reset_etc
tg_acl 'allow br0\ninclude fifo.conf\n'
mkfifo -m 0644 /etc/qemu/fifo.conf
t0=$(date +%s%N)
broken "a FIFO as include" "/etc/qemu/bridge\.conf:2: cannot include '/etc/qemu/fifo\.conf': '/etc/qemu/fifo\.conf' is not a regular file$"
ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$ms" -lt 3000 ]; then tg_ok "a FIFO as include: refused in ${ms} ms (no hang)"; else tg_notok "a FIFO as include: took ${ms} ms"; fi
rm /etc/qemu/bridge.conf
mkfifo -m 0644 /etc/qemu/bridge.conf
t0=$(date +%s%N)
broken "a FIFO as top-level" "'/etc/qemu/bridge\.conf' is not a regular file$"
ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$ms" -lt 3000 ]; then tg_ok "a FIFO as top-level: refused in ${ms} ms (no hang)"; else tg_notok "a FIFO as top-level: took ${ms} ms"; fi
reset_etc
mkdir -m 0755 /etc/qemu/conf.d
tg_acl 'allow br0\ninclude conf.d\n'
broken "a directory as include" "/etc/qemu/bridge\.conf:2: cannot include '/etc/qemu/conf\.d': '/etc/qemu/conf\.d' is not a regular file$"
tg_acl 'allow br0\ninclude /dev/zero\n'
broken "a character device as include" "/etc/qemu/bridge\.conf:2: cannot include '/dev/zero': '/dev/zero' is not a regular file$"

# Bounds on what one load reads: 256 files in all, 1 MiB a file.
reset_etc
tg_acl 'allow br0\n' /etc/qemu/c.conf
tg_acl "$(printf 'include c.conf\\n%.0s' $(seq 255))"
granted "255 includes (256 files in all)" br0
tg_acl "$(printf 'include c.conf\\n%.0s' $(seq 256))"
broken "256 includes (257 files)" "/etc/qemu/bridge\.conf:256: more than 256 ACL files in one load at '/etc/qemu/c\.conf'$"
reset_etc
{ echo 'allow br0'; head -c $((1024 * 1024)) /dev/zero | tr '\0' '#'; } > /etc/qemu/bridge.conf
chmod 0644 /etc/qemu/bridge.conf
broken "a top-level file over 1 MiB" "'/etc/qemu/bridge\.conf' is larger than 1048576 bytes$"

# NUL bytes, and a last line without a newline.
reset_etc
printf 'allow br0\n# note\0\nallow br1\0x\n' > /etc/qemu/bridge.conf
broken "a NUL byte in a rule" "/etc/qemu/bridge\.conf:3: line contains a NUL byte$"
printf 'allow br1\nallow br0' > /etc/qemu/bridge.conf
granted "last line without a newline" br0

# --- includes resolve against the including file, never the cwd ----------

reset_etc
assert_eq "$(pwd)" "$TG_ROOT/home" "precondition: tg_run's cwd is \$TG_ROOT/home"
tg_acl 'include local.conf\n'
tg_acl 'allow br0\n' /etc/qemu/local.conf
# Evil twins in the caller's cwd, root-owned so only the path decides.
tg_acl 'allow br1\n' "$TG_ROOT/home/local.conf"
tg_acl 'allow all\n' "$TG_ROOT/home/bridge.conf"
granted "relative include from /etc/qemu" br0
denied "relative include: the cwd's local.conf is not used" br1 "no rule in /etc/qemu/bridge\.conf"
rm /etc/qemu/local.conf
broken "relative include missing in /etc/qemu, present in the cwd" "/etc/qemu/bridge\.conf:1: included file '/etc/qemu/local\.conf' does not exist$"

reset_etc
mkdir -m 0755 /etc/qemu/sub
tg_acl 'include sub/x.conf\n'
tg_acl 'include y.conf\n' /etc/qemu/sub/x.conf
tg_acl 'allow br1\n' /etc/qemu/sub/y.conf
tg_acl 'allow br0\n' /etc/qemu/y.conf
granted "nested relative include: sub/x.conf's y.conf is sub/y.conf" br1
denied "nested relative include: /etc/qemu/y.conf is not read" br0 "no rule"

# --- the group-readable include idiom --------------------------------------

reset_etc
tg_acl 'allow br0\ninclude g.conf\n'
tg_acl 'allow br1\n' /etc/qemu/g.conf 0640 "root:$TG_OTHER_GID"
granted "group include, member" br1 --groups="$TG_OTHER_GID"
granted "group include, member keeps the top-level rule" br0 --groups="$TG_OTHER_GID"
denied "group include, non-member: the include is skipped" br1 "no rule in /etc/qemu/bridge\.conf \(or a file it includes that you can read\) allows it"
assert_eq "$TG_ERR" "$(head -n1 <<<"$TG_ERR")" "group include, non-member: nothing said about g.conf"
granted "group include, non-member still gets br0" br0
tg_tun_mode 0666
HELPER=$TG_BIN/tapgate-caps
granted "group include, member, file caps" br1 --groups="$TG_OTHER_GID"
denied "group include, non-member, file caps" br1 "no rule"
HELPER=$TG_BIN/tapgate
tg_tun_mode 0600
# Made group-writable: members, who read it, are refused; to others it
# stays unreadable and so skipped.
chmod 0660 /etc/qemu/g.conf
broken "group include made group-writable, member" "/etc/qemu/bridge\.conf:2: cannot include '/etc/qemu/g\.conf': '/etc/qemu/g\.conf' is writable by group or others, mode 0660" --groups="$TG_OTHER_GID"
granted "group include made group-writable, non-member still gets br0" br0

reset_etc
tg_acl 'allow br0\n' /etc/qemu/bridge.conf 0640 "root:$TG_OTHER_GID"
granted "top-level root:4343 0640, member" br0 --groups="$TG_OTHER_GID"
broken "top-level root:4343 0640, non-member" "permission denied: the caller may not read it \(a top-level file readable only by a group admits only that group\)$"

# --- grammar: comments, CRLF, tabs, blank lines ----------------------------

reset_etc
tg_acl 'allow br0 # lab bridge\n'
granted "trailing comment" br0
tg_acl 'allow all # everyone\ndeny br1 # but not this one\n'
granted "trailing comment after 'all'" br0
denied "trailing comment after a deny" br1 "denied by /etc/qemu/bridge\.conf:2;"
tg_acl 'allow br0#x\n'
denied "'#' not after whitespace is part of the name" br0 "no rule"
tg_acl 'include inc.conf # site rules\n'
tg_acl 'allow br0\n' /etc/qemu/inc.conf
granted "trailing comment after include" br0

reset_etc
tg_acl 'allow all\r\ndeny br1\r\n'
granted "CRLF" br0
denied "CRLF: 'deny br1' still matches br1" br1 "denied by /etc/qemu/bridge\.conf:2;"
tg_acl 'include inc.conf\r\n'
tg_acl 'allow br0\r\n' /etc/qemu/inc.conf
granted "CRLF include line and CRLF include" br0

reset_etc
tg_acl '\tallow\tbr0\t\n'
granted "tabs around and between" br0
tg_acl 'allow\t\tall\ndeny \t br1\t\t\n'
granted "tabs: allow all" br0
denied "tabs: deny br1" br1 "denied by /etc/qemu/bridge\.conf:2;"

reset_etc
tg_acl '# allow br1\n\n   \n\t\n   # indented: allow br1\nallow br0\n\n'
granted "comments and blank lines" br0
denied "commented-out rules are not rules" br1 "no rule"
tg_acl '# allow br1\n\n   \n\t\n   # indented: allow br1\nallow br0\nalow br1\n'
broken "line numbers count comments and blank lines" "/etc/qemu/bridge\.conf:7: unknown keyword 'alow'"

reset_etc
tg_acl 'allow ALL\n'
denied "'ALL' is a bridge name, not 'all'" br0 "no rule"
