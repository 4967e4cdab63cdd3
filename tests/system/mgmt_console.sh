#!/usr/bin/env bash
# Per-VM consoles over the management channel (docs/MANAGEMENT.md "console-read",
# "console-write", `tessera ctl console`): boots tests/system/configs/mgmt_console.dts
# ("reader": guests/console_reader.c, which counts the lines typed to it and answers PING;
# "ticker": the hello guest) with `tessera run --mgmt`, attaches two `tessera ctl console
# reader` clients at once and checks that
#   - both show the output printed before they attached (the ring's history),
#   - a line typed into one reaches the VM byte for byte (the guest reports its byte count
#     and sum) and both clients and the physical UART show the answer,
#   - the other client's input works too, a client detaches with Ctrl-] and the other
#     goes on,
#   - the protocol's errors: unknown VM, malformed hex and position, input to a stopped VM;
# and the hypervisor's log (`tessera ctl log`): the run is started with the default UART level (warn), so
# the UART shows the warning about "crasher" (guests/crash.c) but none of the info lines,
# which `ctl log` shows with their levels and times; `ctl log --follow` shows a new line.
# Prints "PASS: system/mgmt_console_<case>" or "FAIL: ... (<reason>)"; exits 1 if any failed.
# Environment: OUT_DIR (default build/mgmt_console), TIMEOUT (whole run, default 90 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/mgmt_console}
TIMEOUT=${TIMEOUT:-90}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
TESSERA=build/tools/tessera
NAME=mgmt_console
CTL_TIMEOUT=5 # ctl's default
. tests/system/board.sh
pids=()

cleanup()
{
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	exec 4>&- 5>&- 2>/dev/null
	stop_qemu_pid
}
trap cleanup EXIT

# in_file FILE REGEX SECONDS: true once FILE (a client's output) has a matching line.
in_file()
{
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		tests/system/uart-text <"$1" | grep -a -q -E "$2" && return 0
		sleep 0.1
	done
	return 1
}

# count_in FILE REGEX: matching lines of a client's output.
count_in() { tests/system/uart-text <"$1" | grep -a -c -E "$2"; }

