#!/usr/bin/env bash
# Checkpoints and rollback end to end (docs/SNAPSHOT.md "Checkpoints", issue 14 item 3):
# boots tests/system/configs/checkpoint.dts with `tessera run --mgmt`; both VMs run
# clone_compute (deterministic steps 100 ms of virtual time apart over a 128 KiB buffer,
# state in registers and d7), policy rollback.
#   fallback   "work" fails (a 'c' on its console: failure exit) before any checkpoint: the
#              policy says so and restarts it (it boots again)
#   hypercall  "self" asks for a checkpoint by hypercall at step 8: the hypervisor takes it
#   checkpoint `ctl checkpoint work` (the first copies every page), a second one later copies
#              only the pages written since (dirty tracking: fewer than all)
#   rollback   `ctl rollback work`: it copies back only dirty pages, and work prints again
#              exactly the step lines it printed after the checkpoint (memory, registers and
#              FP state restored exactly), without booting
#   policy     work fails ('c'): the policy rolls it back to its checkpoint; it goes on with
#              the same step lines again
# "PASS: system/checkpoint_<case>" or "FAIL: ...". Environment: OUT_DIR (default
# build/checkpoint), TIMEOUT (whole run, default 150 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh
. tests/system/board.sh

NAME=checkpoint
OUT_DIR=${OUT_DIR:-build/checkpoint}
TIMEOUT=${TIMEOUT:-150}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
TESSERA=build/tools/tessera

# VM's step lines from console line FROM on.
steps_from() { clean_log | tail -n +"$(($2 + 1))" | grep -a -E "^\[$1\] TEST clone_compute: step=[0-9]+ acc=0x[0-9a-f]{16}$" | sed "s/^\[$1\] //"; }

last_step() { steps_from "$1" "${2:-0}" | tail -n 1 | sed -E 's/.*step=([0-9]+) .*/\1/' | grep . || echo 0; }

wait_step()
{
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		[ "$(last_step "$1" "${4:-0}")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# same_steps BEFORE AFTER: every step of AFTER that BEFORE has too is the same line; prints
# how many were compared.
same_steps()
{
	local n=0 line num want
	while read -r line; do
		num=$(printf '%s\n' "$line" | sed -E 's/.*step=([0-9]+) .*/\1/')
		want=$(printf '%s\n' "$1" | grep -E "step=$num " | tail -n 1)
		[ -z "$want" ] && continue
		[ "$want" = "$line" ] || return 1
		n=$((n + 1))
	done <<<"$2"
	echo "$n"
}

main()
{
	local mark pre post n first at

	board_start tests/system/configs/checkpoint.dts

	if ! wait_step work 2 40; then
		fail boot "work never reached step 2"
		log_tail
		return
	fi
	ctl console-write work 63
	if wait_for "policy rollback: VM 'work' failed \(guest failure\) and has no checkpoint: restarting it instead" 20 &&
		wait_for_count '^\[work\] TEST clone_compute: steps=600$' 2 20; then
		pass fallback
	else
		fail fallback "no restart after a failure without checkpoint ($out)"
	fi
	if wait_for "VM 'self': checkpoint 1 \(hypercall\): 1024 of 1024 pages" 40 &&
		wait_for '^\[self\] TEST clone_compute: checkpoint by hypercall: 0$' 1; then
		pass hypercall
	else
		fail hypercall "no checkpoint by hypercall"
	fi

	wait_step work 10 40
	ctl checkpoint work
	echo "    $out"
	if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q -E '^ok checkpoint work seq=1 pages=1024 of=1024 full=1 us=[0-9]+$'; then
		pass checkpoint_full
	else
		fail checkpoint_full "rc=$rc: $out"
	fi
	at=$(last_step work)
	wait_step work $((at + 4)) 30
	ctl checkpoint work
	echo "    $out"
	mark=$(lines)
	at=$(last_step work)
	n=$(printf '%s\n' "$out" | sed -n -E 's/^ok checkpoint work seq=2 pages=([0-9]+) of=1024 full=0 us=[0-9]+$/\1/p')
	if [ $rc = 0 ] && [ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -lt 1024 ]; then
		pass checkpoint_dirty
	else
		fail checkpoint_dirty "rc=$rc: $out"
	fi
	wait_step work $((at + 5)) 30
	ctl rollback work
	echo "    $out"
	pre=$(steps_from work 0)
	mark=$(lines)
	if [ $rc != 0 ] || ! printf '%s\n' "$out" | grep -q -E '^ok rolled back work to checkpoint 2 pages=[0-9]+ of=1024 full=0 us=[0-9]+$'; then
		fail rollback "rc=$rc: $out"
	else
		wait_step work $((at + 6)) 30 "$mark"
		post=$(steps_from work "$mark")
		first=$(printf '%s\n' "$post" | head -n 1 | sed -E 's/.*step=([0-9]+) .*/\1/')
		if clean_log | tail -n +"$((mark + 1))" | grep -a -q '^\[work\] TEST clone_compute: steps='; then
			fail rollback "work booted afresh"
		elif [ -z "$first" ] || [ "$first" -gt $((at + 2)) ]; then
			fail rollback "work went on at step ${first:-none}, checkpoint after step $at"
		elif ! n=$(same_steps "$pre" "$post") || [ "$n" -lt 3 ]; then
			fail rollback "step lines after the rollback differ from the first run (${n:-?} equal)"
		else
			pass rollback
			echo "    rollback: steps $first.. printed again, $n identical to the first run"
		fi
	fi

	pre=$(steps_from work 0)
	mark=$(lines)
	ctl console-write work 63
	if wait_for "policy rollback: VM 'work' failed \(guest failure\): back to checkpoint 2" 20 &&
		wait_for "policy rollback: VM 'work' runs from checkpoint 2 \([0-9]+ of 1024 pages copied back" 20 &&
		wait_step work $((at + 6)) 30 "$mark"; then
		post=$(steps_from work "$mark")
		if clean_log | tail -n +"$((mark + 1))" | grep -a -q '^\[work\] TEST clone_compute: steps='; then
			fail policy "work booted afresh"
		elif ! n=$(same_steps "$pre" "$post") || [ "$n" -lt 3 ]; then
			fail policy "step lines after the policy rollback differ (${n:-?} equal)"
		else
			pass policy
		fi
	else
		fail policy "no policy rollback"
		clean_log | grep -a -E "tessera|work" | tail -n 10 | sed 's/^/    | /'
	fi
}

main
stop_qemu_pid
exit $failed
