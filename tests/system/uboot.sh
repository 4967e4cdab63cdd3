#!/usr/bin/env bash
# Interactive system test of a firmware-style guest (configs/uboot.dts, issue 4 item 6,
# issue 10 item 3): Debian's unmodified U-Boot (u-boot-qemu, qemu_arm64) runs from the VM's
# flash at guest-physical 0, finds its DT at the base of RAM and, after its autoboot
# countdown, runs the `booti` command `make u-boot` prepared (the VM's `u-boot-bootcmd`, in
# that DT as /config/bootcmd). It starts the same Debian kernel (and busybox initramfs)
# that the hypervisor loaded into the VM's RAM (build/u-boot/payload.bin at 0x4400_0000).
#   uboot_autoboot  nothing typed: U-Boot counts down, boots Linux with the initramfs size
#                   from build/u-boot/payload.env, both vCPUs come online, the init marker
#   uboot_quiet     U-Boot printed none of its default autoboot's failures (fw_cfg, qfw,
#                   USB, "unknown device", ...) and never showed its prompt
#   uboot_prompt    a key stops the countdown; the "=> " prompt answers a command
#   uboot_paste     64 commands (4 KiB) pasted at once at the prompt all answer, in order
#   uboot_booti     the manual command (BOOTCMD in payload.env), pasted at once, boots Linux
# Types into the console through a FIFO on QEMU's standard input and reads the log.
# Prints "PASS: system/<name>" or "FAIL: system/<name> (<reason>)" per check, the end of
# the log on failure; exits 1 if any failed. Needs `make all linux u-boot`.
# CPUS lists the CPU models (default "cortex-a57 max"): the first one runs the unattended
# boot and the manual one, each further model the unattended boot only, with checks named
# <name>_<model> (uboot_autoboot_max). Every wait has a deadline (no sleep is an
# assertion); one boot takes about 10 s (2 s of it U-Boot's countdown).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

TESSERA=${TESSERA:-build/tools/tessera}
OUT_DIR=${OUT_DIR:-build/systest}
CPUS=${CPUS:-cortex-a57 max}
CONFIG=configs/uboot.dts
STEP_TIMEOUT=${STEP_TIMEOUT:-40} # seconds for one step (a Linux boot is the longest)
mkdir -p "$OUT_DIR"

# The payload's layout and the boot command for it (scripts/fetch-u-boot.sh).
PAYLOAD_ADDR='' INITRD_OFFSET='' INITRD_SIZE='' BOOTCMD=''
if [ -r build/u-boot/payload.env ]; then
	. build/u-boot/payload.env
fi
if [ -z "$PAYLOAD_ADDR" ] || [ -z "$INITRD_OFFSET" ] || [ -z "$INITRD_SIZE" ] ||
	[ -z "$BOOTCMD" ] || [ ! -s build/u-boot/u-boot.bin ] || [ ! -s build/u-boot/bootcmd.dtsi ]; then
	for n in uboot_autoboot uboot_quiet uboot_prompt uboot_booti; do
		echo "FAIL: system/$n (build/u-boot missing or stale: run make u-boot)"
	done
	exit 1
fi

fifo=$(mktemp -u "${TMPDIR:-/tmp}/tessera-uboot.XXXXXX")
qpid=
trap stop_fifo_qemu EXIT

# start_qemu CPU: boots the config on that CPU model, console log in $LOG. The whole
# run is bounded by --timeout; the FIFO is QEMU's standard input (opened, so QEMU sees no
# end of input, even when nothing is typed). setsid: its own process group, so
# stop_fifo_qemu can end QEMU too.
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
	# awk ends a last line without newline (U-Boot's prompt) with one.
	tests/system/uart-text <"$LOG" | tail -n 20 | awk '{ print "    | " $0 }'
	failed=1
}

# linux_up CHECK FROM: after line FROM, U-Boot starts the kernel, which boots on both vCPUs
# to the initramfs's init marker; fails CHECK otherwise.
linux_up()
{
	local name=$1 l
	wait_line "$2" "Starting kernel" >/dev/null || { fail "$name" "U-Boot did not start the kernel"; return 1; }
	l=$(wait_line "$2" "Booting Linux on physical CPU") ||
		{ fail "$name" "no 'Booting Linux on physical CPU'"; return 1; }
	wait_line "$((l - 2))" "Linux version 6.1" >/dev/null ||
		{ fail "$name" "no 'Linux version 6.1'"; return 1; }
	wait_line "$l" "SMP: Total of 2 processors activated" >/dev/null ||
		{ fail "$name" "second vCPU did not come online"; return 1; }
	wait_line "$l" "[uboot] TESSERA-LINUX: init up cpus=2" >/dev/null ||
		{ fail "$name" "no init marker from the initramfs"; return 1; }
}

# U-Boot's banner and the RAM size it read from the generated DT; prints the banner's line.
uboot_banner()
{
	local l
	l=$(wait_line 0 "[uboot] U-Boot 20") || { fail "$1" "no U-Boot banner"; return 1; }
	wait_line "$l" "[uboot] DRAM:  256 MiB" >/dev/null ||
		{ fail "$1" "U-Boot did not find the VM's 256 MiB"; return 1; }
	echo "$l"
}

