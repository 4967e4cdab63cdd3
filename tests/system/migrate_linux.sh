#!/usr/bin/env bash
# Live migration of a Linux VM between two boards (docs/SNAPSHOT.md "A Linux VM", issue 14
# item 5): board A (configs/migrate_linux_a.dts) runs Debian's Linux (2 vCPUs, 256 MiB,
# console on the emulated PL011), board B (migrate_linux_b.dts) declares it as an incoming
# slot. A shell job prints "tick=N" five times a second.
#   migrate   `tessera migrate linux --from A --to B`: pages per round, total, downtime;
#             A's slot is stopped, B's runs
#   counter   A's tick lines followed by B's are 1, 2, 3, ... : no gap, no duplicate (a line
#             cut by the pause is joined from both boards' consoles); B goes on counting
#   shell     B's shell answers; the job is the same process; uptime read on B is not below
#             the one read on A before, nor ahead of the wall time between the two reads
#             (the downtime is hidden; Linux did not boot again on B)
# Needs `make all linux`. "PASS: system/migrate_linux_<case>" or "FAIL: ...". About 30 s,
# most of it Linux's boot: the 45 MB of pages go in binary frames (docs/MANAGEMENT.md
# "Frames"), about 4 s.
# Environment: OUT_DIR (default build/migrate_linux), TIMEOUT (per board, default 900 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/migrate_linux}
TIMEOUT=${TIMEOUT:-900}
LOG_A=$OUT_DIR/a.log
LOG_B=$OUT_DIR/b.log
SOCK_A=$OUT_DIR/a.sock
SOCK_B=$OUT_DIR/b.sock
TESSERA=build/tools/tessera
failed=0
pid_a=
pid_b=

pass() { echo "PASS: system/migrate_linux_$1"; }
fail()
{
	echo "FAIL: system/migrate_linux_$1 ($2)"
	for l in "$LOG_A" "$LOG_B"; do
		echo "    $l:"
		tests/system/uart-text <"$l" | tail -n 8 | sed 's/^/    | /'
	done
	failed=1
}

stop_boards()
{
	for p in $pid_a $pid_b; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	pid_a= pid_b=
}
trap stop_boards EXIT

vm_state() { "$TESSERA" ctl --socket "$1" --lines list 2>/dev/null | grep -a "^vm linux " | sed -E 's/.* state=([a-z]+) .*/\1/'; }
# ticks LOG: the tick numbers that end [linux] lines (the first follows the shell prompt).
ticks() { tests/system/uart-text <"$1" | grep -a -E '^\[linux\] .*tick=[0-9]+$' | sed 's/.*tick=//'; }

# counter_ok: A's ticks then B's are consecutive from 1. A number missing at the boundary
# must be the line the pause cut: A's last console text joined with B's first.
counter_ok()
{
	local a b n last first cut
	a=$(ticks "$LOG_A") b=$(ticks "$LOG_B")
	n=$(printf '%s\n' "$a" | grep -c .)
	# A's last line may be the cut one ("tick=14" of 143): not a number of the sequence.
	[ "$(printf '%s\n' "$a" | tail -n 1)" = "$n" ] || a=$(printf '%s\n' "$a" | sed '$d')
	last=$(printf '%s\n' "$a" | tail -n 1) first=$(printf '%s\n' "$b" | head -n 1)
	[ -n "$last" ] && [ -n "$first" ] || return 1
	printf '%s\n' "$a" | awk 'NR != $1 { bad = 1 } END { exit bad }' || return 1
	printf '%s\n' "$b" | awk -v f="$first" 'NR - 1 + f != $1 { bad = 1 } END { exit bad }' || return 1
	[ "$first" = $((last + 1)) ] && return 0
	[ "$first" = $((last + 2)) ] || return 1
	cut=$(tests/system/uart-text <"$LOG_A" | grep -a '^\[linux\] ' | tail -n 1 | sed 's/^\[linux\] //')$(tests/system/uart-text <"$LOG_B" | grep -a '^\[linux\] ' | head -n 1 | sed 's/^\[linux\] //')
	[ "$cut" = "tick=$((last + 1))" ]
}

