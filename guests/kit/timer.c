/* SPDX-License-Identifier: MIT */
/* EL1 virtual timer (ARM ARM D11.2): CNTV_CTL/CVAL/TVAL_EL0, CNTVCT_EL0, CNTFRQ_EL0. */
#include "kit.h"

#define CTL_ENABLE BIT(0)
#define CTL_IMASK  BIT(1)

u64 timer_freq(void)
{
	return sysreg_read(cntfrq_el0);
}

u64 timer_now(void)
{
	isb(); /* CNTVCT reads may otherwise be taken early (D11.2.2) */
	return sysreg_read(cntvct_el0);
}

void timer_set_cval(u64 cval)
{
	sysreg_write(cntv_cval_el0, cval);
	isb();
}

void timer_set_tval(s32 tval)
{
	sysreg_write(cntv_tval_el0, (u64)(s64)tval);
	isb();
}

s64 timer_get_tval(void)
{
	/* TVAL is a signed 32-bit view of CVAL - CNTVCT. */
	return (s32)(u32)sysreg_read(cntv_tval_el0);
}

void timer_enable(bool irq)
{
	sysreg_write(cntv_ctl_el0, irq ? CTL_ENABLE : (CTL_ENABLE | CTL_IMASK));
	isb();
}

void timer_disable(void)
{
	sysreg_write(cntv_ctl_el0, 0);
	isb();
}

u32 timer_ctl(void)
{
	return (u32)sysreg_read(cntv_ctl_el0);
}

void timer_delay(u64 ticks)
{
	u64 end = timer_now() + ticks;
	while (timer_now() < end)
		__asm__ volatile("yield");
}

bool timer_wait_ge(volatile u32 *p, u32 want, u32 ms)
{
	u64 end = timer_now() + timer_freq() / 1000 * ms;
	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) < want) {
		if (timer_now() > end)
			return false;
		__asm__ volatile("yield");
	}
	return true;
}
