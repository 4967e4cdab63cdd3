/* SPDX-License-Identifier: MIT */
/*
 * direct: a guest for a VM with direct-interrupts (docs/CONFIG.md): its CPU's
 * physical Group-1 interface is its own. Checks that 50 periodic virtual-timer
 * interrupts (1 kHz, CNTV_CVAL_EL0) arrive, never early; that a self-SGI
 * arrives while SGI 0 (the hypervisor's) and SGIs to other CPUs do not; that
 * ICC_IAR0_EL1 (virtual with HCR_EL2.FMO = 1) never hands it the hypervisor's
 * interrupts. Heartbeats throughout (watchdog-ms). Then:
 *   "hang"  prints "direct: hanging", masks interrupts and spins without
 *           heartbeats, so only the hypervisor's own (FIQ) timer can stop it;
 *   "block" prints "direct: blocking", sets every ICC_AP1R0_EL1 bit (running
 *           priority 0: even the hypervisor's Group-0 interrupts are held off,
 *           the documented limit of direct mode) and spins: a stop from another
 *           CPU must give up after its timeout instead of hanging that CPU;
 *   else    DONE + SYSTEM_OFF.
 */
#include "kit.h"

#define SAMPLES	   50
#define TIMEOUT_MS 2000
#define SGI_SELF   1
#define SGI_OTHER  2

static u64 period, next_deadline;
static volatile u32 count, sgi_self, sgi_zero, sgi_other;
static u32 early;
static u64 late_max;

static void timer_irq(u32 intid)
{
	(void)intid;
	u64 now = timer_now();

	if (now < next_deadline) {
		early++;
	} else {
		late_max = MAX(late_max, now - next_deadline);
	}
	if (++count >= SAMPLES) {
		timer_disable();
		return;
	}
	next_deadline += period;
	timer_set_cval(next_deadline);
}

static void sgi_irq(u32 intid)
{
	if (intid == SGI_SELF)
		sgi_self++;
	else if (intid == 0)
		sgi_zero++;
	else
		sgi_other++;
}

/* Waits with interrupts on for up to ms, heartbeating, until *flag reaches want. */
static void wait_for(const volatile u32 *flag, u32 want, u64 ms)
{
	u64 end = timer_now() + timer_freq() / 1000 * ms;

	kit_irq_on();
	while (*flag < want && timer_now() < end) {
		hyp_heartbeat();
		timer_delay(period / 4 + 1);
	}
	kit_irq_off();
}

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);

	test_begin("direct");
	period = timer_freq() / 1000;

	/* Timer: absolute deadlines, as guests/timer.c. */
	gic_set_handler(INTID_VTIMER, timer_irq);
	gic_enable(INTID_VTIMER);
	next_deadline = timer_now() + period;
	timer_set_cval(next_deadline);
	timer_enable(true);
	wait_for(&count, SAMPLES, TIMEOUT_MS);
	timer_disable();
	test_fact("irqs=%u early=%u late_max=%lu", count, early, late_max);
	test_check(count == SAMPLES, "50 timer interrupts", "got %u", count);
	test_check(early == 0, "no interrupt before its deadline", "early=%u", early);

	/* SGIs: self-SGI 1 arrives; SGI 0 (reserved by the hypervisor) and an SGI to a
	 * CPU this VM does not have are dropped. */
	for (u32 i = 0; i < 3; i++)
		gic_set_handler(i, sgi_irq);
	gic_enable(0);
	gic_enable(SGI_SELF);
	gic_enable(SGI_OTHER);
	gic_send_sgi(SGI_SELF, 0);
	wait_for(&sgi_self, 1, 100);
	gic_send_sgi(0, 0);
	gic_send_sgi(SGI_OTHER, 1);
	timer_delay(period);
	kit_irq_on();
	timer_delay(period * 5);
	kit_irq_off();
	test_check(sgi_self == 1, "self-SGI arrives once", "got %u", sgi_self);
	test_check(sgi_zero == 0, "SGI 0 is not delivered", "got %u", sgi_zero);
	test_check(sgi_other == 0, "SGI to another CPU is not delivered", "got %u", sgi_other);

	/* ICC_IAR0_EL1 is virtual: nothing of the hypervisor's (spurious 1023). */
	u32 iar0 = (u32)sysreg_read(S3_0_C12_C8_0) & 0xffffff;
	test_check(iar0 >= 1020, "ICC_IAR0_EL1 acknowledges nothing", "got %u", iar0);

	if (kit_strstr(args, "block")) {
		kit_printf("direct: blocking\n");
		kit_irq_off();
		sysreg_write(S3_0_C12_C9_0, 0xffffffffULL); /* ICC_AP1R0_EL1: the physical one */
		__asm__ volatile("isb" ::: "memory");
		for (;;)
			__asm__ volatile("" ::: "memory");
	}
	if (kit_strstr(args, "hang")) {
		kit_printf("direct: hanging\n");
		kit_irq_off();
		for (;;)
			__asm__ volatile("" ::: "memory");
	}
	test_done();
}
