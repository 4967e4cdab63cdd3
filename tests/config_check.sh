#!/bin/sh
# Negative config tests: every tests/configs/bad/NAME.dts must fail `tessera check`
# (exit 1) with the message fragment on its first line ("// expect: FRAGMENT").
# Good configs (tests/configs/*.dts) must pass. Prints PASS:/FAIL: config/NAME.
# TESSERA=path overrides the CLI (default build/tools/tessera).
cd "$(dirname "$0")/.." || exit 1
TESSERA=${TESSERA:-build/tools/tessera}
if [ ! -x "$TESSERA" ]; then
	echo "FAIL: config/setup ($TESSERA missing: run make tools)"
	exit 1
fi
fails=0

for f in tests/configs/*.dts; do
	name=$(basename "$f" .dts)
	if out=$("$TESSERA" check "$f" 2>&1) && echo "$out" | grep -q ": OK ("; then
		echo "PASS: config/$name"
	else
		echo "FAIL: config/$name (expected OK): $out"
		fails=$((fails + 1))
	fi
done

for f in tests/configs/bad/*.dts; do
	name=$(basename "$f" .dts)
	expect=$(sed -n '1s|^// expect: ||p' "$f")
	if [ -z "$expect" ]; then
		echo "FAIL: config/bad/$name (no '// expect:' first line)"
		fails=$((fails + 1))
		continue
	fi
	out=$("$TESSERA" check "$f" 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -qF -- "$f: " &&
		printf '%s\n' "$out" | grep -qF -- "$expect"; then
		echo "PASS: config/bad/$name"
	else
		echo "FAIL: config/bad/$name (exit $rc, expected \"$expect\"): $out"
		fails=$((fails + 1))
	fi
done
[ "$fails" -eq 0 ]
