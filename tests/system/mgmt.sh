#!/usr/bin/env bash
# End-to-end test of the management channel (docs/MANAGEMENT.md): boots
# tests/system/configs/mgmt.dts ("worker" on CPU 0, "neighbour" on CPU 1, both
# the hello guest ticking every 100 ms) with `tessera run --mgmt`, then drives
# it with `tessera ctl` (the first hello while it still boots): list,
# pause/resume (the worker's ticks stop, then go on), stop/start/restart, errors (unknown VM, unknown command, wrong state),
# garbage, an over-long line and a truncated command, console, stats, and
# stopping every VM (the machine must stay on); the table and --json output of
# list and stats (JSON parsed with python3, or jq; "SKIP" without either).
# Then two short runs: a plain one (no --mgmt) must not mention a management
# channel, and one whose virtio console a VM was given
# (tests/system/configs/mgmt_taken.dts) must say so, and `tessera run --mgmt`
# must report that the channel never answered. Prints "PASS: system/mgmt_<case>"
# or "FAIL: system/mgmt_<case> (<reason>)"; exits 1 if any failed.
# Waits poll the console log with a deadline; nothing relies on a fixed sleep.
# Environment: OUT_DIR (default build/mgmt), TIMEOUT (whole run, default 60 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/mgmt}
TIMEOUT=${TIMEOUT:-60}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
TESSERA=build/tools/tessera
NAME=mgmt
CTL_TIMEOUT=5 # ctl's default
. tests/system/board.sh

# count REGEX: console lines matching.
count() { clean_log | grep -a -c -E "$1"; }

# json_check PYTHON_EXPR JQ_EXPR: $out parses as JSON and the expression (over d with
# python3, over . with jq) is true. Status 2 if neither python3 nor jq is installed.
json_check()
{
	if command -v python3 >/dev/null 2>&1; then
		printf '%s' "$out" | python3 -c "import json, sys
d = json.load(sys.stdin)
sys.exit(0 if ($1) else 1)" 2>/dev/null
	elif command -v jq >/dev/null 2>&1; then
		printf '%s' "$out" | jq -e "$2" >/dev/null 2>&1
	else
		return 2
	fi
}

# json_case CASE PYTHON_EXPR JQ_EXPR: PASS, FAIL or SKIP for a json_check of $out.
json_case()
{
	local r
	json_check "$2" "$3"
	r=$?
	case $r in
	0) pass "$1" ;;
	2) echo "SKIP: system/mgmt_$1 (neither python3 nor jq to parse JSON)" ;;
	*) fail "$1" "rc=$rc: $out" ;;
	esac
}

