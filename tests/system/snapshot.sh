#!/usr/bin/env bash
# VM snapshot and restore end to end (docs/SNAPSHOT.md, issue 14 items 1, 2, 6): boots
# tests/system/configs/snapshot.dts with `tessera run --mgmt`; "compute" runs the
# snap_compute guest (100 deterministic steps, 100 ms of virtual time apart, then a checksum).
#   snapshot   `ctl snapshot compute -o A` in the middle of the computation; the VM goes on
#              and finishes (checksum A, "virtual time continuous": the pause was hidden).
#   restore    `ctl restore compute A` into the stopped VM: it continues from the snapshot
#              point (no new boot banner), every step line after that point is the same as in
#              the uninterrupted run, and the checksum equals A.
#   shape      a restore into "other" (8 MiB, not 4) is refused: "memory size differs".
#   corrupt    one byte flipped in the memory section: refused, "hash of section memory 0
#              differs"; one in the header: "hash of the header differs"; the VM stays stopped.
#   truncated  the first half of the file: refused at restore-end, "stream incomplete".
#   fp_regs_kept  "guard", on CPU 0 where the hypervisor hashes the streams (with the CPU's
#              SHA-256 instructions, in vector registers), checks its own 32 FP/SIMD registers
#              on every tick (hello's "fpown"): none ever changed, 50 checks at least.
# Prints the snapshot's size, rate and pause. "PASS: system/snapshot_<case>" or "FAIL: ...".
# Environment: OUT_DIR (default build/snapshot), TIMEOUT (whole run, default 120 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh
. tests/system/board.sh

NAME=snapshot
OUT_DIR=${OUT_DIR:-build/snapshot}
TIMEOUT=${TIMEOUT:-120}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
SNAP=$OUT_DIR/compute.snap
TESSERA=build/tools/tessera

# The guest's step and checksum lines ("step=N acc=..", "checksum=.."), complete ones only.
compute_lines() { clean_log | grep -a -E '^\[compute\] TEST snap_compute: (step=[0-9]+ acc=0x[0-9a-f]{16}|checksum=0x[0-9a-f]{16})$' | sed 's/^\[compute\] //'; }

last_step() { compute_lines | grep -E 'step=' | tail -n 1 | sed -E 's/.*step=([0-9]+) .*/\1/' | grep . || echo 0; }

