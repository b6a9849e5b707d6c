# SPDX-License-Identifier: GPL-2.0-or-later
# lib_libvirt.sh - a libvirt session daemon (Debian's libvirtd 9.0) in
# the e2e sandbox (lib.sh), with tapgate as its bridge_helper.
#
# Source it after lib.sh and tg_sandbox. tg_lv_session HELPER builds
# the daemon's world: alice's HOME, with ~/.config/libvirt/qemu.conf
# naming HELPER as the bridge helper and a domain "tg" ($U/tg.xml)
# with one <interface type='bridge'> on br0, and an XDG_RUNTIME_DIR
# for its socket, all under the sandbox's tmpfs. tg_lv_start then runs
# libvirtd as alice and waits for its socket.

tg_lv_need_tools() {
	local tool
	for tool in libvirtd virsh qemu-system-x86_64; do
		command -v "$tool" >/dev/null ||
			tg_die "missing $tool (packages libvirt-daemon, libvirt-daemon-driver-qemu, libvirt-clients, qemu-system-x86: scripts/install-deps)"
	done
}

# tg_lv_session HELPER: alice's HOME ($U) for a session daemon that
# runs HELPER as its bridge_helper. Needs tg_users (alice is TG_UID:
# libvirt wants a name for its user).
tg_lv_session() {
	U=$TG_ROOT/home/alice
	mkdir -p "$U/run" "$U/.config/libvirt"
	echo "bridge_helper = \"$1\"" > "$U/.config/libvirt/qemu.conf"
	cat > "$U/tg.xml" <<'XML'
<domain type='qemu'>
  <name>tg</name>
  <memory unit='MiB'>32</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <interface type='bridge'>
      <source bridge='br0'/>
      <model type='virtio'/>
      <rom enabled='no'/>
    </interface>
  </devices>
</domain>
XML
	chown -R "$TG_UID:$TG_GID" "$U"
	chmod 0700 "$U" "$U/run"
}

as_alice() {
	tg_as_user env -i HOME="$U" XDG_RUNTIME_DIR="$U/run" LANG=C \
		PATH=/usr/sbin:/usr/bin:/bin "$@"
}
# virsh_rc CMD...: run virsh as alice; VIRSH_RC, VIRSH_OUT, VIRSH_ERR.
virsh_rc() {
	set +e
	as_alice virsh -c qemu:///session "$@" > "$TG_ROOT/virsh.out" 2> "$TG_ROOT/virsh.err"
	VIRSH_RC=$?
	set -e
	VIRSH_OUT=$(cat "$TG_ROOT/virsh.out")
	VIRSH_ERR=$(cat "$TG_ROOT/virsh.err")
	TG_OUT=$VIRSH_OUT TG_ERR=$VIRSH_ERR
}

# tg_lv_start: alice's libvirtd (LIBVIRTD), returning once it listens.
tg_lv_start() {
	as_alice libvirtd > "$TG_ROOT/libvirtd.log" 2>&1 &
	LIBVIRTD=$!
	tg_wait_until "alice's libvirtd to listen on $U/run/libvirt/libvirt-sock" \
		test -S "$U/run/libvirt/libvirt-sock"
}
