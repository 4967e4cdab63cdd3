# Helpers of the scripted system tests (tests/system/*.sh) that boot a board under `tessera
# run` in the background and drive it, mostly with `tessera ctl`; sourced after lib.sh, never
# run. Callers set NAME (the prefix of their PASS/FAIL case names; empty: the case name
# alone), OUT_DIR, TIMEOUT, LOG, SOCK and TESSERA (and CTL_TIMEOUT, FAIL_TAIL: below), and
# end with stop_qemu_pid and `exit $failed`. The EXIT trap stops the board (qemu_pid); a
# script with more to clean up sets its own trap after sourcing this, calling stop_qemu_pid.

failed=0
qemu_pid=

pass() { echo "PASS: system/${NAME:+${NAME}_}$1"; }
# fail CASE REASON; with FAIL_TAIL=N the console log's last N lines follow, indented.
fail()
{
	echo "FAIL: system/${NAME:+${NAME}_}$1 ($2)"
	[ -z "${FAIL_TAIL:-}" ] || clean_log | tail -n "$FAIL_TAIL" | sed 's/^/    | /'
	failed=1
}

trap stop_qemu_pid EXIT

# ctl ARGS...: runs `tessera ctl ARGS` on the board, giving up after CTL_TIMEOUT seconds
# (default 60); its output in out, its status in rc.
ctl()
{
	out=$("$TESSERA" ctl --socket "$SOCK" --timeout "${CTL_TIMEOUT:-60}" "$@" 2>&1)
	rc=$?
}

# has_out REGEX: a line of the last ctl's output matches REGEX (grep -E).
has_out() { printf '%s\n' "$out" | grep -a -q -E "$1"; }

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
