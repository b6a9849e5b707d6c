#!/bin/bash
# A hostile environment: variables read by libnl's constructors (NLDBG,
# NLCB, NLSYSCONFDIR), the dynamic loader (LD_*), malloc, locale, TZ and
# the shell. Grants must still work with nothing printed; a refusal must
# print byte for byte what it prints in an empty environment; nothing
# may hang.
#
# Why these can fail: libnl-route's constructors run before main() and
# read NLDBG (debug lines "DBG<...>" on stderr) and
# $NLSYSCONFDIR/classid (a FIFO there blocks forever); glibc reads TZ
# for syslog's timestamp (a FIFO blocks forever). tapgate empties its
# environment from .preinit_array, before any library constructor
# (helper/process.c). The "control" assertions below run the same
# libraries, or tapgate without secure-mode loading, in the same
# environment and show the debug output and the hangs appear there:
# without the early clearing, tapgate's stderr would carry the DBG lines
# and it would hang on the FIFO. (Reassigning `environ` alone in
# .preinit_array is not enough: glibc's own initialiser, which runs
# after it, sets environ back to the kernel's envp array; that array
# itself must be emptied.)
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

PY=/usr/bin/python3
[ -x "$PY" ] || tg_die "missing /usr/bin/python3 (package python3): used for the control runs"

tg_bridge br0
tg_bridge br1
tg_acl 'allow br0\n'

# Hazards on disk.
mkdir -p "$TG_ROOT/nlfifo" "$TG_ROOT/nlhuge" "$TG_ROOT/fakelib" "$TG_ROOT/nolib"
mkfifo -m 0666 "$TG_ROOT/nlfifo/classid"
truncate -s 4G "$TG_ROOT/nlhuge/classid"          # sparse, all NUL bytes
chmod 0644 "$TG_ROOT/nlhuge/classid"
for lib in libc.so.6 libnl-3.so.200 libnl-route-3.so.200 libcap-ng.so.0; do
	printf 'not an ELF file\n' > "$TG_ROOT/fakelib/$lib"   # loading it is fatal
done
chmod -R a+rX "$TG_ROOT/nlfifo" "$TG_ROOT/nlhuge" "$TG_ROOT/fakelib"
FIFO=$TG_ROOT/nlfifo/classid

# Let any reader blocked on the FIFO go (only needed when a run hung).
unblock_fifo() {
	timeout 2 bash -c ": <>'$FIFO'" 2>/dev/null || true
}

# Variables the helper itself must neutralise (no loader involvement).
ENV_LIB=(
	NLDBG=7
	NLCB=debug
	NLSYSCONFDIR="$TG_ROOT/nlfifo"
	TZ=":$FIFO"
	MALLOC_CHECK_=3
	MALLOC_PERTURB_=165
	GLIBC_TUNABLES=glibc.malloc.check=3:glibc.malloc.tcache_count=0
	LANG=xx_XX.BOGUS-42
	LC_ALL=$'\x1b[31m'
	LC_MESSAGES=de_DE.UTF-8
	LANGUAGE=fr:de
	TMPDIR=/nonexistent
	PATH=/nonexistent
	IFS=$'/\t-='
	HOME=/nonexistent
	SHELL=/nonexistent
	POSIXLY_CORRECT=1
)
# The same with NLSYSCONFDIR pointing at a 4 GiB classid.
ENV_HUGE=("${ENV_LIB[@]/#NLSYSCONFDIR=*/NLSYSCONFDIR=$TG_ROOT/nlhuge}")
# Plus the loader's: ignored in secure mode (setuid, file caps), which
# is what the installs rely on.
ENV_ALL=("${ENV_LIB[@]}"
	LD_PRELOAD="$TG_ROOT/nolib/libtgpreload.so"
	LD_LIBRARY_PATH="$TG_ROOT/fakelib"
	LD_BIND_NOW=1
)

# run_env AS HELPER BRIDGE [VAR=VALUE...]: tgclient runs
# 'env -i VARS HELPER --br=BRIDGE --fd=N', so only the helper sees the
# variables. AS is "user" or "root". Sets TG_RC, TG_OUT, TG_ERR.
run_env() {
	local as=$1 helper=$2 br=$3 pre=()
	shift 3
	[ "$as" = user ] && pre=(setpriv --reuid="$TG_UID" --regid="$TG_GID" --clear-groups --inh-caps=-all --)
	set +e
	TG_OUT=$("${pre[@]}" timeout -k 2 10 "$TG_BIN/tgclient" -- /usr/bin/env -i "$@" \
		"$helper" --use-vnet --br="$br" 2>"$TG_ROOT/stderr")
	TG_RC=$?
	set -e
	TG_ERR=$(cat "$TG_ROOT/stderr")
	[ "$TG_RC" != 124 ] && [ "$TG_RC" != 137 ] || unblock_fifo
}