main()
{
	local n w

	for f in "$TESSERA" build/tessera.elf build/guests/hello.elf; do
		if [ ! -f "$f" ]; then
			fail boot "$f missing: run make"
			return
		fi
	done
	mkdir -p "$OUT_DIR" && rm -f "$SOCK" && : >"$LOG"
	# Without --timeout, tessera run execs QEMU; timeout(1) bounds it and passes our kill on.
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/mgmt.dts \
		--pack "$OUT_DIR/mgmt.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!

	# A client that connects while the machine boots (before the hypervisor has set the
	# device up, as `tessera run --mgmt`'s own check does) is answered once it has.
	ctl --timeout 20 hello
	[ $rc = 0 ] && [ "$out" = "ok tessera-mgmt 2" ] && pass early_client || fail early_client "rc=$rc: $out"
	if ! wait_for '^\[tessera\] management channel: virtio console at 0x[0-9a-f]+, INTID [0-9]+, protocol 2$' 15; then
		fail boot "no management channel line"
		tail -n 20 "$LOG" | sed 's/^/    | /'
		return
	fi
	ctl hello
	[ $rc = 0 ] && [ "$out" = "ok tessera-mgmt 2" ] && pass hello || fail hello "rc=$rc: $out"

	ctl --lines list
	if [ $rc = 0 ] && has_out '^vm worker id=0 state=running cpus=0 mem_mib=16 uptime_ms=[0-9]+ restarts=0 resets=0 stop=- exit=0/0 traps=[0-9]+ irqs=[0-9]+ aborts=0 console_dropped=0$' &&
		has_out '^vm neighbour id=1 state=running cpus=1 ' && has_out '^ok 2 vms uptime_ms=[0-9]+$'; then
		pass list
	else
		fail list "rc=$rc: $out"
	fi

	# For people: a table with rates from two samples (the worker's timer ticks every
	# 100 ms, so it traps and takes interrupts every second).
	ctl list
	if [ $rc = 0 ] && has_out '^NAME +STATE +CPUS +MEMORY +UPTIME +RESTARTS +LAST EXIT +TRAPS/S +IRQS/S +CONSOLE IN DROPPED$' &&
		has_out '^worker +running +0 +16 MiB +[0-9][0-9.hms]* +0 +- +[1-9][0-9]* +[1-9][0-9]* +0$' &&
		has_out '^neighbour +running +1 +16 MiB ' &&
		has_out '^\(per-second rates: counter changes over the last [0-9]+\.[0-9]{3} s of hypervisor time\)$'; then
		pass list_table
	else
		fail list_table "rc=$rc: $out"
	fi
	ctl --interval 0 list
	[ $rc = 0 ] && has_out '^worker +running +0 +16 MiB +[0-9][0-9.hms]* +0 +- +- +- +0$' &&
		pass list_one_sample || fail list_one_sample "rc=$rc: $out"

	# For scripts: JSON with every counter and the rates.
	out=$("$TESSERA" ctl --socket "$SOCK" --json list 2>/dev/null)
	rc=$?
	json_case list_json \
		"[v['name'] for v in d['vms']] == ['worker', 'neighbour'] and d['vms'][0]['state'] == 'running' and d['vms'][0]['cpus'] == [0] and d['vms'][0]['mem_mib'] == 16 and d['vms'][0]['traps_per_s'] > 0 and d['vms'][0]['console_dropped'] == 0 and d['vms'][0]['stop'] is None and d['rate_window_ms'] > 0" \
		'[.vms[].name] == ["worker", "neighbour"] and .vms[0].state == "running" and .vms[0].cpus == [0] and .vms[0].mem_mib == 16 and .vms[0].traps_per_s > 0 and .vms[0].console_dropped == 0 and .vms[0].stop == null and .rate_window_ms > 0'

	# pause: the worker's ticks stop while the neighbour's go on; resume: they continue.
	wait_ticks worker 3 15 || fail pause_resume "worker never ticked"
	ctl pause worker
	if [ $rc = 0 ] && [ "$out" = "ok paused worker" ]; then
		n=$(last_tick neighbour)
		wait_ticks neighbour $((n + 1)) 10 # everything the worker printed is in the log
		w=$(last_tick worker)
		wait_ticks neighbour $((n + 6)) 10 || fail pause_resume "neighbour stalled"
		ctl --lines list
		if ! has_out '^vm worker id=0 state=paused '; then
			fail pause_resume "list does not say paused: $out"
		elif [ "$(last_tick worker)" != "$w" ]; then
			fail pause_resume "worker ticked while paused ($w -> $(last_tick worker))"
		else
			ctl resume worker
			if [ $rc = 0 ] && [ "$out" = "ok resumed worker" ] && wait_ticks worker $((w + 3)) 10; then
				pass pause_resume
			else
				fail pause_resume "after resume: rc=$rc $out, worker tick $(last_tick worker)"
			fi
		fi
	else
		fail pause_resume "rc=$rc: $out"
	fi

	ctl stop worker
	if [ $rc = 0 ] && [ "$out" = "ok stopped worker" ] &&
		wait_for "^\[tessera\] VM 0 'worker' stopped \(management, guest exit status 0/0\)$" 5; then
		ctl --lines list
		has_out '^vm worker id=0 state=stopped .* uptime_ms=0 .* stop=management ' &&
			pass stop || fail stop "list: $out"
	else
		fail stop "rc=$rc: $out"
	fi

	ctl stop worker
	if [ $rc = 1 ] && [ "$out" = "err wrong-state VM worker is stopped (stop needs a running or paused VM)" ]; then
		ctl resume neighbour
		[ $rc = 1 ] && [ "$out" = "err wrong-state VM neighbour is running (resume needs a paused VM)" ] &&
			pass wrong_state || fail wrong_state "resume: rc=$rc: $out"
	else
		fail wrong_state "stop: rc=$rc: $out"
	fi

	ctl start worker
	if [ $rc = 0 ] && [ "$out" = "ok started worker" ] && wait_for "^\[tessera\] VM 0 'worker' restarting " 5 &&
		wait_ticks worker 2 10; then
		pass start
	else
		fail start "rc=$rc: $out"
	fi

	n=$(count '^\[worker\] HELLO from 0$')
	ctl restart worker
	if [ $rc = 0 ] && [ "$out" = "ok restarted worker" ] && wait_for "^\[tessera\] VM 0 'worker' resetting " 5; then
		w=$SECONDS
		while [ "$(count '^\[worker\] HELLO from 0$')" -le "$n" ] && [ $SECONDS -le $((w + 10)) ]; do
			sleep 0.1
		done
		ctl --lines list
		[ "$(count '^\[worker\] HELLO from 0$')" -gt "$n" ] && has_out '^vm worker id=0 state=running .* resets=2 ' &&
			pass restart || fail restart "no new boot or wrong resets: $out"
	else
		fail restart "rc=$rc: $out"
	fi

	ctl stop nosuchvm
	if [ $rc = 1 ] && [ "$out" = 'err unknown-vm no VM named "nosuchvm" (list shows them)' ]; then
		ctl reboot-everything now
		[ $rc = 1 ] && [ "$out" = 'err unknown-command "reboot-everything" (help lists the commands)' ] &&
			pass unknown || fail unknown "unknown command: rc=$rc: $out"
	else
		fail unknown "rc=$rc: $out"
	fi

	# Garbage: NUL, escape sequence, UTF-8, DEL, random binary, blank lines; each bad line is
	# answered with one err line, blank lines with nothing, and the channel stays usable.
	out=$( { printf 'li\0st\n\033[A\n\n   \nstop w\303\266rker\n\177\n'; head -c 300 /dev/urandom | tr '\n\025' 'xx'; printf '\n'; } |
		"$TESSERA" ctl --socket "$SOCK" --raw 2>&1)
	rc=$?
	if [ $rc = 0 ] && [ "$(printf '%s\n' "$out" | grep -c '^err ')" = 5 ] &&
		[ "$(printf '%s\n' "$out" | head -n 4 | grep -c '^err bad-args byte 0x')" = 4 ]; then
		ctl hello
		[ $rc = 0 ] && pass garbage || fail garbage "not answering afterwards"
	else
		fail garbage "rc=$rc: $out"
	fi

	out=$( { head -c 5000 /dev/zero | tr '\0' 'a'; printf 'stop worker\nhello\n'; } |
		"$TESSERA" ctl --socket "$SOCK" --raw 2>&1)
	rc=$?
	if [ $rc = 0 ] && [ "$out" = "$(printf 'err too-long request longer than 128 bytes\nok tessera-mgmt 2')" ]; then
		ctl --lines list
		has_out '^vm worker id=0 state=running ' && pass too_long || fail too_long "worker stopped: $out"
	else
		fail too_long "rc=$rc: $out"
	fi

	# A truncated command (connection closed before its newline) never runs.
	printf 'stop worker' | "$TESSERA" ctl --socket "$SOCK" --raw >/dev/null 2>&1
	ctl --lines list
	has_out '^vm worker id=0 state=running ' && pass truncated || fail truncated "$out"

	ctl focus neighbour
	[ $rc = 0 ] && [ "$out" = "ok console neighbour" ] && wait_for '^\[tessera\] console -> neighbour$' 5 &&
		pass console || fail console "rc=$rc: $out"

	ctl --lines stats
	if [ $rc = 0 ] && has_out '^cpu 0 irqs=[1-9][0-9]* vm=worker vcpu=0$' &&
		has_out '^cpu 1 irqs=[1-9][0-9]* vm=neighbour vcpu=0$' && has_out '^cpu 2 irqs=0 vm=- vcpu=-$' &&
		has_out '^net lan end=0 vm=worker rx_frames=0 rx_bytes=0 tx_frames=0 tx_bytes=0 drop_bad=0 drop_nobuf=0 drop_nofit=0$' &&
		has_out '^net lan end=1 vm=neighbour rx_frames=0 rx_bytes=0 tx_frames=0 tx_bytes=0 drop_bad=0 drop_nobuf=0 drop_nofit=0$' &&
		has_out '^ok uptime_ms=[0-9]+ free_pages=[0-9]+ vms=2 running=2 requests=[0-9]+ errors=[0-9]+ dropped=0$'; then
		pass stats
	else
		fail stats "rc=$rc: $out"
	fi
	ctl stats
	if [ $rc = 0 ] && has_out '^CPU +VM +VCPU +IRQS +IRQS/S$' && has_out '^ +0 +worker +0 +[1-9][0-9]* +[1-9][0-9]*$' &&
		has_out '^ +2 +- +- +0 +0$' &&
		has_out '^NET LINK +END +VM +RX FRAMES +RX BYTES +TX FRAMES +TX BYTES +TX/S +TX BYTES/S +TX DROPPED: MALFORMED +NO RX BUFFER +RX BUFFER TOO SMALL$' &&
		has_out '^lan +1 +neighbour +0 +0 +0 +0 +0 +0 +0 +0 +0$' && has_out '^up [0-9].*; VMs: 2, 2 running; ' &&
		has_out '^management channel: [0-9]+ requests, [0-9]+ answered err, 0 response bytes dropped$'; then
		pass stats_table
	else
		fail stats_table "rc=$rc: $out"
	fi
	out=$("$TESSERA" ctl --socket "$SOCK" --json stats 2>/dev/null)
	rc=$?
	json_case stats_json \
		"[c['vm'] for c in d['cpus']] == ['worker', 'neighbour', None, None] and d['cpus'][0]['irqs_per_s'] > 0 and [(n['link'], n['end'], n['vm'], n['rx_frames'], n['rx_bytes'], n['tx_frames'], n['tx_bytes']) for n in d['net']] == [('lan', 0, 'worker', 0, 0, 0, 0), ('lan', 1, 'neighbour', 0, 0, 0, 0)] and d['running'] == 2" \
		'[.cpus[].vm] == ["worker", "neighbour", null, null] and .cpus[0].irqs_per_s > 0 and ([.net[] | [.link, .end, .vm, .rx_frames, .rx_bytes, .tx_frames, .tx_bytes]] == [["lan", 0, "worker", 0, 0, 0, 0], ["lan", 1, "neighbour", 0, 0, 0, 0]]) and .running == 2'
	out=$("$TESSERA" ctl --socket "$SOCK" --json stop nosuchvm 2>/dev/null)
	rc=$?
	if [ $rc = 1 ]; then
		json_case result_json "d == {'ok': False, 'error': 'unknown-vm', 'message': 'no VM named \"nosuchvm\" (list shows them)'}" \
			'. == {"ok": false, "error": "unknown-vm", "message": "no VM named \"nosuchvm\" (list shows them)"}'
	else
		fail result_json "rc=$rc: $out"
	fi

	# The neighbour ran through all of it untouched.
	ctl --lines list
	has_out '^vm neighbour id=1 state=running .* restarts=0 resets=0 ' && wait_ticks neighbour $(($(last_tick neighbour) + 2)) 5 &&
		pass neighbour || fail neighbour "$out"

	# With a management channel the machine stays on when every VM has stopped.
	ctl stop worker
	ctl stop neighbour
	if wait_for '^\[tessera\] all VMs stopped \(management channel present: staying on\)$' 5; then
		ctl start neighbour
		[ $rc = 0 ] && wait_for "^\[tessera\] VM 1 'neighbour' restarting " 5 && pass stay_on ||
			fail stay_on "start after all stopped: rc=$rc: $out"
	else
		fail stay_on "no 'staying on' line"
	fi

	if clean_log | grep -a -q -E 'PANIC|KIT: unhandled exception|powering off|^tessera run: no answer'; then
		fail clean_log "$(clean_log | grep -a -E 'PANIC|KIT: unhandled|powering off|^tessera run: no answer' | head -n 3)"
	else
		pass clean_log
	fi
}

