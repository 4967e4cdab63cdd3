#!/usr/bin/env bash
# A Linux VM snapshotted at its shell and restored continues (docs/SNAPSHOT.md "A Linux VM",
# issue 14 item 2): boots tests/system/configs/snapshot_linux.dts (Debian's Linux, 2 vCPUs,
# console on the emulated PL011: no virtio link) with `tessera run --mgmt`, and types into
# its shell with `ctl console-write`.
#   boot      the shell answers; a background job counts seconds into /tmp/cnt
#   snapshot  `ctl snapshot linux -o FILE` (uptime read just before); the VM goes on, its
#             uptime did not jump over the pause; then it writes /tmp/after (not in FILE)
#   restore   stopped, then `ctl restore linux FILE`: no new boot; the shell answers; uptime
#             continues from the snapshot's (not backwards, no gap of the pause, the stop
#             or the transfer); the background job is the same process and still counts;
#             /tmp/after does not exist (the snapshot's state, not the stopped run's)
# Needs `make all linux`. "PASS: system/snapshot_linux_<case>" or "FAIL: ...". About 45 MB
# each way in binary frames (docs/MANAGEMENT.md "Frames"): 2-3 s out and 7-8 s back on the
# loaded 2-core host (10 s and 23-30 s as base64 lines before). Environment: OUT_DIR (default
# build/snapshot_linux), TIMEOUT (whole run, default 900 s), GAP_MAX (seconds of uptime the
# restored VM may be ahead of the snapshot, default 20).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/snapshot_linux}
TIMEOUT=${TIMEOUT:-900}
GAP_MAX=${GAP_MAX:-20}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
SNAP=$OUT_DIR/linux.snap
TESSERA=build/tools/tessera
SAY_TIMEOUT=600 # console-write requests (linux_say, lib.sh) while the VM may be busy restoring
NAME=snapshot_linux
CTL_TIMEOUT=600
FAIL_TAIL=15
. tests/system/board.sh

# secs_ge A B: A >= B for decimal seconds.
secs_ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'; }
secs_sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

