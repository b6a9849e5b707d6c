#!/bin/bash
# tapgate --check and --explain: what they print, their exit status,
# that they read nothing the caller could not read, and that root may
# explain the decision for another user.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_users

H=$TG_BIN/tapgate
# tool [--groups=G] ARGS...: run the setuid tapgate as alice directly.
tool() {
	local g=(--clear-groups)
	case "${1:-}" in --groups=*) g=("$1"); shift ;; esac
	set +e
	TG_OUT=$(setpriv --reuid=4242 --regid=4242 "${g[@]}" -- "$H" "$@" 2>"$TG_ROOT/stderr")
	TG_RC=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
}
tool_root() {
	set +e
	TG_OUT=$("$H" "$@" 2>"$TG_ROOT/stderr")
	TG_RC=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
}

tg_bridge br0
tg_bridge lab-1
ip link add veth0 type veth peer name veth1

# --- --check -----------------------------------------------------------------
tg_acl '# lab\nallow br0\nallow lab-* group students max 2\ninclude /etc/qemu/bridge.d/*.conf\n'
mkdir -p /etc/qemu/bridge.d && chmod 0755 /etc/qemu/bridge.d
tool --check
assert_eq "$TG_RC" 0 "check: a good ACL exits 0"
assert_match "$TG_OUT" '^/etc/qemu/bridge.conf: 0 errors, 0 warnings \(2 rules in 1 file read as uid 4242\)$' "check: summary line"

tg_acl 'alow br0\nallow br0 max 0\ndeny br1 max 2\nallow br0 user alice user bob\nallow br/*\nallow br0 user -1\nallow ok\ninclude sub.conf\n'
tg_acl 'allow  a b\nallow sub\n' /etc/qemu/sub.conf
tool --check
assert_eq "$TG_RC" 3 "check: errors exit 3"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:1: error: unknown keyword 'alow'" "check: unknown keyword with file:line"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:2: error: 'max 0' would never grant" "check: max 0"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:3: error: 'max' is only for allow rules" "check: max on deny"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:4: error: 'user' given twice" "check: repeated qualifier"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:5: error: pattern 'br/\*' can never match a bridge" "check: impossible pattern"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:6: error: invalid user id '-1'" "check: signed id"
assert_match "$TG_OUT" "^/etc/qemu/sub.conf:1: error: unknown word 'b'" "check: errors inside includes, with their own file:line"
assert_match "$TG_OUT" "7 errors, 0 warnings \(2 rules in 2 files" "check: every problem counted, good lines kept"

tg_acl 'allow br0 user ghost\nallow br0 group nosuchgroup\nallow br0 user 31337\ninclude secret.conf\ninclude /etc/qemu/none.d/*.conf\n'
tg_acl 'TOP-SECRET-CANARY allow br0\n' /etc/qemu/secret.conf 0600
tool --check
assert_eq "$TG_RC" 0 "check: warnings alone exit 0"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:1: warning: unknown user 'ghost': this rule matches nobody" "check: unknown user"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:2: warning: unknown group 'nosuchgroup'" "check: unknown group"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:3: warning: no user has id 31337" "check: unknown numeric id"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:4: warning: skipped '/etc/qemu/secret.conf': this caller may not read it" "check: unreadable include is a warning"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:5: warning: include '/etc/qemu/none.d/\*.conf': directory '/etc/qemu/none.d' does not exist" "check: missing glob directory"
assert_no_match "$TG_OUT$TG_ERR" "CANARY" "check: nothing of the unreadable file is shown"
tool_root --check
assert_eq "$TG_RC" 3 "check as root reads secret.conf (root may), and finds its error"
assert_match "$TG_OUT" "^/etc/qemu/secret.conf:1: error: unknown keyword 'TOP-SECRET-CANARY'" "check as root: the file root can read is checked"

# Only the caller's rights, also for a FILE given on the command line.
printf 'SHADOW-CANARY\n' > "$TG_ROOT/shadow"; chmod 0600 "$TG_ROOT/shadow"
tool --check "$TG_ROOT/shadow"
assert_eq "$TG_RC" 3 "check: a file the caller may not read is an error"
assert_match "$TG_OUT" "permission denied" "check: says permission denied"
assert_no_match "$TG_OUT$TG_ERR" "SHADOW-CANARY" "check: not one byte of it is shown"
tool --check /etc/shadow
assert_no_match "$TG_OUT$TG_ERR" 'root:' "check /etc/shadow: no content leaked"

