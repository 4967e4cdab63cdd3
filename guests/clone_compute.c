/* SPDX-License-Identifier: MIT */
/*
 * clone_compute: the clone test's guest (tests/system/clone.sh). It prints its generation id
 * as its DTB has it (`tessera,generation-id`, read again from memory each time) and as
 * TESSERA_HC_GENERATION_ID answers ("TEST clone_compute: generation dtb=0x.. hc=0x.."), then
 * runs "steps=N" deterministic steps 100 ms of virtual time apart over a 128 KiB buffer, with
 * state in registers and in d7 ("step=N acc=0x.."), and at the end a checksum. Before each
 * step it asks for its generation id again and prints both values when it changed (the VM
 * was cloned and this is the copy). Nothing else it prints depends on time or identity, so
 * the original and its clone print the same steps and checksum as an uninterrupted run.
 * The checkpoint test (tests/system/checkpoint.sh) uses it too: "ckpt=K" asks for a
 * checkpoint by hypercall before step K, and a 'c' typed to its console makes it stop with
 * a failure exit status (a failure its health policy handles). "touch=KIB" (at most 1024)
 * also writes one byte in each 4 KiB page of that much of another buffer every step (a
 * known dirty set for the rollback measurement); nothing it prints depends on it.
 */
#include "kit.h"

#define STEP_HZ	      10
#define DEFAULT_STEPS 60
#define BUF_WORDS     16384

static u64 buf[BUF_WORDS];
static volatile u8 touch_buf[1024 * 1024] __attribute__((aligned(4096)));
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
	__asm__ volatile("msr cpacr_el1, %0\n isb" : : "r"(3ULL << 20));
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
	kit_irq_off();
	if (ticks == seen)
		__asm__ volatile("wfi");
	kit_irq_on();
}

static u64 dtb_generation(const void *fdt)
{
	u32 len = 0;
	const u8 *p = dt_valid(fdt) ? dt_prop(fdt, "/", "tessera,generation-id", &len) : NULL;

	return p && len == 8 ? ((u64)be32_load(p) << 32) | be32_load(p + 4) : 0;
}

/* Prints both views of the generation id; returns the hypercall's. */
static u64 generation_report(const void *fdt, const char *what)
{
	u64 hc = 0;
	s64 r = hyp_generation_id(&hc);
	u64 dt = dtb_generation(fdt);

	test_fact("generation%s dtb=0x%016lx hc=0x%016lx", what, dt, hc);
	test_check(r == 0 && hc != 0 && dt == hc, "generation id in DTB and hypercall",
		   "rc=%ld dtb=0x%lx hc=0x%lx", (long)r, dt, hc);
	return hc;
}

int main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	u32 steps = (u32)kit_arg_u64(dt_bootargs(fdt), "steps=", DEFAULT_STEPS);
	u32 ckpt = (u32)kit_arg_u64(dt_bootargs(fdt), "ckpt=", 0);
	u64 touch = kit_arg_u64(dt_bootargs(fdt), "touch=", 0) * 1024;
	u64 x = 0x9e3779b97f4a7c15ULL, sum = 0, gen;

	test_begin("clone_compute");
	test_fact("steps=%u", steps);
	gen = generation_report(fdt, "");
	fp_on();
	d7_set(0x0123456789abcdefULL);
	period = timer_freq() / STEP_HZ;
	gic_set_handler(INTID_VTIMER, tick_irq);
	gic_enable(INTID_VTIMER);
	deadline = timer_now() + period;
	timer_set_cval(deadline);
	timer_enable(true);
	for (u32 step = 1; step <= steps; step++) {
		u64 acc, now_gen = 0;

		while (ticks < step)
			wait_tick(ticks);
		if (uart_getc() == 'c') {
			test_fact("failing at step=%u", step);
			kit_exit(TESSERA_EXIT_TEST_FAILED, step);
		}
		if (step == ckpt)
			test_fact("checkpoint by hypercall: %ld", (long)hyp_checkpoint());
		hyp_generation_id(&now_gen);
		if (now_gen != gen)
			gen = generation_report(fdt, " changed");
		for (u64 o = 0; o < touch && o < sizeof(touch_buf); o += 4096)
			touch_buf[o] = (u8)step;
		acc = step_run(step, &x);
		d7_set(xorshift(d7_get() ^ acc));
		test_fact("step=%u acc=0x%016lx", step, acc ^ d7_get());
	}
	timer_disable();
	for (u32 i = 0; i < BUF_WORDS; i++)
		sum = xorshift(sum ^ buf[i]);
	test_fact("checksum=0x%016lx", sum ^ d7_get() ^ x);
	test_done();
}
