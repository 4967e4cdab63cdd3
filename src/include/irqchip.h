/* SPDX-License-Identifier: MIT */
/*
 * A VM's emulated interrupt controller, as core sees it (docs/ARCHITECTURE.md, "The
 * interrupt controller"): what core needs of it and nothing more. The architecture
 * implements it (AArch64: the vGIC, a GICv3 model, src/arch/aarch64/vgic/irqchip.c;
 * tests/unit links the same model with the fake arch) and owns its state: struct
 * arch_irqchip (arch_types.h), embedded in struct vm as vm->irqchip, which core never
 * looks inside.
 *
 * Interrupt IDs are the controller's own numbers as the configuration gives them (a
 * pass-through device's, a channel's or a virtio link's interrupt, GUEST_UART_INTID).
 * vcpu is an index in the VM (< vm->vcpu_count). Locking and the lifecycle protocol are
 * the implementation's (vm.h): every call but create, reset and the snapshot calls may run
 * on any CPU at any time inside the protocol.
 *
 * Its guest-physical MMIO windows are the board's (layout.h): one window all vCPUs share,
 * GUEST_IRQCHIP_BASE/_SIZE (GICv3: the distributor), and one per vCPU, consecutive from
 * GUEST_IRQCHIP_CPU_BASE, GUEST_IRQCHIP_CPU_STRIDE bytes each (GICv3: a redistributor's
 * RD_base and SGI_base frames); a stride of 0 means none. core/mmio_dispatch.c decodes
 * them with constant compares (the trap fast path) and core/config_vm.c keeps a VM's
 * memory and devices off them.
 */
#ifndef TESSERA_IRQCHIP_H
#define TESSERA_IRQCHIP_H

#include "layout.h"
#include "types.h"

struct vm;

/* Once at boot, before anything can reach it: initialises its locks, then as reset. */
void irqchip_create(struct vm *vm);
/* The reset state for vm's vCPUs (vm->vcpu_count; vCPU v runs on physical CPU pcpus[v]),
 * with no interrupt passed through: irqchip_assign_hw after it. The lifecycle protocol
 * guarantees that nothing else touches it meanwhile; its lock is taken, not reinitialised. */
void irqchip_reset(struct vm *vm, const u32 *pcpus);
/* Interrupt intid is the physical device interrupt of the same number (pass-through). */
void irqchip_assign_hw(struct vm *vm, u32 intid);

/* Device side. set_level: a level-sensitive input (a shared interrupt: any vcpu; a
 * private one: vcpu's). post: an edge of a shared interrupt from another VM's CPU (a
 * channel doorbell), without taking the controller's lock; its target vCPU is marked and
 * its CPU kicked, and the interrupt is delivered on that CPU's way back into the guest.
 * An intid that is not a shared interrupt is ignored. hw: a physical interrupt assigned
 * with irqchip_assign_hw fired; it goes to the vCPU the guest routed it to. */
void irqchip_set_level(struct vm *vm, u32 vcpu, u32 intid, bool level);
void irqchip_post(struct vm *vm, u32 intid);
void irqchip_hw(struct vm *vm, u32 intid);

/* MMIO from vCPU vcpu, off relative to the window's base (the per-vCPU windows: to
 * GUEST_IRQCHIP_CPU_BASE, any vCPU's window). False on an access the guest may not make
 * at all (the caller injects an external abort); registers the model does not have are
 * RAZ/WI. word: the trap fast path's aligned 32-bit access; false, with nothing changed,
 * if it is not one of the hot registers the model does in a straight line: the caller
 * then uses access. */
bool irqchip_access(struct vm *vm, u32 vcpu, u64 off, u32 size, bool write, u64 *val);
bool irqchip_cpu_access(struct vm *vm, u32 vcpu, u64 off, u32 size, bool write, u64 *val);
bool irqchip_word(struct vm *vm, u64 off, bool write, u32 *val);
bool irqchip_cpu_word(struct vm *vm, u64 off, bool write, u32 *val);

/* On the vCPU's own CPU (core/sched.c, core/gdb.c). flush: before entering the guest,
 * puts what became deliverable into the hardware (usually nothing to do). here: on a
 * shared CPU, its state was just restored (true) or is about to be saved (false).
 * pending: it has an interrupt to take, so a WFI returns at once. sync: folds what the
 * guest did to the hardware's copy back into the model (before a snapshot). */
void irqchip_flush(struct vm *vm, u32 vcpu);
void irqchip_vcpu_here(struct vm *vm, u32 vcpu, bool here);
bool irqchip_vcpu_pending(struct vm *vm, u32 vcpu);
void irqchip_sync(struct vm *vm, u32 vcpu);
/* Any CPU: something may have become deliverable to the vCPU since it last entered. */
bool irqchip_vcpu_woken(const struct vm *vm, u32 vcpu);
/* The vCPU's timer interrupts its guest has enabled, as arch_vcpu_timer_deadline takes
 * them (opaque to core). */
u32 irqchip_timers_enabled(const struct vm *vm, u32 vcpu);
/* Interrupts put into the vCPU's hardware by C (`stats`: injected); read racily. */
u64 irqchip_injected(const struct vm *vm, u32 vcpu);

/*
 * Snapshots (docs/SNAPSHOT.md): a vCPU's part (IRQCHIP_SNAP_CPU_SIZE bytes) and the shared
 * part (IRQCHIP_SNAP_SIZE), both defined by arch_types.h; the model only, folded
 * (irqchip_sync first). get: into a controller just reset, from a hostile stream: 0, or
 * -1 with *why (a refused shared part changes nothing; a refused vCPU part leaves that
 * vCPU's state as it was).
 */
void irqchip_snap_cpu_put(struct vm *vm, u32 vcpu, u8 *out);
void irqchip_snap_put(struct vm *vm, u8 *out);
int irqchip_snap_cpu_get(struct vm *vm, u32 vcpu, const u8 *in, const char **why);
int irqchip_snap_get(struct vm *vm, const u8 *in, const char **why);

#endif
