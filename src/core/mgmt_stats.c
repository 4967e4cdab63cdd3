/* SPDX-License-Identifier: MIT */
/*
 * The exit statistics of `stats` (docs/MANAGEMENT.md): per vCPU, its exits by class
 * (vcpu.exits, enum vcpu_exit), under the names and in the lines the arch gives them
 * (arch_exit_lines, arch.h), and the interrupts injected into it. Each counter is written
 * only by the vCPU's own CPU; they are read here without a lock, each a single 64-bit load
 * (a rate may be off by the exits in flight, never torn). Injected: what vgic_lr.c put into
 * list registers, plus vectors.S's timer fast path (its interrupt exits: irq_count minus
 * those C handled, irq_slow).
 */
#include "mgmt_int.h"
#include "lib.h"

static u64 ld(const u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* One field's value: the sum of its classes, or one of core's interrupt counts. */
static u64 field_value(const struct vm *vm, const struct vcpu *vc, u32 classes)
{
	u64 n = 0;

	if (classes & EXIT_FIELD_IRQS) {
		n += ld(&vc->irq_count);
	}
	if (classes & EXIT_FIELD_INJECTED) {
		n += irqchip_injected(vm, vc->id) + ld(&vc->irq_count) - ld(&vc->irq_slow);
	}
	for (u32 c = 0; c < VEXIT_COUNT; c++) {
		n += (classes >> c & 1U) ? ld(&vc->exits[c]) : 0;
	}
	return n;
}

/* The vCPU's lines, one per arch_exit_lines entry (arch.h: the arch names its classes). */
static void exits_lines(struct mgmt_out *o, const struct vm *vm, const struct vcpu *vc)
{
	for (const struct arch_exit_line *l = arch_exit_lines; l->name; l++) {
		char buf[MGMT_OUT_MAX];
		size_t n = (size_t)fmt_snprintf(buf, sizeof(buf), "%s %s.%u cpu=%u", l->name,
						vm->cfg->name, vc->id, vc->pcpu);

		for (u32 i = 0; i < l->count && n < sizeof(buf); i++) {
			n += (size_t)fmt_snprintf(
			    buf + n, sizeof(buf) - n, " %s=%llu", l->fields[i].name,
			    (unsigned long long)field_value(vm, vc, l->fields[i].classes));
		}
		mgmt_line(o, "%s", buf);
	}
}

void mgmt_stats_exits(struct mgmt_out *o)
{
	for (u32 i = 0; i < vm_count && i < CONFIG_MAX_VMS; i++) {
		for (u32 v = 0; vms[i].cfg && v < vms[i].vcpu_count && v < CONFIG_MAX_VCPUS; v++) {
			exits_lines(o, &vms[i], &vms[i].vcpus[v]);
		}
	}
}