# Insecure modes and parents; a relative FILE is taken from the cwd.
mkdir -p "$TG_ROOT/home/draft"; chown 4242:4242 "$TG_ROOT/home/draft"
tg_acl 'allow br0\n' "$TG_ROOT/home/draft/acl.conf" 0664
cd "$TG_ROOT/home/draft"; tool --check acl.conf; cd "$TG_ROOT/home"
assert_eq "$TG_RC" 3 "check: a group-writable file is an error"
assert_match "$TG_OUT" "is writable by group or others, mode 0664" "check: says the mode"
chmod 0644 "$TG_ROOT/home/draft/acl.conf"
cd "$TG_ROOT/home/draft"; tool --check acl.conf; cd "$TG_ROOT/home"
assert_eq "$TG_RC" 0 "check: relative FILE from the caller's cwd"
assert_match "$TG_OUT" "acl.conf: warning: directory '$TG_ROOT/home/draft' is not owned by root" "check: warns about a parent directory the caller owns"

tool --check a b
assert_eq "$TG_RC" 1 "check: two files is a usage error"
tool --check --br=br0
assert_eq "$TG_RC" 1 "check: --br is a usage error"

# --- --explain -----------------------------------------------------------------
tg_acl 'allow br0\nallow lab-* group students max 2\ndeny lab-1 user bob\ninclude students.conf\n'
tg_acl 'allow veth0 group students\n' /etc/qemu/students.conf 0640 root:4343
tool --explain --br=br0
assert_eq "$TG_RC" 0 "explain: allowed exits 0"
assert_match "$TG_OUT" "^user: +alice \(uid 4242, gid alice\(4242\), groups none\)" "explain: who, by name"
assert_match "$TG_OUT" "^bridge: +'br0' exists and is a bridge$" "explain: bridge state"
assert_match "$TG_OUT" "^  /etc/qemu/bridge.conf:1: allow br0$" "explain: the matching rule with file:line"
assert_match "$TG_OUT" "^quota: +no limit, 0 in use$" "explain: no limit, and the taps held counted all the same"
assert_match "$TG_OUT" "^decision: allowed by /etc/qemu/bridge.conf:1$" "explain: decision"

tool --explain --br=lab-1
assert_eq "$TG_RC" 2 "explain: not in students: denied, exit 2"
assert_match "$TG_OUT" "^decision: denied: no rule allows it$" "explain: default deny"

mkdir -m 1777 "$TG_ROOT/ev"
TG_UID=4242 TG_GID=4242 tg_as_user --groups=4343 "$TG_BIN/tgclient" --ready="$TG_ROOT/ev/held" \
	--hold-until="$TG_ROOT/go" -- "$H" --br=lab-1 >/dev/null 2>&1 &
held=$!
tg_wait_files "the held client's fd" "$TG_ROOT/ev/held"
tool --groups=4343 --explain --br=lab-1
assert_eq "$TG_RC" 0 "explain: in students: allowed"
assert_match "$TG_OUT" "^  /etc/qemu/bridge.conf:2: allow lab-\* group students max 2$" "explain: the pattern rule"
assert_match "$TG_OUT" "^quota: +1 of 2 in use \(tap[0-9]+\)$" "explain: the quota in use, counted from the kernel"
tool --groups=4343 --explain --br=lab-1 --json
assert_eq "$(jq -r .decision <<<"$TG_OUT")" allow "explain --json: decision"
assert_eq "$(jq -r '.quota.in_use' <<<"$TG_OUT")" 1 "explain --json: quota.in_use"
assert_eq "$(jq -r '.quota.max' <<<"$TG_OUT")" 2 "explain --json: quota.max"
assert_eq "$(jq -r '.matching_rules[0].line' <<<"$TG_OUT")" 2 "explain --json: rule line"
assert_eq "$(jq -r '.matching_rules[0].file' <<<"$TG_OUT")" /etc/qemu/bridge.conf "explain --json: rule file"
assert_eq "$(jq -r '.user.groups[0]' <<<"$TG_OUT")" 4343 "explain --json: the kernel's groups"
assert_eq "$(jq -r '.bridge.is_bridge' <<<"$TG_OUT")" true "explain --json: is_bridge"
touch "$TG_ROOT/go"; wait "$held"
assert_no_taps "explain: the held tap is gone"

