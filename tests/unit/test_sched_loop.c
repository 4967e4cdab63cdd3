/* SPDX-License-Identifier: MIT */
/*
 * The shared-CPU loop (core/sched.c) on the fake machine (fake_arch.h): two VMs on one
 * "priority" CPU, booted by the fixture through vm_create_all and sched_setup, the real loop
 * run by fake_cpu_run. A guest's WFI or WFE is what traps.c does for it: sched_vcpu_wfx,
 * then the trap exit (sched_exit_resched) and, when that says so, the loop again. QEMU never
 * traps WFE, so this is where the WFE yield is tested.
 */
#include "check.h"
#include "fake_arch.h"
#include "fixture.h"
#include "sched_loop.h"
#include "vgic.h"

#define CPU 1

/* a and b: one vCPU each on CPU 1, equal priority (round-robin). */
static struct fx_vm pair[2] = {
    {.name = "a", .cpu_count = 1, .first_cpu = CPU, .priority = 5},
    {.name = "b", .cpu_count = 1, .first_cpu = CPU, .priority = 5},
};

static struct vcpu *VA = &vms[0].vcpus[0], *VB = &vms[1].vcpus[0];

/* The resident vCPU executes WFI (wfe false) or WFE: the trap, its exit, and the loop if
 * the exit sends it there. Returns whether the exit left the guest. */
static bool guest_wfx(bool wfe)
{
	struct vcpu *vc = cpus[CPU].vcpu;
	bool left;

	fake_cpu = CPU;
	CHECK(vc != NULL);
	sched_vcpu_wfx(vc, wfe);
	left = sched_exit_resched(&cpus[CPU]);
	if (left) {
		fake_cpu_run(CPU);
	}
	return left;
}

static void boot(void)
{
	CHECK_EQ(fx_boot(pair, 2, NULL, 0), 0);
	CHECK(cpus[CPU].sched != NULL);
}

static void test_boot_shared(void)
{
	boot();
	/* One vCPU entered, the other waiting its turn; CPU 0 has nothing. */
	CHECK_EQ(fake_m.enters[CPU], 1);
	CHECK_EQ(fake_m.starts[CPU], 1);
	CHECK(cpus[CPU].vcpu == VA || cpus[CPU].vcpu == VB);
	CHECK(cpus[0].vcpu == NULL && cpus[0].sched == NULL);
}

/* WFE yields for one pick: the other vCPU runs, the yielder stays runnable and gets the
 * CPU back at the other's WFE. */
static void test_wfe_yields(void)
{
	struct vcpu *first;

	boot();
	first = cpus[CPU].vcpu;
	CHECK(guest_wfx(true));
	CHECK(cpus[CPU].vcpu != NULL && cpus[CPU].vcpu != first);
	CHECK(!first->blocked);
	CHECK_EQ(fake_m.saves[CPU], 1);
	CHECK_EQ(fake_m.starts[CPU], 2); /* the other's first run: started, not restored */
	CHECK(guest_wfx(true));
	CHECK(cpus[CPU].vcpu == first);
	CHECK_EQ(fake_m.saves[CPU], 2);
	CHECK_EQ(fake_m.restores[CPU], 1);
	CHECK_EQ(fake_m.enters[CPU], 3);
}

/* WFE with nobody else runnable: the yielder runs on (no save, no restore). */
static void test_wfe_alone_runs_on(void)
{
	struct vcpu *first;

	boot();
	first = cpus[CPU].vcpu;
	CHECK(guest_wfx(false)); /* first blocks in WFI: the other runs */
	CHECK(cpus[CPU].vcpu != first && first->blocked);
	CHECK(guest_wfx(true)); /* the other's WFE: nobody else can run */
	CHECK(cpus[CPU].vcpu != NULL && cpus[CPU].vcpu != first);
	CHECK_EQ(fake_m.saves[CPU], 1);
	CHECK_EQ(fake_m.restores[CPU], 0);
}

/* WFI with nothing pending blocks: the other runs; both blocked, the CPU idles. */
static void test_wfi_blocks(void)
{
	struct vcpu *first, *second;
	u32 idles;

	boot();
	first = cpus[CPU].vcpu;
	CHECK(guest_wfx(false));
	second = cpus[CPU].vcpu;
	CHECK(second != NULL && second != first);
	CHECK(first->blocked && !second->blocked);
	idles = fake_m.idles[CPU];
	CHECK(guest_wfx(false));
	CHECK(cpus[CPU].vcpu == NULL);
	CHECK(second->blocked);
	CHECK(fake_m.idles[CPU] > idles);
	CHECK_EQ(fake_m.saves[CPU], 2);
}

