#!/usr/bin/env python3
"""Where a CPU's time went in a `tessera ctl trace dump` file (docs/DEBUGGING.md).

usage: scripts/trace_worst.py TRACE.json [--cpu N] [--exit NAME] [--top K]

Prints, for physical CPU N (default 0): the time spent in exits by kind (sum, count, worst),
then the K (default 3) longest exits named NAME (default "IRQ 27", the virtual timer) with
every event on that CPU from 100 us before each one to its end: what the hypervisor was
doing while the guest waited.
"""
import argparse
import collections
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("--cpu", type=int, default=0)
    ap.add_argument("--exit", default="IRQ 27")
    ap.add_argument("--top", type=int, default=3)
    a = ap.parse_args()
    with open(a.trace) as f:
        ev = [e for e in json.load(f)["traceEvents"] if e["ph"] != "M"]
    cpu = [e for e in ev if e["pid"] == 1 and e["tid"] == a.cpu]
    slices = [e for e in cpu if e["ph"] == "X"]
    if not slices:
        print("no exits on CPU %d" % a.cpu)
        return 1
    kinds = collections.defaultdict(list)
    for e in slices:
        kinds[e["name"].split(" 0x")[0]].append(e["dur"])
    span = max(e["ts"] + e.get("dur", 0) for e in cpu) - min(e["ts"] for e in cpu)
    print("CPU %d: %d exits over %.3f ms" % (a.cpu, len(slices), span / 1000))
    print("%-28s %8s %12s %10s" % ("exit", "count", "total us", "worst us"))
    for k, d in sorted(kinds.items(), key=lambda kv: -sum(kv[1])):
        print("%-28s %8d %12.1f %10.1f" % (k, len(d), sum(d), max(d)))
    worst = sorted((e for e in slices if e["name"] == a.exit), key=lambda e: -e["dur"])
    for e in worst[: a.top]:
        print("\n%s at %.3f us took %.3f us; CPU %d around it:" % (a.exit, e["ts"], e["dur"], a.cpu))
        for x in cpu:
            if e["ts"] - 100 <= x["ts"] <= e["ts"] + e["dur"]:
                dur = " (%.3f us)" % x["dur"] if "dur" in x else ""
                print("  %+10.3f us  %s%s" % (x["ts"] - e["ts"], x["name"], dur))
    return 0


if __name__ == "__main__":
    sys.exit(main())
