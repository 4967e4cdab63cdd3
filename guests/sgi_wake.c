/* SPDX-License-Identifier: MIT */
/*
 * sgi_wake: SGIs as the only wake-up of idle CPUs (the pattern of an SMP RTOS
 * whose idle CPUs park their timer and sit in WFI with interrupts unmasked).
 *
 * Every CPU but the boot one parks its virtual timer (CVAL = ~0 with the
 * interrupt enabled and unmasked, or the timer off, alternately), enables its
 * IRQs and loops on WFI; all its work is done in the SGI handler. A token
 * travels between the CPUs: the holder's handler sends SGI_WAKE (ICC_SGI1R_EL1,
 * Group 1) to the next receiver, whose handler counts it and passes it on, so
 * every CPU is in turn sender and receiver and every pair is used. The boot CPU
 * takes part the same way; its only other wake-up is a 1 s watchdog on its
 * virtual timer that notices a lost token (no progress for STALL_S seconds).
 * A wake-up slower than SLOW_MS counts as lost and rescued by something else.
 * bootargs: rounds=<n> (default 4000).
 */
#include "kit.h"

#define SGI_WAKE	 3
#define SGI_STOP	 4
#define DEFAULT_ROUNDS	 4000
#define STALL_S		 3
#define SLOW_MS		 200
#define CVAL_PARKED	 (~0ULL)
#define CTL_ENABLE	 BIT(0)
#define CPU_OFF_TIMEOUT	 2000 /* ms */
#define AFF_OFF		 1
#define WATCHDOG_PERIODS 1 /* seconds between the boot CPU's watchdog wake-ups */

static u64 mpidr[KIT_MAX_CPUS];
static u32 ncpu, rounds;
static u64 freq;
static volatile u32 up[KIT_MAX_CPUS], stop_seen[KIT_MAX_CPUS];
static volatile u32 recv[KIT_MAX_CPUS], sent[KIT_MAX_CPUS], wrong[KIT_MAX_CPUS];
static volatile u32 slow[KIT_MAX_CPUS];
static volatile u64 lat_max[KIT_MAX_CPUS];
static volatile u32 round, target, finished;
static volatile u64 sent_at;
static volatile u32 watchdog_wakes;

static u32 self_index(void)
{
	return kit_cpu_index(mpidr, ncpu);
}

/* Receiver of round r when CPU s holds the token: every other CPU in turn. */
static u32 next_of(u32 s, u32 r)
{
	return (s + 1 + (r / ncpu) % (ncpu - 1)) % ncpu;
}

static void send_token(u32 from, u32 to)
{
	__atomic_store_n(&target, to, __ATOMIC_RELAXED);
	__atomic_store_n(&sent_at, timer_now(), __ATOMIC_RELAXED);
	sent[from]++;
	gic_send_sgi(SGI_WAKE, (u32)(mpidr[to] & 0xff)); /* dsb first: the stores above */
}

static void sgi_irq(u32 intid)
{
	u32 me = self_index();
	if (intid == SGI_STOP) {
		__atomic_store_n(&stop_seen[me], 1, __ATOMIC_RELEASE);
		return;
	}
	u64 now = timer_now();
	if (__atomic_load_n(&target, __ATOMIC_ACQUIRE) != me || finished) {
		wrong[me]++;
		return;
	}
	u64 lat = now - sent_at;
	if (lat > lat_max[me])
		lat_max[me] = lat;
	if (lat > freq / 1000 * SLOW_MS)
		slow[me]++;
	recv[me]++;
	u32 r = round + 1;
	__atomic_store_n(&round, r, __ATOMIC_RELEASE);
	if (r >= rounds) {
		__atomic_store_n(&finished, 1, __ATOMIC_RELEASE);
		return;
	}
	send_token(me, next_of(me, r));
}

static volatile u32 boot_cpu, timer_irqs[KIT_MAX_CPUS];

/* The boot CPU's watchdog; on a parked CPU, a timer interrupt is unexpected: re-park. */
static void timer_irq(u32 intid)
{
	(void)intid;
	u32 me = self_index();
	if (me == boot_cpu) {
		watchdog_wakes++;
		timer_set_cval(timer_now() + freq * WATCHDOG_PERIODS);
	} else {
		timer_irqs[me]++;
		timer_set_cval(CVAL_PARKED);
	}
}

static void secondary(u64 index)
{
	u32 i = (u32)index;
	if (i >= ncpu)
		return;
	gic_enable(SGI_WAKE);
	gic_enable(SGI_STOP);
	/* Park the timer: never fires, or off altogether. */
	if (i % 2) {
		timer_enable(true); /* enabled before CVAL is parked, as an RTOS may */
		timer_set_cval(CVAL_PARKED);
		gic_set_handler(INTID_VTIMER, timer_irq);
		gic_enable(INTID_VTIMER);
	} else {
		timer_disable();
	}
	kit_irq_on();
	__atomic_store_n(&up[i], 1, __ATOMIC_RELEASE);
	/* Idle: everything happens in the SGI handler. */
	while (!__atomic_load_n(&stop_seen[i], __ATOMIC_ACQUIRE))
		__asm__ volatile("wfi" ::: "memory");
	kit_irq_off();
	timer_disable();
	/* kit_secondary_main calls PSCI CPU_OFF when we return. */
}