/* The quantum: with both runnable, the hypervisor timer at the quantum's end switches. */
static void test_quantum(void)
{
	struct vcpu *first;

	boot();
	first = cpus[CPU].vcpu;
	CHECK(fake_m.timer[CPU] != 0);
	fake_advance(FX_QUANTUM_US * FAKE_COUNTER_HZ / 1000000);
	/* The timer fired in the guest: its exit sends it to the loop. */
	fake_cpu = CPU;
	CHECK(sched_exit_resched(&cpus[CPU]));
	fake_cpu_run(CPU);
	CHECK(cpus[CPU].vcpu != NULL && cpus[CPU].vcpu != first);
	CHECK_EQ(fake_m.saves[CPU], 1);
}

/* ---- a reset from the vCPU on the CPU (PSCI SYSTEM_RESET) ---- */

/* The resident vCPU resets its own VM while the other sleeps in WFI: the loop picks it
 * again, still resident, and must start it afresh (before the fix it was never started:
 * not runnable, re-picked for ever, the CPU spinning in the hypervisor). */
static void test_self_reset_beside_sleeper(void)
{
	struct vcpu *first, *second;
	u32 starts, enters;

	boot();
	first = cpus[CPU].vcpu;
	CHECK(guest_wfx(false)); /* first sleeps: the other runs */
	second = cpus[CPU].vcpu;
	CHECK(second != first && first->blocked);
	starts = fake_m.starts[CPU];
	enters = fake_m.enters[CPU];
	fake_cpu = CPU;
	vm_reset(second->vm); /* its own SYSTEM_RESET, on its CPU */
	CHECK_EQ(second->state, VCPU_ON_PENDING);
	fake_cpu_run(CPU); /* the trap's way out: the loop */
	CHECK(cpus[CPU].vcpu == second);
	CHECK_EQ(second->state, VCPU_RUNNING);
	CHECK_EQ(fake_m.starts[CPU], starts + 1);
	CHECK_EQ(fake_m.enters[CPU], enters + 1);
	CHECK_EQ(fake_m.entry_pc[CPU], second->on_entry);
	CHECK(first->blocked); /* the sleeper is left asleep */
	CHECK_EQ(second->vm->stats.resets, 1);
}

/* The same with the VM alone on its shared CPU (the other stopped). */
static void test_self_reset_alone(void)
{
	struct vcpu *vc;

	boot();
	vc = cpus[CPU].vcpu;
	vm_stop(vc == VA ? VB->vm : VA->vm, STOP_MANAGEMENT);
	for (u32 round = 0; round < 3; round++) {
		u32 starts = fake_m.starts[CPU];

		fake_cpu = CPU;
		vm_reset(vc->vm);
		fake_cpu_run(CPU);
		CHECK(cpus[CPU].vcpu == vc);
		CHECK_EQ(vc->state, VCPU_RUNNING);
		CHECK_EQ(fake_m.starts[CPU], starts + 1);
		CHECK_EQ(vc->vm->stats.resets, round + 1);
	}
}

/* ---- wake-lead-us: rt (priority 200) beside a neighbour (priority 1) on CPU 1 ---- */

#define LEAD_US	   40
#define LEAD_TICKS (LEAD_US * FAKE_COUNTER_HZ / 1000000) /* 2,500 */

static struct vcpu *RT = &vms[0].vcpus[0], *NB = &vms[1].vcpus[0];

static void boot_rt(u32 lead_us)
{
	struct fx_vm v[2] = {
	    {.name = "rt",
	     .cpu_count = 1,
	     .first_cpu = CPU,
	     .priority = 200,
	     .wake_lead_us = lead_us},
	    {.name = "nb", .cpu_count = 1, .first_cpu = CPU, .priority = 1},
	};

	CHECK_EQ(fx_boot(v, 2, NULL, 0), 0);
	CHECK(cpus[CPU].vcpu == RT); /* the higher priority runs first */
	CHECK_EQ(cpus[CPU].sched->lead, lead_us ? LEAD_TICKS : 0);
}

/* The guest enables its timer PPI (GICR_ISENABLER0) as rt.c does. */
static void ppi_on(struct vcpu *vc, u32 intid)
{
	u64 v = 1ULL << intid;

	CHECK(vgic_redist_access(&vc->vm->irqchip.vgic, vc->id, vc->id * 0x20000ULL + 0x10100, 4,
				 true, &v));
	CHECK(irqchip_timers_enabled(vc->vm, vc->id) & (1U << intid));
}

/* Its virtual timer armed at the absolute deadline d (CNTVOFF 0). */
static void vtimer_at(struct vcpu *vc, u64 ctl, u64 d)
{
	vc->arch.timers.cntv_ctl = ctl;
	vc->arch.timers.cntv_cval = d;
	vc->arch.timers.cntvoff = 0;
}

