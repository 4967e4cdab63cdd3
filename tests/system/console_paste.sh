#!/usr/bin/env bash
# Console input never freezes (issue 10): QEMU runs on a real pty (script(1)), the test writes
# to it as a terminal would, and checks:
#   paste_reader   4 KiB pasted at once (64 lines of 64 bytes) reaches a VM that reads one
#                  byte per 100 us, complete and in order (line count, byte count and sum)
#   paste_deaf     8 KiB pasted into a VM that never reads its UART blocks nothing: the
#                  hotkeys still switch the focus and the reader answers a PING at once
#   dropped_count  what deaf could not take (8192 - 32 FIFO - 4096 backlog = 4064 bytes) is
#                  counted: `tessera ctl list` shows console_dropped=4064 for it, 0 for reader
#   stopped_vm     typing to a VM that has stopped says so once ("is stopped: input
#                  dropped"), and Ctrl-T l shows it as stopped
#   qemu_quit      QEMU's own Ctrl-A x still quits QEMU (it was not blocked by a full UART)
# Prints "PASS: system/console_paste/<name>" or "FAIL: ..." per check.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

TESSERA=${TESSERA:-build/tools/tessera}
OUT_DIR=${OUT_DIR:-build/systest}
STEP_TIMEOUT=${STEP_TIMEOUT:-60}
LOG=$OUT_DIR/console_paste.log
fifo=$OUT_DIR/console_paste.fifo
SOCK=$OUT_DIR/console_paste.sock
qpid=
failed=0
pass() { echo "PASS: system/console_paste/$1"; }
fail()
{
	echo "FAIL: system/console_paste/$1 ($2)"
	failed=1
}

mkdir -p "$OUT_DIR" || exit 1
rm -f "$fifo" "$LOG" "$SOCK"
for f in "$TESSERA" build/tessera.elf build/guests/console_reader.elf build/guests/hello.elf; do
	if [ ! -e "$f" ]; then
		fail setup "$f missing: run make"
		exit 1
	fi
done
if ! command -v script >/dev/null 2>&1; then
	fail setup "script(1) missing (package bsdutils)"
	exit 1
fi
trap stop_fifo_qemu EXIT
mkfifo "$fifo" || exit 1
# script(1) gives `tessera run` (so QEMU's stdio) a pty; what we write to the FIFO is typed
# into it. QEMU puts the pty in raw mode, so bytes pass unchanged.
setsid script -qfec "$TESSERA run tests/system/configs/console_paste.dts --timeout 240 \
	--pack $OUT_DIR/console_paste.img --mgmt $SOCK ${HYP:+--hyp $HYP}" /dev/null <"$fifo" >"$LOG" 2>&1 &
qpid=$!
exec 3>"$fifo"

if ! wait_line 0 "[reader] TEST console_reader: ready" >/dev/null ||
	! wait_line 0 "[tessera] VM 2 'quick' stopped" >/dev/null; then
	fail paste_reader "the VMs did not start"
	clean_log | tail -n 20
	exit 1
fi

# 64 lines of 64 bytes ("NN " + 60 letters + '\n'), their byte sum computed here.
paste=$(for i in $(seq -w 0 63); do printf '%s abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWX\n' "$i"; done)
paste+=$'\n'
want_sum=$(printf '%s' "$paste" | od -An -v -tu1 | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s % 4294967296 }')
from=$(lines)
printf '%sEND\n' "$paste" >&3
if n=$(wait_line "$from" "TEST console_reader: lines="); then
	got=$(clean_log | sed -n "${n}p" | sed 's/.*TEST console_reader: //')
	if [ "$got" = "lines=64 bytes=4096 sum=$want_sum" ]; then
		pass paste_reader
	else
		fail paste_reader "got '$got', want 'lines=64 bytes=4096 sum=$want_sum'"
	fi
else
	fail paste_reader "the reader never saw END after a 4 KiB paste"
fi

# Ctrl-T 2: focus deaf; paste 8 KiB it never reads; Ctrl-T 1 back; PING the reader.
from=$(lines)
printf '\0242' >&3
big=$(head -c 8192 /dev/zero | tr '\0' 'z')
printf '%s' "$big" >&3
printf '\0241PING\n' >&3
if wait_line "$from" "[tessera] console -> reader" >/dev/null &&
	wait_line "$from" "[reader] TEST console_reader: pong" >/dev/null; then
	pass paste_deaf
else
	fail paste_deaf "focus switch or PING after an 8 KiB paste into deaf did not get through"
fi
out=$("$TESSERA" ctl --socket "$SOCK" --timeout 20 --lines list 2>&1)
if printf '%s\n' "$out" | grep -q '^vm deaf .* console_dropped=4064$' &&
	printf '%s\n' "$out" | grep -q '^vm reader .* console_dropped=0$'; then
	pass dropped_count
else
	fail dropped_count "ctl list: $out"
fi

# Ctrl-T 3: the stopped VM; type twice; one message. Ctrl-T l shows it stopped.
from=$(lines)
printf '\0243hello' >&3
sleep 0.5
printf 'again\024l' >&3
if wait_line "$from" "(stopped)" >/dev/null; then
	msgs=$(clean_log | tail -n +"$((from + 1))" | grep -a -c -F "console: 'quick' is stopped: input dropped")
	if [ "$msgs" -eq 1 ]; then
		pass stopped_vm
	else
		fail stopped_vm "'is stopped' said $msgs times, want once"
	fi
else
	fail stopped_vm "Ctrl-T l did not show quick as stopped"
fi

# Ctrl-A x: QEMU quits by itself.
printf '\001x' >&3
for _ in $(seq 100); do
	kill -0 "$qpid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$qpid" 2>/dev/null; then
	fail qemu_quit "QEMU still runs 10 s after Ctrl-A x"
else
	pass qemu_quit
fi
[ $failed -eq 0 ] || clean_log | tail -n 30
exit $failed
