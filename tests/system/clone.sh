#!/usr/bin/env bash
# tessera ctl clone end to end (docs/SNAPSHOT.md "Clone", issue 14 item 4): boots
# tests/system/configs/clone.dts with `tessera run --mgmt`; "compute" runs clone_compute
# (60 deterministic steps 100 ms of virtual time apart, then a checksum), "copy" (same shape)
# and "other" (8 MiB) stop at once.
#   identity   compute's generation id, read from its DTB and by hypercall, agree
#   refused    clone into "other": "shape differs: memory region 0 ..."; clone into itself
#   clone      `ctl clone compute copy` in the middle of the computation
#   copy       copy does not boot: it prints "generation changed" with a new id (DTB and
#              hypercall agree, not compute's), then the very steps compute prints after the
#              clone point, and the same checksum
#   original   compute goes on: no generation change, its steps and checksum
#   running    a second clone into copy while it runs: "target copy is running"
# "PASS: system/clone_<case>" or "FAIL: ...". Environment: OUT_DIR (default build/clone),
# TIMEOUT (whole run, default 120 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh
. tests/system/board.sh

NAME=clone
OUT_DIR=${OUT_DIR:-build/clone}
TIMEOUT=${TIMEOUT:-120}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
TESSERA=build/tools/tessera

# VM's step and checksum lines, complete ones only.
steps_of() { clean_log | grep -a -E "^\[$1\] TEST clone_compute: (step=[0-9]+ acc=0x[0-9a-f]{16}|checksum=0x[0-9a-f]{16})$" | sed "s/^\[$1\] //"; }

last_step() { steps_of "$1" | grep -E 'step=' | tail -n 1 | sed -E 's/.*step=([0-9]+) .*/\1/' | grep . || echo 0; }

wait_step()
{
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		[ "$(last_step "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}


# gen_line VM WHAT: the hex values of VM's "generation<WHAT> dtb=.. hc=.." line.
gen_line() { clean_log | grep -a -E "^\[$1\] TEST clone_compute: generation$2 dtb=0x[0-9a-f]{16} hc=0x[0-9a-f]{16}$" | tail -n 1 | sed -E 's/.* dtb=(0x[0-9a-f]+) hc=(0x[0-9a-f]+)$/\1 \2/'; }

main()
{
	local g0 g1 gen_ok at first a b done_re='DONE clone_compute: passed=[0-9]+ failed=0$'

	need_built "$TESSERA" build/tessera.elf build/guests/clone_compute.elf build/guests/hello.elf || return
	board_start tests/system/configs/clone.dts

	if ! wait_step compute 10 40 || ! wait_stopped copy 20 || ! wait_stopped other 20; then
		fail boot "compute never reached step 10, or copy/other never stopped"
		log_tail
		return
	fi
	read -r a b <<<"$(gen_line compute '')"
	g0=$a
	if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" != 0x0000000000000000 ]; then
		pass identity
	else
		fail identity "compute's generation: dtb=${a:-none} hc=${b:-none}"
	fi

	ctl clone compute other
	[ $rc = 1 ] && printf '%s\n' "$out" | grep -q -E '^err refused shape differs: memory region 0 is 4096 KiB at 0x40000000 in compute, 8192 KiB at 0x40000000 in other$' &&
		[ "$(vm_state other)" = stopped ] && pass refused_shape || fail refused_shape "rc=$rc: $out"
	ctl clone compute compute
	[ $rc = 1 ] && printf '%s\n' "$out" | grep -q -E '^err refused a VM cannot be cloned into itself$' &&
		pass refused_self || fail refused_self "rc=$rc: $out"

	local mark
	mark=$(lines)
	ctl clone compute copy
	at=$(last_step compute)
	echo "    $out"
	if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q -E '^ok cloned compute into copy bytes=[0-9]+ paused_us=[0-9]+ generation=0x[0-9a-f]{16} dtb=patched$'; then
		pass clone
	else
		fail clone "rc=$rc: $out"
		return
	fi
	gen_ok=$(printf '%s\n' "$out" | grep -o -E 'generation=0x[0-9a-f]+')
	ctl clone compute copy
	[ $rc = 1 ] && printf '%s\n' "$out" | grep -q -E '^err refused target copy is running \(clone needs a stopped target\)$' &&
		pass refused_running || fail refused_running "rc=$rc: $out"

	if ! wait_for "^\[compute\] $done_re" 60 || ! wait_for "^\[copy\] $done_re" 60; then
		fail run "compute or copy did not finish cleanly"
		log_tail
		return
	fi
	read -r a b <<<"$(gen_line copy ' changed')"
	g1=$a
	if clean_log | tail -n +"$((mark + 1))" | grep -a -q -E '^\[copy\] TEST clone_compute: steps='; then
		fail copy "the copy booted afresh"
	elif [ -z "$a" ] || [ "$a" != "$b" ] || [ "$a" = "$g0" ]; then
		fail copy "copy's generation after the clone: dtb=${a:-none} hc=${b:-none}, compute's $g0"
	elif [ "generation=$a" != "$gen_ok" ]; then
		fail copy "copy reads $a, the clone answered $gen_ok"
	else
		first=$(steps_of copy | grep -m 1 step= | sed -E 's/.*step=([0-9]+) .*/\1/')
		a=$(steps_of compute | sed -n "/^TEST clone_compute: step=$first /,\$p")
		b=$(steps_of copy)
		if [ -z "$first" ] || [ "$first" -gt $((at + 2)) ] || [ "$first" -lt 10 ]; then
			fail copy "copy starts at step ${first:-none}, cloned after step $at"
		elif [ "$a" != "$b" ]; then
			fail copy "copy's steps after $first differ from compute's"
			diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -n 10 | sed 's/^/    | /'
		else
			pass copy
			echo "    copy: generation $g0 -> $g1, steps $first..60 and checksum identical to compute's (cloned after step $at)"
		fi
	fi
	if clean_log | grep -a -q -E '^\[compute\] TEST clone_compute: generation changed'; then
		fail original "compute's generation id changed"
	elif [ "$(steps_of compute | grep -c -E 'step=')" != 60 ] || ! steps_of compute | grep -q checksum=; then
		fail original "compute did not print 60 steps and a checksum"
	else
		pass original
	fi
}

main
stop_qemu_pid
exit $failed
