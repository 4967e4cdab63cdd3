#!/usr/bin/env bash
# Live migration between two boards (docs/SNAPSHOT.md "Live migration", issue 14 item 5):
# two QEMU instances, each `tessera run` with its own management socket. Board A
# (configs/migrate_a.dts) runs "compute" (snap_compute: 80 steps 100 ms apart, each over a
# 128 KiB buffer, then a checksum) and "ref", the same computation left alone; board B
# (configs/migrate_b.dts) declares compute as an incoming slot.
#   refused    `tessera migrate other`: the target slot's shape differs (8 MiB, not 4);
#              `tessera migrate plain`: B's plain is not an incoming slot; `tessera migrate
#              ref`: B has no slot of that name; each leaves A's VMs running and B's slots
#              stopped.
#   migrate    `tessera migrate compute --from A --to B` around step 20: pages per round,
#              total time and downtime printed; A's compute is stopped, B's runs.
#   output     A's step lines up to the migration followed by B's are exactly ref's lines:
#              no gap, no duplicate, the same checksum; B's run never booted afresh and its
#              virtual time never jumped (the guest checks it: CNTVOFF carried).
#   again      migrating compute again is refused (B's slot runs, A's is stopped).
# "PASS: system/migrate_<case>" or "FAIL: ...". Environment: OUT_DIR (default
# build/migrate), TIMEOUT (per board, default 180 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/migrate}
TIMEOUT=${TIMEOUT:-180}
LOG_A=$OUT_DIR/a.log
LOG_B=$OUT_DIR/b.log
SOCK_A=$OUT_DIR/a.sock
SOCK_B=$OUT_DIR/b.sock
TESSERA=build/tools/tessera
NAME=migrate
. tests/system/board.sh
pid_a=
pid_b=

stop_boards()
{
	for p in $pid_a $pid_b; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	pid_a= pid_b=
}
trap stop_boards EXIT

# compute_lines LOG VM: the guest's complete step and checksum lines.
compute_lines() { tests/system/uart-text <"$1" | grep -a -E "^\[$2\] TEST snap_compute: (step=[0-9]+ acc=0x[0-9a-f]{16}|checksum=0x[0-9a-f]{16})$" | sed "s/^\[$2\] //"; }

last_step() { compute_lines "$1" "$2" | grep -E 'step=' | tail -n 1 | sed -E 's/.*step=([0-9]+) .*/\1/' | grep . || echo 0; }

