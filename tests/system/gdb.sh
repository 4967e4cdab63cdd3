#!/usr/bin/env bash
# The gdb stub per VM (docs/DEBUGGING.md) with a real gdb: boots tests/system/configs/gdb.dts
# ("target": the gdb_target guest with debug;, on CPU 1; "neighbour": the hello guest
# ticking every 100 ms on CPU 0, no debug;) with `tessera run --mgmt`, then
# - refused: `tessera ctl gdb neighbour` exits 1 naming the missing debug; property;
# - session: `tessera ctl gdb target --listen 127.0.0.1:PORT` and `gdb-multiarch -batch`
#   (tests/system/gdb_session.gdb): threads, a software breakpoint on gdb_report, registers
#   (general, cpsr, an EL1 system register; writing x9), stepi (pc + 4), next, reading gdb_value (7), a
#   hardware breakpoint, a watchpoint on gdb_counter, Ctrl-C (SIGINT sent to gdb while it
#   continues), a read watchpoint on gdb_value, writing gdb_value = 4242, detach;
#   while the target is halted at the breakpoint its rounds stop and the neighbour's ticks
#   go on (counted from the console log by the script's shell commands);
# - after the detach the guest prints the changed value, passes its check and stops, and
#   the neighbour still ticks.
# Prints "PASS: system/gdb_<case>" or "FAIL: system/gdb_<case> (<reason>)"; exit 1 if any
# failed. Every wait has a deadline (timeout(1) around gdb and the stub, wait_for).
# Environment: OUT_DIR (default build/gdb), TIMEOUT (whole run, default 120 s), PORT;
# CONFIG (default tests/system/configs/gdb.dts) and BOOT_TICKS (the neighbour's ticks to
# wait for at boot, default 3), NAME (the checks' prefix, default gdb) and DBGOWN (set: the
# neighbour checks its own debug registers, hello's "dbgown", and this script reads its
# verdicts) let gdb_share.sh run the same session on shared CPUs.
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/gdb}
CONFIG=${CONFIG:-tests/system/configs/gdb.dts}
BOOT_TICKS=${BOOT_TICKS:-3}
NAME=${NAME:-gdb}
DBGOWN=${DBGOWN:-}
TIMEOUT=${TIMEOUT:-120}
PORT=${PORT:-$((20000 + $$ % 20000))}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
TESSERA=build/tools/tessera
. tests/system/board.sh
stub_pid=

cleanup()
{
	if [ -n "$stub_pid" ] && kill -0 "$stub_pid" 2>/dev/null; then
		kill "$stub_pid" 2>/dev/null
		wait "$stub_pid" 2>/dev/null
	fi
	stop_qemu_pid
}
trap cleanup EXIT

# has FILE FIXED: the file has a line containing FIXED.
has() { grep -a -q -F -- "$2" "$1"; }

# The neighbour's own debug registers (hello's "dbgown": checked on each tick, a verdict
# every 10 ticks) held its values through the whole session, and it checked them at least
# 50 times (5 s of ticks, the session's length).
check_dbgown()
{
	local last ok
	last=$(clean_log | grep -a -E '^\[neighbour\] TEST hello: dbgown ok=[0-9]+ bad=[0-9]+$' | tail -n 1)
	ok=$(printf '%s\n' "$last" | sed -n -E 's/.*ok=([0-9]+) bad=0$/\1/p')
	if [ -n "$ok" ] && [ "$ok" -ge 50 ] && ! clean_log | grep -a -q -F '[neighbour] TEST hello: dbgown changed'; then
		pass neighbour_debug_regs
	else
		fail neighbour_debug_regs "last verdict '$last'; $(clean_log | grep -a -F 'dbgown changed' | head -n 1)"
	fi
}

