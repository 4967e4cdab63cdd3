#!/usr/bin/env bash
# Exit statistics and the hypervisor trace over the management channel (docs/MANAGEMENT.md
# "stats", "trace"; docs/DEBUGGING.md). Boots tests/system/configs/mgmt.dts ("worker" on CPU
# 0 and "neighbour" on CPU 1, both the hello guest: a virtual-timer tick every 100 ms, a
# heartbeat hypercall and a UART line per tick) with `tessera run --mgmt`, then:
# - stats: the worker's exits by class (Tessera calls, IRQs, injected interrupts, vPL011
#   MMIO) are counted, also in the table (rates), in JSON and in `ctl top -n 1`;
# - trace: start, let both guests tick, restart the worker (it calls TESSERA_VM_ID again),
#   stop, `ctl trace dump -o trace.json`, and checks the file with python3: it is JSON in
#   the Chrome trace format, events in time order, one track per CPU and a process per VM,
#   the known hypercalls by name (TESSERA_HEARTBEAT, TESSERA_VM_ID), timer interrupt exits
#   (IRQ 27) and injections, the worker's state changes across the restart, durations in
#   microseconds that agree with the tick period; tracing off again afterwards.
# Prints "PASS: system/trace_<case>" or "FAIL: system/trace_<case> (<reason>)"; exit 1 if any
# failed. Environment: OUT_DIR (default build/trace_test), TIMEOUT (whole run, default 90 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/trace_test}
TIMEOUT=${TIMEOUT:-90}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
JSON=$OUT_DIR/trace.json
TESSERA=build/tools/tessera
NAME=trace
CTL_TIMEOUT=5 # ctl's default
. tests/system/board.sh

