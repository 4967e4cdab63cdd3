#!/usr/bin/env bash
# Virtio link state in snapshots and clones (docs/SNAPSHOT.md "The virtio sections", issue 14
# items 1 and 4): boots tests/system/configs/vlink_snap.dts with `tessera run --mgmt`. "a"
# runs vlink_snap role=ping: step n sends "P<n>" on its virtio console and as a frame on its
# virtio-net card and waits until "E<n>" came back on both from "hub" (resent every 300 ms);
# "c" is a stopped slot of a's shape with its own links to hub.
#   boot       a's steps go through both ways; a's MAC is 52:54:00:7e:01:00
#   snapshot   `ctl snapshot a` mid-run: a goes on, both links working
#   refused    a migration's first step (`dirty-start a`) is refused for a VM with a virtio
#              link, with the reason (its peer would stay behind)
#   restore    `ctl stop a`, `ctl restore a FILE`: a does not boot again; its steps continue
#              from the capture and pass both ways (console bytes and frames after the restore)
#   rollback   `ctl checkpoint a`, 8 more steps, `ctl rollback a`: a's steps continue from the
#              checkpoint and pass both ways again
#   clone      `ctl clone a c`: c does not boot; it sees its generation change, its net config
#              space shows its own MAC 52:54:00:7e:03:00 (not a's) with ConfigGeneration 1 and
#              a configuration-change interrupt, and its steps pass both ways on its own links
#   both       a and c keep passing steps after the clone, and no step of either ever gave up
# "PASS: system/vlink_snap_<case>" or "FAIL: ...". Environment: OUT_DIR (default
# build/vlink_snap), TIMEOUT (whole run, default 180 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh
. tests/system/board.sh

NAME=vlink_snap
OUT_DIR=${OUT_DIR:-build/vlink_snap}
TIMEOUT=${TIMEOUT:-180}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
SNAP=$OUT_DIR/a.snap
TESSERA=build/tools/tessera

# VM's step lines after console line FROM: "step=N con=.. net=..".
steps_of() { clean_log | tail -n +"$(($2 + 1))" | grep -a -E "^\[$1\] TEST vlink_snap: step=[0-9]+ con=[a-z/]*[0-9]+ net=[a-z/]*[0-9]+$" | sed "s/^\[$1\] TEST vlink_snap: //"; }

last_step() { steps_of "$1" "${2:-0}" | tail -n 1 | sed -E 's/^step=([0-9]+) .*/\1/' | grep . || echo 0; }

# wait_step VM N SECONDS [FROM]: VM printed step N or later after line FROM.
wait_step()
{
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		[ "$(last_step "$1" "${4:-0}")" -ge "$2" ] && return 0
		sleep 0.2
	done
	return 1
}


lost_of() { clean_log | grep -a -c -E "^\[$1\] TEST vlink_snap: step=.*lost"; }