# A plain run (no --mgmt): no virtio console, so nothing is said about a management channel.
plain_run()
{
	LOG=$OUT_DIR/plain.log
	: >"$LOG"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/mgmt.dts \
		--pack "$OUT_DIR/mgmt.img" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
	if ! wait_ticks worker 3 20; then
		fail plain_run "worker never ticked"
	elif clean_log | grep -a -q -i 'management channel'; then
		fail plain_run "$(clean_log | grep -a -i 'management channel' | head -n 2)"
	else
		pass plain_run
	fi
	stop_qemu_pid
}

# --mgmt, but the config gave the console's page and interrupt to a VM: the hypervisor says
# the console is the VM's, and `tessera run` says the channel never answered.
taken_run()
{
	LOG=$OUT_DIR/taken.log
	: >"$LOG"
	rm -f "$OUT_DIR/taken.sock"
	TESSERA_MGMT_WAIT=3 timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/mgmt_taken.dts \
		--pack "$OUT_DIR/mgmt_taken.img" --mgmt "$OUT_DIR/taken.sock" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
	if ! wait_for "^\[tessera\] virtio console at 0xa003e00 is VM worker's \(pass-through\): not a management channel$" 20; then
		fail taken_run "no line about the VM's console"
	elif ! wait_for "^tessera run: no answer on the management channel \($OUT_DIR/taken.sock\) after 3 s: " 30; then
		fail taken_run "tessera run did not report the silent channel"
	elif clean_log | grep -a -q 'management channel: virtio console'; then
		fail taken_run "took the VM's console"
	else
		pass taken_run
	fi
	stop_qemu_pid
}

