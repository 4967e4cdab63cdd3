/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU loop. With static partitioning there is nothing to schedule:
 * a CPU runs its one vCPU when it is on, and otherwise waits for interrupts
 * (its vCPU being turned on by PSCI CPU_ON, a VM reset, ...).
 */
#include "sched_loop.h"
#include "health.h"
#include "console.h"
#include "mgmt.h"
#include "vm.h"

void cpu_request(u32 pcpu, u32 req)
{
	if (pcpu >= CONFIG_MAX_PCPUS) {
		return;
	}
	__atomic_fetch_or(&cpus[pcpu].requests, req, __ATOMIC_RELEASE);
	if (pcpu != arch_cpu_current()) {
		arch_cpu_kick(pcpu);
	}
}

void sched_handle_requests(struct cpu *c)
{
	/* Requests mean "look again": the state they refer to is in the vCPU or VM. */
	u32 req = __atomic_exchange_n(&c->requests, 0, __ATOMIC_ACQ_REL);

	if (req & CPU_REQ_HEALTH) {
		health_timer(c);
	}
}

void sched_hyp_timer(struct cpu *c)
{
	health_timer(c); /* watchdogs and pending restarts live on this timer */
}

void sched_device_irq(u32 intid)
{
	if (intid == system_platform.uart_intid) {
		console_poll_input();
	} else {
		mgmt_irq(intid); /* ignores any INTID but its own */
	}
}

void sched_run(void)
{
	struct cpu *c = cpu_this();

	for (;;) {
		struct vcpu *vc = c->vcpu;

		sched_handle_requests(c);
		if (vc) {
			u32 st = __atomic_load_n(&vc->state, __ATOMIC_ACQUIRE);

			if (st == VCPU_ON_PENDING) {
				arch_vcpu_start(vc);
				/* Only if nobody stopped it meanwhile (VM stop or reset). */
				__atomic_compare_exchange_n(&vc->state, &st, VCPU_RUNNING, false,
							    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
				if (vc->id == 0) {
					health_timer(c); /* arm its watchdog on its home CPU */
				}
			}
			__atomic_store_n(&vc->parked, false, __ATOMIC_SEQ_CST);
			if (vm_vcpu_runnable(vc)) {
				vgic_flush(&vc->vm->vgic, vc->id);
				arch_vcpu_enter(vc, c->stack_top);
			}
			if (__atomic_load_n(&vc->state, __ATOMIC_ACQUIRE) != VCPU_RUNNING) {
				arch_vcpu_park(vc); /* off or stopped: silence its timer and LRs */
			}
			/* Paused: its timer, LRs and EL1 state stay as they are for resume. */
			__atomic_store_n(&vc->parked, true, __ATOMIC_RELEASE);
		}
		arch_idle_wait();
		arch_irq_poll();
	}
}
