#!/usr/bin/env bash
# Debian's Linux reboots (PSCI SYSTEM_RESET, `reboot -f` from its init) with its 2 vCPUs
# time-sharing CPU 1, beside rt on CPU 0 (tests/system/configs/linux_reboot_share.dts, whose
# Linux reboots at every boot):
#   linux_reboot_share   the reset comes from the vCPU resident on the shared CPU, which must
#                        start again: Linux reaches its init with both vCPUs online twice
#                        after the first boot (two resets), with no Oops, WARNING or BUG; rt's
#                        reports run on without a gap meanwhile.
# Before the fix in core/sched.c (start_pending for the resident vCPU) the first reset left
# CPU 1 spinning in the hypervisor and Linux never came back.
# Prints "PASS: system/linux_reboot_share" or "FAIL: ... (<reason>)" and the end of the log.
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

TESSERA=${TESSERA:-build/tools/tessera}
OUT_DIR=${OUT_DIR:-build/systest}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-120} # seconds for the three boots (about 25 s each under TCG)
LOG=$OUT_DIR/linux_reboot_share.log
mkdir -p "$OUT_DIR"

qemu_pid=
trap stop_qemu_pid EXIT
"$TESSERA" run tests/system/configs/linux_reboot_share.dts --timeout $((BOOT_TIMEOUT + 30)) \
	--pack "$OUT_DIR/linux_reboot_share.img" </dev/null >"$LOG" 2>&1 &
qemu_pid=$!

fail()
{
	echo "FAIL: system/linux_reboot_share ($1)"
	clean_log | tail -n 20 | sed 's/^/    | /'
	exit 1
}

up='^\[linux\] TESSERA-LINUX: init up cpus=2 online=0-1 '
wait_for_count "$up" 3 "$BOOT_TIMEOUT" ||
	fail "$(clean_log | grep -a -c -E "$up") of 3 boots reached init in ${BOOT_TIMEOUT} s"
stop_qemu_pid
resets=$(clean_log | grep -a -c -F "[tessera] VM 0 'linux' resetting")
[ "$resets" -ge 2 ] || fail "$resets resets logged, want 2 or more"
for bad in Oops WARNING: BUG: 'Kernel panic' PANIC; do
	clean_log | grep -a -q -F -- "$bad" && fail "the log has \"$bad\""
done
# rt on its own CPU is not disturbed: its reports are 1, 2, 3, ... without a gap.
clean_log | sed -n 's/^\[rt\] RT: seq=\([0-9]*\) .*/\1/p' |
	awk '$1 != NR { bad = 1 } END { exit bad || NR < 10 }' ||
	fail "rt's reports have a gap or fewer than 10"
echo "PASS: system/linux_reboot_share"
