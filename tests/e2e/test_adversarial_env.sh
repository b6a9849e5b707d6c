#!/bin/bash
# Adversarial: the caller's environment, against both the setuid and
# the file-caps install, with canaries. libtgcanary.so announces itself
# on stderr and leaves /dev/shm/tgcanary-loaded if any loader path loads
# it; a gconv module, a locale tree and a message catalog carry a
# canary string. Each variable must leave a grant silent and a refusal
# byte-identical to the one in an empty environment, and load nothing.
# (test_env.sh covers libnl's NLDBG/NLCB/NLSYSCONFDIR, TZ, locale and
# malloc variables and a fake LD_LIBRARY_PATH libc; this adds the
# canaries, the loader's debug and trace variables, gconv, LOCPATH,
# NLSPATH and libcap-ng/libnl look-alikes.)
. "$(dirname "$0")/lib.sh"
tg_sandbox "$@"

tg_bridge br0
tg_bridge br1
tg_acl 'allow br0\n'
tg_tun_mode 0666
CANARY=TGCANARY-7f3a91
MARK=/dev/shm/tgcanary-loaded
LIB=$TG_BIN/libtgcanary.so

# Planted trees, readable by the user.
P=$TG_ROOT/plant
mkdir -p "$P/gconv" "$P/locale/xx_XX.UTF-8/LC_MESSAGES" "$P/nls" "$P/lib"
cp "$LIB" "$P/gconv/TGCANARY.so"
printf 'module\tINTERNAL\tTGCANARY//\tTGCANARY\t1\nmodule\tTGCANARY//\tINTERNAL\tTGCANARY\t1\nalias\tUTF-8//\tTGCANARY//\n' > "$P/gconv/gconv-modules"
printf '%s\n' "$CANARY" > "$P/locale/xx_XX.UTF-8/LC_MESSAGES/libc.mo"
printf '%s\n' "$CANARY" > "$P/locale/xx_XX.UTF-8/LC_CTYPE"
printf '%s\n' "$CANARY" > "$P/nls/libc.cat"
cp "$LIB" "$P/lib/libtgcanary.so"
chmod -R a+rX "$P"

# run_env HELPER BRIDGE [VAR=VALUE...]: tgclient runs
# 'env -i VARS HELPER --br=BRIDGE --fd=N' as the user.
run_env() {
	local helper=$1 br=$2
	shift 2
	rm -f "$MARK"
	set +e
	TG_OUT=$(tg_as_user timeout -k 2 10 "$TG_BIN/tgclient" -- /usr/bin/env -i "$@" \
		"$helper" --br="$br" 2>"$TG_ROOT/stderr")
	TG_RC=$?
	set -e
	# The loader's own notice that it ignored a preload by name (it
	# refuses to search for it in secure mode) comes before tapgate
	# runs; it is set aside here and counted in LOADER_NOTES.
	LOADER_NOTES=$(grep -c "^ERROR: ld\.so: object '[^']*' from LD_PRELOAD cannot be preloaded .*: ignored\.$" "$TG_ROOT/stderr" || true)
	TG_ERR=$(grep -v "^ERROR: ld\.so: object '[^']*' from LD_PRELOAD cannot be preloaded .*: ignored\.$" "$TG_ROOT/stderr" || true)
}

not_loaded() { # LABEL
	if [ -e "$MARK" ]; then tg_notok "$1: the canary library was loaded ($MARK exists)"; else tg_ok "$1: the canary library was not loaded"; fi
	assert_no_leak TGCANARY "$1: no canary text in the output"
}

# --- controls: the canaries work where nothing stops them -----------------

set +e
out=$(tg_as_user /usr/bin/env -i LD_PRELOAD="$LIB" /bin/true 2>&1)
set -e
assert_match "$out" '^TGCANARY-LOADED$' "control: LD_PRELOAD loads the canary into an ordinary program"
[ -e "$MARK" ] && tg_ok "control: the canary leaves its mark file" || tg_notok "control: the canary leaves its mark file"
rm -f "$MARK"
set +e
out=$(tg_as_user /usr/bin/env -i LD_AUDIT="$LIB" /bin/true 2>&1)
set -e
assert_match "$out" 'TGCANARY-LOADED' "control: LD_AUDIT loads the canary into an ordinary program"
rm -f "$MARK"
set +e
out=$(tg_as_user /usr/bin/env -i GCONV_PATH="$P/gconv" /usr/bin/iconv -f UTF-8 -t TGCANARY </dev/null 2>&1)
set -e
[ -e "$MARK" ] && tg_ok "control: GCONV_PATH loads the canary gconv module into iconv" ||
	tg_notok "control: GCONV_PATH loads the canary gconv module into iconv ($out)"
rm -f "$MARK"

