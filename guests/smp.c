/* SPDX-License-Identifier: MIT */
/*
 * smp: PSCI CPU_ON / AFFINITY_INFO / CPU_OFF (DEN0022 5.4-5.6) and SGIs.
 * CPU 0 starts every other CPU of /cpus, then all CPUs run an IPI ring: each
 * round every CPU sends SGI_PING to the next CPU, which counts it and answers
 * the previous one with SGI_PONG; a CPU starts its next round only after its
 * PONG. Then error cases of CPU_ON, CPU_OFF of the secondaries, DONE.
 */
#include "kit.h"

#define SGI_PING      1
#define SGI_PONG      2
#define ROUNDS	      20
#define AFF_ON	      0
#define AFF_OFF	      1
#define TIMEOUT_MS    2000
#define FAR_CPU_INDEX 7

static u64 mpidr[KIT_MAX_CPUS];
static u32 ncpu;
static volatile u32 up[KIT_MAX_CPUS], done[KIT_MAX_CPUS];
static volatile u32 pings[KIT_MAX_CPUS], pongs[KIT_MAX_CPUS];
static volatile u32 go, stop;

/* Ring neighbours by position in /cpus; the CPU number used for SGIs is Aff0 of mpidr[]. */
static u32 self_index(void)
{
	return kit_cpu_index(mpidr, ncpu);
}

static void sgi_irq(u32 intid)
{
	u32 i = self_index();
	if (intid == SGI_PING) {
		__atomic_fetch_add(&pings[i], 1, __ATOMIC_RELAXED);
		gic_send_sgi(SGI_PONG, (u32)(mpidr[(i + ncpu - 1) % ncpu] & 0xff));
	} else {
		__atomic_fetch_add(&pongs[i], 1, __ATOMIC_RELAXED);
	}
}

static u64 deadline(void)
{
	return timer_now() + timer_freq() / 1000 * TIMEOUT_MS;
}

static void ring_run(u32 i)
{
	u32 next = (u32)(mpidr[(i + 1) % ncpu] & 0xff);
	for (u32 r = 0; r < ROUNDS; r++) {
		gic_send_sgi(SGI_PING, next);
		if (!timer_wait_ge(&pongs[i], r + 1, TIMEOUT_MS))
			break;
	}
	__atomic_store_n(&done[i], 1, __ATOMIC_RELEASE);
}

static void irq_setup(void)
{
	gic_enable(SGI_PING);
	gic_enable(SGI_PONG);
	kit_irq_on();
}

static void secondary(u64 index)
{
	u32 i = (u32)index;
	if (i >= ncpu)
		return;
	irq_setup();
	test_fact("cpu=%u up", i);
	__atomic_store_n(&up[i], 1, __ATOMIC_RELEASE);
	/* CPU 0 may still be starting others: no timeout here. */
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		__asm__ volatile("yield");
	ring_run(i);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
		__asm__ volatile("yield");
	kit_irq_off();
	/* kit_secondary_main calls PSCI CPU_OFF when we return. */
}

static void check_cpu_on_errors(void)
{
	if (ncpu > 1) {
		s64 r = psci_cpu_on(mpidr[1], (u64)(uintptr_t)kit_secondary_entry, 1);
		test_check(r == PSCI_RET_ALREADY_ON, "cpu_on of an on cpu -> ALREADY_ON", "ret=%ld",
			   r);
	}
	u64 missing[2] = {ncpu, FAR_CPU_INDEX};
	for (u32 k = 0; k < 2; k++) {
		if (k == 1 && (missing[1] == missing[0] || missing[1] < ncpu))
			continue;
		s64 r = psci_cpu_on(missing[k], (u64)(uintptr_t)kit_secondary_entry, 0);
		char what[64];
		fmt_snprintf(what, sizeof(what), "cpu_on of absent cpu %lu -> INVALID_PARAMETERS",
			     missing[k]);
		test_check(r == PSCI_RET_INVALID_PARAMS, what, "ret=%ld", r);
	}
}

int main(u64 dtb)
{
	test_begin("smp");
	ncpu = dt_cpus((const void *)(uintptr_t)dtb, mpidr, KIT_MAX_CPUS);
	test_fact("cpus=%u psci_version=0x%lx", ncpu, psci_version());
	test_check(ncpu >= 1, "dtb /cpus", "cpus=%u", ncpu);
	if (ncpu == 0)
		test_done();
	gic_set_handler(SGI_PING, sgi_irq);
	gic_set_handler(SGI_PONG, sgi_irq);
	u32 me = self_index();

	/* Start the others one at a time. */
	bool all_up = true;
	for (u32 i = 0; i < ncpu; i++) {
		if (i == me)
			continue;
		s64 r = kit_cpu_start(mpidr[i], secondary, i);
		bool ok = r == PSCI_RET_SUCCESS && timer_wait_ge(&up[i], 1, TIMEOUT_MS);
		s64 aff = psci_affinity_info(mpidr[i]);
		char what[48];
		fmt_snprintf(what, sizeof(what), "cpu %u on", i);
		all_up &= test_check(ok && aff == AFF_ON, what, "cpu_on=%ld up=%u affinity=%ld", r,
				     up[i], aff);
	}
	if (!all_up)
		test_done();

	irq_setup();
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	ring_run(me);
	for (u32 i = 0; i < ncpu; i++)
		timer_wait_ge(&done[i], 1, TIMEOUT_MS);
	/* The last PONGs may still be in flight after done[]. */
	for (u32 i = 0; i < ncpu; i++)
		timer_wait_ge(&pongs[i], ROUNDS, TIMEOUT_MS);
	bool ring_ok = true;
	for (u32 i = 0; i < ncpu; i++) {
		test_fact("cpu=%u pings=%u pongs=%u", i, pings[i], pongs[i]);
		ring_ok &= pings[i] == ROUNDS && pongs[i] == ROUNDS;
	}
	test_check(ring_ok, "ipi ring", "expected %u pings and pongs per cpu", ROUNDS);

	check_cpu_on_errors();

	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (u32 i = 0; i < ncpu; i++) {
		if (i == me)
			continue;
		u64 end = deadline();
		s64 aff;
		while ((aff = psci_affinity_info(mpidr[i])) != AFF_OFF && timer_now() < end)
			timer_delay(timer_freq() / 1000);
		char what[48];
		fmt_snprintf(what, sizeof(what), "cpu %u off", i);
		test_check(aff == AFF_OFF, what, "affinity=%ld", aff);
	}
	test_done();
}