# Assertions that keep failure output short (libnl debug output runs to
# hundreds of lines): the first differing lines only.
excerpt() { head -n 4 <<<"$1" | cut -c1-160; }
assert_same() { # ACTUAL EXPECTED DESC
	if [ "$1" = "$2" ]; then
		tg_ok "$3"
	else
		local save_out=$TG_OUT save_err=$TG_ERR
		TG_OUT="(see diff)"
		TG_ERR=$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | head -n 6 | cut -c1-160 || true)
		tg_notok "$3"
		TG_OUT=$save_out TG_ERR=$save_err
	fi
}
assert_empty() { # VALUE DESC
	if [ -z "$1" ]; then
		tg_ok "$2"
	else
		local save_out=$TG_OUT save_err=$TG_ERR
		TG_OUT="($(wc -l <<<"$1") lines)" TG_ERR=$(excerpt "$1")
		tg_notok "$2"
		TG_OUT=$save_out TG_ERR=$save_err
	fi
}

# check_env LABEL AS HELPER VARS...: a grant and a refusal under VARS.
check_env() {
	local label=$1 as=$2 helper=$3 clean_out clean_err clean_rc
	shift 3

	run_env "$as" "$helper" br0 "$@"
	assert_same "$TG_RC" 0 "$label: grant succeeds, no hang (timeout 10 gives 124)"
	assert_empty "$TG_ERR" "$label: grant prints nothing on stderr"
	assert_empty "$(grep -Ev '^(exit|received|nfds|databyte|ifname|vnet_hdr)=' <<<"$TG_OUT")" \
		"$label: grant prints nothing on stdout (only tgclient's key=value lines)"
	assert_no_taps "$label: no tap left after the grant"

	run_env "$as" "$helper" br1
	clean_rc=$TG_RC clean_out=$TG_OUT clean_err=$TG_ERR
	assert_eq "$clean_rc" 102 "$label: refusal in an empty environment exits 2"
	run_env "$as" "$helper" br1 "$@"
	assert_same "$TG_RC" "$clean_rc" "$label: refusal exits as in an empty environment"
	assert_same "$TG_ERR" "$clean_err" "$label: refusal stderr byte-identical to an empty environment"
	assert_same "$TG_OUT" "$clean_out" "$label: refusal stdout byte-identical to an empty environment"
	assert_empty "$(grep -E 'DBG<|-- Debug:|ld\.so|error while loading' <<<"$TG_ERR")" \
		"$label: no libnl debug or loader output"
	assert_no_taps "$label: no tap left after the refusal"
}

# --- the installs, as the user --------------------------------------------

check_env "setuid, all variables" user "$TG_BIN/tapgate" "${ENV_ALL[@]}"
check_env "setuid, huge classid" user "$TG_BIN/tapgate" "${ENV_HUGE[@]}"
tg_tun_mode 0666
check_env "file caps, all variables" user "$TG_BIN/tapgate-caps" "${ENV_ALL[@]}"
tg_tun_mode 0600

# --- run by root: no secure mode, so only the helper's own clearing -------

check_env "root, libnl/TZ/locale/malloc variables" root "$TG_BIN/tapgate-plain" "${ENV_LIB[@]}"
check_env "root, huge classid" root "$TG_BIN/tapgate-plain" "${ENV_HUGE[@]}"

# --- no user-chosen path is opened with root's credentials -----------------

# libnl-route's constructor opens $NLSYSCONFDIR/classid while the setuid
# helper still runs as euid 0. Traced (strace as root keeps the setuid
# transition): the path must not be opened at all. The directory is
# root-only, so a successful open would prove root's credentials.
command -v strace >/dev/null || tg_die "missing strace (package strace)"
mkdir -m 0700 "$TG_ROOT/nlsecret"
printf '1:1 secret\n' > "$TG_ROOT/nlsecret/classid"
chmod 0600 "$TG_ROOT/nlsecret/classid"
set +e
strace -f -o "$TG_ROOT/strace.env" -e trace=openat \
	setpriv --reuid="$TG_UID" --regid="$TG_GID" --clear-groups -- \
	timeout -k 2 10 "$TG_BIN/tgclient" -- /usr/bin/env -i NLSYSCONFDIR="$TG_ROOT/nlsecret" \
	"$TG_BIN/tapgate" --br=br0 > "$TG_ROOT/strace.out" 2>&1
