#!/usr/bin/env bash
# Interactive system test of the mixed-criticality demo (configs/demo.dts): Debian
# Linux (focused console) beside the rt guest. Types into the console through a FIFO
# on QEMU's standard input and reads the console log:
#   linux_console   a command typed into the Linux shell answers; Ctrl-T l lists the
#                   VMs, Ctrl-T 2 / Ctrl-T 1 move the keyboard to rt and back
#   linux_paste     64 commands (4 KiB) pasted at once all run, in order
#   linux_reboot    `reboot` resets only the Linux VM, which boots to its shell again
#   linux_poweroff  `poweroff` stops only the Linux VM
# and, for the last two, the rt guest's report numbers run on without a gap.
# Prints "PASS: system/<name>" or "FAIL: system/<name> (<reason>)" per check, the
# end of the log on failure; exits 1 if any failed. Needs `make all linux`.
# Every wait has a deadline (no sleep is an assertion); the whole run takes < 60 s.
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

TESSERA=${TESSERA:-build/tools/tessera}
OUT_DIR=${OUT_DIR:-build/systest}
CONFIG=configs/demo.dts
LOG=$OUT_DIR/linux_console.log
STEP_TIMEOUT=${STEP_TIMEOUT:-40} # seconds for one step (a Linux boot is the longest)
mkdir -p "$OUT_DIR"

fifo=$(mktemp -u "${TMPDIR:-/tmp}/tessera-console.XXXXXX")
mkfifo "$fifo" || exit 1
qpid=
trap stop_fifo_qemu EXIT

# The whole run is bounded by --timeout; the FIFO is QEMU's standard input. setsid:
# its own process group, so cleanup can end QEMU too.
setsid "$TESSERA" run "$CONFIG" --timeout 120 --pack "$OUT_DIR/linux_console.img" \
	<"$fifo" >"$LOG" 2>&1 &
qpid=$!
exec 3>"$fifo"

failed=0
pass() { echo "PASS: system/$1"; }
fail()
{
	echo "FAIL: system/$1 ($2)"
	# rt reports every second: show what the others said (Linux, the hypervisor) first.
	echo "    last lines other than rt's reports:"
	tests/system/uart-text <"$LOG" | grep -a -v '^\[rt\] RT: seq=' | tail -n 30 | sed 's/^/    | /'
	echo "    end of the log:"
	tests/system/uart-text <"$LOG" | tail -n 5 | sed 's/^/    | /'
	failed=1
}

send() { printf '%b' "$1" >&3; }
# last_seq: the highest rt report number in the log so far.
last_seq() { clean_log | sed -n 's/^\[rt\] RT: seq=\([0-9]*\) .*/\1/p' | tail -n 1; }
# seqs_contiguous: rt's reports are 1, 2, 3, ... with no gap or restart.
seqs_contiguous()
{
	clean_log | sed -n 's/^\[rt\] RT: seq=\([0-9]*\) .*/\1/p' |
		awk '$1 != NR { bad = 1 } END { exit bad || NR == 0 }'
}
# wait_seq_after N: wait until rt reports a seq greater than N.
wait_seq_after()
{
	local want=$1 end=$((SECONDS + STEP_TIMEOUT)) s
	while [ $SECONDS -lt $end ]; do
		s=$(last_seq)
		[ -n "$s" ] && [ "$s" -gt "$want" ] && return 0
		sleep 0.2
	done
	return 1
}

