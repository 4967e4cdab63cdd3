/* SPDX-License-Identifier: MIT */
/*
 * timer: the EL1 virtual timer (ARM ARM D11.2) as a 1 kHz periodic interrupt
 * on CNTV_CVAL_EL0. Each interrupt must come at or after its deadline, with
 * ISTATUS set and the counter moving forward; lateness (ticks past the
 * deadline) is reported as min/avg/max. guests/ptimer.c builds this file with
 * TIMER_PHYS: the same checks on the EL1 physical timer (CNTP_CTL/CVAL/TVAL_EL0,
 * CNTPCT_EL0, PPI 30).
 */
#include "kit.h"

#ifdef TIMER_PHYS
#define T_NAME	   "ptimer"
#define T_INTID	   30
#define T_COUNTER  "cntpct"
#define CTL_ENABLE BIT(0)
#define CTL_IMASK  BIT(1)

/* The physical counterparts of the kit's CNTV helpers (kit/timer.c). */
static u64 t_now(void)
{
	isb();
	return sysreg_read(cntpct_el0);
}

static void t_set_cval(u64 cval)
{
	sysreg_write(cntp_cval_el0, cval);
	isb();
}

static s64 t_get_tval(void)
{
	return (s32)(u32)sysreg_read(cntp_tval_el0);
}

static void t_enable(bool irq)
{
	sysreg_write(cntp_ctl_el0, irq ? CTL_ENABLE : (CTL_ENABLE | CTL_IMASK));
	isb();
}

static void t_disable(void)
{
	sysreg_write(cntp_ctl_el0, 0);
	isb();
}

static u32 t_ctl(void)
{
	return (u32)sysreg_read(cntp_ctl_el0);
}
#else
#define T_NAME	   "timer"
#define T_INTID	   INTID_VTIMER
#define T_COUNTER  "cntvct"
#define t_now	   timer_now
#define t_set_cval timer_set_cval
#define t_get_tval timer_get_tval
#define t_enable   timer_enable
#define t_disable  timer_disable
#define t_ctl	   timer_ctl
#endif

#define SAMPLES	   50
#define TIMEOUT_MS 5000

static u64 period, next_deadline, last_now;
static volatile u32 count;
static u32 early, stale, no_status;
static u64 late_min = ~0ULL, late_max, late_sum;

static void timer_irq(u32 intid)
{
	(void)intid;
	u64 now = t_now();
	if (!(t_ctl() & BIT(2))) /* ISTATUS */
		no_status++;
	if (now < next_deadline) {
		early++;
	} else {
		u64 late = now - next_deadline;
		late_min = MIN(late_min, late);
		late_max = MAX(late_max, late);
		late_sum += late;
	}
	if (now <= last_now)
		stale++;
	last_now = now;
	if (++count >= SAMPLES) {
		t_disable();
		return;
	}
	/* Periodic on absolute deadlines: lateness does not accumulate into drift. */
	next_deadline += period;
	t_set_cval(next_deadline);
}

int main(u64 dtb)
{
	(void)dtb;
	test_begin(T_NAME);
	u64 freq = timer_freq();
	period = freq / 1000;
	test_fact("cntfrq=%lu period=%lu", freq, period);
	if (!test_check(period > 0, "cntfrq sane", "cntfrq=%lu", freq))
		test_done();

	u64 t0 = t_now();
	timer_delay(period / 10 + 1);
	test_check(t_now() > t0, "counter advances", T_COUNTER " stuck at 0x%lx", t0);

	/* Polled: a deadline in the past shows ISTATUS and a non-positive TVAL. */
	t_set_cval(t_now() - 1);
	t_enable(false);
	u32 ctl = t_ctl();
	s64 tval = t_get_tval();
	t_disable();
	test_check((ctl & BIT(2)) && tval <= 0, "expired deadline shows ISTATUS",
		   "ctl=0x%x tval=%ld", ctl, tval);

	gic_set_handler(T_INTID, timer_irq);
	gic_enable(T_INTID);
	last_now = t_now();
	next_deadline = last_now + period;
	t_set_cval(next_deadline);
	t_enable(true);
	u64 start = last_now, end = start + freq / 1000 * TIMEOUT_MS;
	kit_irq_on();
	while (count < SAMPLES && t_now() < end) {
		kit_irq_off();
		if (count < SAMPLES)
			__asm__ volatile("wfi");
		kit_irq_on();
	}
	kit_irq_off();
	t_disable();
	gic_disable(T_INTID);

	u32 n = count;
	u64 elapsed = last_now - start;
	test_fact("irqs=%u elapsed_ticks=%lu late_min=%lu late_avg=%lu late_max=%lu", n, elapsed,
		  n ? late_min : 0, n > early ? late_sum / (n - early) : 0, late_max);
	test_check(n == SAMPLES, "50 timer interrupts", "got %u in %u ms", n, TIMEOUT_MS);
	test_check(early == 0, "no interrupt before its deadline", "early=%u", early);
	test_check(no_status == 0, "ISTATUS set in handler", "missing=%u", no_status);
	test_check(stale == 0 && elapsed >= (SAMPLES - 1) * period, "time advances",
		   "stale=%u elapsed=%lu", stale, elapsed);
	test_done();
}
