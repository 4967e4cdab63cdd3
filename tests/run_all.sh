#!/usr/bin/env bash
# The `make test` driver: runs every kind of test, tees everything to
# build/test.log, counts the "PASS: " and "FAIL: " lines, and ends with exactly one
# line "N passed, M failed". Exit status 0 only if nothing failed and something
# passed (zero tests is a failure: it means the tests were not built or found).
#
# Stages, in order:
#   setup   tests/setup_check.sh        (make's default goal, QEMU command lines, apt locks)
#   unit    every build/unit/test_* binary (built by `make unit`), one per CPU at a time
#   config  tests/config_check.sh       (negative config tests)
#   guests  tests/system/guests_bare.sh (guests on bare QEMU)
#   fuzz    tests/fuzz/regress.sh       (each libFuzzer harness over its committed corpus)
#   system  tests/system/run.sh         (QEMU system tests of the hypervisor)
#   console-paste tests/system/console_paste.sh (4 KiB pastes through a real pty)
#   linux-console tests/system/linux_console.sh (types into the Linux shell via a FIFO)
#   linux-reboot-share tests/system/linux_reboot_share.sh (2-vCPU Linux reboots on shared CPUs)
#   linux-icount-poweroff tests/system/linux_icount_poweroff.sh (2-vCPU Linux powers off under icount)
#   mgmt-console  tests/system/mgmt_console.sh (two `ctl console` clients on one VM)
#   dashboard     tests/system/dashboard.sh (the web dashboard in headless Chromium)
#   mgmt-restart-peer tests/system/mgmt_restart_peer.sh (restarts during virtio traffic)
#   mgmt-net      tests/system/mgmt_net.sh (virtio-net statistics on real traffic)
#   snapshot      tests/system/snapshot.sh (snapshot mid-computation, restore, refusals)
#   snapshot-linux tests/system/snapshot_linux.sh (Linux snapshotted at its shell, restored)
#   migrate       tests/system/migrate.sh (live migration between two boards, refusals)
#   migrate-linux tests/system/migrate_linux.sh (Linux migrated, a printed counter checked)
#   clone         tests/system/clone.sh (clone mid-computation, generation id, refusals)
#   checkpoint    tests/system/checkpoint.sh (checkpoints, dirty tracking, rollback, policy)
#   vlink-snap    tests/system/vlink_snap.sh (virtio links through snapshot, rollback, clone)
#   trace         tests/system/trace.sh (exit statistics, trace start/stop/dump, JSON checked)
#   trace-busy    tests/system/trace_busy.sh (trace dump while tracing: bounded, does not hang)
#   trace-view    tests/system/trace_view.sh (Chrome trace format checked; trace.html in Chromium)
#   direct-stuck  tests/system/direct_stuck.sh (a direct-interrupts VM that blocks its CPU)
#   vboot         tests/system/vboot.sh (verified and measured boot; builds build/vboot)
#   profile-minimal tests/system/profile_minimal.sh (PROFILE=minimal: builds build/minimal,
#                 checks what left the image, refusals, kept specs on it)
#   gdb           tests/system/gdb.sh (gdb-multiarch on a VM through tessera ctl gdb)
#   gdb-linux     tests/system/gdb_linux.sh (the same on Debian's Linux in a 2-vCPU VM)
#   gdb-share     tests/system/gdb_share.sh (gdb.sh on VMs that share their CPU: priority, partition)
#   update        tests/system/update.sh (signed single-VM updates, rollback; build/vboot)
#   uboot         tests/system/uboot.sh (U-Boot boots Linux unattended; prompt + booti via a FIFO)
#   lint    scripts/lint.sh             (clang-format, cppcheck)
# A unit binary or stage script that exits non-zero without printing any "FAIL: "
# line (a crash, a sanitizer report, a missing tool) counts as one failure.
#
# Environment (for testing this script): BUILD (default build), UNIT_TIMEOUT
# (seconds per unit binary, default 300), SKIP_LINT=1.
set -u

cd "$(dirname "$0")/.." || exit 1

BUILD=${BUILD:-build}
UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}
LOG=$BUILD/test.log
# Sanitizer reports should say where, and a UB finding must fail the binary.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

mkdir -p "$BUILD" || exit 1
RESULTS=$(mktemp "${TMPDIR:-/tmp}/tessera-results.XXXXXX") || exit 1
STAGE_OUT=$(mktemp "${TMPDIR:-/tmp}/tessera-stage.XXXXXX") || exit 1
UNIT_OUT=$(mktemp -d "${TMPDIR:-/tmp}/tessera-unit.XXXXXX") || exit 1
trap 'rm -rf "$RESULTS" "$STAGE_OUT" "$UNIT_OUT"' EXIT