wait_step()
{
	local end=$((SECONDS + $2))
	while [ $SECONDS -le $end ]; do
		[ "$(last_step)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}


main()
{
	local at_snap run_a run_b first_b sum_a

	need_built "$TESSERA" build/tessera.elf build/guests/snap_compute.elf build/guests/hello.elf || return
	board_start tests/system/configs/snapshot.dts "$SNAP"

	if ! wait_step 15 40; then
		fail boot "compute never reached step 15"
		log_tail
		return
	fi
	ctl snapshot compute -o "$SNAP"
	at_snap=$(last_step)
	echo "    $out"
	if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q -E '^ok snapshot of compute: [0-9]+ bytes' &&
		[ -s "$SNAP" ]; then
		pass snapshot
	else
		fail snapshot "rc=$rc: $out"
		return
	fi
	if ! wait_for '^\[compute\] DONE snap_compute: passed=1 failed=0$' 60 || ! wait_stopped compute 20; then
		fail run_a "the snapshotted run did not finish cleanly"
		log_tail
		return
	fi
	run_a=$(compute_lines)
	sum_a=$(printf '%s\n' "$run_a" | grep checksum=)
	pass run_a
	: >"$OUT_DIR/before_restore.log"
	local mark
	mark=$(lines)

	ctl restore compute "$SNAP"
	echo "    $out"
	if [ $rc != 0 ] || ! printf '%s\n' "$out" | grep -q '^ok restored compute'; then
		fail restore "rc=$rc: $out"
		return
	fi
	if ! wait_for '^\[compute\] DONE snap_compute: passed=1 failed=0$' 1 ||
		! wait_stopped compute 60; then
		fail restore "the restored run did not finish"
		return
	fi
	run_b=$(clean_log | tail -n +"$((mark + 1))" | grep -a -E '^\[compute\] TEST snap_compute: (step=[0-9]+ acc=0x[0-9a-f]{16}|checksum=0x[0-9a-f]{16})$' | sed 's/^\[compute\] //')
	first_b=$(printf '%s\n' "$run_b" | grep -m 1 step= | sed -E 's/.*step=([0-9]+) .*/\1/')
	if clean_log | tail -n +"$((mark + 1))" | grep -a -q -E '^\[compute\] TEST snap_compute: steps='; then
		fail restore "the restored VM booted afresh"
	elif [ -z "$first_b" ] || [ "$first_b" -gt $((at_snap + 2)) ] || [ "$first_b" -lt 10 ]; then
		fail restore "restored run starts at step ${first_b:-none}, snapshot taken after step $at_snap"
	elif [ "$(printf '%s\n' "$run_a" | sed -n "/^TEST snap_compute: step=$first_b /,\$p")" != "$run_b" ]; then
		fail restore "output after step $first_b differs from the uninterrupted run"
		diff <(printf '%s\n' "$run_a" | sed -n "/^TEST snap_compute: step=$first_b /,\$p") <(printf '%s\n' "$run_b") | head -n 10 | sed 's/^/    | /'
	elif [ "$(printf '%s\n' "$run_b" | grep checksum=)" != "$sum_a" ]; then
		fail restore "checksum differs"
	elif ! clean_log | tail -n +"$((mark + 1))" | grep -a -q -E '^\[compute\] PASS snap_compute: virtual time continuous$'; then
		fail restore "virtual time jumped in the restored run"
	else
		pass restore
		echo "    restored run: steps $first_b..100 identical (snapshot after step $at_snap), $sum_a"
	fi

	ctl restore other "$SNAP"
	[ $rc = 1 ] && printf '%s\n' "$out" | grep -q -E '^err refused memory size differs: region 0 is 4096 KiB at 0x40000000 in the snapshot, 8192 KiB at 0x40000000 in VM other$' &&
		[ "$(vm_state other)" = stopped ] && pass shape || fail shape "rc=$rc: $out"

	# One byte of the first data page (past the header, the sections before memory and the
	# page tags: the middle of the file is memory) flipped.
	python3 - "$SNAP" "$OUT_DIR/mem_flip.snap" "$OUT_DIR/hdr_flip.snap" "$OUT_DIR/half.snap" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
m = bytearray(d); m[len(d) // 2] ^= 0x01; open(sys.argv[2], 'wb').write(m)
h = bytearray(d); h[60] ^= 0x80; open(sys.argv[3], 'wb').write(h)
open(sys.argv[4], 'wb').write(d[:len(d) // 2])
PY
	ctl restore compute "$OUT_DIR/mem_flip.snap"
	[ $rc = 1 ] && printf '%s\n' "$out" | grep -q -E '^err refused hash of section memory 0 differs: corrupted stream$' &&
		[ "$(vm_state compute)" = stopped ] && pass corrupt_memory || fail corrupt_memory "rc=$rc: $out"
	ctl restore compute "$OUT_DIR/hdr_flip.snap"
	[ $rc = 1 ] && printf '%s\n' "$out" | grep -q -E '^err refused hash of the header differs: corrupted stream$' &&
		[ "$(vm_state compute)" = stopped ] && pass corrupt_header || fail corrupt_header "rc=$rc: $out"
	ctl restore compute "$OUT_DIR/half.snap"
	[ $rc = 1 ] && printf '%s\n' "$out" | grep -q -E '^err refused stream incomplete: [0-9]+ bytes, no end section' &&
		[ "$(vm_state compute)" = stopped ] && pass truncated || fail truncated "rc=$rc: $out"
	# After all that, the good snapshot still restores (nothing was left half-claimed).
	mark=$(lines)
	ctl restore compute "$SNAP"
	if [ $rc = 0 ] && wait_for '^\[compute\] DONE snap_compute: passed=1 failed=0$' 1 && wait_stopped compute 60 &&
		[ "$(clean_log | tail -n +"$((mark + 1))" | grep -a -E "^\[compute\] TEST snap_compute: checksum=" | sed 's/^\[compute\] //')" = "$sum_a" ]; then
		pass restore_again
	else
		fail restore_again "rc=$rc: $out"
	fi

	# "guard" on CPU 0 (hello's "fpown") checked its FP/SIMD registers on every tick while the
	# hypervisor hashed every stream above there: a verdict after the last restore, no change.
	local verdict ok end=$((SECONDS + 10))
	while :; do
		verdict=$(clean_log | tail -n +"$((mark + 1))" | grep -a -E '^\[guard\] TEST hello: fpown ok=[0-9]+ bad=[0-9]+$' | tail -n 1)
		[ -n "$verdict" ] || [ $SECONDS -gt $end ] && break
		sleep 0.2
	done
	ok=$(printf '%s\n' "$verdict" | sed -n -E 's/.* ok=([0-9]+) bad=0$/\1/p')
	if [ -n "$ok" ] && [ "$ok" -ge 50 ] && ! clean_log | grep -a -q -F '[guard] TEST hello: fpown changed'; then
		pass fp_regs_kept
		echo "    guard on CPU 0: $ok checks of its 32 FP/SIMD registers, none changed"
	else
		fail fp_regs_kept "last verdict '${verdict:-none}'; $(clean_log | grep -a -F 'fpown changed' | head -n 1)"
	fi
}

main
stop_qemu_pid
exit $failed
