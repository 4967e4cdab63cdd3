/* SPDX-License-Identifier: MIT */
/* The per-CPU loop and interrupt routing policy (core/sched.c). */
#ifndef TESSERA_SCHED_LOOP_H
#define TESSERA_SCHED_LOOP_H

#include "tessera_features.h"
#include "sched_policy.h"
#include "vm.h"

/* A shared CPU (struct cpu.sched): its policy and the vCPUs it hosts. Touched only by its
 * own CPU (others cpu_request(pcpu, CPU_REQ_RESCHED) it), except the statistics. */
struct sched_host {
	struct sched_cpu s;
	struct vcpu *vc[SCHED_MAX_ENTS];       /* entity index -> vCPU */
	struct vcpu *last_ran[CONFIG_MAX_VMS]; /* per VM: its vCPU that ran here last (TLB) */
	u64 until;			       /* the policy's next instant (sched_pick) */
	u64 health_at;			       /* earliest health deadline, 0 = none */
	u64 lead;      /* wake-lead-us in ticks: early wake of a blocked vCPU */
	u64 wake_irqs; /* cpu.irq_count when wake was set */
	bool wake;     /* the hypervisor timer's refresh woke a vCPU */
	bool resched;  /* pick again at the next exit */
	bool yield;    /* the resident vCPU executed WFE */
};

/* c's shared-CPU state (struct cpu.sched), NULL on a static CPU. A build without the sched
 * feature (tessera_features.h) has static CPUs only: NULL at compile time, the shared paths fold
 * away. */
static inline struct sched_host *cpu_sched(const struct cpu *c)
{
	return TESSERA_FEAT_SCHED ? c->sched : NULL;
}

/* core/sched.c: per-CPU loop; never returns. */
void sched_run(void) __attribute__((noreturn));
/* Called on this CPU's trap path when requests are pending. */
void sched_handle_requests(struct cpu *c);
/* Interrupt routing policy (core decides, arch only acknowledges): this CPU's hypervisor
 * timer fired; a physical SPI of one of the hypervisor's own devices (console UART,
 * management channel) fired. Never called inside a lifecycle access section. */
void sched_hyp_timer(struct cpu *c);
void sched_device_irq(u32 intid);
void cpu_request(u32 pcpu, u32 req);
/* Once, after vm_create_all placed every vCPU: CPUs hosting several become shared. 0 or -1
 * (page pool exhausted, too many vCPUs on one CPU). */
int sched_setup(void);
/* A CPU that has a vCPU to run (static) or several (shared): started at boot. */
bool cpu_has_work(const struct cpu *c);
/* Shared CPUs, on a trap's way out: true if the resident vCPU must leave the CPU for a pick
 * (vectors.S/traps.c then go through sched_run with the whole register file saved). */
bool sched_exit_resched(struct cpu *c);
/* A trapped WFI (blocks the vCPU if nothing is pending for it) or WFE (yields); only
 * trapped on shared CPUs. */
void sched_vcpu_wfx(struct vcpu *vc, bool wfe);
/* The policy's counters of a vCPU on a shared CPU; false on a static CPU. */
bool sched_vcpu_stats(const struct vcpu *vc, struct sched_ent *out);

#endif
