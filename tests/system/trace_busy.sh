#!/usr/bin/env bash
# `tessera ctl trace dump` while tracing is on (docs/MANAGEMENT.md "trace"): boots
# tests/system/configs/trace_busy.dts (the hello guest ticking on CPU 0; hostile_storm on
# CPU 1, whose exits fill CPU 1's ring far faster than a client can read it) with
# `tessera run --mgmt`, starts tracing and then:
# - dump_on: two dumps while tracing is on each finish within DUMP_LIMIT seconds (the
#   client reads each CPU up to where its writer was when the dump began: chasing the live
#   end never finished), exit 0 and write JSON whose events are in time order, with CPU 1's
#   exits (the storm's hypercalls) and CPU 0's;
# - bounded: neither dump holds more than one ring per CPU plus one read's worth;
# - still_on: tracing is still on after the dumps (the second dump has records the first
#   had not seen), then stop works and a dump after it succeeds;
# - worker_ticks: the worker ticked on throughout.
# Prints "PASS: system/trace_busy_<case>" or "FAIL: ..."; exit 1 if any failed.
# Environment: OUT_DIR (default build/trace_busy), TIMEOUT (whole run, default 90 s),
# DUMP_LIMIT (default 20 s), TESSERA (the CLI, default build/tools/tessera).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/trace_busy}
TIMEOUT=${TIMEOUT:-90}
DUMP_LIMIT=${DUMP_LIMIT:-20}
TESSERA=${TESSERA:-build/tools/tessera}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
NAME=trace_busy
. tests/system/board.sh

# dump FILE: a dump under a deadline; prints the exit status (124: timed out).
dump()
{
	timeout -k 2 "$DUMP_LIMIT" "$TESSERA" ctl --socket "$SOCK" --timeout 10 trace dump -o "$1" \
		>"$1.err" 2>&1
	echo $?
}

# check_json FILE: the structural checks; prints "cpu0=N cpu1=M hvc1=K last=T" or an error.
check_json()
{
	python3 - "$1" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
ev = ev["traceEvents"] if isinstance(ev, dict) else ev
ts = [e["ts"] for e in ev if e.get("ph") != "M"]
if ts != sorted(ts):
    sys.exit("events not in time order")
cpu = {0: 0, 1: 0}
hvc1 = 0
for e in ev:
    a = e.get("args", {})
    if e.get("ph") == "X" and e.get("pid") == 1 and e.get("tid") in cpu:
        cpu[e["tid"]] += 1
        if e["tid"] == 1 and e["name"].startswith("HVC"):
            hvc1 += 1
print("cpu0=%d cpu1=%d hvc1=%d last=%s n=%d" % (cpu[0], cpu[1], hvc1, max(ts) if ts else 0, len(ev)))
PY
}

main()
{
	local rc t0 t1 r1 r2 n a b ticks
	for f in "$TESSERA" build/tessera.elf build/guests/hello.elf build/guests/hostile_storm.elf; do
		if [ ! -f "$f" ]; then
			fail setup "$f missing: run make"
			return
		fi
	done
	mkdir -p "$OUT_DIR" && rm -f "$SOCK" "$OUT_DIR"/*.json* && : >"$LOG"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/trace_busy.dts \
		--pack "$OUT_DIR/trace_busy.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
	if ! wait_ticks worker 3 30; then
		fail boot "the guests did not start"
		tail -n 20 "$LOG" | sed 's/^/    | /'
		return
	fi
	if ! "$TESSERA" ctl --socket "$SOCK" trace start >"$OUT_DIR/start.out" 2>&1; then
		fail start "$(cat "$OUT_DIR/start.out")"
		return
	fi
	sleep 1
	t0=$SECONDS
	r1=$(dump "$OUT_DIR/on1.json")
	r2=$(dump "$OUT_DIR/on2.json")
	t1=$SECONDS
	a=$(check_json "$OUT_DIR/on1.json" 2>&1) b=$(check_json "$OUT_DIR/on2.json" 2>&1)
	echo "    dumps while tracing: rc=$r1 '$a'; rc=$r2 '$b'; $((t1 - t0)) s"
	if [ "$r1" = 0 ] && [ "$r2" = 0 ] && [[ $a =~ ^cpu0=[1-9][0-9]*\ cpu1=[1-9][0-9]*\ hvc1=[1-9] ]] &&
		[[ $b =~ ^cpu0=[1-9][0-9]*\ cpu1=[1-9][0-9]*\ hvc1=[1-9] ]]; then
		pass dump_on
	else
		fail dump_on "rc=$r1/$r2 (124: no end within ${DUMP_LIMIT} s): $a / $b; $(cat "$OUT_DIR/on1.json.err")"
	fi
	# Records: 4096 a CPU are kept, one read returns at most 120 more than the snapshot.
	n=0
	for f in on1 on2; do
		n=$(sed -n 's/.* \([0-9]*\) trace records written.*/\1/p' "$OUT_DIR/$f.json.err")
		[ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -le $((2 * (4096 + 120))) ] || break
	done
	[ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -le $((2 * (4096 + 120))) ] &&
		pass bounded || fail bounded "records: '$n'"
	"$TESSERA" ctl --socket "$SOCK" trace read 0 0 >"$OUT_DIR/read.out" 2>&1
	if grep -q 'tracing=1' "$OUT_DIR/read.out" && [ "${a##*last=}" != "${b##*last=}" ] &&
		"$TESSERA" ctl --socket "$SOCK" trace stop >/dev/null 2>&1 &&
		[ "$(dump "$OUT_DIR/off.json")" = 0 ]; then
		pass still_on
	else
		fail still_on "$(tail -n 1 "$OUT_DIR/read.out"); last event $a / $b"
	fi
	ticks=$(last_tick worker)
	wait_ticks worker $((ticks + 3)) 20 && pass worker_ticks || fail worker_ticks "the worker stopped ticking"
}

main
exit $failed