/* The RT vCPU sleeps in WFI with its deadline further than the lead: it blocks, the
 * neighbour runs, the hypervisor timer is armed lead ticks ahead of the deadline. */
static u64 rt_sleeps(u32 lead_us)
{
	u64 d;

	boot_rt(lead_us);
	ppi_on(RT, 27);
	d = fake_m.now + FAKE_MS;
	vtimer_at(RT, 1, d);
	CHECK(guest_wfx(false));
	CHECK(RT->blocked);
	CHECK(cpus[CPU].vcpu == NB);
	CHECK_EQ(fake_m.waits[CPU], 0);
	return d;
}

/* The lead is applied: hypervisor timer at deadline - lead; without a lead, at the deadline. */
static void test_lead_timer(void)
{
	u64 d = rt_sleeps(LEAD_US);

	CHECK_EQ(fake_m.timer[CPU], d - LEAD_TICKS);
	d = rt_sleeps(0);
	CHECK_EQ(fake_m.timer[CPU], d);
}

/* At deadline - lead the neighbour is preempted: RT is back on the CPU before its deadline;
 * its WFI then waits on the CPU for the deadline (no block, no exit to the loop). */
static void test_lead_preempts_early_and_waits(void)
{
	u64 d = rt_sleeps(LEAD_US);
	u32 saves = fake_m.saves[CPU], restores = fake_m.restores[CPU];

	fake_advance(d - LEAD_TICKS - fake_m.now);
	CHECK(!RT->blocked); /* woken by the hypervisor timer, lead ahead */
	fake_cpu = CPU;
	CHECK(sched_exit_resched(&cpus[CPU])); /* the neighbour's exit goes to the loop */
	fake_cpu_run(CPU);
	CHECK(cpus[CPU].vcpu == RT);
	CHECK_EQ(fake_m.saves[CPU], saves + 1);
	CHECK_EQ(fake_m.restores[CPU], restores + 1);
	CHECK(fake_m.now < d);
	/* Its WFI (nothing pending yet): it waits in place for its deadline. */
	CHECK(!guest_wfx(false));
	CHECK_EQ(fake_m.waits[CPU], 1);
	CHECK_EQ(fake_m.wait_until[CPU], d);
	CHECK(!RT->blocked);
	CHECK(cpus[CPU].vcpu == RT);
	CHECK_EQ(fake_m.saves[CPU], saves + 1); /* no switch */
}

/* Without a lead the same wake comes at the deadline, and a WFI never waits on the CPU. */
static void test_no_lead_never_waits(void)
{
	u64 d = rt_sleeps(0);

	fake_advance(d - 1 - fake_m.now);
	CHECK(RT->blocked); /* not a tick early */
	fake_advance(1);
	CHECK(!RT->blocked);
	fake_cpu = CPU;
	CHECK(sched_exit_resched(&cpus[CPU]));
	fake_cpu_run(CPU);
	CHECK(cpus[CPU].vcpu == RT);
	vtimer_at(RT, 1, fake_m.now + 10); /* due well inside any lead */
	CHECK(guest_wfx(false));
	CHECK(RT->blocked);
	CHECK_EQ(fake_m.waits[CPU], 0);
}

/* The window is (now, now + lead]: exactly lead away waits, one tick more blocks. */
static void test_lead_window_edges(void)
{
	boot_rt(LEAD_US);
	ppi_on(RT, 27);
	vtimer_at(RT, 1, fake_m.now + LEAD_TICKS + 1);
	CHECK(guest_wfx(false));
	CHECK(RT->blocked);
	CHECK_EQ(fake_m.waits[CPU], 0);

	boot_rt(LEAD_US);
	ppi_on(RT, 27);
	vtimer_at(RT, 1, fake_m.now + LEAD_TICKS);
	CHECK(!guest_wfx(false));
	CHECK_EQ(fake_m.waits[CPU], 1);
	CHECK(cpus[CPU].vcpu == RT && !RT->blocked);
}

/* A deadline already past (on hardware its PPI would be pending and the WFI not block): no
 * wait; if it blocks, the hypervisor timer is due at once and brings it back. */
static void test_lead_deadline_past(void)
{
	boot_rt(LEAD_US);
	ppi_on(RT, 27);
	vtimer_at(RT, 1, fake_m.now - 5);
	CHECK(guest_wfx(false));
	CHECK_EQ(fake_m.waits[CPU], 0);
	CHECK(fake_m.timer[CPU] != 0 && fake_m.timer[CPU] <= fake_m.now);
	fake_advance(0);
	CHECK(!RT->blocked);
	fake_cpu = CPU;
	CHECK(sched_exit_resched(&cpus[CPU]));
	fake_cpu_run(CPU);
	CHECK(cpus[CPU].vcpu == RT);
}