main()
{
	local mark before at first n

	need_built "$TESSERA" build/tessera.elf build/guests/vlink_snap.elf build/guests/hello.elf || return
	board_start tests/system/configs/vlink_snap.dts "$SNAP"

	if ! wait_step a 5 60 || ! wait_state c stopped 20; then
		fail boot "a never passed step 5, or c never stopped"
		log_tail
		return
	fi
	if clean_log | grep -a -q -E '^\[a\] TEST vlink_snap: mac=52:54:00:7e:01:00 cfg_gen=0 cfg_irqs=0 irqs=[0-9]+ isr=[0-9]+$'; then
		pass boot
	else
		fail boot "a's MAC line: $(clean_log | grep -a -E '^\[a\] TEST vlink_snap: mac=' | head -n 1)"
	fi

	before=$(last_step a)
	ctl snapshot a -o "$SNAP"
	at=$(last_step a)
	echo "    $out"
	if [ $rc = 0 ] && [ -s "$SNAP" ] && printf '%s\n' "$out" | grep -q -E '^ok snapshot of a: [0-9]+ bytes'; then
		pass snapshot
	else
		fail snapshot "rc=$rc: $out"
		return
	fi
	if ! wait_step a $((at + 8)) 60; then
		fail snapshot "a stopped passing steps after the snapshot (at step $(last_step a))"
		return
	fi

	out=$(printf 'dirty-start a\n' | "$TESSERA" ctl --socket "$SOCK" --timeout 30 --raw 2>&1)
	if printf '%s\n' "$out" | grep -q -E '^err refused VM a has a virtio link: its peer stays on this board \(a migration would join the link to another VM\)$'; then
		pass refused
	else
		fail refused "dirty-start a: $out"
	fi

	ctl stop a
	if [ $rc != 0 ] || ! wait_state a stopped 20; then
		fail restore "stop: rc=$rc: $out"
		return
	fi
	mark=$(lines)
	ctl restore a "$SNAP"
	echo "    $out"
	if [ $rc != 0 ]; then
		fail restore "rc=$rc: $out"
		return
	fi
	wait_step a $((at + 8)) 60 "$mark"
	first=$(steps_of a "$mark" | head -n 1 | sed -E 's/^step=([0-9]+) .*/\1/')
	if [ "$(last_step a "$mark")" -lt $((at + 8)) ]; then
		fail restore "a passed no 8 steps after the restore (last $(last_step a "$mark"))"
		log_tail
	elif clean_log | tail -n +"$((mark + 1))" | grep -a -q -E '^\[a\] (TEST vlink_snap: mac=|PASS vlink_snap: virtio device up)'; then
		fail restore "a booted again"
	elif [ -z "$first" ] || [ "$first" -lt "$before" ] || [ "$first" -gt $((at + 1)) ]; then
		fail restore "a's first step after the restore is ${first:-none}, captured between steps $before and $at"
	else
		pass restore
		echo "    a: captured between steps $before and $at, restored: steps $first..$(last_step a "$mark") both ways"
	fi

	local ck0
	ck0=$(last_step a)
	ctl checkpoint a
	before=$(last_step a)
	echo "    $out"
	if [ $rc != 0 ] || ! printf '%s\n' "$out" | grep -q -E '^ok checkpoint a seq=1 '; then
		fail rollback "checkpoint: rc=$rc: $out"
	elif ! wait_step a $((before + 8)) 60; then
		fail rollback "a passed no 8 steps after the checkpoint"
	else
		at=$(last_step a)
		mark=$(lines)
		ctl rollback a
		echo "    $out"
		wait_step a $((at + 4)) 60 "$mark"
		# The lowest step after the request: a line or two of the run before the rollback
		# may still come after it.
		first=$(steps_of a "$mark" | sed -E 's/^step=([0-9]+) .*/\1/' | sort -n | head -n 1)
		if [ $rc != 0 ] || ! printf '%s\n' "$out" | grep -q -E '^ok rolled back a to checkpoint 1 '; then
			fail rollback "rollback: rc=$rc: $out"
		elif [ "$(last_step a "$mark")" -lt $((at + 4)) ]; then
			fail rollback "a passed steps only up to $(last_step a "$mark") after the rollback (from step $at)"
		elif [ -z "$first" ] || [ "$first" -lt "$ck0" ] || [ "$first" -gt $((before + 1)) ]; then
			fail rollback "a's first step after the rollback is ${first:-none}, checkpoint between steps $ck0 and $before"
		else
			pass rollback
			echo "    a: checkpoint between steps $ck0 and $before, rolled back at step $at: steps $first..$(last_step a "$mark") both ways"
		fi
	fi

	mark=$(lines)
	ctl clone a c
	echo "    $out"
	if [ $rc != 0 ] || ! printf '%s\n' "$out" | grep -q -E '^ok cloned a into c '; then
		fail clone "rc=$rc: $out"
		return
	fi
	at=$(last_step a)
	if ! wait_step c $((at + 8)) 60 "$mark"; then
		fail clone "c passed no 8 steps after the clone (last $(last_step c "$mark"))"
		log_tail
	else
		n=$(clean_log | grep -a -E '^\[c\] TEST vlink_snap: generation changed mac=' | head -n 1)
		if printf '%s\n' "$n" | grep -q -E 'mac=52:54:00:7e:03:00 cfg_gen=1 cfg_irqs=[1-9][0-9]* irqs=[0-9]+ isr=[0-9]+$' &&
			! clean_log | grep -a -q -E '^\[c\] TEST vlink_snap: mac='; then
			pass clone
			echo "    c: ${n#*: }; steps $(steps_of c "$mark" | head -n 1 | sed -E 's/^step=([0-9]+) .*/\1/')..$(last_step c "$mark")"
		else
			fail clone "c's MAC after the clone: '${n:-none}'"
		fi
	fi
	if ! wait_step a $((at + 8)) 60 "$mark"; then
		fail both "a passed no 8 steps after the clone"
	elif [ "$(lost_of a)" != 0 ] || [ "$(lost_of c)" != 0 ]; then
		fail both "steps that gave up: a $(lost_of a), c $(lost_of c)"
	elif clean_log | grep -a -q -E '^\[(a|c|hub)\] FAIL '; then
		fail both "$(clean_log | grep -a -E '^\[(a|c|hub)\] FAIL ' | head -n 2)"
	else
		pass both
	fi
}

main
stop_qemu_pid
exit $failed
