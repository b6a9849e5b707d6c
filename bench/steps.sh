#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# steps.sh - where one grant's time goes, step by step.
#
#   bash bench/steps.sh [--rounds=N] [--static=OFF|ON] [--cpu=N|none]   (OFF: the default build)
#
# Copies the source tree to a temporary directory, inserts a clock
# reading (CLOCK_MONOTONIC, vDSO: no system call, so the seccomp filter
# is unaffected) after every step of main() and grant_run(), builds
# that copy (TAPGATE_STATIC_DEPS as given), and runs N setuid grants
# through tests/e2e/tgclient --time in a sandbox (tests/e2e/lib.sh).
# The helper writes its marks to stderr after the handover; the
# client's fork -> fd time gives "exec + ld.so + constructors" as the
# total minus the span from the first mark (.preinit_array) to the
# handover. Prints the median of each step in microseconds.
# The copy is never installed anywhere but the sandbox; helper/ is not
# changed.

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
SRC_DIR=$(cd "$BENCH_DIR/.." && pwd)
ROUNDS=200
STATIC=OFF
CPU=1
for arg in "$@"; do
	case "$arg" in
	--rounds=*) ROUNDS=${arg#*=} ;;
	--static=ON | --static=OFF) STATIC=${arg#*=} ;;
	--cpu=*) CPU=${arg#*=} ;;
	*) echo "steps.sh: bad argument '$arg'" >&2; exit 2 ;;
	esac
done

if [ -z "${TG_SANDBOX:-}" ]; then
	COPY=$(mktemp -d /var/tmp/tg-steps.XXXXXX)
	trap 'rm -rf "$COPY"' EXIT
	# The tracked files, or the whole tree of an exported source.
	if git -C "$SRC_DIR" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$SRC_DIR" ls-files -z | (cd "$SRC_DIR" && xargs -0 cp --parents -t "$COPY")
		cp "$SRC_DIR/helper/"*.c "$SRC_DIR/helper/"*.h "$COPY/helper/" # uncommitted edits too
	else
		cp -a "$SRC_DIR/." "$COPY/"
	fi
	H=$COPY/helper
	cat >> "$H/tapgate.h" <<'EOF'
#include <time.h>
extern struct timespec step_at[48];
extern const char *step_name[48];
extern int step_n;
#define STEP(name) do { if (step_n < 48) { \
	clock_gettime(CLOCK_MONOTONIC, &step_at[step_n]); \
	step_name[step_n++] = (name); } } while (0)
void step_print(void);
EOF
	cat >> "$H/die.c" <<'EOF'