/* Hostile or idle timers neither wait on the CPU nor wake the vCPU early: masked (IMASK),
 * disabled, its PPI not enabled in the vGIC; a deadline at the end of time does not wrap. */
static void test_lead_hostile_timers(void)
{
	static const u64 ctls[] = {3 /* enabled, masked */, 0 /* disabled */, 2};

	for (u32 k = 0; k < sizeof(ctls) / sizeof(ctls[0]); k++) {
		boot_rt(LEAD_US);
		ppi_on(RT, 27);
		vtimer_at(RT, ctls[k], fake_m.now + 10);
		CHECK(guest_wfx(false));
		CHECK(RT->blocked);
		CHECK_EQ(fake_m.waits[CPU], 0);
		CHECK_EQ(fake_m.timer[CPU], 0); /* nothing to wake it for */
		fake_advance(FAKE_MS);
		CHECK(RT->blocked && cpus[CPU].vcpu == NB);
	}
	/* Armed and unmasked, but the guest never enabled the PPI. */
	boot_rt(LEAD_US);
	vtimer_at(RT, 1, fake_m.now + 10);
	CHECK(guest_wfx(false));
	CHECK(RT->blocked);
	CHECK_EQ(fake_m.waits[CPU], 0);
	CHECK_EQ(fake_m.timer[CPU], 0);
	/* The end of time: the timer is armed lead ahead of it, not wrapped into the past. */
	boot_rt(LEAD_US);
	ppi_on(RT, 27);
	vtimer_at(RT, 1, ~0ULL);
	CHECK(guest_wfx(false));
	CHECK(RT->blocked);
	CHECK_EQ(fake_m.timer[CPU], ~0ULL - LEAD_TICKS);
	fake_advance(FAKE_MS);
	CHECK(RT->blocked && cpus[CPU].vcpu == NB);
}

/* The physical timer counts too, and the earlier of the two is the deadline. */
static void test_lead_ptimer(void)
{
	u64 d;

	boot_rt(LEAD_US);
	ppi_on(RT, 27);
	ppi_on(RT, 30);
	d = fake_m.now + FAKE_MS;
	vtimer_at(RT, 1, d + 1000);
	RT->arch.timers.cntp_ctl = 1;
	RT->arch.timers.cntp_cval = d;
	CHECK(guest_wfx(false));
	CHECK_EQ(fake_m.timer[CPU], d - LEAD_TICKS);
}

/* The physical timer PPI enables follow the vCPU on the CPU (vgic_vcpu_here): the
 * neighbour, which enabled neither, runs with both disabled (the second time it is
 * restored, not started: a start resets them anyway); rt gets back exactly its own (the
 * virtual timer's, not the physical one's). */
static void test_switch_ppi_enables(void)
{
	const u32 vt = 1U << 27, pt = 1U << 30;
	u64 d = rt_sleeps(LEAD_US); /* rt enabled PPI 27 while on the CPU, then blocked */

	for (u32 round = 0; round < 2; round++) {
		CHECK(cpus[CPU].vcpu == NB);
		CHECK_EQ(fake_ppi_enabled[CPU] & (vt | pt), 0);
		fake_advance(d - LEAD_TICKS - fake_m.now);
		fake_cpu = CPU;
		CHECK(sched_exit_resched(&cpus[CPU]));
		fake_cpu_run(CPU);
		CHECK(cpus[CPU].vcpu == RT);
		CHECK_EQ(fake_ppi_enabled[CPU] & (vt | pt), vt);
		d = fake_m.now + FAKE_MS; /* rt sleeps again: the neighbour is restored */
		vtimer_at(RT, 1, d);
		CHECK(guest_wfx(false));
		CHECK(RT->blocked);
	}
	CHECK_EQ(fake_m.restores[CPU], 4); /* rt twice, the neighbour twice */
}

int main(void)
{
	RUN(test_boot_shared);
	RUN(test_wfe_yields);
	RUN(test_wfe_alone_runs_on);
	RUN(test_wfi_blocks);
	RUN(test_quantum);
	RUN(test_self_reset_beside_sleeper);
	RUN(test_self_reset_alone);
	RUN(test_lead_timer);
	RUN(test_lead_preempts_early_and_waits);
	RUN(test_no_lead_never_waits);
	RUN(test_lead_window_edges);
	RUN(test_lead_deadline_past);
	RUN(test_lead_hostile_timers);
	RUN(test_lead_ptimer);
	RUN(test_switch_ppi_enables);
	CHECK_MAIN_END();
}
