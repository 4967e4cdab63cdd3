#!/usr/bin/env bash
# Interactive system test of a firmware-style guest (configs/uboot.dts, issue 4 item 6):
# Debian's unmodified U-Boot (u-boot-qemu, qemu_arm64) runs from the VM's flash at
# guest-physical 0, finds its DT at the base of RAM and reaches its prompt; from there
# `booti` starts the same Debian kernel (and busybox initramfs) that the hypervisor
# loaded into the VM's RAM (build/u-boot/payload.bin at 0x4400_0000):
#   uboot_prompt   U-Boot prints its banner and its "=> " prompt, answers a command
#   uboot_booti    booti boots Linux: early boot lines, both vCPUs online, the init marker
# Types into the console through a FIFO on QEMU's standard input and reads the log.
# Prints "PASS: system/<name>" or "FAIL: system/<name> (<reason>)" per check, the end of
# the log on failure; exits 1 if any failed. Needs `make all linux u-boot`.
# CPUS lists the CPU models to run, one boot each (default "cortex-a57 max"); checks on a
# model other than the first are named <name>_<model> (uboot_booti_max). Every wait has
# a deadline (no sleep is an assertion); one boot takes about 5 s.
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

TESSERA=${TESSERA:-build/tools/tessera}
OUT_DIR=${OUT_DIR:-build/systest}
CPUS=${CPUS:-cortex-a57 max}
CONFIG=configs/uboot.dts
STEP_TIMEOUT=${STEP_TIMEOUT:-40} # seconds for one step (a Linux boot is the longest)
KERNEL_ADDR=0x44000000           # initrd-address in configs/uboot.dts
mkdir -p "$OUT_DIR"

# Where the initramfs is inside payload.bin (scripts/fetch-u-boot.sh).
INITRD_OFFSET='' INITRD_SIZE=''
if [ -r build/u-boot/payload.env ]; then
	. build/u-boot/payload.env
fi
if [ -z "$INITRD_OFFSET" ] || [ -z "$INITRD_SIZE" ] || [ ! -s build/u-boot/u-boot.bin ]; then
	echo "FAIL: system/uboot_prompt (build/u-boot missing: run make u-boot)"
	echo "FAIL: system/uboot_booti (build/u-boot missing: run make u-boot)"
	exit 1
fi
initrd_addr=$(printf '0x%x' $((KERNEL_ADDR + INITRD_OFFSET)))

fifo=$(mktemp -u "${TMPDIR:-/tmp}/tessera-uboot.XXXXXX")
qpid=
trap stop_fifo_qemu EXIT

# start_qemu CPU: boots the config on that CPU model, console log in $LOG. The whole
# run is bounded by --timeout; the FIFO is QEMU's standard input. setsid: its own
# process group, so stop_fifo_qemu can end QEMU too.
start_qemu()
{
	mkfifo "$fifo" || return 1
	setsid "$TESSERA" run "$CONFIG" --cpu "$1" --timeout 90 --pack "$OUT_DIR/uboot.img" \
		<"$fifo" >"$LOG" 2>&1 &
	qpid=$!
	exec 3>"$fifo"
}

failed=0
sfx= # check name suffix for this CPU model
pass() { echo "PASS: system/$1$sfx"; }
fail()
{
	echo "FAIL: system/$1$sfx ($2)"
	tr -d '\r' <"$LOG" | tail -n 20 | sed 's/^/    | /'
	failed=1
}

run_checks()
{
	local l
	# 1. U-Boot: banner, RAM size from the generated DT, its prompt (after the default
	# autoboot finds nothing to boot, or at once if a key stops the countdown).
	l=$(wait_line 0 "[uboot] U-Boot 20") || { fail uboot_prompt "no U-Boot banner"; return; }
	wait_line "$l" "[uboot] DRAM:  256 MiB" >/dev/null ||
		{ fail uboot_prompt "U-Boot did not find the VM's 256 MiB"; return; }
	l=$(wait_line "$l" "Hit any key to stop autoboot") ||
		{ fail uboot_prompt "no autoboot countdown"; return; }
	printf ' ' >&3
	wait_line "$l" "[uboot] => " >/dev/null || { fail uboot_prompt "no prompt"; return; }
	l=$(lines)
	# $fdtcontroladdr: U-Boot's relocated copy of our DT, in the VM's RAM (0x4xxx_xxxx).
	type_line 'echo answer=$fdtcontroladdr' '\r' || { fail uboot_prompt "typed text not echoed"; return; }
	wait_line "$l" "[uboot] answer=4" >/dev/null ||
		{ fail uboot_prompt "no answer to a typed command"; return; }
	pass uboot_prompt

	# 2. booti: kernel at 0x4400_0000, initramfs behind it, U-Boot's own control DT
	# (the hypervisor's generated DT, bootargs included).
	l=$(lines)
	type_line "booti $KERNEL_ADDR $initrd_addr:$INITRD_SIZE \${fdtcontroladdr}" '\r' ||
		{ fail uboot_booti "booti command not echoed"; return; }
	wait_line "$l" "Starting kernel" >/dev/null || { fail uboot_booti "booti did not start the kernel"; return; }
	l=$(wait_line "$l" "Booting Linux on physical CPU") ||
		{ fail uboot_booti "no 'Booting Linux on physical CPU'"; return; }
	wait_line "$((l - 2))" "Linux version 6.1" >/dev/null ||
		{ fail uboot_booti "no 'Linux version 6.1'"; return; }
	wait_line "$l" "SMP: Total of 2 processors activated" >/dev/null ||
		{ fail uboot_booti "second vCPU did not come online"; return; }
	wait_line "$l" "[uboot] TESSERA-LINUX: init up cpus=2" >/dev/null ||
		{ fail uboot_booti "no init marker from the initramfs"; return; }
	pass uboot_booti
}

first=1
for cpu in $CPUS; do
	start=$SECONDS
	LOG=$OUT_DIR/uboot-$cpu.log
	[ $first = 1 ] && sfx= || sfx=_${cpu//-/_}
	first=0
	start_qemu "$cpu" || { fail uboot_prompt "cannot start QEMU"; continue; }
	run_checks
	if clean_log | grep -a -q -e PANIC -e "Kernel panic" -e "external abort injected" -e "Oops"; then
		fail uboot_log "panic or abort in the log"
	fi
	stop_fifo_qemu
	echo "uboot.sh ($cpu): $((SECONDS - start)) s, log in $LOG"
done
exit $failed
