/* SPDX-License-Identifier: MIT */
/*
 * snap_compute: a long deterministic computation for the snapshot test
 * (tests/system/snapshot.sh). Every 100 ms of virtual time (the virtual timer's interrupt) it
 * runs one step over a 128 KiB buffer in its RAM, with part of the state in general
 * registers and one SIMD register (d7, so the FP/SIMD state must be carried too), and prints
 * "TEST snap_compute: step=N acc=0x..."; after "steps=N" steps (default 40) it prints the
 * checksum of the buffer and the state, checks that its virtual time never jumped between
 * two steps by more than a second (a snapshot pauses the VM: its CNTVOFF must hide that),
 * and powers off. Nothing it prints depends on time, so a run restored from a snapshot
 * prints exactly what the uninterrupted run printed after the same point.
 */
#include "kit.h"

#define STEP_HZ	      10
#define DEFAULT_STEPS 40
#define BUF_WORDS     16384

static u64 buf[BUF_WORDS];
static volatile u32 ticks;
static u64 period, deadline;

static void tick_irq(u32 intid)
{
	(void)intid;
	ticks++;
	deadline += period;
	timer_set_cval(deadline);
}

static void fp_on(void)
{
	__asm__ volatile("msr cpacr_el1, %0\n isb" : : "r"(3ULL << 20)); /* FPEN: no traps */
}

static u64 d7_get(void)
{
	u64 v;

	__asm__ volatile(".arch_extension fp\n fmov %0, d7" : "=r"(v));
	return v;
}

static void d7_set(u64 v)
{
	__asm__ volatile(".arch_extension fp\n fmov d7, %0" : : "r"(v) : "v7");
}

static u64 xorshift(u64 x)
{
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/* One step: depends only on the buffer, x and the step number. */
static u64 step_run(u32 step, u64 *x)
{
	u64 acc = step;

	for (u32 i = 0; i < BUF_WORDS; i++) {
		u32 j = (i * 7 + step) % BUF_WORDS;

		*x = xorshift(*x);
		buf[j] ^= *x + buf[i];
		acc = (acc << 5 | acc >> 59) ^ buf[j];
	}
	return acc;
}

static void wait_tick(u32 seen)
{
	/* WFI with IRQs masked still wakes on a pending interrupt: no tick is lost. */
	kit_irq_off();
	if (ticks == seen)
		__asm__ volatile("wfi");
	kit_irq_on();
}

int main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	u32 steps = (u32)kit_arg_u64(dt_bootargs(fdt), "steps=", DEFAULT_STEPS);
	u64 x = 0x9e3779b97f4a7c15ULL, last = 0, max_gap = 0, sum = 0;

	test_begin("snap_compute");
	test_fact("steps=%u", steps);
	fp_on();
	d7_set(0x0123456789abcdefULL);
	period = timer_freq() / STEP_HZ;
	gic_set_handler(INTID_VTIMER, tick_irq);
	gic_enable(INTID_VTIMER);
	deadline = timer_now() + period;
	timer_set_cval(deadline);
	timer_enable(true);
	for (u32 step = 1; step <= steps; step++) {
		u64 acc, now;

		while (ticks < step)
			wait_tick(ticks);
		now = timer_now();
		if (last && now - last > max_gap)
			max_gap = now - last;
		last = now;
		acc = step_run(step, &x);
		d7_set(xorshift(d7_get() ^ acc));
		test_fact("step=%u acc=0x%016lx", step, acc ^ d7_get());
	}
	timer_disable();
	for (u32 i = 0; i < BUF_WORDS; i++)
		sum = xorshift(sum ^ buf[i]);
	test_fact("checksum=0x%016lx", sum ^ d7_get() ^ x);
	test_check(max_gap < timer_freq(), "virtual time continuous",
		   "largest gap between steps %u ms", (u32)(max_gap * 1000 / timer_freq()));
	test_done();
}
