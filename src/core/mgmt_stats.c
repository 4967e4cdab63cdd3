/* SPDX-License-Identifier: MIT */
/*
 * The exit statistics of `stats` (docs/MANAGEMENT.md): per vCPU, its exits by class
 * (vcpu.exits, enum vcpu_exit) and the interrupts injected into it. Each counter is written
 * only by the vCPU's own CPU; they are read here without a lock, each a single 64-bit load
 * (a rate may be off by the exits in flight, never torn). Injected: what vgic_lr.c put into
 * list registers, plus vectors.S's timer fast path (its interrupt exits: irq_count minus
 * those C handled, irq_slow).
 */
#include "mgmt_int.h"

static u64 ld(const u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* A class with the queries vectors.S answered in it (they are exits like the others). */
static u64 with_q(const u64 *e, u32 cls, u32 q)
{
	return ld(&e[cls]) + ld(&e[q]);
}

static void exits_line(struct mgmt_out *o, const struct vm *vm, const struct vcpu *vc)
{
	const u64 *e = vc->exits;

	mgmt_line(o,
		  "exits %s.%u cpu=%u hvc_tessera=%llu hvc_psci=%llu hvc_arch=%llu hvc_other=%llu "
		  "smc=%llu sysreg=%llu wfx=%llu irq=%llu serror=%llu other=%llu injected=%llu",
		  vm->cfg->name, vc->id, vc->pcpu,
		  (unsigned long long)with_q(e, VEXIT_HVC_TESSERA, VEXIT_Q_TESSERA),
		  (unsigned long long)with_q(e, VEXIT_HVC_PSCI, VEXIT_Q_PSCI),
		  (unsigned long long)with_q(e, VEXIT_HVC_ARCH, VEXIT_Q_ARCH),
		  (unsigned long long)ld(&e[VEXIT_HVC_OTHER]),
		  (unsigned long long)with_q(e, VEXIT_SMC, VEXIT_Q_SMC),
		  (unsigned long long)ld(&e[VEXIT_SYSREG]), (unsigned long long)ld(&e[VEXIT_WFX]),
		  (unsigned long long)ld(&vc->irq_count), (unsigned long long)ld(&e[VEXIT_SERROR]),
		  (unsigned long long)ld(&e[VEXIT_OTHER]),
		  (unsigned long long)(irqchip_injected(vm, vc->id) + ld(&vc->irq_count) -
				       ld(&vc->irq_slow)));
	mgmt_line(
	    o, "aborts %s.%u cpu=%u gicd=%llu gicr=%llu uart=%llu virtio=%llu other=%llu iabt=%llu",
	    vm->cfg->name, vc->id, vc->pcpu, (unsigned long long)ld(&e[VEXIT_DABT_GICD]),
	    (unsigned long long)ld(&e[VEXIT_DABT_GICR]),
	    (unsigned long long)ld(&e[VEXIT_DABT_UART]),
	    (unsigned long long)ld(&e[VEXIT_DABT_VIRTIO]),
	    (unsigned long long)ld(&e[VEXIT_DABT_OTHER]), (unsigned long long)ld(&e[VEXIT_IABT]));
}

void mgmt_stats_exits(struct mgmt_out *o)
{
	for (u32 i = 0; i < vm_count && i < CONFIG_MAX_VMS; i++) {
		for (u32 v = 0; vms[i].cfg && v < vms[i].vcpu_count && v < CONFIG_MAX_VCPUS; v++) {
			exits_line(o, &vms[i], &vms[i].vcpus[v]);
		}
	}
}