tool --explain --br=nosuch
assert_eq "$TG_RC" 4 "explain: a missing bridge: exit 4, as the request (it resolves the bridge first)"
assert_match "$TG_OUT" "^bridge: +'nosuch' does not exist$" "explain: says it does not exist"
tool --explain --br=veth0 --groups=4343
tool --groups=4343 --explain --br=veth0
assert_eq "$TG_RC" 4 "explain: allowed but not a bridge: exit 4"
assert_match "$TG_OUT" "^bridge: +'veth0' is not a bridge \(its kind is veth\)$" "explain: says what it is"
assert_match "$TG_OUT" "^  /etc/qemu/students.conf:1: allow veth0 group students$" "explain: a rule from a group-readable include"
tool --explain --br=veth0 --json
assert_eq "$(jq -r .bridge.exists <<<"$TG_OUT")" true "explain --json: exists"
assert_eq "$(jq -r .decision <<<"$TG_OUT")" no-bridge "explain --json: not a bridge: no-bridge, as the request's exit 4"

# Another user: root only; read with that user's rights.
tool --explain --br=br0 --user=bob
assert_eq "$TG_RC" 5 "explain --user=bob as alice: refused, exit 5"
assert_match "$TG_ERR" "only root may explain the decision for another user" "explain --user: says why"
tool --explain --br=br0 --user=alice
assert_eq "$TG_RC" 0 "explain --user=oneself is fine"
tool_root --explain --br=lab-1 --user=bob
assert_eq "$TG_RC" 2 "root --explain --user=bob: denied by the deny rule"
assert_match "$TG_OUT" "^user: +bob \(uid 4243" "root --explain --user: who"
assert_match "$TG_OUT" "^decision: denied by /etc/qemu/bridge.conf:3$" "root --explain --user=bob: names the deny"
tool_root --explain --br=veth0 --user=alice --json
assert_eq "$(jq -r '.matching_rules | map(.file) | join(",")' <<<"$TG_OUT")" /etc/qemu/students.conf \
	"root --explain --user=alice: alice's groups (database) read students.conf"
tool_root --explain --br=veth0 --user=bob --json
assert_eq "$(jq -r '.matching_rules | length' <<<"$TG_OUT")" 0 \
	"root --explain --user=bob: bob may not read students.conf, so its rule is not his"
tool --explain --br=br0 --fd=3
assert_eq "$TG_RC" 1 "explain: --fd is a usage error"
tool --br=br0 --fd=3 --json
assert_eq "$TG_RC" 1 "--json without --explain is a usage error"

# --- root's --check: can a tap's MAC move each named bridge's address? --
tg_bridge brpin
tg_bridge brset
ip link set brset address 02:00:00:00:00:42
tg_acl 'allow brpin\nallow brset\nallow brpin user 4242\nallow brgone\n'
tool_root --check
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:1: note: bridge 'brpin': nobody set its address, .* the first grant will set it to its current value \(logged as 'pinned'\), or set it now: ip link set brpin address" \
	"root --check: an unset bridge address is explained, with the command"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:2: note: bridge 'brset': its address is set" "root --check: an admin-set address is said to hold"
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:4: note: bridge 'brgone' does not exist here now" "root --check: a bridge not there yet"
assert_eq "$(grep -c "note: bridge 'brpin'" <<<"$TG_OUT")" 1 "root --check: each bridge once"
assert_match "$TG_OUT" ": 0 errors, 0 warnings" "root --check: notes are not warnings"
tg_run "$H" -- --br=brpin
assert_eq "$(tg_exit)" 0 "a grant on brpin"
tool_root --check
assert_match "$TG_OUT" "^/etc/qemu/bridge.conf:1: note: bridge 'brpin': its address is set \(by an admin, or pinned by an earlier grant\)" \
	"root --check: after the first grant, brpin's address is pinned"
tool --check
assert_no_match "$TG_OUT" "note: bridge" "a user's --check: no bridge notes (root's view)"
