#!/usr/bin/env bash
# The gdb stub per VM on Debian's Linux (docs/DEBUGGING.md): boots
# tests/system/configs/gdb_linux.dts (Linux with debug; in a 2-vCPU VM on CPUs 1-2, the
# hello guest ticking every 100 ms on CPU 0) with `tessera run --mgmt`; types into the
# shell with `ctl console-write`: reads do_sys_openat2's address from /proc/kallsyms (the
# Image has no symbols) and starts a loop that opens a file every second. Then
# `tessera ctl gdb linux` and `gdb-multiarch -batch`: both vCPUs are threads, a breakpoint
# on that address is hit by the shell's loop, the path it opens (an absolute path: the loop's cat opens several) is read from user memory
# (x1, through the vCPU's stage-1 tables), continue hits it again, the neighbour ticks on
# while Linux is halted, detach; Linux then still answers in its shell.
# Prints "PASS: system/gdb_linux_<case>" or "FAIL: ..."; exit 1 if any failed. Every wait
# has a deadline. Needs `make linux` (build/linux/Image). Environment: OUT_DIR (default
# build/gdb_linux), TIMEOUT (whole run, default 300 s), PORT, VMLINUX (the kernel with
# symbols, default build/linux/vmlinux; never downloaded here, docs/DEBUGGING.md "Kernel
# symbols"): when that file exists gdb loads it, offset by the difference between
# do_sys_openat2 in /proc/kallsyms and in the file (KASLR), and symbols checks that the
# backtrace at the breakpoint names do_sys_openat2 and a caller; without it symbols prints
# SKIP (which is not a pass).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/gdb_linux}
TIMEOUT=${TIMEOUT:-300}
PORT=${PORT:-$((20000 + ($$ + 7) % 20000))}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
TESSERA=build/tools/tessera
VMLINUX=${VMLINUX:-build/linux/vmlinux}
NAME=gdb_linux
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

has() { grep -a -q -F -- "$2" "$1"; }

# type_text TEXT: into Linux's console, 40 bytes per console-write request.
type_text()
{
	local s=$1 hex
	while [ -n "$s" ]; do
		hex=$(printf '%s' "${s:0:40}" | od -An -tx1 | tr -d ' \n')
		"$TESSERA" ctl --socket "$SOCK" --timeout 10 console-write linux "$hex" >/dev/null || return 1
		s=${s:40}
	done
}