wait_step()
{
	local end=$((SECONDS + $4))
	while [ $SECONDS -le $end ]; do
		[ "$(last_step "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

vm_state() { "$TESSERA" ctl --socket "$1" --lines list 2>/dev/null | grep -a "^vm $2 " | sed -E 's/.* state=([a-z]+) .*/\1/'; }

wait_done()
{
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		tests/system/uart-text <"$1" | grep -a -q -E "^\[$2\] DONE snap_compute: passed=1 failed=0$" && return 0
		sleep 0.2
	done
	return 1
}

migrate() { out=$("$TESSERA" migrate "$1" --from "$SOCK_A" --to "$SOCK_B" --timeout 60 2>&1); rc=$?; }

main()
{
	local ref run got

	for f in "$TESSERA" build/tessera.elf build/guests/snap_compute.elf build/guests/hello.elf; do
		if [ ! -f "$f" ]; then
			fail boot "$f missing: run make"
			return
		fi
	done
	mkdir -p "$OUT_DIR" && rm -f "$SOCK_A" "$SOCK_B" && : >"$LOG_A" && : >"$LOG_B"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/migrate_a.dts \
		--pack "$OUT_DIR/a.img" --mgmt "$SOCK_A" >"$LOG_A" 2>&1 </dev/null &
	pid_a=$!
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/migrate_b.dts \
		--pack "$OUT_DIR/b.img" --mgmt "$SOCK_B" >"$LOG_B" 2>&1 </dev/null &
	pid_b=$!
	if ! wait_step "$LOG_A" compute 3 60 || ! LOG=$LOG_B wait_for "incoming slot, waiting for migrate-in" 60; then
		fail boot "the boards did not come up"
		tail -n 10 "$LOG_A" "$LOG_B" | sed 's/^/    | /'
		return
	fi
	[ "$(vm_state "$SOCK_B" compute)" = stopped ] && pass incoming_slot || fail incoming_slot "B's compute is not stopped before migrate-in"

	migrate other
	if [ $rc = 1 ] && printf '%s\n' "$out" | grep -q -E '^tessera migrate: shape mismatch: the source VM has vcpus=1 mem=0x40000000\+4194304 pages=1024, the target slot vcpus=1 mem=0x40000000\+8388608 pages=2048$' &&
		[ "$(vm_state "$SOCK_A" other)" = running ] && [ "$(vm_state "$SOCK_B" other)" = stopped ]; then
		pass refused_shape
	else
		fail refused_shape "rc=$rc: $out"
	fi
	migrate plain
	if [ $rc = 1 ] && printf '%s\n' "$out" | grep -q -F 'err refused VM plain is not an incoming slot' &&
		[ "$(vm_state "$SOCK_A" compute)" = running ]; then
		pass refused_not_incoming
	else
		fail refused_not_incoming "rc=$rc: $out"
	fi

	migrate ref
	if [ $rc = 1 ] && printf '%s\n' "$out" | grep -q -F 'target: migrate-in: err unknown-vm no VM named "ref"' &&
		[ "$(vm_state "$SOCK_A" ref)" = running ]; then
		pass refused_no_slot
	else
		fail refused_no_slot "rc=$rc: $out"
	fi

	wait_step "$LOG_A" compute 15 60
	migrate compute
	printf '%s\n' "$out" | sed 's/^/    /'
	if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q -E '^ok migrated compute: [0-9]+ pages \+ [0-9]+ state bytes, total [0-9.]+ s, downtime [0-9.]+ ms' &&
		printf '%s\n' "$out" | grep -q -E '^round 0: [0-9]+ pages sent'; then
		pass migrate
	else
		fail migrate "rc=$rc"
		tail -n 10 "$LOG_A" "$LOG_B" | sed 's/^/    | /'
		return
	fi
	[ "$(vm_state "$SOCK_A" compute)" = stopped ] && LOG=$LOG_A wait_for "VM [0-9]+ 'compute' stopped" 5 && pass source_stopped ||
		fail source_stopped "A's compute is $(vm_state "$SOCK_A" compute)"

	if ! wait_done "$LOG_B" compute 60 || ! wait_done "$LOG_A" ref 60; then
		fail output "B's compute or A's ref did not finish"
		tail -n 10 "$LOG_B" | sed 's/^/    | /'
		return
	fi
	ref=$(compute_lines "$LOG_A" ref)
	run=$( (compute_lines "$LOG_A" compute; compute_lines "$LOG_B" compute) )
	got=$(compute_lines "$LOG_B" compute | grep -m 1 step= | sed -E 's/.*step=([0-9]+) .*/\1/')
	if [ "$(printf '%s\n' "$ref" | grep -c step=)" != 80 ]; then
		fail output "ref printed $(printf '%s\n' "$ref" | grep -c step=) steps"
	elif [ "$ref" != "$run" ]; then
		fail output "A + B's lines differ from the uninterrupted run's"
		diff <(printf '%s\n' "$ref") <(printf '%s\n' "$run") | head -n 10 | sed 's/^/    | /'
	elif tests/system/uart-text <"$LOG_B" | grep -a -q -E '^\[compute\] TEST snap_compute: steps='; then
		fail output "B's compute booted afresh"
	elif ! tests/system/uart-text <"$LOG_B" | grep -a -q -E '^\[compute\] PASS snap_compute: virtual time continuous$'; then
		fail output "virtual time jumped on B"
	else
		pass output
		echo "    steps 1..$((got - 1)) on A, $got..80 on B, $(printf '%s\n' "$run" | grep checksum=) as the uninterrupted run"
	fi

	migrate compute
	[ $rc = 1 ] && printf '%s\n' "$out" | grep -q -E 'err refused VM compute is (running|stopped) \(restore needs a stopped VM\)|err refused VM compute is stopped' &&
		pass refused_again || fail refused_again "rc=$rc: $out"
}

main
stop_boards
exit $failed