# Unattended: nothing is ever written to the FIFO.
run_auto()
{
	local end bad
	boot_auto && pass uboot_autoboot

	# U-Boot's part of the log (all of it if the kernel never started): its default
	# bootcmd (distro boot: qfw, USB, SCSI, virtio, NVMe, DHCP) must not have run, nor
	# may it have fallen back to its prompt.
	end=$(clean_log | grep -a -n -F -m 1 "Starting kernel" | cut -d: -f1)
	bad=$(clean_log | head -n "${end:-$(lines)}" | grep -a -E \
		'fw_cfg|qfw|USB|usb|unknown device|scanning bus|No working controllers|Unknown command|## Error|=> ')
	if [ -n "$bad" ]; then
		fail uboot_quiet "autoboot failure lines: $(echo "$bad" | head -n 3 | tr '\n' ' ')"
	else
		pass uboot_quiet
	fi
}

# boot_auto: the unattended boot's steps, up to Linux's init marker.
boot_auto()
{
	local l k start end
	l=$(uboot_banner uboot_autoboot) || return 1
	l=$(wait_line "$l" "Hit any key to stop autoboot") ||
		{ fail uboot_autoboot "no autoboot countdown"; return 1; }
	# booti copies the initramfs (address:size) elsewhere: the size is payload.env's.
	k=$(wait_line "$l" "Loading Ramdisk to") ||
		{ fail uboot_autoboot "the boot command did not load the initramfs"; return 1; }
	read -r start end < <(clean_log | sed -n "${k}s/.*Loading Ramdisk to \([0-9a-f]*\), end \([0-9a-f]*\).*/\1 \2/p")
	if [ -z "${start:-}" ] || [ $((0x$end - 0x$start)) -ne $((INITRD_SIZE)) ]; then
		fail uboot_autoboot "initramfs size $((0x${end:-0} - 0x${start:-0})), expected $((INITRD_SIZE))"
		return 1
	fi
	linux_up uboot_autoboot "$l"
}

# Manual: a key stops the countdown, then the README's command is typed at the prompt.
run_manual()
{
	local l
	l=$(uboot_banner uboot_prompt) || return
	# The key goes in once U-Boot's console is up ("Err:" is its last line before the
	# network probe and the countdown): it waits in the UART's FIFO, so the countdown
	# stops at its first check however slowly this script polls.
	l=$(wait_line "$l" "[uboot] Err:") || { fail uboot_prompt "no console line 'Err:'"; return; }
	printf ' ' >&3
	l=$(wait_line "$l" "Hit any key to stop autoboot") ||
		{ fail uboot_prompt "no autoboot countdown"; return; }
	wait_line "$l" "[uboot] => " >/dev/null || { fail uboot_prompt "no prompt"; return; }
	if clean_log | tail -n +"$l" | grep -a -q -e "Starting kernel" -e "Flattened Device Tree"; then
		fail uboot_prompt "the key did not stop the autoboot"
		return
	fi
	l=$(lines)
	# $fdtcontroladdr: U-Boot's relocated copy of our DT, in the VM's RAM (0x4xxx_xxxx).
	type_line 'echo answer=$fdtcontroladdr' '\r' || { fail uboot_prompt "typed text not echoed"; return; }
	wait_line "$l" "[uboot] answer=4" >/dev/null ||
		{ fail uboot_prompt "no answer to a typed command"; return; }
	pass uboot_prompt

	# 4 KiB pasted at once (64 commands of 64 bytes): every one answers, in order (issue 10:
	# input froze for good after 32 bytes).
	l=$(lines)
	printf '%s' "$(for i in $(seq -w 0 63); do printf 'echo u%s %s\r' "$i" "$(printf '%053d' 0 | tr 0 y)"; done)" >&3
	printf 'echo PASTE-END\r' >&3
	if wait_line "$l" "[uboot] PASTE-END" >/dev/null; then
		local seqs got
		seqs=$(clean_log | tail -n +"$((l + 1))" | sed -n -E 's/^\[uboot\] u([0-9]{2}) y{53}$/\1/p' | uniq)
		got=$(printf '%s\n' "$seqs" | grep -c .)
		if [ "$got" -eq 64 ] && printf '%s\n' "$seqs" | awk '$1 + 0 != NR - 1 { bad = 1 } END { exit bad }'; then
			pass uboot_paste
		else
			fail uboot_paste "$got of 64 pasted commands answered in order"
		fi
	else
		fail uboot_paste "no answer after a 4 KiB paste"
	fi

	# booti, pasted as a user would from the README: kernel at the payload's start,
	# initramfs behind it, U-Boot's own control DT (the hypervisor's generated DT).
	l=$(lines)
	printf '%s\r' "$BOOTCMD" >&3
	linux_up uboot_booti "$l" || return
	pass uboot_booti
}

runs=
for cpu in $CPUS; do
	if [ -z "$runs" ]; then
		runs="auto:$cpu manual:$cpu"
		first=$cpu
	else
		runs="$runs auto:$cpu"
	fi
done
for run in $runs; do
	mode=${run%%:*} cpu=${run#*:}
	start=$SECONDS
	LOG=$OUT_DIR/uboot-$mode-$cpu.log
	[ "$cpu" = "$first" ] && sfx= || sfx=_${cpu//-/_}
	[ "$mode" = auto ] && check=uboot_autoboot || check=uboot_prompt
	start_qemu "$cpu" || { fail "$check" "cannot start QEMU"; continue; }
	case $mode in
	auto) run_auto ;;
	manual) run_manual ;;
	esac
	if clean_log | grep -a -q -e PANIC -e "Kernel panic" -e "external abort injected" -e "Oops"; then
		fail uboot_log "panic or abort in the log"
	fi
	stop_fifo_qemu
	echo "uboot.sh ($mode, $cpu): $((SECONDS - start)) s, log in $LOG"
done
exit $failed