VARS=(
	"LD_PRELOAD=$LIB"
	"LD_PRELOAD=libtgcanary.so LD_LIBRARY_PATH=$P/lib"
	"LD_AUDIT=$LIB"
	"LD_LIBRARY_PATH=$P/lib"
	"GCONV_PATH=$P/gconv"
	"LOCPATH=$P/locale LANG=xx_XX.UTF-8 LC_ALL=xx_XX.UTF-8"
	"NLSPATH=$P/nls/%N.cat LANG=xx_XX.UTF-8"
	"LD_DEBUG=all"
	"LD_DEBUG=all LD_DEBUG_OUTPUT=$TG_ROOT/home/lddebug"
	"LD_SHOW_AUXV=1"
	"LD_VERBOSE=1 LD_WARN=1"
	"LD_BIND_NOT=1 LD_DYNAMIC_WEAK=1"
	"MALLOC_CHECK_=3 MALLOC_TRACE=$TG_ROOT/home/mtrace MALLOC_PERTURB_=85"
	"NLDBG=7 NLCB=debug LIBNL_DEBUG=7 NL_DEBUG=7"
	"CAPNG_DEBUG=1 CAPNG_PRINT=1 LIBCAP_NG_DEBUG=1"
	"HOSTALIASES=$P/nls/libc.cat RES_OPTIONS=debug LOCALDOMAIN=$CANARY"
	"TMPDIR=$P NLSYSCONFDIR=$P/nls"
)

for h in tapgate tapgate-caps; do
	H=$TG_BIN/$h
	run_env "$H" br1
	clean_rc=$TG_RC clean_err=$TG_ERR
	assert_eq "$clean_rc" 102 "$h: refusal in an empty environment exits 2"
	for v in "${VARS[@]}"; do
		read -r -a kv_pairs <<<"$v"
		label="$h, $(sed "s|$TG_ROOT|\$TG_ROOT|g" <<<"$v")"
		run_env "$H" br0 "${kv_pairs[@]}"
		assert_eq "$TG_RC" 0 "$label: grant succeeds"
		assert_eq "$TG_ERR" "" "$label: grant prints nothing on stderr"
		not_loaded "$label (grant)"
		assert_no_taps "$label: no tap left after the grant"
		run_env "$H" br1 "${kv_pairs[@]}"
		assert_eq "$TG_RC" "$clean_rc" "$label: refusal exits as in an empty environment"
		assert_eq "$TG_ERR" "$clean_err" "$label: refusal stderr byte-identical to an empty environment"
		not_loaded "$label (refusal)"
		assert_no_taps "$label: no tap left after the refusal"
	done
	for f in lddebug mtrace; do
		if ls "$TG_ROOT/home/$f"* >/dev/null 2>&1; then tg_notok "$h: no $f file was written"; else tg_ok "$h: no $f file was written"; fi
	done

	# glibc's loader refuses trace mode in a secure binary with a bare
	# exit 5 before main(): never exit 0 without an fd (which QEMU
	# would take as "the tap is fd 0").
	run_env "$H" br0 LD_TRACE_LOADED_OBJECTS=1
	assert_eq "$(tg_exit)" 5 "$h, LD_TRACE_LOADED_OBJECTS=1: the loader exits 5, not 0"
	assert_eq "$(kv nfds)" 0 "$h, LD_TRACE_LOADED_OBJECTS=1: no fd"
	assert_no_taps "$h, LD_TRACE_LOADED_OBJECTS=1: no tap"
done

# LD_PROFILE: glibc 2.36's loader honours it in secure mode for a
# library on the system path and writes /var/profile/<lib>.profile if
# that directory exists, before tapgate's first instruction. Debian has
# no /var/profile; here a private one shows the difference between the
# installs: the file-caps install (+p: nothing effective at exec) cannot
# create it; the setuid one, whose loader runs as euid 0, can. That is
# glibc's (fixed upstream by ignoring LD_PROFILE in secure mode) and a
# reason to prefer the file-caps install (SECURITY.md).
mount -t tmpfs -o mode=0755 tg-var /var
mkdir -m 0755 /var/profile
run_env "$TG_BIN/tapgate-caps" br0 LD_PROFILE=libc.so.6
assert_eq "$(kv nfds)" 1 "file caps, LD_PROFILE=libc.so.6: still one tap"
if [ -e /var/profile/libc.so.6.profile ]; then tg_notok "file caps, LD_PROFILE: no profile file created in a root-owned directory"; else tg_ok "file caps, LD_PROFILE: no profile file created in a root-owned directory"; fi
run_env "$TG_BIN/tapgate" br0 LD_PROFILE=libc.so.6
assert_eq "$(kv nfds)" 1 "setuid, LD_PROFILE=libc.so.6: still one tap"
if [ -e /var/profile/libc.so.6.profile ]; then
	echo "# KNOWN (glibc 2.36 loader, not tapgate): setuid install + LD_PROFILE created /var/profile/libc.so.6.profile ($(stat -c '%U:%G %s bytes' /var/profile/libc.so.6.profile))"
fi
umount /var
assert_no_taps "LD_PROFILE: no tap left"