run_checks()
{
	local l s
	# 1. Boot to the shell prompt; the keyboard is on linux, the first VM.
	l=$(wait_line 0 "[linux] TESSERA-LINUX: init up cpus=2") ||
		{ fail linux_console "no Linux marker"; return; }
	wait_line "$l" "tessera-linux:/# " >/dev/null || { fail linux_console "no prompt"; return; }
	l=$(lines)
	type_line 'echo answer=$((6*7)) cpus=$(grep -c ^proc /proc/cpuinfo)' '\n'
	wait_line "$l" "[linux] answer=42 cpus=2" >/dev/null ||
		{ fail linux_console "no answer to a typed command"; return; }
	# Console switching (src/core/console.c): list, to rt, back to linux.
	l=$(lines)
	send '\x14l'
	wait_line "$l" "[tessera] console: 1:linux* 2:rt" >/dev/null ||
		{ fail linux_console "Ctrl-T l"; return; }
	send '\x142'
	wait_line "$l" "[tessera] console -> rt" >/dev/null || { fail linux_console "Ctrl-T 2"; return; }
	send '\x141'
	wait_line "$l" "[tessera] console -> linux" >/dev/null ||
		{ fail linux_console "Ctrl-T 1"; return; }
	l=$(lines)
	type_line 'uname -m' '\n'
	wait_line "$l" "[linux] aarch64" >/dev/null ||
		{ fail linux_console "no answer after switching back"; return; }
	pass linux_console

	# 1b. 4 KiB pasted at once (64 commands of 64 bytes): every command runs, in order, and
	# the keyboard still works afterwards (issue 10: input froze after 32 bytes).
	l=$(lines)
	# Each command prints a marker its own text does not contain (q107-ok for "echo
	# q$((107+0))-ok"): the tty echoes typed-ahead input while a command runs, on bare
	# metal too, so input and output lines interleave; the markers cannot be mistaken.
	send "$(for i in $(seq -w 0 63); do printf 'echo q$((1%s+0))-ok %s\\n' "$i" "$(printf '%043d' 0 | tr 0 x)"; done)"
	send 'echo PASTE-END $((6*7))\n'
	if wait_line "$l" "[linux] PASTE-END 42" >/dev/null; then
		# uniq: a line the rt guest's report interrupted is drawn again (console.c).
		seqs=$(clean_log | tail -n +"$((l + 1))" | grep -a -o -E 'q1[0-9]{2}-ok' | sed -E 's/q1([0-9]{2})-ok/\1/' | uniq)
		got=$(printf '%s\n' "$seqs" | grep -c .)
		order=$(printf '%s\n' "$seqs" | awk '$1 + 0 != NR - 1 { bad = 1 } END { print bad ? "bad" : "ok" }')
		if [ "$got" -eq 64 ] && [ "$order" = ok ]; then
			pass linux_paste
		else
			fail linux_paste "$got of 64 pasted commands answered (order $order)"
		fi
	else
		fail linux_paste "no answer after a 4 KiB paste"
	fi

	# 2. reboot: only Linux resets and boots again; rt runs on.
	l=$(lines)
	type_line reboot '\n' || { fail linux_reboot "'reboot' typed but not echoed"; return; }
	l=$(wait_line "$l" "[tessera] VM 0 'linux' resetting") ||
		{ fail linux_reboot "no reset of VM linux"; return; }
	s=$(last_seq)
	l=$(wait_line "$l" "[linux] TESSERA-LINUX: init up cpus=2") ||
		{ fail linux_reboot "Linux did not boot again"; return; }
	wait_line "$l" "tessera-linux:/# " >/dev/null ||
		{ fail linux_reboot "no prompt after reboot"; return; }
	wait_seq_after "${s:-0}" || { fail linux_reboot "rt stopped reporting"; return; }
	if clean_log | grep -a -q "VM 1 'rt' \(stopped\|resetting\|restarting\)"; then
		fail linux_reboot "rt was stopped or reset"
		return
	fi
	seqs_contiguous || { fail linux_reboot "rt report numbers have a gap"; return; }
	pass linux_reboot

	# 3. poweroff: only Linux stops; rt reports twice more, numbers contiguous.
	l=$(lines)
	type_line poweroff '\n' || { fail linux_poweroff "'poweroff' typed but not echoed"; return; }
	wait_line "$l" "[tessera] VM 0 'linux' stopped (system-off" >/dev/null ||
		{ fail linux_poweroff "VM linux did not stop"; return; }
	s=$(last_seq)
	wait_seq_after "$((${s:-0} + 1))" || { fail linux_poweroff "rt stopped reporting"; return; }
	if clean_log | grep -a -q -e "VM 1 'rt' stopped" -e "all VMs stopped"; then
		fail linux_poweroff "rt stopped too"
		return
	fi
	seqs_contiguous || { fail linux_poweroff "rt report numbers have a gap"; return; }
	pass linux_poweroff
}

start=$SECONDS
run_checks
if clean_log | grep -a -q -e PANIC -e "Kernel panic" -e "KIT: unhandled exception"; then
	fail linux_console_log "panic in the log"
fi
echo "linux_console.sh: $((SECONDS - start)) s, log in $LOG"
exit $failed