# byte_sum TEXT: the sum of TEXT's bytes and its newline (what console_reader reports).
byte_sum()
{
	local s=10 i
	for ((i = 0; i < ${#1}; i++)); do
		s=$((s + $(printf '%d' "'${1:i:1}")))
	done
	echo $s
}

# attach N: `tessera ctl console reader` reading FIFO $OUT_DIR/inN (held open as fd 3+N),
# output in $OUT_DIR/clientN.out.
attach()
{
	local fifo=$OUT_DIR/in$1
	rm -f "$fifo" && mkfifo "$fifo"
	"$TESSERA" ctl --socket "$SOCK" console reader <"$fifo" >"$OUT_DIR/client$1.out" \
		2>"$OUT_DIR/client$1.err" &
	pids+=($!)
	eval "exec $((3 + $1))>\"$fifo\""
}

# check_log: the UART shows warnings only (the hypervisor's default level: this run sets no
# --log-level and no TESSERA_LOG_LEVEL); `ctl log` shows every line.
check_log()
{
	local follow_pid
	if wait_for "^\[tessera\] VM 2 'crasher' failed \(guest failure\)\$" 10 &&
		! clean_log | grep -a -q -E "^\[tessera\] (VM 0 'reader': 1 vCPU|management channel:|VM 1 'ticker' stopped)"; then
		pass log_uart_level
	else
		fail log_uart_level "$(clean_log | grep -a '^\[tessera\]' | head -n 5 | tr '\n' '|')"
	fi
	ctl log
	if [ $rc = 0 ] && has "^\[ +0\.[0-9]{6}\] info  VM 0 'reader': 1 vCPU\(s\), entry 0x[0-9a-f]+, DTB at 0x[0-9a-f]+\$" &&
		has "^\[ +[0-9]+\.[0-9]{6}\] info  management channel: virtio console at " &&
		has "^\[ +[0-9]+\.[0-9]{6}\] warn  VM 2 'crasher' failed \(guest failure\)\$" &&
		has "^\[ +[0-9]+\.[0-9]{6}\] info  VM 1 'ticker' stopped \(management, "; then
		pass log
	else
		fail log "rc=$rc: $out"
	fi
	# Read from the reader's line on (its index depends on how many lines boot printed
	# before it): the answer starts there and holds nothing older.
	ctl --lines log
	local idx
	idx=$(printf '%s\n' "$out" | tr -d '\r' | sed -n -E "s/^log ([0-9]+) level=info time_us=[0-9]+ text=VM 0 'reader': 1 vCPU.*/\\1/p" | head -n 1)
	[ -n "$idx" ] || idx=1
	ctl --lines log "$idx"
	if [ $rc = 0 ] && [ "$idx" -gt 0 ] &&
		has "^log $idx level=info time_us=[0-9]+ text=VM 0 'reader': 1 vCPU" &&
		has '^ok next=[0-9]+ end=[0-9]+ dropped=0 lost=0$' && ! has "^log $((idx - 1)) "; then
		pass log_protocol
	else
		fail log_protocol "rc=$rc: $out"
	fi
	"$TESSERA" ctl --socket "$SOCK" log --follow >"$OUT_DIR/follow.out" 2>&1 &
	follow_pid=$!
	pids+=("$follow_pid")
	in_file "$OUT_DIR/follow.out" "warn  VM 2 'crasher' failed" 10
	ctl start ticker
	if in_file "$OUT_DIR/follow.out" "info  VM 1 'ticker' restarting" 10; then
		pass log_follow
	else
		fail log_follow "$(tail -n 3 "$OUT_DIR/follow.out")"
	fi
	kill "$follow_pid" 2>/dev/null
}

# has REGEX: a line of the last ctl output matches.
has() { printf '%s\n' "$out" | grep -a -q -E "$1"; }

main()
{
	local line sum a_pid b_pid

	for f in "$TESSERA" build/tessera.elf build/guests/console_reader.elf build/guests/hello.elf; do
		if [ ! -f "$f" ]; then
			fail boot "$f missing: run make"
			return
		fi
	done
	mkdir -p "$OUT_DIR" && rm -f "$SOCK" && : >"$LOG"
	TESSERA_LOG_LEVEL= timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/mgmt_console.dts \
		--pack "$OUT_DIR/mgmt_console.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
	if ! wait_for '^\[reader\] TEST console_reader: ready$' 30 || ! wait_ticks ticker 3 15; then
		fail boot "no ready line or ticks on the UART"
		tail -n 20 "$LOG" | sed 's/^/    | /'
		return
	fi

	# Two clients at once; both show what the VM printed before they attached.
	attach 1
	a_pid=${pids[-1]}
	attach 2
	b_pid=${pids[-1]}
	if in_file "$OUT_DIR/client1.out" '^TEST console_reader: ready$' 10 &&
		in_file "$OUT_DIR/client2.out" '^TEST console_reader: ready$' 10; then
		pass history
	else
		fail history "client output: $(head -c 300 "$OUT_DIR/client1.out" | tr '\n' '|')"
	fi

	# A line typed into client 1 arrives byte for byte (the guest's count and sum).
	line="typed through client one"
	sum=$(byte_sum "$line")
	printf '%s\nEND\n' "$line" >&4
	want="TEST console_reader: lines=1 bytes=$((${#line} + 1)) sum=$sum"
	if in_file "$OUT_DIR/client1.out" "^$want\$" 10 && in_file "$OUT_DIR/client2.out" "^$want\$" 10; then
		pass typed_both_clients
	else
		fail typed_both_clients "want '$want'; client 1: $(tail -c 200 "$OUT_DIR/client1.out" | tr '\n' '|')"
	fi
	wait_for "^\[reader\] $want\$" 10 && pass uart_still_shows || fail uart_still_shows "not on the UART"

	# The second client types too.
	printf 'PING\n' >&5
	if in_file "$OUT_DIR/client1.out" '^TEST console_reader: pong$' 10 &&
		in_file "$OUT_DIR/client2.out" '^TEST console_reader: pong$' 10 &&
		wait_for '^\[reader\] TEST console_reader: pong$' 10; then
		pass second_client_types
	else
		fail second_client_types "no pong"
	fi

	# Ctrl-] detaches client 1 (exit 0); client 2 goes on.
	printf '\035' >&4
	for _ in $(seq 50); do
		kill -0 "$a_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$a_pid" 2>/dev/null; then
		fail detach "client 1 still running after Ctrl-]"
	else
		wait "$a_pid"
		rc=$?
		[ $rc = 0 ] && grep -a -q 'detached from reader' "$OUT_DIR/client1.err" &&
			pass detach || fail detach "rc=$rc: $(cat "$OUT_DIR/client1.err")"
	fi
	ctl --lines console-write reader "$(printf 'PING\n' | od -An -tx1 | tr -d ' \n')"
	if [ $rc = 0 ] && [ "$out" = "ok wrote=5 dropped=0" ] &&
		in_file "$OUT_DIR/client2.out" '^TEST console_reader: pong$' 0 &&
		for _ in $(seq 100); do
			[ "$(count_in "$OUT_DIR/client2.out" '^TEST console_reader: pong$')" -ge 2 ] && break
			sleep 0.1
		done && [ "$(count_in "$OUT_DIR/client2.out" '^TEST console_reader: pong$')" = 2 ] &&
		[ "$(count_in "$OUT_DIR/client1.out" '^TEST console_reader: pong$')" = 1 ]; then
		pass after_detach
	else
		fail after_detach "rc=$rc: $out"
	fi

	# The protocol by hand: the history from 0, and its errors.
	ctl --lines console-read reader 0
	if [ $rc = 0 ] && printf '%s\n' "$out" | grep -q -E '^con reader at=0 hex=5445535420636f6e736f6c655f7265616465723a2072656164790a' &&
		printf '%s\n' "$out" | grep -q -E '^ok next=([0-9]+) end=\1 dropped=0 lost=0$'; then
		pass read_protocol
	else
		fail read_protocol "rc=$rc: $out"
	fi
	ctl --lines console-read nobody 0
	[ $rc = 1 ] && [ "$out" = 'err unknown-vm no VM named "nobody" (list shows them)' ] || fail errors "$out"
	ctl --lines console-write reader 4
	[ $rc = 1 ] && [ "${out%% *}" = err ] && [ "$(echo "$out" | cut -d' ' -f2)" = bad-args ] || fail errors "$out"
	ctl --lines console-read reader -1
	[ $rc = 1 ] && [ "$(echo "$out" | cut -d' ' -f2)" = bad-args ] || fail errors "$out"
	"$TESSERA" ctl --socket "$SOCK" console nobody </dev/null >/dev/null 2>"$OUT_DIR/nobody.err"
	[ $? = 1 ] && grep -q 'err unknown-vm' "$OUT_DIR/nobody.err" && pass errors || fail errors "ctl console nobody"
	ctl stop ticker
	ctl --lines console-write ticker 0a
	[ $rc = 1 ] && [ "$out" = "err wrong-state VM ticker is stopped: input dropped" ] &&
		pass stopped_vm || fail stopped_vm "rc=$rc: $out"

	printf '\035' >&5
	wait "$b_pid"
	[ $? = 0 ] || fail detach "client 2"

	check_log
	if clean_log | grep -a -q -E 'PANIC|\[(reader|ticker)\] KIT: unhandled exception'; then
		fail clean_log "$(clean_log | grep -a -E 'PANIC|KIT: unhandled' | head -n 3)"
	fi
}

main
exit $failed