# key LINE_REGEX KEY: the value of KEY= in the first line of $out matching LINE_REGEX.
key()
{
	printf '%s\n' "$out" | grep -a -E -m 1 "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

check_stats()
{
	local v
	ctl --lines stats
	if [ $rc = 0 ] && has_out '^exits worker\.0 cpu=0 hvc_tessera=[0-9]+ hvc_psci=[0-9]+ hvc_arch=[0-9]+ hvc_other=0 smc=0 sysreg=[0-9]+ wfx=0 irq=[0-9]+ serror=0 other=0 injected=[0-9]+$' &&
		has_out '^aborts worker\.0 cpu=0 gicd=[0-9]+ gicr=[0-9]+ uart=[0-9]+ virtio=0 other=0 iabt=0$' &&
		has_out '^exits neighbour\.0 cpu=1 '; then
		v=$(key '^exits worker' hvc_tessera)
		# Per tick: a heartbeat; the timer interrupt; the tick line's UART writes.
		if [ "${v:-0}" -ge 3 ] && [ "$(key '^exits worker' irq)" -ge 3 ] &&
			[ "$(key '^exits worker' injected)" -ge 3 ] && [ "$(key '^aborts worker' uart)" -ge 30 ] &&
			[ "$(key '^aborts worker' gicd)" -ge 1 ]; then
			pass stats_lines
		else
			fail stats_lines "counters too low: $out"
		fi
	else
		fail stats_lines "rc=$rc: $out"
	fi

	ctl stats
	if [ $rc = 0 ] && has_out '^VCPU +CPU +EXITS/S +HVC/S +TESSERA +PSCI +SMC/S +SYSREG/S +WFX/S +GICD/S +GICR/S +UART/S +VIRTIO/S +ABORT/S +IRQ/S +INJECTED/S$' &&
		has_out '^worker\.0 +0 +[1-9][0-9]* +[1-9][0-9]* +[1-9][0-9]* +0 +0 ' &&
		has_out '^neighbour\.0 +1 '; then
		pass stats_table
	else
		fail stats_table "rc=$rc: $out"
	fi

	out=$("$TESSERA" ctl --socket "$SOCK" --json stats 2>/dev/null)
	rc=$?
	if printf '%s' "$out" | python3 -c "import json, sys
d = json.load(sys.stdin)
w = [e for e in d['exits'] if e['vcpu'] == 'worker.0'][0]
m = [e for e in d['mmio'] if e['vcpu'] == 'worker.0'][0]
sys.exit(0 if w['hvc_tessera_per_s'] > 0 and w['irq_per_s'] > 0 and w['injected_per_s'] > 0
         and m['uart_per_s'] > 0 and w['cpu'] == 0 else 1)"; then
		pass stats_json
	else
		fail stats_json "rc=$rc: $out"
	fi

	ctl --interval 300 top -n 2 </dev/null
	if [ $rc = 0 ] && [ "$(printf '%s\n' "$out" | grep -c -E '^VCPU +CPU +EXITS/S ')" = 2 ] &&
		has_out '^worker\.0 +0 +[1-9]'; then
		pass top
	else
		fail top "rc=$rc: $out"
	fi
	ctl top --bad </dev/null
	[ $rc = 2 ] && has_out '^usage: tessera ctl' && pass top_usage || fail top_usage "rc=$rc: $out"
}

check_json()
{
	python3 - "$JSON" <<'EOF'
import json, sys

d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
problems = []
def need(cond, what):
    if not cond:
        problems.append(what)

meta = [e for e in ev if e["ph"] == "M"]
real = [e for e in ev if e["ph"] != "M"]
need(len(real) > 50, "only %d events" % len(real))
ts = [e["ts"] for e in real]
need(ts == sorted(ts), "events not in time order")
need(all(e.get("dur", 0) >= 0 for e in real), "a negative duration")
procs = {e["pid"]: e["args"]["name"] for e in meta if e["name"] == "process_name"}
threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in meta if e["name"] == "thread_name"}
need(procs.get(1) == "Tessera CPUs", "no CPU process: %r" % procs)
need(threads.get((1, 0)) == "CPU 0" and threads.get((1, 1)) == "CPU 1",
     "no per-CPU tracks: %r" % threads)
vm_pid = {v: k for k, v in procs.items()}
need("VM worker" in vm_pid and "VM neighbour" in vm_pid, "no per-VM process: %r" % procs)
w = vm_pid.get("VM worker", -1)
names = {}
for e in real:
    names.setdefault((e["pid"], e["name"]), []).append(e)
for fn in ("TESSERA_HEARTBEAT", "TESSERA_VM_ID"):
    need((w, fn) in names, "no %s hypercall on the worker's track" % fn)
    need((1, "HVC " + fn) in names, "no HVC %s exit on a CPU track" % fn)
irq = names.get((1, "IRQ 27"), [])
need(len(irq) >= 10, "%d timer interrupt exits" % len(irq))
need(len(names.get((1, "inject 27"), [])) >= 10, "no timer injections")
need({e["tid"] for e in irq} >= {0, 1}, "timer exits not on both CPUs")
need((w, "state running -> resetting") in names and (w, "state resetting -> running") in names,
     "no state changes of the restart: %r" % sorted(n for p, n in names if p == w))
# The worker's timer exits on CPU 0 come every 100 ms: the median gap, in microseconds.
t0 = sorted(e["ts"] for e in irq if e["tid"] == 0)
gaps = sorted(b - a for a, b in zip(t0, t0[1:]))
if gaps:
    g = gaps[len(gaps) // 2]
    need(80000 < g < 120000, "median timer period %.0f us, not 100 ms" % g)
# Every exit slice ends (an entry follows) within a second.
need(all(e["dur"] < 1e6 for e in real if e["ph"] == "X"), "an exit slice longer than 1 s")
if problems:
    print("; ".join(problems))
    sys.exit(1)
print("%d events, %d timer exits" % (len(real), len(irq)))
EOF
}

check_trace()
{
	local n0 before
	ctl trace start
	[ $rc = 0 ] && has_out '^ok tracing cpus=[0-9]+ freq=[0-9]+ records_per_cpu=[0-9]+$' &&
		pass start || fail start "rc=$rc: $out"
	wait_ticks worker $(($(last_tick worker) + 5)) 10 || fail ticks "the worker stopped ticking"
	before=$(clean_log | grep -a -c "^\[worker\] HELLO from")
	ctl restart worker
	if [ $rc = 0 ] && wait_for "^\[tessera\] VM 0 'worker' resetting " 5; then
		n0=$SECONDS
		while [ "$(clean_log | grep -a -c "^\[worker\] HELLO from")" -le "$before" ] &&
			[ $((SECONDS - n0)) -lt 10 ]; do
			sleep 0.2
		done
		wait_ticks worker 1 10 || fail restart "no ticks after the restart"
	else
		fail restart "rc=$rc: $out"
	fi
	ctl trace stop
	[ $rc = 0 ] && has_out '^ok stopped cpus=[0-9]+$' && pass stop || fail stop "rc=$rc: $out"
	ctl trace read 0 0
	has_out '^ok next=[0-9]+ end=[0-9]+ freq=[0-9]+ tracing=0$' && pass off ||
		fail off "rc=$rc: $out"
	rm -f "$JSON"
	n0=$SECONDS
	ctl trace dump -o "$JSON"
	echo "    (trace dump: $((SECONDS - n0)) s; $out)"
	if [ $rc = 0 ] && [ -s "$JSON" ]; then
		if res=$(check_json 2>&1); then
			pass dump_json
			echo "    ($res)"
		else
			fail dump_json "$res"
		fi
	else
		fail dump "rc=$rc: $out"
	fi
	ctl trace read 99 0
	[ $rc = 1 ] && has_out '^err bad-args no CPU 99 ' && pass bad_cpu || fail bad_cpu "rc=$rc: $out"
	ctl trace dump
	[ $rc = 2 ] && has_out 'usage: tessera ctl --socket PATH trace dump -o FILE' &&
		pass dump_usage || fail dump_usage "rc=$rc: $out"
	# Off again: the worker still ticks and its counters still move (the fast paths).
	wait_ticks worker $(($(last_tick worker) + 3)) 10 && pass after || fail after "no ticks"
}

main()
{
	for f in "$TESSERA" build/tessera.elf build/guests/hello.elf; do
		if [ ! -f "$f" ]; then
			fail boot "$f missing: run make"
			return
		fi
	done
	if ! command -v python3 >/dev/null; then
		fail boot "python3 missing (the JSON checks need it)"
		return
	fi
	mkdir -p "$OUT_DIR" && rm -f "$SOCK" && : >"$LOG"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/mgmt.dts \
		--pack "$OUT_DIR/mgmt.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
	ctl --timeout 20 hello
	if ! wait_for '^\[tessera\] management channel: virtio console at ' 15; then
		fail boot "no management channel line"
		tail -n 20 "$LOG" | sed 's/^/    | /'
		return
	fi
	wait_ticks worker 5 15 || fail boot "the worker never ticked"
	check_stats
	check_trace
}

main
stop_qemu_pid
exit $failed