main()
{
	local gdb_out=$OUT_DIR/gdb.out stub_out=$OUT_DIR/stub.log out rc a b gdb_pid

	if ! command -v gdb-multiarch >/dev/null 2>&1; then
		fail setup "gdb-multiarch missing: scripts/deps.sh installs it"
		return
	fi
	for f in "$TESSERA" build/tessera.elf build/guests/hello.elf build/guests/gdb_target.elf; do
		if [ ! -f "$f" ]; then
			fail setup "$f missing: run make"
			return
		fi
	done
	mkdir -p "$OUT_DIR" && rm -f "$SOCK" "$OUT_DIR"/ticks_* && : >"$LOG"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run "$CONFIG" \
		--pack "$OUT_DIR/gdb.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
	if ! wait_for '^\[target\] TEST gdb_target: round=3 ' 30 || ! wait_ticks neighbour "$BOOT_TICKS" 30; then
		fail boot "the guests did not start"
		tail -n 20 "$LOG" | sed 's/^/    | /'
		return
	fi

	out=$("$TESSERA" ctl --socket "$SOCK" --timeout 10 gdb neighbour --listen "127.0.0.1:$PORT" 2>&1)
	rc=$?
	if [ $rc = 1 ] && printf '%s\n' "$out" | grep -q -F 'may not be debugged: its config node has no "debug;" property'; then
		pass refused
	else
		fail refused "rc=$rc: $out"
	fi

	timeout -k 5 90 "$TESSERA" ctl --socket "$SOCK" --timeout 20 gdb target \
		--listen "127.0.0.1:$PORT" >"$stub_out" 2>&1 &
	stub_pid=$!
	if ! timeout 20 bash -c "until grep -q 'waiting for gdb' '$stub_out'; do sleep 0.1; done"; then
		fail attach "the stub did not attach: $(tr '\n' ' ' <"$stub_out")"
		return
	fi
	pass attach
	LOG=$LOG OUT_DIR=$OUT_DIR timeout -k 5 90 gdb-multiarch -nx -batch \
		-ex "target remote 127.0.0.1:$PORT" -x tests/system/gdb_session.gdb \
		build/guests/gdb_target.elf >"$gdb_out" 2>&1 &
	gdb_pid=$!
	# Ctrl-C: gdb sends the interrupt byte when it gets SIGINT during its continue.
	if timeout 60 bash -c "until grep -q READY-FOR-INTERRUPT '$gdb_out'; do sleep 0.1; done"; then
		sleep 1
		# To gdb itself: timeout(1) would pass a SIGINT on twice (to its child and to its
		# process group), and gdb takes a second Ctrl-C as "give up waiting".
		kill -INT $(pgrep -P "$gdb_pid") 2>/dev/null
	fi
	wait "$gdb_pid"
	rc=$?
	wait "$stub_pid"
	stub_pid=
	[ $rc = 0 ] || fail session "gdb exit status $rc"

	has "$gdb_out" "Thread 1 (vCPU 0)" && pass threads || fail threads "no vCPU thread listed"
	has "$gdb_out" "Breakpoint 1, gdb_report (round=" && pass break || fail break "no stop at gdb_report"
	grep -a -q -E '^#1 +0x[0-9a-f]+ in main ' "$gdb_out" && pass backtrace || fail backtrace "no caller in bt"
	has "$gdb_out" '$1 = 7' && pass read_var || fail read_var "gdb_value did not read 7"
	has "$gdb_out" "X9 5a5a5a5a" && pass write_reg || fail write_reg "x9 did not read back"
	has "$gdb_out" "STEPI-DELTA 4" &&
		pass stepi || fail stepi "pc did not advance by 4 on stepi"
	grep -a -q -E '^cpsr +0x[0-9a-f]*[45] ' "$gdb_out" && grep -a -q -E '^sctlr_el1 +0x[0-9a-f]+' "$gdb_out" &&
		pass sysregs || fail sysregs "cpsr (EL1) or sctlr_el1 missing"
	has "$gdb_out" 'Line 23 of "guests/gdb_target.c"' && pass next || fail next "next did not reach the line after the call"
	has "$gdb_out" "Breakpoint 2, gdb_report (round=" && pass hbreak || fail hbreak "hardware breakpoint did not stop"
	has "$gdb_out" "Hardware watchpoint 3: gdb_counter" && grep -a -q -E '^New value = [0-9]+$' "$gdb_out" &&
		pass watch || fail watch "watchpoint did not trigger"
	has "$gdb_out" "Program received signal SIGINT" && grep -a -A1 -F "Program received signal SIGINT" "$gdb_out" >/dev/null &&
		has "$gdb_out" "INTERRUPTED" && pass interrupt || fail interrupt "Ctrl-C did not halt the VM"
	has "$gdb_out" "Hardware read watchpoint 4: gdb_value" && grep -a -q -E '^Value = 7$' "$gdb_out" &&
		pass rwatch || fail rwatch "read watchpoint did not trigger"
	has "$gdb_out" '$2 = 4242' && pass write_var || fail write_var "gdb_value not written"

	# While halted at the breakpoint (the script's shell commands counted the console
	# lines 2 s apart): the target printed nothing, the neighbour ticked on.
	a=$(cat "$OUT_DIR/ticks_a" 2>/dev/null) b=$(cat "$OUT_DIR/ticks_b" 2>/dev/null)
	if [ -n "$a" ] && [ -n "$b" ] && [ "${a#* }" = "${b#* }" ] && [ "${b% *}" -gt "${a% *}" ]; then
		pass neighbour_runs
	else
		fail neighbour_runs "neighbour ticks / target rounds before and after: '$a' '$b'"
	fi

	if wait_for '^\[target\] TEST gdb_target: changed by the debugger: value=4242$' 20 &&
		wait_for '^\[target\] DONE gdb_target: passed=1 failed=0$' 10; then
		pass changed_output
	else
		fail changed_output "the guest did not print the changed value"
	fi
	has "$stub_out" "detached from VM target" && pass detach || fail detach "$(tr '\n' ' ' <"$stub_out")"
	a=$(last_tick neighbour)
	wait_ticks neighbour $((a + 3)) 20 && pass neighbour_after || fail neighbour_after "neighbour stopped ticking"
	[ -z "$DBGOWN" ] || check_dbgown
	if [ $failed = 1 ]; then
		sed 's/^/    gdb| /' "$gdb_out" | tail -n 60
		tail -n 20 "$LOG" | sed 's/^/    | /'
	fi
}

main
exit $failed