static bool start_all(u32 me)
{
	bool ok = true;
	for (u32 i = 0; i < ncpu; i++) {
		if (i == me)
			continue;
		s64 r = kit_cpu_start(mpidr[i], secondary, i);
		u64 end = timer_now() + freq * 2;
		while (!__atomic_load_n(&up[i], __ATOMIC_ACQUIRE) && timer_now() < end)
			__asm__ volatile("yield");
		char what[32];
		fmt_snprintf(what, sizeof(what), "cpu %u on", i);
		ok &=
		    test_check(r == PSCI_RET_SUCCESS && up[i], what, "cpu_on=%ld up=%u", r, up[i]);
	}
	return ok;
}

/* The boot CPU idles too; its watchdog notices a token nobody received. */
static bool run_rounds(u32 me)
{
	u32 last = 0;
	u64 last_progress = timer_now();

	gic_set_handler(INTID_VTIMER, timer_irq);
	gic_enable(INTID_VTIMER);
	timer_set_cval(timer_now() + freq * WATCHDOG_PERIODS);
	timer_enable(true);
	send_token(me, next_of(me, 0));
	kit_irq_on();
	while (!__atomic_load_n(&finished, __ATOMIC_ACQUIRE)) {
		__asm__ volatile("wfi" ::: "memory");
		u32 r = __atomic_load_n(&round, __ATOMIC_ACQUIRE);
		u64 now = timer_now();
		if (r != last) {
			last = r;
			last_progress = now;
		} else if (now - last_progress > freq * STALL_S) {
			break;
		}
	}
	kit_irq_off();
	timer_disable();
	gic_disable(INTID_VTIMER);
	u32 r = round;
	return test_check(r >= rounds, "every SGI woke its receiver",
			  "stalled at round %u of %u: cpu %u never woke (sent at %lu, now %lu)", r,
			  rounds, target, sent_at, timer_now());
}

static void stop_all(u32 me)
{
	for (u32 i = 0; i < ncpu; i++) {
		if (i == me)
			continue;
		u64 end = timer_now() + freq / 1000 * CPU_OFF_TIMEOUT;
		s64 aff;
		/* Repeated: the stop SGI may land just before the CPU's WFI. */
		while ((aff = psci_affinity_info(mpidr[i])) != AFF_OFF && timer_now() < end) {
			gic_send_sgi(SGI_STOP, (u32)(mpidr[i] & 0xff));
			timer_delay(freq / 1000);
		}
		char what[32];
		fmt_snprintf(what, sizeof(what), "cpu %u off", i);
		test_check(aff == AFF_OFF, what, "affinity=%ld", aff);
	}
}

int main(u64 dtb)
{
	test_begin("sgi_wake");
	ncpu = dt_cpus((const void *)(uintptr_t)dtb, mpidr, KIT_MAX_CPUS);
	rounds =
	    (u32)kit_arg_u64(dt_bootargs((const void *)(uintptr_t)dtb), "rounds=", DEFAULT_ROUNDS);
	freq = timer_freq();
	test_fact("cpus=%u rounds=%u", ncpu, rounds);
	if (!test_check(ncpu >= 2 && rounds >= 1, "at least 2 cpus", "cpus=%u", ncpu))
		test_done();
	gic_set_handler(SGI_WAKE, sgi_irq);
	gic_set_handler(SGI_STOP, sgi_irq);
	gic_enable(SGI_WAKE);
	u32 me = self_index();
	boot_cpu = me;
	if (!start_all(me))
		test_done();

	bool all = run_rounds(me);
	u32 total = 0, wrongs = 0, slows = 0;
	u64 worst = 0;
	for (u32 i = 0; i < ncpu; i++) {
		test_fact("cpu=%u received=%u sent=%u wrong=%u slow=%u max_wake_us=%lu", i, recv[i],
			  sent[i], wrong[i], slow[i], lat_max[i] * 1000000 / freq);
		total += recv[i];
		wrongs += wrong[i];
		slows += slow[i];
		worst = MAX(worst, lat_max[i]);
	}
	test_fact("rounds=%u watchdog_wakes=%u", round, watchdog_wakes);
	if (all) {
		bool each = true;
		for (u32 i = 0; i < ncpu; i++)
			each &= recv[i] >= rounds / ncpu / 2 && sent[i] >= rounds / ncpu / 2;
		test_check(each, "every cpu sent and received", "see the cpu= lines");
	}
	test_check(total == round, "one wake-up per SGI", "received=%u rounds=%u", total, round);
	test_check(wrongs == 0, "no SGI at a cpu that was not its target", "wrong=%u", wrongs);
	test_check(slows == 0, "no wake-up slower than 200 ms", "slow=%u max=%lu us", slows,
		   worst * 1000000 / freq);
	stop_all(me);
	test_done();
}
