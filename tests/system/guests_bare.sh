#!/usr/bin/env bash
# Smoke test of the bare-metal test guests without the hypervisor: each guest
# runs directly on QEMU virt at EL1 (same addresses as under Tessera, PSCI by
# HVC, Tessera hypercalls answered NOT_SUPPORTED) and must finish on its own:
#   hello, smp (-smp 4), timer, sgi_fast, ipi_fast (-smp 2), "DONE <name>: passed=<n> failed=0", n >= 1
#   isolate                      (isolate probes only addresses QEMU virt leaves
#                                unbacked, so bare QEMU aborts them as Tessera must)
#   crash                        the kit's "KIT: unhandled exception" line
# and QEMU must exit by itself (PSCI SYSTEM_OFF) within the timeout.
# Prints "PASS: bare/<name>" or "FAIL: bare/<name> (<reason>)" per run; exits 1 if any failed.
#
# Usage: tests/system/guests_bare.sh [NAME ...]      (default: all of the above)
# Environment: CPUS (space-separated -cpu values, default cortex-a57; with more
# than one, results are named bare/<name>@<cpu>), QEMU (default
# qemu-system-aarch64), TIMEOUT (seconds per run, default 30), OUT_DIR
# (logs, default build/guests_bare).
set -u

cd "$(dirname "$0")/../.." || exit 1

QEMU=${QEMU:-qemu-system-aarch64}
. scripts/qemu-args.sh
CPUS=${CPUS:-cortex-a57}
TIMEOUT=${TIMEOUT:-30}
OUT_DIR=${OUT_DIR:-build/guests_bare}
GUESTS=("$@")
[ ${#GUESTS[@]} -gt 0 ] || GUESTS=(hello smp timer ptimer timer_level sgi_wake sgi_fast ipi_fast debug isolate crash)

# smp_of NAME: the -smp count a guest runs with.
smp_of()
{
	case $1 in
	smp | sgi_wake | nuttx_gic) echo 4 ;;
	ipi_fast) echo 2 ;;
	*) echo 1 ;;
	esac
}

# check_log NAME LOG: empty output if the log is what NAME must print, else the reason.
check_log()
{
	local name=$1 log=$2
	case $name in
	isolate)
		grep -a -q -E "^TEST isolate: start ram=" "$log" || echo "no start line"
		grep -a -q -E "^DONE isolate: passed=[1-9][0-9]* failed=0$" "$log" ||
			echo "no 'DONE isolate: passed=<n> failed=0' line"
		;;
	crash)
		grep -a -q -F "TEST crash: about to fault" "$log" || echo "no 'about to fault' line"
		grep -a -q -E "^KIT: unhandled exception ESR=0x[0-9a-f]+ ELR=0x[0-9a-f]+ FAR=0x" "$log" ||
			echo "no unhandled-exception line"
		;;
	*)
		grep -a -q -E "^DONE $name: passed=[1-9][0-9]* failed=0$" "$log" ||
			echo "no 'DONE $name: passed=<n> failed=0' line"
		;;
	esac
}

# run_guest NAME CPU LABEL: boot one guest, check it, print the verdict.
run_guest()
{
	local name=$1 cpu=$2 label=$3 elf=build/guests/$1.elf
	local log=$OUT_DIR/${label//\//_}.log rc reasons
	if [ ! -f "$elf" ]; then
		echo "FAIL: $label (missing $elf: run 'make guests')"
		return 1
	fi
	timeout -k 5 "$TIMEOUT" "$QEMU" -M virt,gic-version=3 -cpu "$cpu" -smp "$(smp_of "$name")" \
		-m 128M "${QEMU_BASE_ARGS[@]}" -kernel "$elf" </dev/null 2>&1 | tests/system/uart-text >"$log"
	rc=${PIPESTATUS[0]}
	reasons=$(check_log "$name" "$log")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		reasons+="${reasons:+; }QEMU did not exit within ${TIMEOUT}s"
	elif [ "$rc" -ne 0 ]; then
		reasons+="${reasons:+; }QEMU exit status $rc"
	fi
	if [ -z "$reasons" ]; then
		echo "PASS: $label"
		return 0
	fi
	echo "FAIL: $label (${reasons//$'\n'/; })"
	# Indented so the guest's own lines are not counted as results.
	tail -n 15 "$log" | sed 's/^/    | /'
	return 1
}

main()
{
	local failed=0 name cpu label ncpus
	mkdir -p "$OUT_DIR" || exit 1
	if ! command -v "$QEMU" >/dev/null; then
		echo "FAIL: bare/qemu ($QEMU not found)"
		exit 1
	fi
	read -r -a cpu_list <<<"$CPUS"
	ncpus=${#cpu_list[@]}
	for cpu in "${cpu_list[@]}"; do
		for name in "${GUESTS[@]}"; do
			label=bare/$name
			[ "$ncpus" -le 1 ] || label+="@${cpu%%,*}"
			run_guest "$name" "$cpu" "$label" || failed=1
		done
	done
	exit $failed
}

main
