/* SPDX-License-Identifier: MIT */
/*
 * bench_rt: real-time timer latency under interference. /chosen/bootargs
 * picks the role:
 *   role=rt     (default) a 1 kHz periodic virtual timer on absolute deadlines;
 *               lateness (handler's first counter read - deadline) over SAMPLES
 *               interrupts after WARMUP: "BENCH rt_timer: ..."; with "max-late=<ticks>"
 *               (a system test, icount) it also checks that no sample was later than
 *               that and that no deadline was missed (every sample less than a period)
 *   role=storm  for STORM_MS: back-to-back null hypercalls, trapped GICD
 *               writes and self-IPIs (interrupts), then stops
 *   role=spin   for STORM_MS: a compute loop with no traps (the emulator's own
 *               cost of a busy neighbour, for comparison), then stops
 * The RT VM waits in WFI between interrupts. Deterministic sample counts.
 */
#include "kit.h"

#define WARMUP	   10
#define SAMPLES	   200
#define STORM_MS   300
#define TIMEOUT_MS 3000
#define SGI_STORM  4
#define GICD_ISEN1 0x0104
#define GICD_ICEN1 0x0184

static u64 samples[SAMPLES];
static u64 period, next_deadline;
static volatile u32 count;
static volatile u32 storm_irqs;

static void rt_irq(u32 intid)
{
	(void)intid;
	u64 now = bench_now();
	u32 i = count;
	if (i >= WARMUP && i < WARMUP + SAMPLES)
		samples[i - WARMUP] = now >= next_deadline ? now - next_deadline : 0;
	count = i + 1;
	if (i + 1 >= WARMUP + SAMPLES) {
		timer_disable();
		return;
	}
	next_deadline += period;
	timer_set_cval(next_deadline);
}

static void role_rt(const char *args)
{
	u64 max_late = kit_arg_u64(args, "max-late=", 0);

	period = timer_freq() / 1000;
	gic_set_handler(INTID_VTIMER, rt_irq);
	gic_enable(INTID_VTIMER);
	next_deadline = bench_now() + period;
	timer_set_cval(next_deadline);
	timer_enable(true);
	u64 end = timer_now() + timer_freq() / 1000 * TIMEOUT_MS;
	/* The window of the bench build's sharing counters: exactly the sampling loop. */
	(void)hyp_trace(SHARE_MARK_OPEN);
	while (count < WARMUP + SAMPLES && timer_now() < end) {
		kit_irq_off();
		if (count < WARMUP + SAMPLES)
			__asm__ volatile("wfi");
		kit_irq_on();
	}
	kit_irq_off();
	timer_disable();
	(void)hyp_trace(SHARE_MARK_CLOSE);
	u32 n = count > WARMUP ? MIN(count - WARMUP, (u32)SAMPLES) : 0;
	bench_report("rt_timer", samples, n); /* sorts them: samples[n - 1] is the max */
	test_check(n == SAMPLES, "all timer samples", "got %u", n);
	if (max_late && n) {
		test_check(samples[n - 1] <= max_late, "latency within max-late",
			   "max=%lu bound=%lu", samples[n - 1], max_late);
		test_check(samples[n - 1] < period, "no missed deadline", "max=%lu period=%lu",
			   samples[n - 1], period);
	}
}

static void storm_sgi(u32 intid)
{
	(void)intid;
	storm_irqs++;
}

static void role_storm(bool traps)
{
	u64 end = timer_now() + timer_freq() / 1000 * STORM_MS;
	u32 me = kit_cpu_id();
	u64 hvcs = 0, mmio = 0, sgis = 0, spins = 0, x = 1;
	if (traps) {
		gic_set_handler(SGI_STORM, storm_sgi);
		gic_enable(SGI_STORM);
		kit_irq_on();
	}
	while (timer_now() < end) {
		if (traps) {
			(void)kit_hvc(TESSERA_HC_VERSION, 0, 0, 0);
			hvcs++;
			mmio_write32(GUEST_GICD_BASE + GICD_ISEN1, 1U << 1);
			mmio_write32(GUEST_GICD_BASE + GICD_ICEN1, 1U << 1);
			mmio += 2;
			gic_send_sgi(SGI_STORM, me);
			sgis++;
		} else {
			for (u32 k = 0; k < 200; k++)
				x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			spins++;
		}
	}
	kit_irq_off();
	test_fact("storm hvc=%lu mmio=%lu sgi_sent=%lu sgi_taken=%u spin=%lu x=%lu", hvcs, mmio,
		  sgis, storm_irqs, spins, x & 1);
	if (traps)
		test_check(hvcs > 0 && mmio > 0 && sgis > 0 && storm_irqs > 0, "storm ran",
			   "hvc=%lu mmio=%lu sgi_sent=%lu sgi_taken=%u", hvcs, mmio, sgis,
			   storm_irqs);
	else
		test_check(spins > 0, "spin ran", "spin=%lu", spins);
}

int main(u64 dtb)
{
	test_begin("bench_rt");
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	if (kit_strstr(args, "role=storm"))
		role_storm(true);
	else if (kit_strstr(args, "role=spin"))
		role_storm(false);
	else
		role_rt(args);
	test_done();
}
