/* SPDX-License-Identifier: MIT */
/*
 * bench_switch: the cost of a full vCPU switch between two VMs time-sharing one CPU (issue 13
 * item 3), under -icount (one counter tick = one instruction; bench/run.sh). Two copies of
 * this guest share one CPU under round-robin; each spins reading the counter. The hypervisor
 * timer ends each quantum: interrupt, policy pick, save of one vCPU, restore of the other,
 * ERET into it. A copy sees that as a gap in its counter reads: gap = switch out + the other
 * copy's whole run + switch back. Its own runs (first to last read between two gaps) are as
 * long as the other's (same code, same quantum, deterministic under icount), so
 *   switch = (gap - run) / 2,
 * within one loop iteration (a few instructions). QEMU never traps WFE (it is a yield to its
 * own loop), so a cooperative yield cannot be timed the same way.
 * Prints "BENCH switch_gap", "BENCH switch_run" and "BENCH switch: ..." (one switch).
 */
#include "kit.h"

#define WARMUP	8
#define SAMPLES 128
#define GAP_MIN 1000 /* counter ticks: longer than any loop iteration, shorter than a switch */

static u64 gaps[SAMPLES], runs[SAMPLES], sw[SAMPLES];

int main(u64 dtb)
{
	u64 last = bench_now(), run_start = last;
	u32 n = 0;

	(void)dtb;
	test_begin("bench_switch");
	while (n < WARMUP + SAMPLES) {
		u64 now = bench_now();

		if (now - last > GAP_MIN) {
			if (n >= WARMUP) {
				gaps[n - WARMUP] = now - last;
				runs[n - WARMUP] = last - run_start;
			}
			n++;
			run_start = now;
		}
		last = now;
	}
	for (u32 i = 0; i < SAMPLES; i++) {
		sw[i] = gaps[i] > runs[i] ? (gaps[i] - runs[i]) / 2 : 0;
	}
	bench_report("switch_gap", gaps, SAMPLES);
	bench_report("switch_run", runs, SAMPLES);
	bench_report("switch", sw, SAMPLES);
	test_done();
}
