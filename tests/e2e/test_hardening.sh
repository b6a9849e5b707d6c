#!/bin/bash
# The built binary carries the hardening the README promises: PIE,
# full RELRO (BIND_NOW), non-executable stack, fortified calls, no
# RPATH/RUNPATH, the environment-clearing .preinit_array, and no
# run-time way to name another ACL file.
set -euo pipefail
bin=${TG_BUILD:?}/helper/tapgate
fails=0 count=0
check() { # DESC CMD...
	local desc=$1
	shift
	count=$((count + 1))
	if "$@" >/dev/null 2>&1; then echo "ok $count - $desc"; else
		echo "not ok $count - $desc"; fails=$((fails + 1)); fi
}
dyn=$(readelf -dW "$bin")
hdr=$(readelf -hW "$bin")
seg=$(readelf -lW "$bin")
sec=$(readelf -SW "$bin")
check "PIE" grep -q 'DYN (Position-Independent' <<<"$hdr"
check "PIE flag" grep -q 'Flags: NOW PIE' <<<"$dyn"
check "full RELRO: GNU_RELRO segment" grep -q GNU_RELRO <<<"$seg"
check "full RELRO: BIND_NOW" grep -q BIND_NOW <<<"$dyn"
check "no RPATH" bash -c '! grep -q RPATH <<<"$1"' _ "$dyn"
check "no RUNPATH" bash -c '! grep -q RUNPATH <<<"$1"' _ "$dyn"
check "non-executable stack" bash -c 'grep GNU_STACK <<<"$1" | grep -q " RW "' _ "$seg"
check "stack protector: __stack_chk_fail referenced" bash -c 'nm -D "$1" | grep -q __stack_chk_fail' _ "$bin"
check "no text relocations" bash -c '! grep -q TEXTREL <<<"$1"' _ "$dyn"
check "_FORTIFY_SOURCE" bash -c 'nm -D "$1" | grep -q "_chk@"' _ "$bin"
check ".preinit_array present (environment cleared before constructors)" grep -q PREINIT_ARRAY <<<"$sec"
check "ACL path compiled in" bash -c 'strings "$1" | grep -qx /etc/qemu/bridge.conf' _ "$bin"
objs=$(find "$TG_BUILD/helper" "$TG_BUILD/acl" -name '*.o' | sort)
check "tapgate's own objects exist" test -n "$objs"
check "no getenv/secure_getenv in tapgate's own code" bash -c '! nm $1 | grep -Eq " U (secure_)?getenv"' _ "$objs"
# Every one of our objects with a local array is stack-protected, and
# carries the CET notes. (The linked binary loses the IBT/SHSTK note:
# Debian 12's crt files and the libraries' .a files are built without
# -fcf-protection, so the kernel would not enable CET for it anyway;
# what -fcf-protection adds to our own code is still checked here.)
for o in main process privs grant netlink tap fdpass aclfile audit args parse strutil ifname; do
	obj=$(grep -E "/$o\.c\.o$" <<<"$objs" | head -n1)
	check "$o.c: built with the stack protector" bash -c 'nm "$1" | grep -q __stack_chk_fail' _ "$obj"
done
for obj in $objs; do
	check "$(basename "$obj"): IBT and SHSTK notes (-fcf-protection)" bash -c 'readelf -nW "$1" | grep -q "x86 feature: IBT, SHSTK"' _ "$obj"
done
# The system call filter is linked in when configured (the default).
if grep -q 'TAPGATE_SECCOMP:BOOL=ON' "$TG_BUILD/CMakeCache.txt"; then
	check "seccomp filter compiled in (the BPF program seccomp_bpf)" bash -c 'nm "$1" | grep -q " seccomp_bpf$"' _ "$bin"
	check "libseccomp is not linked: the filter was compiled at build time" bash -c '! nm "$1" | grep -q " seccomp_load$" && ! grep -q "NEEDED.*libseccomp" <<<"$2"' _ "$bin" "$dyn"
	check "seccomp_install called from the grant (grant_run)" bash -c 'objdump -d --no-show-raw-insn "$1" | grep -A400 "<grant_run>:" | grep -q "call.*<seccomp_install>"' _ "$bin"
fi
# Static libnl/libcap-ng (TAPGATE_STATIC_DEPS=ON; the default is OFF): libc only.
if grep -q 'TAPGATE_STATIC_DEPS:BOOL=ON' "$TG_BUILD/CMakeCache.txt"; then
	check "statically linked deps: only libc and the loader are NEEDED" bash -c '[ "$(grep NEEDED <<<"$1" | grep -Evc "\[(libc.so.6|ld-linux-x86-64.so.2)\]")" = 0 ]' _ "$dyn"
fi
echo "# $count assertions, $fails failed"
[ "$fails" = 0 ]