main()
{
	local gdb_out=$OUT_DIR/gdb.out stub_out=$OUT_DIR/stub.log script=$OUT_DIR/session.gdb
	local addr a b rc sym_cmd= off

	for f in "$TESSERA" build/tessera.elf build/guests/hello.elf build/linux/Image; do
		if [ ! -f "$f" ]; then
			fail setup "$f missing: run make and make linux"
			return
		fi
	done
	command -v gdb-multiarch >/dev/null 2>&1 || { fail setup "gdb-multiarch missing"; return; }
	mkdir -p "$OUT_DIR" && rm -f "$SOCK" "$OUT_DIR"/ticks_* && : >"$LOG"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/gdb_linux.dts \
		--pack "$OUT_DIR/gdb_linux.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
	if ! wait_for "^\[linux\] Enter 'help' for a list of built-in commands" 180; then
		fail boot "no Linux shell"
		tail -n 20 "$LOG" | sed 's/^/    | /'
		return
	fi
	type_text $'grep -w do_sys_openat2 /proc/kallsyms\n'
	wait_for '^\[linux\] [0-9a-f]{16} [tT] do_sys_openat2$' 30
	addr=$(clean_log | grep -a -E '^\[linux\] [0-9a-f]{16} [tT] do_sys_openat2$' | head -n 1 | cut -d' ' -f2)
	if [ -z "$addr" ]; then
		fail kallsyms "no address for do_sys_openat2"
		return
	fi
	type_text $'while true; do cat /proc/version >/dev/null; sleep 1; done &\n'
	# With symbols: gdb's symbol-file offset is where the kernel runs less where it was linked.
	if [ -f "$VMLINUX" ]; then
		a=$(aarch64-linux-gnu-nm "$VMLINUX" 2>/dev/null | grep -E ' [tT] do_sys_openat2$' | cut -d' ' -f1)
		if [ -n "$a" ]; then
			off=$(printf '0x%x' $((0x$addr - 0x$a)))
			sym_cmd="symbol-file -o $off $VMLINUX"
		fi
	fi

	cat >"$script" <<GDB
set pagination off
set confirm off
set architecture aarch64
$sym_cmd
target remote 127.0.0.1:$PORT
info threads
break *0x$addr
continue
info threads
${sym_cmd:+bt 3}
x/s \$x1
shell printf '%s\n' "\$(tests/system/uart-text <"$LOG" | grep -a -c '^\[neighbour\] TEST hello: tick=')" >"$OUT_DIR/ticks_a"
shell sleep 2
shell printf '%s\n' "\$(tests/system/uart-text <"$LOG" | grep -a -c '^\[neighbour\] TEST hello: tick=')" >"$OUT_DIR/ticks_b"
continue
delete
detach
GDB
	timeout -k 5 120 "$TESSERA" ctl --socket "$SOCK" --timeout 20 gdb linux \
		--listen "127.0.0.1:$PORT" >"$stub_out" 2>&1 &
	stub_pid=$!
	if ! timeout 30 bash -c "until grep -q 'waiting for gdb' '$stub_out'; do sleep 0.1; done"; then
		fail attach "the stub did not attach: $(tr '\n' ' ' <"$stub_out")"
		return
	fi
	timeout -k 5 100 gdb-multiarch -nx -batch -x "$script" >"$gdb_out" 2>&1
	rc=$?
	wait "$stub_pid"
	stub_pid=
	[ $rc = 0 ] || fail session "gdb exit status $rc"
	has "$gdb_out" "Thread 1 (vCPU 0)" && has "$gdb_out" "Thread 2 (vCPU 1)" &&
		pass threads || fail threads "not two vCPU threads"
	[ "$(grep -a -c -E "hit Breakpoint 1, 0x0*$addr in" "$gdb_out")" -ge 2 ] &&
		pass break_continue || fail break_continue "the breakpoint was not hit twice"
	grep -a -q -E '^0x[0-9a-f]+:[[:space:]]+"/[[:print:]]+"$' "$gdb_out" &&
		pass user_memory || fail user_memory "the opened path was not read from x1"
	a=$(cat "$OUT_DIR/ticks_a" 2>/dev/null) b=$(cat "$OUT_DIR/ticks_b" 2>/dev/null)
	[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ] && pass neighbour_runs ||
		fail neighbour_runs "neighbour ticks while Linux was halted: '$a' -> '$b'"
	if [ -z "$sym_cmd" ]; then
		echo "SKIP: system/gdb_linux_symbols (no $VMLINUX with do_sys_openat2: docs/DEBUGGING.md, Kernel symbols)"
	elif grep -a -q -E '^#0 +(0x[0-9a-f]+ in )?do_sys_openat2 ' "$gdb_out" &&
		grep -a -q -E '^#1 +0x[0-9a-f]+ in [a-z_]' "$gdb_out"; then
		pass symbols
	else
		fail symbols "no symbolic backtrace with $VMLINUX"
	fi
	has "$stub_out" "detached from VM linux" && pass detach || fail detach "$(tr '\n' ' ' <"$stub_out")"
	type_text $'echo alive-$((6*7))\n'
	wait_for '^\[linux\] alive-42$' 30 && pass alive || fail alive "Linux did not answer after the detach"
	if [ $failed = 1 ]; then
		sed 's/^/    gdb| /' "$gdb_out" | tail -n 40
		tail -n 20 "$LOG" | sed 's/^/    | /'
	fi
}

main
exit $failed
