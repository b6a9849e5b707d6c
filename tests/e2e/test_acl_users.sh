#!/bin/bash
# Per-user and per-group rules, patterns and glob includes, as several
# unprivileged users with different groups, against the setuid and the
# file-capability installs. Names come from a private /etc/passwd and
# /etc/group in the sandbox's overlay /etc.
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_users

# as UID GID [GROUPS] HELPER -- ARGS: one request through tgclient.
as() {
	local uid=$1 gid=$2 groups=$3 helper=$4
	shift 4
	local g=()
	[ -n "$groups" ] && g=(--groups="$groups")
	TG_UID=$uid TG_GID=$gid tg_run "${g[@]}" "$helper" -- "$@"
}

# expect LABEL WANT(grant|deny|N) : judge the last run.
expect() {
	local label=$1 want=$2
	case $want in
	grant)
		assert_eq "$(tg_exit)" 0 "$label: granted"
		assert_match "$(kv ifname)" '^tap[0-9]+$' "$label: got a tap"
		;;
	deny)
		assert_eq "$(tg_exit)" 2 "$label: refused with exit 2"
		assert_match "$TG_ERR" 'access denied by acl file' "$label: says access denied"
		;;
	*)
		assert_eq "$(tg_exit)" "$want" "$label: exit $want"
		;;
	esac
	assert_no_taps "$label: no tap left"
}

for br in br0 br1 br2 lab-a lab-b labx; do tg_bridge "$br"; done

for helper in tapgate tapgate-caps; do
	H=$TG_BIN/$helper
	[ "$helper" = tapgate-caps ] && tg_tun_mode 0666 || tg_tun_mode 0600

	# --- user rules ------------------------------------------------------
	tg_acl 'allow br1 user alice\nallow br2 user 4243\n'
	as 4242 4242 "" "$H" --br=br1; expect "$helper: user alice on br1 as alice" grant
	as 4243 4243 "" "$H" --br=br1; expect "$helper: user alice on br1 as bob" deny
	as 4243 4243 "" "$H" --br=br2; expect "$helper: user 4243 on br2 as bob" grant
	as 4242 4242 "" "$H" --br=br2; expect "$helper: user 4243 on br2 as alice" deny

	# --- group rules: gid, supplementary groups, the kernel's view ------
	tg_acl 'allow lab-* group students\n'
	as 4242 4242 4343 "$H" --br=lab-a
	expect "$helper: group students (supplementary) on lab-a" grant
	as 4244 4343 "" "$H" --br=lab-b
	expect "$helper: group students (primary gid, carol) on lab-b" grant
	# alice is in students in /etc/group, but this process is not: the
	# kernel's view decides, not the database.
	as 4242 4242 "" "$H" --br=lab-a
	expect "$helper: listed in /etc/group but not in the process's groups" deny
	as 4242 4242 4343 "$H" --br=labx
	expect "$helper: pattern lab-* does not match labx" deny

	# --- both qualifiers must match --------------------------------------
	tg_acl 'allow br0 user bob group crew\n'
	as 4243 4243 4345 "$H" --br=br0; expect "$helper: bob in crew" grant
	as 4243 4243 "" "$H" --br=br0; expect "$helper: bob without crew" deny
	as 4242 4242 4345 "$H" --br=br0; expect "$helper: alice in crew" deny

	# --- deny wins; an unknown name matches nobody --------------------------
	tg_acl 'allow all\ndeny br1 user bob\ndeny all user ghost\ndeny br* group nogroup\n'
	as 4243 4243 "" "$H" --br=br1; expect "$helper: deny br1 user bob beats allow all" deny
	assert_match "$TG_ERR" 'denied by /etc/qemu/bridge.conf:2;' "$helper: names the deny rule"
	as 4243 4243 "" "$H" --br=br0; expect "$helper: bob on br0 (no deny)" grant
	as 4242 4242 "" "$H" --br=br1; expect "$helper: unknown user/group denies nobody" grant

	# --- patterns ---------------------------------------------------------
	tg_acl 'allow br[0-1]\ndeny *1\n'
	as 4242 4242 "" "$H" --br=br0; expect "$helper: br[0-1] matches br0" grant
	as 4242 4242 "" "$H" --br=br1; expect "$helper: deny *1 beats br[0-1]" deny
	as 4242 4242 "" "$H" --br=br2; expect "$helper: br[0-1] does not match br2" deny
