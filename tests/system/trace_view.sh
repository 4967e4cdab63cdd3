#!/usr/bin/env bash
# The trace viewer (tools/dashboard/web/trace.html, docs/DEBUGGING.md) on a real trace of an
# RT system: boots tests/system/configs/trace_rt.dts (the demo's 1 kHz rt loop at priority
# 200 beside the hello guest, which prints a line every 100 ms, on CPU 1, policy priority)
# with `tessera run --mgmt --icount`, traces
# 2 s, dumps trace.json, then
# - format: the file is the Chrome trace event format: a traceEvents array; every event
#   has ph, pid, tid (numbers) and name; X and i events a numeric ts (X also dur >= 0),
#   in time order; M events process_name / thread_name with args.name naming every
#   (pid, tid) that has events: "Tessera CPUs" with "CPU 1", and "VM rt" and "VM logger";
# - rt_content: CPU 1 has timer exits (IRQ 27) and injections, and switches between the VMs;
# - viewer: headless Chromium loads trace.html?trace=<file>&focus=IRQ 27 and its summary
#   says it drew one track per (pid, tid) of the file, every slice counted, and the longest
#   IRQ 27 found on a CPU 1 track; a screenshot is written (OUT_DIR/trace_view.png, larger
#   than 20 KB: a drawn page, not a blank one).
# Prints "PASS: system/trace_view_<case>" or "FAIL: ..."; exit 1 if any failed.
# Environment: OUT_DIR (default build/trace_view), TIMEOUT (default 120 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/trace_view}
TIMEOUT=${TIMEOUT:-120}
TESSERA=build/tools/tessera
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
JSON=$(pwd)/$OUT_DIR/trace.json
NAME=trace_view
. tests/system/board.sh

# Its own ctl (not board.sh's): the output goes to stdout, for the callers' pipes.
ctl() { "$TESSERA" ctl --socket "$SOCK" --timeout 20 "$@"; }

check_format()
{
	python3 - "$JSON" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
assert isinstance(ev, list) and ev, "no traceEvents"
names, used, last = {}, set(), None
for e in ev:
    for k in ("ph", "pid", "name"):
        assert k in e, "event without %s: %r" % (k, e)
    assert isinstance(e["pid"], int), e
    if e["ph"] == "M":
        assert e["name"] in ("process_name", "thread_name"), e
        assert isinstance(e["args"]["name"], str) and e["args"]["name"], e
        names[(e["name"], e["pid"], e.get("tid"))] = e["args"]["name"]
        continue
    assert e["ph"] in ("X", "i"), e
    assert isinstance(e["tid"], int) and isinstance(e["ts"], (int, float)), e
    if e["ph"] == "X":
        assert isinstance(e["dur"], (int, float)) and e["dur"] >= 0, e
    assert last is None or e["ts"] >= last, "not in time order at %r" % e
    last = e["ts"]
    used.add((e["pid"], e["tid"]))
for pid, tid in used:
    assert ("process_name", pid, None) in names or ("process_name", pid, -1) in names or \
        any(k[0] == "process_name" and k[1] == pid for k in names), "pid %d unnamed" % pid
    assert ("thread_name", pid, tid) in names, "track %d/%d unnamed" % (pid, tid)
procs = {v for k, v in names.items() if k[0] == "process_name"}
threads = {v for k, v in names.items() if k[0] == "thread_name"}
assert {"Tessera CPUs", "VM rt", "VM logger"} <= procs, procs
assert "CPU 1" in threads, threads
cpu1 = [k[1:] for k, v in names.items() if k[0] == "thread_name" and v == "CPU 1"][0]
irq = sum(1 for e in ev if e["ph"] == "X" and (e["pid"], e["tid"]) == cpu1 and e["name"] == "IRQ 27")
inj = sum(1 for e in ev if e["ph"] == "i" and (e["pid"], e["tid"]) == cpu1 and e["name"].startswith("inject 27"))
sw = sum(1 for e in ev if e["ph"] == "i" and (e["pid"], e["tid"]) == cpu1 and e["name"].startswith("switch"))
slices = sum(1 for e in ev if e["ph"] == "X")
print("tracks=%d slices=%d irq27=%d inject27=%d switches=%d" % (len(used), slices, irq, inj, sw))
PY
}

main()
{
	local out fmt tracks slices dom
	for f in "$TESSERA" build/tessera.elf build/guests/rt.elf build/guests/hello.elf tools/dashboard/web/trace.html; do
		[ -f "$f" ] || { fail setup "$f missing: run make"; return; }
	done
	command -v chromium >/dev/null 2>&1 || { fail setup "chromium missing: scripts/deps.sh"; return; }
	mkdir -p "$OUT_DIR" && rm -f "$SOCK" "$JSON" "$OUT_DIR"/trace_view.png && : >"$LOG"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/trace_rt.dts --icount \
		--pack "$OUT_DIR/trace_rt.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
	if ! timeout 60 bash -c "until [ -S '$SOCK' ] && '$TESSERA' ctl --socket '$SOCK' list >/dev/null 2>&1; do sleep 0.5; done"; then
		fail boot "no management channel"
		tail -n 20 "$LOG" | sed 's/^/    | /'
		return
	fi
	sleep 2
	ctl trace start >/dev/null && sleep 2 && ctl trace stop >/dev/null &&
		ctl trace dump -o "$JSON" 2>"$OUT_DIR/dump.err"
	if ! fmt=$(check_format 2>&1); then
		fail format "$(printf '%s' "$fmt" | tail -n 1)"
		return
	fi
	pass format
	echo "    $fmt"
	[[ $fmt =~ irq27=[1-9][0-9]*\ inject27=[1-9][0-9]*\ switches=[1-9] ]] && pass rt_content ||
		fail rt_content "$fmt"
	tracks=$(sed -E 's/^tracks=([0-9]+) .*/\1/' <<<"$fmt") slices=$(sed -E 's/.* slices=([0-9]+) .*/\1/' <<<"$fmt")
	local url="file://$(pwd)/tools/dashboard/web/trace.html?trace=file://$JSON&focus=IRQ%2027"
	local flags=(--headless --no-sandbox --disable-gpu --allow-file-access-from-files
		--virtual-time-budget=5000 --window-size=1400,700)
	dom=$(timeout 60 chromium "${flags[@]}" --dump-dom "$url" 2>/dev/null)
	if grep -q -E "tracks=$tracks slices=$slices " <<<"$dom" &&
		grep -q -E 'longest "IRQ 27": [0-9.]+ us at [0-9.]+ us on Tessera CPUs: CPU 1' <<<"$dom"; then
		timeout 60 chromium "${flags[@]}" --screenshot="$(pwd)/$OUT_DIR/trace_view.png" "$url" >/dev/null 2>&1
		if [ "$(stat -c %s "$OUT_DIR/trace_view.png" 2>/dev/null || echo 0)" -gt 20000 ]; then
			pass viewer
		else
			fail viewer "no screenshot or a blank one"
		fi
	else
		fail viewer "summary: $(grep -o -E 'tracks=[^<]*' <<<"$dom" | head -n 1); $(grep -o -E 'longest[^<]*|no slice[^<]*' <<<"$dom")"
	fi
}

main
exit $failed