main()
{
	local u0 u1 u2 bg cnt0 cnt1 cnt2 mark r

	for f in "$TESSERA" build/tessera.elf build/linux/Image build/linux/initramfs.cpio.gz; do
		if [ ! -f "$f" ]; then
			fail boot "$f missing: run make all linux"
			return
		fi
	done
	mkdir -p "$OUT_DIR" && rm -f "$SOCK" "$SNAP" && : >"$LOG"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/snapshot_linux.dts \
		--pack "$OUT_DIR/snapshot_linux.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!

	if ! wait_for '^\[linux\] TESSERA-LINUX: init up cpus=2' 120 || ! wait_for 'tessera-linux:/# ' 60; then
		fail boot "no Linux shell"
		return
	fi
	r=$(linux_ask "$SOCK" "$LOG" b1 'sh -c "i=0; while :; do i=\$((i+1)); echo \$i >/tmp/cnt; sleep 1; done" & echo bg=$!')
	bg=$(printf '%s\n' "$r" | sed -n -E 's/^bg=([0-9]+)$/\1/p')
	sleep 2
	r=$(linux_ask "$SOCK" "$LOG" b2 'cat /tmp/cnt; echo answer=$((6*7))')
	cnt0=$(printf '%s\n' "$r" | grep -E '^[0-9]+$' | head -n 1)
	if [ -n "$bg" ] && [ -n "$cnt0" ] && printf '%s\n' "$r" | grep -q -x 'answer=42'; then
		pass boot
	else
		fail boot "the shell did not start the counter (bg=${bg:-?} cnt=${cnt0:-?}): $r"
		return
	fi

	u0=$(uptime_of "$(linux_ask "$SOCK" "$LOG" u0 'cat /proc/uptime')")
	ctl snapshot linux -o "$SNAP"
	echo "    $out"
	u1=$(uptime_of "$(linux_ask "$SOCK" "$LOG" u1 'cat /proc/uptime')")
	if [ $rc != 0 ] || ! printf '%s\n' "$out" | grep -q -E '^ok snapshot of linux: [0-9]+ bytes' || [ ! -s "$SNAP" ]; then
		fail snapshot "rc=$rc: $out"
		return
	elif [ -z "$u0" ] || [ -z "$u1" ] || ! secs_ge "$u1" "$u0" || secs_ge "$(secs_sub "$u1" "$u0")" "$GAP_MAX"; then
		fail snapshot "uptime ${u0:-?} before the snapshot, ${u1:-?} after: the pause was not hidden"
	else
		pass snapshot
		echo "    uptime $u0 s before the snapshot, $u1 s after it (VM paused meanwhile)"
	fi
	linux_ask "$SOCK" "$LOG" a1 'echo x >/tmp/after; ls /tmp' >/dev/null
	ctl stop linux
	if [ $rc != 0 ] || ! wait_for "^\[tessera\] VM 0 'linux' stopped \(management" 60; then
		fail restore "stop: rc=$rc: $out"
		return
	fi
	sleep 1
	mark=$(lines)
	ctl restore linux "$SNAP"
	echo "    $out"
	if [ $rc != 0 ] || ! printf '%s\n' "$out" | grep -q '^ok restored linux'; then
		fail restore "rc=$rc: $out"
		return
	fi
	r=$(linux_ask "$SOCK" "$LOG" r1 'cat /proc/uptime; kill -0 '"$bg"' && echo alive='"$bg"'; cat /tmp/cnt; ls /tmp/after; echo answer=$((7*6))')
	u2=$(uptime_of "$r")
	cnt1=$(printf '%s\n' "$r" | grep -E '^[0-9]+$' | head -n 1)
	sleep 3
	cnt2=$(linux_ask "$SOCK" "$LOG" r2 'cat /tmp/cnt' | grep -E '^[0-9]+$' | head -n 1)
	echo "    after the restore: uptime $u2 s (${u0:-?} s before the snapshot), counter $cnt1 -> $cnt2"
	if clean_log | tail -n +"$((mark + 1))" | grep -a -q -E '^\[linux\] (\[ *[0-9.]+\] )?Booting Linux|TESSERA-LINUX: init up'; then
		fail restore "Linux booted again"
	elif ! printf '%s\n' "$r" | grep -q -x 'answer=42'; then
		fail restore_shell "the shell did not answer after the restore: $r"
	elif [ -z "$u2" ] || ! secs_ge "$u2" "$u0"; then
		fail restore_uptime "uptime went backwards: ${u2:-?} s after, $u0 s before the snapshot"
	elif secs_ge "$(secs_sub "$u2" "$u0")" "$GAP_MAX"; then
		fail restore_uptime "uptime ${u2} s after the restore, $u0 s before the snapshot: a gap of the pause or the transfer"
	elif ! printf '%s\n' "$r" | grep -q -x "alive=$bg"; then
		fail restore_process "background job $bg is gone: $r"
	elif [ -z "$cnt1" ] || [ -z "$cnt2" ] || [ "$cnt2" -le "$cnt1" ] || [ "$cnt1" -lt "$cnt0" ]; then
		fail restore_process "the background job does not count on (${cnt0:-?}, ${cnt1:-?}, ${cnt2:-?})"
	elif ! printf '%s\n' "$r" | grep -q "/tmp/after: No such file"; then
		fail restore_state "/tmp/after, written after the snapshot, exists: $r"
	else
		pass restore
		echo "    uptime continuous (+$(secs_sub "$u2" "$u0") s), job $bg alive and counting, shell and console answer"
	fi
	if clean_log | grep -a -q -E '^\[linux\] .*(Oops|BUG:|WARNING:|rcu.*stall|soft lockup|Kernel panic)'; then
		fail kernel_log "the kernel complained: $(clean_log | grep -a -E '^\[linux\] .*(Oops|BUG:|WARNING:|rcu.*stall|soft lockup|Kernel panic)' | head -n 1)"
	fi
}

main
stop_qemu_pid
exit $failed