# /management allow = "read": reading works, everything else is refused by name and changes
# nothing (the VM ticks on).
readonly_run()
{
	local bad="" t
	LOG=$OUT_DIR/readonly.log
	SOCK=$OUT_DIR/readonly.sock
	: >"$LOG"
	rm -f "$SOCK"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/mgmt_readonly.dts \
		--pack "$OUT_DIR/mgmt_readonly.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
	if ! wait_ticks worker 3 20; then
		fail readonly "worker never ticked"
		stop_qemu_pid
		return
	fi
	ctl list
	[ $rc = 0 ] && has_out '^worker +running' || bad+=" list: rc $rc \"$out\";"
	ctl log
	[ $rc = 0 ] && has_out "info +VM 0 'worker': 1 vCPU" || bad+=" log: rc $rc;"
	for cmd in "stop worker" "pause worker" "snapshot worker -o $OUT_DIR/ro.snap" "trace start"; do
		ctl $cmd
		[ $rc = 1 ] && has_out "^err denied \"${cmd%% *}[^\"]*\" is not allowed on this channel \(config /management allow\)$" ||
			bad+=" $cmd: rc $rc \"$out\";"
	done
	t=$(last_tick worker)
	wait_ticks worker $((t + 3)) 10 || bad+=" worker stopped ticking;"
	if [ -n "$bad" ]; then fail readonly "$bad"; else pass readonly; fi
	stop_qemu_pid
}

main
stop_qemu_pid
plain_run
taken_run
readonly_run
if [ $failed != 0 ]; then
	echo "    (console: $LOG)"
fi
exit $failed