main()
{
	local out rc r bg u0 u1 t0 n a_last

	for f in "$TESSERA" build/tessera.elf build/linux/Image build/linux/initramfs.cpio.gz; do
		if [ ! -f "$f" ]; then
			fail boot "$f missing: run make all linux"
			return
		fi
	done
	mkdir -p "$OUT_DIR" && rm -f "$SOCK_A" "$SOCK_B" && : >"$LOG_A" && : >"$LOG_B"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/migrate_linux_a.dts \
		--pack "$OUT_DIR/a.img" --mgmt "$SOCK_A" >"$LOG_A" 2>&1 </dev/null &
	pid_a=$!
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/migrate_linux_b.dts \
		--pack "$OUT_DIR/b.img" --mgmt "$SOCK_B" >"$LOG_B" 2>&1 </dev/null &
	pid_b=$!
	if ! LOG=$LOG_A wait_for 'tessera-linux:/# ' 180 || ! LOG=$LOG_B wait_for "incoming slot, waiting for migrate-in" 60; then
		fail boot "no Linux shell on A or no incoming slot on B"
		return
	fi
	r=$(linux_ask "$SOCK_A" "$LOG_A" b1 'i=0; while :; do i=$((i+1)); echo tick=$i; sleep 0.2; done & echo bg=$!')
	bg=$(printf '%s\n' "$r" | sed -n -E 's/^bg=([0-9]+)$/\1/p')
	u0=$(uptime_of "$(linux_ask "$SOCK_A" "$LOG_A" u0 'cat /proc/uptime')")
	t0=$SECONDS
	if [ -z "$bg" ] || [ -z "$u0" ] || ! LOG=$LOG_A wait_for '^\[linux\] tick=10$' 60; then
		fail boot "the counter job did not start (bg=${bg:-?} uptime=${u0:-?})"
		return
	fi

	out=$("$TESSERA" migrate linux --from "$SOCK_A" --to "$SOCK_B" --timeout 600 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q -E '^ok migrated linux: [0-9]+ pages \+ [0-9]+ state bytes, total [0-9.]+ s, downtime [0-9.]+ ms' &&
		[ "$(vm_state "$SOCK_A")" = stopped ] && [ "$(vm_state "$SOCK_B")" = running ]; then
		pass migrate
	else
		fail migrate "rc=$rc, A's slot $(vm_state "$SOCK_A"), B's $(vm_state "$SOCK_B")"
		return
	fi

	a_last=$(ticks "$LOG_A" | tail -n 1)
	LOG=$LOG_B wait_for_count '^\[linux\] tick=[0-9]+$' 20 60
	n=$(ticks "$LOG_B" | grep -c .)
	if ! counter_ok; then
		fail counter "A's ticks end at ${a_last:-?}, B's start at $(ticks "$LOG_B" | head -n 1) (see $LOG_A, $LOG_B)"
	elif [ "$n" -lt 20 ]; then
		fail counter "B printed $n ticks"
	else
		pass counter
		echo "    ticks 1..$a_last on A, $(ticks "$LOG_B" | head -n 1)..$(ticks "$LOG_B" | tail -n 1) on B: no gap, no duplicate"
	fi

	r=$(linux_ask "$SOCK_B" "$LOG_B" r1 'cat /proc/uptime; kill -0 '"$bg"' && echo alive='"$bg"'; echo answer=$((6*7))')
	u1=$(uptime_of "$r")
	if tests/system/uart-text <"$LOG_B" | grep -a -q -E 'Booting Linux|TESSERA-LINUX: init up'; then
		fail shell "Linux booted on B"
	elif ! printf '%s\n' "$r" | grep -q -x 'answer=42' || ! printf '%s\n' "$r" | grep -q -x "alive=$bg"; then
		fail shell "B's shell or job $bg: $r"
	elif [ -z "$u1" ] || ! awk -v a="$u1" -v b="$u0" -v w=$((SECONDS - t0 + 2)) 'BEGIN { exit !(a >= b && a - b <= w) }'; then
		fail shell "uptime ${u0} s on A, ${u1:-?} s on B, $((SECONDS - t0)) s of wall time between"
	else
		pass shell
		echo "    uptime $u0 s on A, $u1 s on B ($((SECONDS - t0)) s of wall time between: downtime hidden); job $bg alive"
	fi
	if tests/system/uart-text <"$LOG_B" | grep -a -q -E '^\[linux\] .*(Oops|BUG:|WARNING:|rcu.*stall|soft lockup|Kernel panic)'; then
		fail kernel_log "the kernel complained on B"
	fi
}

main
stop_boards
exit $failed
