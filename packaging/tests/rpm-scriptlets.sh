#!/bin/bash
# The RPM's %post and %postun, run as rpm would run them (sh, with the
# install count), on this Debian machine: in a private mount namespace
# where /etc, /var/lib and /usr/share/tapgate are throwaway overlays, so
# the host is not touched.
#
#   rpm-scriptlets.sh RPM
#
# Checks what the .deb's postinst/postrm are checked for by
# scripts/package-test: the ACL and the directories are made only when
# missing, and an erase removes only what %post made, only when empty.
set -euo pipefail
RPM=${1:?usage: rpm-scriptlets.sh RPM}

if [ -z "${TG_RPM_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || { echo "FAIL: needs root (mount namespace)" >&2; exit 1; }
	TG_RPM_NS=1 exec unshare --mount --propagation private bash "$0" "$@"
fi

work=$(mktemp -d /tmp/tg-rpmscripts.XXXXXX)
trap 'cd /; umount -l /etc /var/lib /usr/share 2>/dev/null; rm -rf "$work"' EXIT
rpm -qp --nodigest --nosignature --qf '%{POSTIN}' "$RPM" > "$work/post.sh"
rpm -qp --nodigest --nosignature --qf '%{POSTUN}' "$RPM" > "$work/postun.sh"
mkdir -p "$work/root"
rpm --root "$work/root" --initdb
rpm --root "$work/root" -i --nodeps --noscripts --nodigest --nosignature "$RPM" 2>/dev/null

overlay() { # DIR NAME
	mkdir -p "$work/$2-up" "$work/$2-work"
	mount -t overlay "tg-$2" -o "lowerdir=$1,upperdir=$work/$2-up,workdir=$work/$2-work" "$1"
}
overlay /etc etc
overlay /var/lib varlib
overlay /usr/share share
mkdir -p /usr/share/tapgate
cp "$work/root/usr/share/tapgate/bridge.conf" /usr/share/tapgate/

fails=0 count=0
check_eq() { # ACTUAL EXPECTED DESC
	count=$((count + 1))
	if [ "$1" = "$2" ]; then echo "ok $count - $3"; else
		fails=$((fails + 1)); echo "not ok $count - $3 (got '$1', want '$2')"; fi
}
fresh() { rm -rf /etc/qemu /var/lib/tapgate; }

# No /etc/qemu at all: %post makes it all, the erase removes it all.
fresh
sh "$work/post.sh" 1 2> "$work/err"
check_eq "$(stat -c '%a %U %G' /etc/qemu /etc/qemu/bridge.d | tr '\n' ' ')" "755 root root 755 root root " \
	"rpm %post: /etc/qemu and bridge.d made, root:root 0755"
check_eq "$(cmp /etc/qemu/bridge.conf /usr/share/tapgate/bridge.conf && echo same)" same "rpm %post: the default ACL"
if [ "$(stat -c %a /dev/net/tun)" != 666 ]; then
	check_eq "$(grep -cx 'tapgate: *chmod 0666 /dev/net/tun' "$work/err")" 1 "rpm %post: a 0600 /dev/net/tun gets the chmod that fixes it"
fi
sh "$work/postun.sh" 0 2> "$work/err"
check_eq "$(ls -d /etc/qemu /var/lib/tapgate 2>/dev/null || true)" "" "rpm erase: the ACL, both directories and the state are gone"

# An empty /etc/qemu the admin made: it stays, as it was.
fresh
mkdir -m 0751 /etc/qemu
sh "$work/post.sh" 1 2> "$work/err"
sh "$work/postun.sh" 0 2> "$work/err"
check_eq "$(stat -c '%a %U %G' /etc/qemu) $(ls -A /etc/qemu | wc -l)" "751 root root 0" \
	"rpm erase: an /etc/qemu that existed stays, empty, 0751"

# Drop-ins the admin wrote: they stay, with their directory, and it says so.
fresh
sh "$work/post.sh" 1 2> "$work/err"
echo 'allow br0' > /etc/qemu/bridge.d/br0.conf
sh "$work/postun.sh" 0 2> "$work/err"
check_eq "$(ls /etc/qemu/bridge.d)" br0.conf "rpm erase: the admin's drop-in stays"
check_eq "$(grep -c 'keeping /etc/qemu/bridge.d' "$work/err")" 1 "rpm erase: ... and says so"
check_eq "$(ls -A /etc/qemu)" bridge.d "rpm erase: the ACL it made is gone, the directory holding the drop-in stays"

# An upgrade ($1 = 1 in %postun) changes nothing.
fresh
sh "$work/post.sh" 1 2> "$work/err"
sh "$work/post.sh" 2 2> "$work/err"
sh "$work/postun.sh" 1 2> "$work/err"
check_eq "$(ls -A /etc/qemu | tr '\n' ' ')" "bridge.conf bridge.d " "rpm upgrade: %postun 1 keeps the ACL and the directories"
check_eq "$(sort -u /var/lib/tapgate/created-dirs | wc -l) $(wc -l < /var/lib/tapgate/created-dirs)" "2 2" \
	"rpm upgrade: each made directory recorded once"

echo "# rpm-scriptlets: $count assertions, $fails failed"
[ "$fails" = 0 ]
