#!/usr/bin/env bash
# The documented limit of direct-interrupts (docs/CONFIG.md): a VM that writes
# ICC_AP1R0_EL1 holds off even the hypervisor's Group-0 interrupts on its CPU.
# tests/system/configs/direct_stuck.dts: 'rt' (guests/direct.c "block") on CPU 1,
# 'neighbour' (hello, ticking) on CPU 0, where management commands run. A management
# `stop rt` must give up after its timeout (not hang CPU 0), answer `err stuck`, and
# afterwards the management channel still answers, `list` says state=stuck and the
# neighbour ticks on. Prints "PASS: system/direct_stuck" or "FAIL: ... (reason)".
# Environment: OUT_DIR (default build/direct_stuck), TIMEOUT (whole run, default 60 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/direct_stuck}
TIMEOUT=${TIMEOUT:-60}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
TESSERA=build/tools/tessera
qemu_pid=

trap stop_qemu_pid EXIT

fail()
{
	echo "FAIL: system/direct_stuck ($1)"
	tests/system/uart-text <"$LOG" | tail -n 20 | sed 's/^/    | /'
	exit 1
}

for f in "$TESSERA" build/tessera.elf build/guests/hello.elf build/guests/direct.elf; do
	[ -f "$f" ] || {
		echo "FAIL: system/direct_stuck ($f missing: run make)"
		exit 1
	}
done
mkdir -p "$OUT_DIR" && rm -f "$SOCK" && : >"$LOG"
timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/direct_stuck.dts \
	--pack "$OUT_DIR/direct_stuck.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
qemu_pid=$!

wait_for '^\[tessera\] management channel: ' 15 || fail "no management channel line"
wait_for '^\[rt\] direct: blocking$' 20 || fail "rt never reached its blocking phase"
out=$("$TESSERA" ctl --socket "$SOCK" --timeout 30 stop rt 2>&1)
case "$out" in
"err stuck "*) ;;
*) fail "stop rt answered: $out" ;;
esac
clean_log | grep -a -q -E "^\[tessera\] VM 1 'rt': vCPU 0 on CPU 1 does not respond: giving up$" ||
	fail "no give-up line"
clean_log | grep -a -q -E "^\[tessera\] VM 1 'rt' stuck: not stopped$" || fail "no stuck line"
out=$("$TESSERA" ctl --socket "$SOCK" --lines list 2>&1)
printf '%s\n' "$out" | grep -a -q -E '^vm rt id=1 state=stuck ' || fail "list after the stop: $out"
n=$(last_tick neighbour)
wait_ticks neighbour $((n + 3)) 10 || fail "neighbour stopped ticking after the stop (tick $n)"
echo "PASS: system/direct_stuck"