struct timespec step_at[48];
const char *step_name[48];
int step_n;
void step_print(void)
{
	for (int i = 1; i < step_n; i++)
		fprintf(stderr, "STEP %s %.1f\n", step_name[i],
			(step_at[i].tv_sec - step_at[i - 1].tv_sec) * 1e6 +
			(step_at[i].tv_nsec - step_at[i - 1].tv_nsec) / 1e3);
	fprintf(stderr, "STEP _span %.1f\n",
		(step_at[step_n - 1].tv_sec - step_at[0].tv_sec) * 1e6 +
		(step_at[step_n - 1].tv_nsec - step_at[0].tv_nsec) / 1e3);
}
EOF
	# process.c: the first mark, before every constructor.
	sed -i 's/^\t(void)argc;$/\tSTEP("preinit");\n\t(void)argc;/' "$H/process.c"
	# main.c: after each statement of interest.
	sed -i -e 's/^\taudit_init(getuid());$/\tSTEP("constructors");\n&\n\tSTEP("audit_init");/' \
		-e 's/^\tnnp_before = process_harden();$/&\n\tSTEP("process_harden");/' \
		-e 's/^\ttunfd = tap_open_dev();$/&\n\tSTEP("tap_open_dev");/' \
		-e 's/^\tmode = privs_drop();$/&\n\tSTEP("privs_drop");/' \
		-e 's/^\taudit_set_user();$/&\n\tSTEP("audit_set_user");/' \
		-e 's/^\tprocess_close_fds(args.fd, tunfd);$/&\n\tSTEP("args+fdpass_check+close_fds");/' \
		"$H/main.c"
	sed -i -e 's/^\tids_self[_a-z]*(&me[^;]*;$/&\n\tSTEP("ids_self");/' \
		-e 's/^\tload_acl(&acl);$/&\n\tSTEP("load_acl");/' \
		-e 's/^\tbridge_addr_read(req->bridge, &addr);$/&\n\tSTEP("bridge_addr_read");/' \
		-e 's/^\tseccomp_install();$/&\n\tSTEP("seccomp_install");/' \
		-e 's/^\tsk = netlink_open();$/&\n\tSTEP("netlink_open");/' \
		-e 's/^\tbridge_resolve(sk, req->bridge, &br);$/&\n\tSTEP("bridge_resolve");/' \
		-e 's/^\tacl_free(&acl);$/&\n\tSTEP("decide");/' \
		-e 's/^\tprivs_raise();$/&\n\tSTEP("privs_raise");/' \
		-e 's/^\treaped = quota_reap(sk, &use);$/\tSTEP("quota_count");\n&\n\tSTEP("quota_reap");/' \
		-e 's/^\ttap_create(sk, req->tunfd, req->use_vnet, getuid(), &tap);$/&\n\tSTEP("tap_create");/' \
		-e 's/^\tpinned = bridge_pin_address(sk, &br, &addr);$/\tSTEP("quota_mark|claim");\n&\n\tSTEP("bridge_pin_address");/' \
		-e 's/^\ttap_attach(sk, &tap, &br[^;]*;$/&\n\tSTEP("tap_attach");/' \
		-e 's/^\tprivs_lower();$/&\n\tSTEP("privs_lower");/' \
		-e 's/^\tsk = NULL;$/&\n\tSTEP("logs+frees");/' \
		-e 's/^\taudit_grant();$/&\n\tSTEP("audit_grant");/' \
		-e 's/^\trc = fdpass_send(req->sock, req->tunfd);$/&\n\tSTEP("fdpass_send");\n\tstep_print();/' \
		"$H/grant.c"
	n=$(grep -c 'STEP(' "$H"/main.c "$H"/grant.c "$H"/process.c | awk -F: '{ s += $2 } END { print s }')
	[ "$n" -ge 26 ] || { echo "steps.sh: only $n marks inserted: main.c or grant.c changed shape" >&2; exit 1; }
	cmake -S "$COPY" -B "$COPY/build" -DTAPGATE_TESTS=ON -DTAPGATE_STATIC_DEPS="$STATIC" >/dev/null &&
		cmake --build "$COPY/build" -j2 --target tapgate tgclient tgadv tgseccomp tgcanary logsink >/dev/null ||
		{ echo "steps.sh: the instrumented copy did not build" >&2; exit 1; }
	export TG_BUILD=$COPY/build
fi

. "$SRC_DIR/tests/e2e/lib.sh"
tg_sandbox "$@"

tg_bridge br0
tg_acl 'allow br0\n'
tg_tun_mode 0666
grep -q "^[^:]*:[^:]*:$TG_UID:" /etc/passwd ||
	echo "tgbench:x:$TG_UID:$TG_GID:tapgate bench:/nonexistent:/usr/sbin/nologin" >> /etc/passwd
PIN=()
[ "$CPU" = none ] || PIN=(taskset -c "$CPU")
OUT=$TG_ROOT/steps
mkdir -p "$OUT"
for ((r = 0; r < ROUNDS + 10; r++)); do
	us=$(tg_as_user "${PIN[@]}" "$TG_BIN/tgclient" --repeat=1 --time -- \
		"$TG_BIN/tapgate" --use-vnet --br=br0 2> "$OUT/err") || tg_die "grant failed: $(cat "$OUT/err")"
	[ "$r" -lt 10 ] && continue
	echo "$us" >> "$OUT/total"
	span=$(sed -n 's/^STEP _span //p' "$OUT/err")
	awk -v t="$us" -v s="$span" 'BEGIN { printf "%.1f\n", t - s }' >> "$OUT/exec+ld.so+constructors"
	sed -n 's/^STEP \([^_][^ ]*\) \(.*\)/\1 \2/p' "$OUT/err" | while read -r name v; do
		echo "$v" >> "$OUT/$name"
	done
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "# medians of $ROUNDS setuid grants (us), TAPGATE_STATIC_DEPS=$STATIC, pinned: ${PIN[*]:-no}"
echo "# fork -> fd received (tgclient --time): $(median "$OUT/total")"
printf '%-32s %8s\n' "exec+ld.so (fork to preinit)" "$(median "$OUT/exec+ld.so+constructors")"
for name in constructors audit_init process_harden tap_open_dev privs_drop audit_set_user \
	args+fdpass_check+close_fds ids_self load_acl bridge_addr_read seccomp_install netlink_open \
	bridge_resolve decide privs_raise quota_count quota_reap tap_create 'quota_mark|claim' \
	bridge_pin_address tap_attach privs_lower logs+frees audit_grant fdpass_send; do
	[ -f "$OUT/$name" ] && printf '%-32s %8s\n' "$name" "$(median "$OUT/$name")"
done