done
tg_tun_mode 0600
H=$TG_BIN/tapgate

# --- glob includes ---------------------------------------------------------
mkdir -p /etc/qemu/bridge.d
chmod 0755 /etc/qemu/bridge.d
tg_acl 'include /etc/qemu/bridge.d/*.conf\n'
as 4242 4242 "" "$H" --br=br0; expect "glob include, empty directory" deny
rmdir /etc/qemu/bridge.d
as 4242 4242 "" "$H" --br=br0; expect "glob include, no directory" deny
mkdir -p /etc/qemu/bridge.d
chmod 0755 /etc/qemu/bridge.d
tg_acl 'allow br0\n' /etc/qemu/bridge.d/10-lab.conf
tg_acl 'deny br0 user alice\n' /etc/qemu/bridge.d/.hidden.conf
tg_acl 'deny br0 user alice\n' /etc/qemu/bridge.d/20-off.conf.dpkg-old
tg_acl 'allow br1 user bob\n' /etc/qemu/bridge.d/20-bob.conf
as 4242 4242 "" "$H" --br=br0; expect "glob: 10-lab.conf allows br0; hidden and non-.conf files ignored" grant
as 4243 4243 "" "$H" --br=br1; expect "glob: 20-bob.conf allows bob on br1" grant
tg_acl 'allow br1\n' /etc/qemu/bridge.d/30-mine.conf 0644 4242:4242
as 4242 4242 "" "$H" --br=br0; expect "glob: a file not owned by root fails the load" 3
assert_match "$TG_ERR" "30-mine.conf' is owned by uid 4242, not root" "glob: says which file and why"
rm /etc/qemu/bridge.d/30-mine.conf
chmod 0777 /etc/qemu/bridge.d
as 4242 4242 "" "$H" --br=br0; expect "glob: a world-writable directory fails the load" 3
assert_match "$TG_ERR" "directory '/etc/qemu/bridge.d' is writable by group or others" "glob: says the directory is writable"
chmod 0755 /etc/qemu/bridge.d
chmod 0750 /etc/qemu/bridge.d
chgrp 4343 /etc/qemu/bridge.d
as 4242 4242 "" "$H" --br=br0; expect "glob: a directory the caller may not list is skipped" deny
as 4242 4242 4343 "$H" --br=br0; expect "glob: ... but a member of its group reads it" grant
chmod 0755 /etc/qemu/bridge.d
chgrp 0 /etc/qemu/bridge.d
tg_acl 'include /etc/qemu/*/10-lab.conf\n'
as 4242 4242 "" "$H" --br=br0; expect "glob in a directory component is an error" 3
assert_match "$TG_ERR" 'bridge.conf:1: .*a pattern may only be in the last component' "glob in directory: file:line and why"

# --- a lookup that fails is not a rule that matches nobody ----------------
tg_acl 'allow all\ndeny br0 user mallory\n'
cp /etc/nsswitch.conf "$TG_ROOT/nsswitch.saved"
sed -i 's/^passwd:.*/passwd: files nonexistentmodule [NOTFOUND=return]/' /etc/nsswitch.conf
as 4242 4242 "" "$H" --br=br0
assert_match "$(tg_exit)" '^(0|3)$' "unavailable NSS module: a clean grant or a clean refusal"
cp "$TG_ROOT/nsswitch.saved" /etc/nsswitch.conf
