/* SPDX-License-Identifier: MIT */
/*
 * Core's interrupt-controller interface (irqchip.h) for AArch64: the VM's vGIC, the GICv3
 * model of this directory. Each call forwards to the model; the ones on the trap and entry
 * paths are inlined into core's callers by link-time optimisation (Makefile HOT_C), so the
 * interface costs those paths nothing.
 */
#include "irqchip.h"
#include "arch_gic.h"
#include "vgic.h"
#include "vm.h"
#include "lib.h"

_Static_assert(GUEST_GICD_BASE == GUEST_IRQCHIP_BASE && GUEST_GICD_SIZE == GUEST_IRQCHIP_SIZE &&
		   GUEST_GICR_BASE == GUEST_IRQCHIP_CPU_BASE &&
		   GUEST_GICR_STRIDE == GUEST_IRQCHIP_CPU_STRIDE,
	       "the board's interrupt-controller windows are the vGIC's");

BOOT_ONLY void irqchip_create(struct vm *vm)
{
	vgic_create(&vm->irqchip.vgic, vm->irqchip.cpus, 0, NULL);
}

void irqchip_reset(struct vm *vm, const u32 *pcpus)
{
	vgic_init(&vm->irqchip.vgic, vm->irqchip.cpus, vm->vcpu_count, pcpus);
}

void irqchip_assign_hw(struct vm *vm, u32 intid)
{
	vgic_assign_hw_spi(&vm->irqchip.vgic, intid);
}

void irqchip_set_level(struct vm *vm, u32 vcpu, u32 intid, bool level)
{
	vgic_set_level(&vm->irqchip.vgic, vcpu, intid, level);
}

void irqchip_post(struct vm *vm, u32 intid)
{
	vgic_raise_spi(&vm->irqchip.vgic, intid);
}

/* A pass-through SPI: to the vCPU its GICD_IROUTER names now (read racily: a re-route
 * meanwhile moves the physical routing too, vgic_spi_route). */
void irqchip_hw(struct vm *vm, u32 intid)
{
	struct vgic *g = &vm->irqchip.vgic;

	if (intid < VGIC_NR_PRIVATE || intid >= VGIC_NR_PRIVATE + VGIC_MAX_SPIS) {
		return;
	}
	vgic_hw_irq(g, __atomic_load_n(&g->spi[intid - VGIC_NR_PRIVATE].target, __ATOMIC_RELAXED),
		    intid);
}

bool irqchip_access(struct vm *vm, u32 vcpu, u64 off, u32 size, bool write, u64 *val)
{
	return vgic_dist_access(&vm->irqchip.vgic, vcpu, off, size, write, val);
}

bool irqchip_cpu_access(struct vm *vm, u32 vcpu, u64 off, u32 size, bool write, u64 *val)
{
	return vgic_redist_access(&vm->irqchip.vgic, vcpu, off, size, write, val);
}

bool irqchip_word(struct vm *vm, u64 off, bool write, u32 *val)
{
	return vgic_dist_word(&vm->irqchip.vgic, off, write, val);
}

bool irqchip_cpu_word(struct vm *vm, u64 off, bool write, u32 *val)
{
	return vgic_redist_word(&vm->irqchip.vgic, off, write, val);
}

void irqchip_flush(struct vm *vm, u32 vcpu)
{
	vgic_flush(&vm->irqchip.vgic, vcpu);
}

void irqchip_vcpu_here(struct vm *vm, u32 vcpu, bool here)
{
	vgic_vcpu_here(&vm->irqchip.vgic, vcpu, here);
}

bool irqchip_vcpu_pending(struct vm *vm, u32 vcpu)
{
	return vgic_vcpu_pending(&vm->irqchip.vgic, vcpu);
}

void irqchip_sync(struct vm *vm, u32 vcpu)
{
	vgic_sync(&vm->irqchip.vgic, vcpu);
}

bool irqchip_vcpu_woken(const struct vm *vm, u32 vcpu)
{
	return vgic_vcpu_woken(&vm->irqchip.vgic, vcpu);
}

u32 irqchip_timers_enabled(const struct vm *vm, u32 vcpu)
{
	return vgic_timer_ppis_enabled(&vm->irqchip.vgic, vcpu);
}

u64 irqchip_injected(const struct vm *vm, u32 vcpu)
{
	return __atomic_load_n(&vm->irqchip.cpus[vcpu].injected, __ATOMIC_RELAXED);
}

void irqchip_snap_cpu_put(struct vm *vm, u32 vcpu, u8 *out)
{
	vgic_snap_cpu_put(&vm->irqchip.vgic, vcpu, out);
}

void irqchip_snap_put(struct vm *vm, u8 *out)
{
	vgic_snap_dist_put(&vm->irqchip.vgic, out);
}

int irqchip_snap_cpu_get(struct vm *vm, u32 vcpu, const u8 *in, const char **why)
{
	return vgic_snap_cpu_get(&vm->irqchip.vgic, vcpu, in, why);
}

int irqchip_snap_get(struct vm *vm, const u8 *in, const char **why)
{
	return vgic_snap_dist_get(&vm->irqchip.vgic, in, why);
}