# run_one NAME CMD...: run CMD, show its output, keep it in $RESULTS for
# counting, and add "FAIL: NAME (exit N)" if it failed without saying so.
run_one()
{
	local name=$1 rc
	shift
	# Streamed as it runs (system tests take minutes), and kept for counting.
	"$@" 2>&1 </dev/null | tee "$STAGE_OUT"
	rc=${PIPESTATUS[0]}
	cat "$STAGE_OUT" >>"$RESULTS"
	if [ "$rc" -ne 0 ] && ! grep -a -q '^FAIL: ' "$STAGE_OUT"; then
		echo "FAIL: $name (exit $rc)" | tee -a "$RESULTS"
	fi
}

# unit_stage: every unit binary, as many at a time as there are CPUs (independent host
# programs, no QEMU); then each one's output in name order, counted as run_one counts it.
unit_stage()
{
	local bin name rc bins=()
	echo "== unit: $BUILD/unit/test_*"
	for bin in "$BUILD"/unit/test_*; do
		if [ -f "$bin" ] && [ -x "$bin" ]; then
			bins+=("$bin")
		fi
	done
	if [ ${#bins[@]} -eq 0 ]; then
		echo "(no unit test binaries: run 'make unit')"
		return
	fi
	printf '%s\0' "${bins[@]}" | xargs -0 -P "$(nproc 2>/dev/null || echo 2)" -I{} \
		bash -c 'o=$2/$(basename "$3"); timeout -k 5 "$1" "$3" >"$o.out" 2>&1 </dev/null
			echo $? >"$o.rc"' _ "$UNIT_TIMEOUT" "$UNIT_OUT" {}
	for bin in "${bins[@]}"; do
		name=$(basename "$bin")
		rc=$(cat "$UNIT_OUT/$name.rc" 2>/dev/null || echo 255)
		cat "$UNIT_OUT/$name.out" 2>/dev/null | tee "$STAGE_OUT"
		cat "$STAGE_OUT" >>"$RESULTS"
		if [ "$rc" -ne 0 ] && ! grep -a -q '^FAIL: ' "$STAGE_OUT"; then
			echo "FAIL: unit/$name (exit $rc)" | tee -a "$RESULTS"
		fi
	done
}

# stage_script NAME SCRIPT: run SCRIPT; a missing stage script is a failure.
stage_script()
{
	local name=$1 script=$2
	echo "== $name: $script"
	if [ -f "$script" ]; then
		run_one "$script" bash "$script"
	else
		echo "FAIL: $name (stage script $script missing)" | tee -a "$RESULTS"
	fi
}

main()
{
	stage_script setup tests/setup_check.sh
	unit_stage

	stage_script config tests/config_check.sh
	stage_script guests tests/system/guests_bare.sh
	stage_script fuzz tests/fuzz/regress.sh
	stage_script system tests/system/run.sh
	stage_script console-paste tests/system/console_paste.sh
	stage_script linux-console tests/system/linux_console.sh
	stage_script linux-reboot-share tests/system/linux_reboot_share.sh
	stage_script linux-icount-poweroff tests/system/linux_icount_poweroff.sh
	stage_script mgmt tests/system/mgmt.sh
	stage_script mgmt-console tests/system/mgmt_console.sh
	stage_script dashboard tests/system/dashboard.sh
	stage_script mgmt-restart-peer tests/system/mgmt_restart_peer.sh
	stage_script mgmt-net tests/system/mgmt_net.sh
	stage_script snapshot tests/system/snapshot.sh
	stage_script snapshot-linux tests/system/snapshot_linux.sh
	stage_script migrate tests/system/migrate.sh
	stage_script migrate-linux tests/system/migrate_linux.sh
	stage_script clone tests/system/clone.sh
	stage_script checkpoint tests/system/checkpoint.sh
	stage_script vlink-snap tests/system/vlink_snap.sh
	stage_script trace tests/system/trace.sh
	stage_script trace-busy tests/system/trace_busy.sh
	stage_script trace-view tests/system/trace_view.sh
	stage_script direct-stuck tests/system/direct_stuck.sh
	stage_script vboot tests/system/vboot.sh
	stage_script profile-minimal tests/system/profile_minimal.sh
	stage_script gdb tests/system/gdb.sh
	stage_script gdb-share tests/system/gdb_share.sh
	stage_script gdb-linux tests/system/gdb_linux.sh
	stage_script update tests/system/update.sh
	stage_script uboot tests/system/uboot.sh
	if [ "${SKIP_LINT:-0}" = 1 ]; then
		echo "== lint: skipped (SKIP_LINT=1)"
	else
		stage_script lint scripts/lint.sh
	fi

	local passed failed
	passed=$(grep -a -c '^PASS: ' "$RESULTS")
	failed=$(grep -a -c '^FAIL: ' "$RESULTS")
	echo
	if [ "$failed" -gt 0 ]; then
		echo "Failures:"
		grep -a '^FAIL: ' "$RESULTS" | sed 's/^FAIL: /  - /'
	fi
	[ "$passed" -gt 0 ] || [ "$failed" -gt 0 ] || echo "No test ran: nothing counts as a pass."
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

main 2>&1 | tee "$LOG"
exit "${PIPESTATUS[0]}"
