/* SPDX-License-Identifier: MIT */
/*
 * partition: a VM on a "partition" CPU (issue 13, time partitions) checks from the inside
 * that it runs only in its windows and that each window starts on time. Frames start at
 * multiples of the major frame on the system counter (docs/CONFIG.md "Scheduling"), and
 * CNTVOFF is 0, so the guest knows every instant of its table. It spins reading the virtual
 * counter; a step longer than gap ticks ends a run (first to last read). For each run that
 * starts in [skip, skip + frames) frames:
 *   - it must lie inside one of its own windows, ending at most over ticks after the
 *     window's end (the hypervisor timer that ends the window is taken between two guest
 *     instructions; a guest that kept running past that is a leak);
 *   - the first run in a window instance gives that window's start jitter (first read minus
 *     the window's scheduled start), at most late ticks;
 *   - every window instance in the range must be entered (the guest is always runnable).
 * Under -icount shift=4 one tick is one instruction, so the figures are exact and repeat.
 * Bootargs: frame_us=<n> wins=<n> off<i>_us=<n> dur<i>_us=<n> (i < wins <= 4, its own
 * windows in frame order) [skip=<n>] [frames=<n>] [gap=<n>] [late=<n>] [over=<n>].
 * Prints "TEST partition: ..." and "BENCH partition_jitter: ..." (one sample per window
 * instance), and checks.
 */
#include "kit.h"

#define MAX_WINS    4
#define MAX_SAMPLES 1024

struct win {
	u64 start, end; /* ticks from the frame's start */
};

struct part {
	u64 frame;
	u32 nw;
	struct win w[MAX_WINS];
	u64 late, over;
	/* results */
	u64 next_inst; /* the window instance expected next */
	bool started;
	u32 entered, missed, leaks, late_starts;
	u64 max_over, leak_at;
	u64 jitter[MAX_SAMPLES];
};

static struct part p;

static u64 us_to_ticks(u64 us, u64 f)
{
	return us * f / 1000000ULL; /* as the hypervisor converts (sched_us_to_ticks) */
}

/* A run [first, last] of this VM: in which of its window instances, and how late. */
static void run_seen(u64 first, u64 last)
{
	u64 k = first / p.frame, r = first % p.frame, inst, start, end;
	u32 i;

	for (i = 0; i < p.nw && !(r >= p.w[i].start && r < p.w[i].end); i++) {
	}
	if (i == p.nw) {
		if (!p.leaks++) {
			p.leak_at = first;
		}
		return;
	}
	inst = k * p.nw + i;
	start = k * p.frame + p.w[i].start;
	end = k * p.frame + p.w[i].end;
	if (last > end) {
		p.max_over = MAX(p.max_over, last - end);
		if (last - end > p.over && !p.leaks++) {
			p.leak_at = last;
		}
	}
	if (p.started && inst < p.next_inst) {
		return; /* a later run in the same instance: no new start */
	}
	if (p.started) {
		p.missed += (u32)(inst - p.next_inst);
	}
	p.started = true;
	p.next_inst = inst + 1;
	if (p.entered < MAX_SAMPLES) {
		p.jitter[p.entered] = first - start;
	}
	p.entered++;
	p.late_starts += first - start > p.late;
}

static bool parse(const char *args, u64 f)
{
	char key[16];

	p.frame = us_to_ticks(kit_arg_u64(args, "frame_us=", 0), f);
	p.nw = (u32)kit_arg_u64(args, "wins=", 0);
	if (!p.frame || p.nw == 0 || p.nw > MAX_WINS) {
		return false;
	}
	for (u32 i = 0; i < p.nw; i++) {
		u64 off, dur;

		fmt_snprintf(key, sizeof(key), "off%u_us=", i);
		off = kit_arg_u64(args, key, ~0ULL);
		fmt_snprintf(key, sizeof(key), "dur%u_us=", i);
		dur = kit_arg_u64(args, key, 0);
		if (off > 10000000 || dur == 0 || dur > 10000000) {
			return false;
		}
		p.w[i].start = us_to_ticks(off, f);
		p.w[i].end = us_to_ticks(off + dur, f);
		if (p.w[i].end > p.frame || (i && p.w[i].start < p.w[i - 1].end)) {
			return false;
		}
	}
	return true;
}

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	u64 f = timer_freq();
	u64 skip = kit_arg_u64(args, "skip=", 5);
	u64 frames = kit_arg_u64(args, "frames=", 50);
	u64 gap = kit_arg_u64(args, "gap=", 100);
	u64 from, to, first, last;
	u32 n;

	test_begin("partition");
	if (!test_check(parse(args, f), "bootargs describe its windows", "'%s'", args)) {
		test_done();
	}
	p.late = kit_arg_u64(args, "late=", 4000);
	p.over = kit_arg_u64(args, "over=", 0);
	frames = frames < 1 ? 1 : MIN(frames, MAX_SAMPLES / p.nw);
	from = skip * p.frame;
	to = (skip + frames) * p.frame;
	first = last = bench_now();
	while (last < to) {
		u64 now = bench_now();

		if (now - last > gap) {
			if (first >= from) {
				run_seen(first, last);
			}
			first = now;
		}
		last = now;
	}
	n = MIN(p.entered, MAX_SAMPLES);
	test_fact("frame=%lu windows=%u entered=%u missed=%u leaks=%u late_starts=%u "
		  "max_over=%lu",
		  p.frame, p.nw, p.entered, p.missed, p.leaks, p.late_starts, p.max_over);
	bench_report("partition_jitter", p.jitter, n);
	test_check(p.leaks == 0, "ran only in its windows", "%u runs outside, first at tick %lu",
		   p.leaks, p.leak_at);
	test_check(p.entered == frames * p.nw && p.missed == 0, "entered every window",
		   "%u of %lu, %u missed", p.entered, frames * p.nw, p.missed);
	test_check(p.late_starts == 0 && n > 0, "every window started on time",
		   "%u of %u later than %lu ticks", p.late_starts, n, p.late);
	test_done();
}
