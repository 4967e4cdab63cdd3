#!/usr/bin/env bash
# The gdb stub on a VM whose vCPU shares its physical CPU with another VM (docs/DEBUGGING.md
# "Shared CPUs"): the whole session of tests/system/gdb.sh (threads, breakpoints, stepi,
# next, hbreak, watch, rwatch, Ctrl-C, registers, writes, detach), once per scheduling
# policy, with "target" and "neighbour" on CPU 1:
# - priority: tests/system/configs/gdb_share.dts (equal priorities, 2 ms round robin), so
#   the debugged vCPU is switched out and in again between every breakpoint, step and
#   watchpoint hit;
# - partition: tests/system/configs/gdb_partition.dts (alternate 5 ms windows).
# In both the neighbour ticks on while the target is halted (neighbour_runs) and checks on
# every tick that its own debug registers (breakpoint 0, watchpoint 0, MDSCR_EL1, written
# once at its start) still hold its values, never the debugger's (neighbour_debug_regs).
# Checks are "PASS: system/gdb_share_<case>" and "system/gdb_partition_<case>"; exit 1 if
# any failed. Environment: OUT_DIR (default build), TIMEOUT (each run, default 120 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT=${OUT_DIR:-build}
failed=0
for run in gdb_share gdb_partition; do
	CONFIG=tests/system/configs/$run.dts NAME=$run DBGOWN=1 BOOT_TICKS=3 \
		OUT_DIR=$OUT/$run bash tests/system/gdb.sh || failed=1
done
exit $failed
