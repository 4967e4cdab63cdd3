# Helpers of the system tests that boot one board under `tessera run --mgmt` in the
# background and drive it with `tessera ctl` (snapshot.sh, clone.sh, checkpoint.sh,
# vlink_snap.sh); sourced after lib.sh, never run. Callers set NAME (the prefix of their
# PASS/FAIL case names), OUT_DIR, TIMEOUT, LOG, SOCK and TESSERA, and end with
# stop_qemu_pid and `exit $failed`.

failed=0
qemu_pid=

pass() { echo "PASS: system/${NAME}_$1"; }
fail()
{
	echo "FAIL: system/${NAME}_$1 ($2)"
	failed=1
}

trap stop_qemu_pid EXIT

# ctl ARGS...: runs `tessera ctl ARGS` on the board; its output in out, its status in rc.
ctl()
{
	out=$("$TESSERA" ctl --socket "$SOCK" --timeout 60 "$@" 2>&1)
	rc=$?
}

vm_state() { "$TESSERA" ctl --socket "$SOCK" --lines list 2>/dev/null | grep -a "^vm $1 " | sed -E 's/.* state=([a-z]+) .*/\1/'; }

# wait_state VM STATE SECONDS: true once the board lists VM in STATE.
wait_state()
{
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		[ "$(vm_state "$1")" = "$2" ] && return 0
		sleep 0.2
	done
	return 1
}

wait_stopped() { wait_state "$1" stopped "$2"; }

# need_built FILE...: false (after a "boot" FAIL) when one of the build's files is missing.
need_built()
{
	local f
	for f in "$@"; do
		if [ ! -f "$f" ]; then
			fail boot "$f missing: run make"
			return 1
		fi
	done
}

# board_start DTS [FILE...]: removes the socket and FILEs, empties LOG, then boots DTS
# (packed into OUT_DIR/<its name>.img) with the management socket SOCK, TIMEOUT seconds at
# most, as qemu_pid.
board_start()
{
	local dts=$1
	shift
	mkdir -p "$OUT_DIR" && rm -f "$SOCK" "$@" && : >"$LOG"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run "$dts" \
		--pack "$OUT_DIR/$(basename "$dts" .dts).img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
}

# log_tail: the console log's last 20 lines, indented (after a FAIL).
log_tail() { tail -n 20 "$LOG" | sed 's/^/    | /'; }