set -e
assert_match "$(cat "$TG_ROOT/strace.out")" '^exit=0$' "setuid, NLSYSCONFDIR=<root-only dir>: grant succeeds"
opened=$(grep -F "\"$TG_ROOT/nlsecret/classid\"" "$TG_ROOT/strace.env" || true)
assert_empty "$opened" "setuid, NLSYSCONFDIR=<root-only dir>: \$NLSYSCONFDIR/classid is never opened (let alone as root)"
assert_no_taps "setuid, NLSYSCONFDIR traced: no tap left"

# --- controls: the same hazards do bite where nothing clears them ---------

# libnl-route's constructors print debug lines under NLDBG.
set +e
out=$(tg_as_user env -i NLDBG=7 timeout 10 "$PY" -c \
	'import ctypes; ctypes.CDLL("libnl-route-3.so.200")' 2>&1)
set -e
assert_match "$out" '^DBG<' "control: loading libnl-route with NLDBG=7 prints DBG< lines"

# A default-callback libnl socket dumps every message under NLCB=debug
# (tapgate also asks for an explicit NL_CB_DEFAULT set, helper/bridge.c).
set +e
out=$(tg_as_user env -i NLCB=debug timeout 10 "$PY" - 2>&1 <<'PY'
import ctypes
nl = ctypes.CDLL("libnl-3.so.200")
rt = ctypes.CDLL("libnl-route-3.so.200")
nl.nl_socket_alloc.restype = ctypes.c_void_p
nl.nl_connect.argtypes = [ctypes.c_void_p, ctypes.c_int]
rt.rtnl_link_get_kernel.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p]
sk = nl.nl_socket_alloc()
nl.nl_connect(sk, 0)
link = ctypes.c_void_p()
rt.rtnl_link_get_kernel(sk, 0, b"br0", ctypes.byref(link))
PY
)
set -e
assert_match "$out" '^-- Debug: Sent Message' "control: a libnl default socket with NLCB=debug prints '-- Debug: Sent Message'"

# libnl-route's constructor opens $NLSYSCONFDIR/classid: a FIFO hangs it.
set +e
tg_as_user env -i NLSYSCONFDIR="$TG_ROOT/nlfifo" timeout 3 "$PY" -c \
	'import ctypes; ctypes.CDLL("libnl-route-3.so.200")' >/dev/null 2>&1
rc=$?
set -e
unblock_fifo
assert_eq "$rc" 124 "control: loading libnl-route with NLSYSCONFDIR=<FIFO classid> hangs"

# glibc reads the TZ file for a timestamp (syslog does): a FIFO hangs it.
set +e
tg_as_user env -i TZ=":$FIFO" timeout 3 date >/dev/null 2>&1
rc=$?
set -e
unblock_fifo
assert_eq "$rc" 124 "control: a timestamp with TZ=:<FIFO> hangs"

# Without secure mode the loader honours LD_PRELOAD and LD_LIBRARY_PATH
# (tapgate run by root): the refusal output then differs, so the
# byte-for-byte comparison above would notice.
run_env root "$TG_BIN/tapgate-plain" br1
clean_err=$TG_ERR
run_env root "$TG_BIN/tapgate-plain" br1 LD_PRELOAD="$TG_ROOT/nolib/libtgpreload.so"
assert_match "$TG_ERR" 'LD_PRELOAD cannot be preloaded' "control: root run, LD_PRELOAD is honoured (loader error)"
if [ "$TG_ERR" != "$clean_err" ]; then
	tg_ok "control: root run, LD_PRELOAD changes the refusal's stderr"
else
	tg_notok "control: root run, LD_PRELOAD changes the refusal's stderr"
fi
run_env root "$TG_BIN/tapgate-plain" br0 LD_LIBRARY_PATH="$TG_ROOT/fakelib"
assert_match "$TG_ERR" 'error while loading shared libraries' \
	"control: root run, LD_LIBRARY_PATH is honoured (a fake libc is fatal)"
assert_no_taps "controls: no tap left"
