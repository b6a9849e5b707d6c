#!/bin/bash
# Documentation stays true to the code: the man pages lint cleanly, and
# every exit code in helper/die.h is documented in tapgate(8) and
# in the README with the same number.
set -euo pipefail
src=${TG_SRC:?}
fails=0 count=0
check() {
	count=$((count + 1))
	if "${@:2}" >/dev/null 2>&1; then echo "ok $count - $1"; else
		echo "not ok $count - $1"; fails=$((fails + 1)); fi
}
command -v mandoc >/dev/null || { echo "FAIL: mandoc missing (scripts/install-deps installs it)"; exit 1; }
check "tapgate.8 lints cleanly" mandoc -T lint -W warning "$src/helper/tapgate.8"
check "tapgate.conf.5 lints cleanly" mandoc -T lint -W warning "$src/acl/tapgate.conf.5"
codes=$(sed -n 's/^[[:space:]]*EXIT_[A-Z]* = \([0-9]*\),.*/\1/p' "$src/helper/die.h")
[ "$(wc -w <<<"$codes")" -ge 8 ] || { echo "FAIL: could not read exit codes"; exit 1; }
for c in $codes; do
	check "exit $c in tapgate(8) EXIT STATUS" \
		bash -c "sed -n '/^.Sh EXIT STATUS/,/^.Sh /p' '$src/helper/tapgate.8' | grep -qx '.It $c'"
	check "exit $c in README" grep -q "^| $c | " "$src/README.md"
done
check "README names the ACL path the build uses" grep -q '/etc/qemu/bridge.conf' "$src/README.md"
echo "# $count assertions, $fails failed"
[ "$fails" = 0 ]
