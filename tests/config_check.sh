#!/bin/sh
# Negative config tests: every tests/configs/bad/NAME.dts must fail `tessera check`
# (exit 1) with the message fragment on its first line ("// expect: FRAGMENT").
# Good configs (tests/configs/*.dts) must pass. Prints PASS:/FAIL: config/NAME.
# Also the CLI around it: `tessera --help` (-h, help) prints usage and exits 0, an
# unknown command exits 2, and `check -v` lists the platform, the hypervisor's
# reserved range, channels and virtio links, and each CPU's schedule.
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
for h in --help -h help; do
	case $h in
	--help) name=cli_help_long ;;
	-h) name=cli_help_short ;;
	*) name=cli_help_command ;;
	esac
	out=$("$TESSERA" "$h" 2>/dev/null)
	rc=$?
	if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -q '^usage: tessera COMMAND' &&
		printf '%s\n' "$out" | grep -q '^  tessera ctl '; then
		echo "PASS: config/$name"
	else
		echo "FAIL: config/$name (exit $rc): $out"
		fails=$((fails + 1))
	fi
done
out=$("$TESSERA" frobnicate 2>&1 >/dev/null)
rc=$?
if [ "$rc" -eq 2 ] && printf '%s\n' "$out" | grep -q 'unknown command "frobnicate"'; then
	echo "PASS: config/cli_unknown"
else
	echo "FAIL: config/cli_unknown (exit $rc, expected 2): $out"
	fails=$((fails + 1))
fi

# check -v on a config with a channel and a virtio link (tests/configs/virtio_good.dts).
out=$("$TESSERA" check -v tests/configs/virtio_good.dts 2>&1)
rc=$?
missing=
for want in '^  platform: 4 CPU\(s\), RAM 0x40000000 size 0x40000000$' \
	'^  hypervisor reserved 0x40000000\.\.0x41[0-9a-f]{6} ' \
	'^  channel ring \(id 0\): host 0x5f000000 size 0x1000, 2 ends$' \
	'^    alpha: guest 0x60000000 rw, interrupt 40$' '^    beta: guest 0x60000000 rw, interrupt 41$' \
	'^  virtio link con0 \(console\)$' '^    beta: guest 0xa000000 size 0x1000, interrupt 48$'; do
	printf '%s\n' "$out" | grep -q -E -- "$want" || missing="$missing [$want]"
done
if [ "$rc" -eq 0 ] && [ -z "$missing" ]; then
	echo "PASS: config/check_verbose"
else
	echo "FAIL: config/check_verbose (exit $rc, missing$missing): $out"
	fails=$((fails + 1))
fi

# check -v prints each CPU's schedule (tests/configs/sched_good.dts): windows sorted by offset.
out=$("$TESSERA" check -v tests/configs/sched_good.dts 2>&1)
rc=$?
missing=
for want in '^  schedule CPU 0: static$' '^  schedule CPU 1: priority, quantum 5000 us, wake lead 40 us$' \
	'^    linux vCPU 2: priority 1$' '^    rt vCPU 0: priority 200, budget 2000 us every 10000 us$' \
	'^  schedule CPU 2: partition, major frame 10000 us$' '^    window 0\.\.4000 us: ctl_a$' \
	'^    window 4000\.\.8000 us: ctl_b$' '^    window 8000\.\.10000 us: idle$' \
	'^  schedule CPU 3: static$' '^    direct vCPU 0$'; do
	printf '%s\n' "$out" | grep -q -E -- "$want" || missing="$missing [$want]"
done
if [ "$rc" -eq 0 ] && [ -z "$missing" ]; then
	echo "PASS: config/check_verbose_sched"
else
	echo "FAIL: config/check_verbose_sched (exit $rc, missing$missing): $out"
	fails=$((fails + 1))
fi
[ "$fails" -eq 0 ]
