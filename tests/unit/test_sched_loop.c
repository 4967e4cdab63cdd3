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

int main(void)
{
	RUN(test_boot_shared);
	RUN(test_wfe_yields);
	RUN(test_wfe_alone_runs_on);
	RUN(test_wfi_blocks);
	RUN(test_quantum);
	CHECK_MAIN_END();
}
