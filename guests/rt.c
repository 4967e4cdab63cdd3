/* SPDX-License-Identifier: MIT */
/*
 * rt: the real-time guest of the mixed-criticality demo. A periodic control
 * loop runs from the EL1 virtual timer (ARM ARM D11.2, CNTV_CVAL_EL0 absolute
 * deadlines, so lateness never accumulates into drift) at "hz=<n>" (default
 * 1000). Each wake-up's latency is the counter at handler entry minus its
 * deadline, in timer ticks. Once per second of deadlines it prints
 *     RT: seq=<n> min=<a> avg=<b> max=<c> missed=<m>
 * with seq counting reports from 1. It runs forever, or for "reports=<n>"
 * reports, then checks what it measured and prints DONE and powers its VM off (PSCI
 * SYSTEM_OFF): at least one real wake-up per report (the timer kept interrupting), and,
 * when given, "max-late=<ticks>" (no wake-up later than that) and "max-missed=<n>" (no
 * more skipped deadlines than that), over the reports from "check-from=<n>" on (default 1:
 * all; e.g. only those while a neighbour runs a given load). Under QEMU without -icount the vCPUs
 * are time-shared in slices, so wall-clock bounds belong in icount runs only (README, make bench).
 * A wake-up that comes more than one period late skips the deadlines it missed
 * (counted in missed=): a control loop acts on the present, not on a backlog.
 */
#include "kit.h"

#define DEFAULT_HZ 1000
#define MAX_HZ	   10000

static u64 period, next_deadline;
static volatile u64 wakeups; /* handler runs, total */
/* Statistics of the current one-second window, written by the handler only. */
static u64 win_min = ~0ULL, win_max, win_sum, win_n, win_missed;
static volatile u64 win_ready; /* completed windows, read by the main loop */
static u64 rep_min, rep_avg, rep_max, rep_missed;
static u64 worst_late, total_missed; /* over all reports, main loop only */
static u32 per_report;
static volatile u64 control_state; /* the "work" of the control loop */

static void rt_tick(u32 intid)
{
	(void)intid;
	u64 now = timer_now();
	u64 late = now >= next_deadline ? now - next_deadline : 0;

	/* The control step itself: a little deterministic work. */
	control_state = control_state * 6364136223846793005ULL + 1442695040888963407ULL;

	win_min = MIN(win_min, late);
	win_max = MAX(win_max, late);
	win_sum += late;
	win_n++;
	next_deadline += period;
	if (now >= next_deadline) {
		u64 skip = (now - next_deadline) / period + 1;
		win_missed += skip;
		next_deadline += skip * period;
	}
	timer_set_cval(next_deadline);
	wakeups = wakeups + 1;
	if (win_n + win_missed >= per_report) {
		/* Hand the window to the main loop (single CPU: the handler runs with IRQs
		 * masked, and the main loop copies only after win_ready changes). */
		rep_min = win_min;
		rep_max = win_max;
		rep_avg = win_n ? win_sum / win_n : 0;
		rep_missed = win_missed;
		win_min = ~0ULL;
		win_max = win_sum = win_n = win_missed = 0;
		win_ready = win_ready + 1;
	}
}

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	u64 hz = kit_arg_u64(args, "hz=", DEFAULT_HZ);
	u64 reports = kit_arg_u64(args, "reports=", 0); /* 0: forever */
	u64 max_late = kit_arg_u64(args, "max-late=", 0),
	    max_missed = kit_arg_u64(args, "max-missed=", ~0ULL);
	u64 check_from = kit_arg_u64(args, "check-from=", 1);
	u64 freq = timer_freq();

	test_begin("rt");
	if (hz == 0 || hz > MAX_HZ)
		hz = DEFAULT_HZ;
	period = freq / hz;
	per_report = (u32)hz;
	kit_printf("RT: start hz=%lu period=%lu ticks cntfrq=%lu reports=%lu\n", hz, period, freq,
		   reports);
	if (period == 0) {
		test_check(false, "cntfrq sane", "cntfrq=%lu", freq);
		test_done();
	}

	gic_set_handler(INTID_VTIMER, rt_tick);
	gic_enable(INTID_VTIMER);
	next_deadline = timer_now() + period;
	timer_set_cval(next_deadline);
	timer_enable(true);

	u64 seen = 0;
	for (;;) {
		/* WFI with IRQs masked still wakes on a pending interrupt (ARM ARM D1.16.2):
		 * no tick is lost between the check and the WFI. */
		kit_irq_off();
		if (win_ready == seen)
			__asm__ volatile("wfi");
		u64 ready = win_ready;
		u64 mn = rep_min, av = rep_avg, mx = rep_max, ms = rep_missed;
		kit_irq_on();
		if (ready == seen)
			continue;
		/* Printing happens outside the handler so the UART never delays a wake-up. */
		seen = ready;
		if (seen >= check_from) {
			worst_late = MAX(worst_late, mx);
			total_missed += ms;
		}
		kit_printf("RT: seq=%lu min=%lu avg=%lu max=%lu missed=%lu\n", seen, mn, av, mx,
			   ms);
		(void)hyp_heartbeat();
		if (reports && seen >= reports)
			break;
	}
	timer_disable();
	gic_disable(INTID_VTIMER);
	test_fact("checked reports %lu..%lu worst=%lu missed=%lu", check_from, seen, worst_late,
		  total_missed);
	test_check(wakeups >= seen, "timer kept interrupting", "wakeups=%lu reports=%lu", wakeups,
		   seen);
	if (max_late) {
		test_check(worst_late <= max_late, "latency within max-late", "worst=%lu bound=%lu",
			   worst_late, max_late);
	}
	if (max_missed != ~0ULL) {
		test_check(total_missed <= max_missed, "missed within max-missed",
			   "missed=%lu bound=%lu", total_missed, max_missed);
	}
	test_done();
}
