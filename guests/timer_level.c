/* SPDX-License-Identifier: MIT */
/*
 * timer_level: the timer PPIs are level-sensitive (ARM ARM D11.2.4: the timer's
 * interrupt output is asserted while ENABLE = 1, IMASK = 0 and the condition is met),
 * and a disabled interrupt's pending state follows its line (GICv3 IHI0069 4.1.2).
 * For the virtual (PPI 27) and the EL1 physical (PPI 30) timer, with the PPI disabled
 * at the GIC: let the timer fire, read GICR_ISPENDR0 (pending), then lower the line
 * (CTL = 0, or CVAL moved into the future), read it again (not pending) and enable the
 * PPI: no interrupt may arrive. Finally, as a control, enabling it while the line is
 * high must deliver it. IRQs stay unmasked at the CPU throughout.
 */
#include "kit.h"

#define INTID_PTIMER   30
#define CTL_ENABLE     BIT(0)
#define GICR_ISPENDR0  (0x10000 + 0x200)
#define SETTLE_US      2000
#define NO_IRQ_WAIT_US 10000
#define FUTURE_SECONDS 100

struct timer {
	const char *name;
	u32 intid;
};

static volatile u32 irqs[32];

static void set_ctl(u32 intid, u64 v)
{
	if (intid == INTID_VTIMER)
		sysreg_write(cntv_ctl_el0, v);
	else
		sysreg_write(cntp_ctl_el0, v);
	isb();
}

static void set_cval(u32 intid, u64 v)
{
	if (intid == INTID_VTIMER)
		sysreg_write(cntv_cval_el0, v);
	else
		sysreg_write(cntp_cval_el0, v);
	isb();
}

/* The physical counter for the physical timer (CNTVOFF may differ). */
static u64 now_of(u32 intid)
{
	isb();
	return intid == INTID_VTIMER ? sysreg_read(cntvct_el0) : sysreg_read(cntpct_el0);
}

static void irq(u32 intid)
{
	irqs[intid]++;
	set_ctl(intid, 0); /* lower the line, or it fires again at once */
}

static bool pending(u32 intid)
{
	u64 rd = GUEST_GICR_BASE + kit_cpu_id() * GUEST_GICR_STRIDE;
	return (mmio_read32(rd + GICR_ISPENDR0) >> intid) & 1;
}

static void wait_us(u64 us)
{
	timer_delay(timer_freq() / 1000000 * us);
}

/* lower: 0 writes CTL = 0, 1 moves CVAL into the future. */
static void masked_fire(const struct timer *t, int lower)
{
	char what[96];
	const char *how = lower ? "CVAL moved on" : "CTL = 0";

	gic_disable(t->intid);
	irqs[t->intid] = 0;
	set_cval(t->intid, now_of(t->intid) - 1);
	set_ctl(t->intid, CTL_ENABLE);
	wait_us(SETTLE_US);
	bool p1 = pending(t->intid);
	fmt_snprintf(what, sizeof(what), "%s: disabled, fired: ISPENDR0 pending", t->name);
	test_check(p1 && irqs[t->intid] == 0, what, "pending=%u irqs=%u", p1, irqs[t->intid]);

	if (lower)
		set_cval(t->intid, now_of(t->intid) + timer_freq() * FUTURE_SECONDS);
	else
		set_ctl(t->intid, 0);
	wait_us(SETTLE_US);
	bool p2 = pending(t->intid);
	fmt_snprintf(what, sizeof(what), "%s: line lowered (%s): not pending", t->name, how);
	test_check(!p2, what, "ISPENDR0 bit %u still set", t->intid);

	gic_enable(t->intid);
	wait_us(NO_IRQ_WAIT_US);
	fmt_snprintf(what, sizeof(what), "%s: enabled after %s: no interrupt", t->name, how);
	test_check(irqs[t->intid] == 0, what, "%u interrupt(s), ISPENDR0=%u", irqs[t->intid],
		   pending(t->intid));
	gic_disable(t->intid);
	set_ctl(t->intid, 0);
}

/* Control: enabled while the line is high, it is delivered (once: the handler lowers it). */
static void masked_then_delivered(const struct timer *t)
{
	char what[96];

	gic_disable(t->intid);
	irqs[t->intid] = 0;
	set_cval(t->intid, now_of(t->intid) - 1);
	set_ctl(t->intid, CTL_ENABLE);
	wait_us(SETTLE_US);
	gic_enable(t->intid);
	wait_us(NO_IRQ_WAIT_US);
	fmt_snprintf(what, sizeof(what), "%s: enabled while high: delivered once", t->name);
	test_check(irqs[t->intid] == 1, what, "%u interrupt(s)", irqs[t->intid]);
	bool p = pending(t->intid);
	fmt_snprintf(what, sizeof(what), "%s: handled: not pending", t->name);
	test_check(!p, what, "ISPENDR0 bit %u set", t->intid);
	gic_disable(t->intid);
	set_ctl(t->intid, 0);
}

int main(u64 dtb)
{
	(void)dtb;
	static const struct timer timers[] = {{"virtual", INTID_VTIMER},
					      {"physical", INTID_PTIMER}};

	test_begin("timer_level");
	kit_irq_on();
	for (u32 i = 0; i < 2; i++) {
		gic_set_handler(timers[i].intid, irq);
		masked_fire(&timers[i], 0);
		masked_fire(&timers[i], 1);
		masked_then_delivered(&timers[i]);
	}
	kit_irq_off();
	test_done();
}
