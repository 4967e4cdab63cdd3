#!/usr/bin/env bash
# Debian's Linux (2 vCPUs on CPUs 0 and 1) powers off under -icount: bench/configs/linux.dts,
# the system whose icount boots bench/run.sh measures, run to its end:
#   linux_icount_poweroff   the VM's PSCI SYSTEM_OFF stops it and, its only VM gone, the
#                           board: `tessera run` exits 0 before its timeout, and nothing
#                           says a vCPU did not respond or the VM is stuck.
# Under icount QEMU runs the CPUs one at a time and moves to the next only when one yields,
# idles or uses up its slice. The stop waits on CPU 0 for vCPU 1 to leave the guest on
# CPU 1; before that wait yielded (core/vm.c vm_wait_parked), CPU 1 never ran during it,
# the stop gave up after 10 s ("does not respond", "stuck: not stopped") and QEMU ran on
# until the timeout.
# Prints "PASS: system/linux_icount_poweroff" or "FAIL: ... (<reason>)" and the end of the log.
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

TESSERA=${TESSERA:-build/tools/tessera}
OUT_DIR=${OUT_DIR:-build/systest}
RUN_TIMEOUT=${RUN_TIMEOUT:-120} # seconds; the run takes about 10 s
LOG=$OUT_DIR/linux_icount_poweroff.log
mkdir -p "$OUT_DIR"

fail()
{
	echo "FAIL: system/linux_icount_poweroff ($1)"
	clean_log | tail -n 20 | sed 's/^/    | /'
	exit 1
}

timeout -k 5 $((RUN_TIMEOUT + 30)) "$TESSERA" run bench/configs/linux.dts \
	--icount --timeout "$RUN_TIMEOUT" --pack "$OUT_DIR/linux_icount_poweroff.img" </dev/null >"$LOG" 2>&1
rc=$?
clean_log | grep -a -q -x '\[linux\] TESSERA-LINUX: poweroff' || fail "Linux did not reach its poweroff"
for bad in 'does not respond' 'stuck: not stopped' 'slow to leave' 'Kernel panic' Oops; do
	clean_log | grep -a -q -F -- "$bad" && fail "the log has \"$bad\""
done
[ "$rc" -eq 0 ] || fail "tessera run exited $rc (timeout: the board did not power off)"
echo "PASS: system/linux_icount_poweroff"
