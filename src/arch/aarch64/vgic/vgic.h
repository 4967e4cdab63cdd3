/* SPDX-License-Identifier: MIT */
/*
 * Emulated GICv3 for one VM: distributor + one redistributor per vCPU (GICv3
 * arch spec, IHI0069), delivered through the list registers of the physical
 * CPU that runs each vCPU. The guest's CPU interface (ICC_* system registers)
 * is the hardware virtual interface; only SGI generation (ICC_SGI1R_EL1) traps.
 *
 * Model: affinity routing always on (GICD_CTLR.ARE_NS = 1, DS = 1), no LPIs,
 * every interrupt Group 1 (IGROUPR reads as one, writes ignored).
 * Locking: one spinlock per VM (vgic.lock) protects all state of that VM; list
 * registers are touched only by the physical CPU running the vCPU.
 *
 * The model (struct vgic_irq) is authoritative. A list register mirrors one
 * interrupt; while the guest runs it can only acknowledge or deactivate it, and
 * vgic_sync() folds exactly those transitions back (comparing with lr_val), so
 * changes other CPUs made to the model meanwhile are kept. vgic_init() also
 * drops pass-through assignments: call vgic_assign_hw_spi() again after it.
 */
#ifndef TESSERA_VGIC_H
#define TESSERA_VGIC_H

#include "vgic_types.h"

/* Initialises the lock, then as vgic_init: once, before anything can reach g. */
void vgic_create(struct vgic *g, struct vgic_cpu *cpus, u32 vcpu_count, const u32 *pcpus);
/* Sets everything but the lock to its reset state (VM reset): the caller guarantees that no
 * other CPU touches g meanwhile (the lifecycle protocol, vm.h), but the lock is left as
 * it is and taken, never re-initialised. */
void vgic_init(struct vgic *g, struct vgic_cpu *cpus, u32 vcpu_count, const u32 *pcpus);
/* Marks an SPI as passed through (physical INTID == virtual INTID). */
void vgic_assign_hw_spi(struct vgic *g, u32 intid);

/* MMIO emulation; off is relative to the region base. Returns false on an access the
 * guest may not make at all (the caller injects an external abort); unknown or
 * wrong-width registers are RAZ/WI and return true. */
bool vgic_dist_access(struct vgic *g, u32 vcpu, u64 off, u32 size, bool write, u64 *val);
bool vgic_redist_access(struct vgic *g, u32 vcpu, u64 off, u32 size, bool write, u64 *val);
/* The trap fast path's 32-bit accesses (off relative to the region base, any value): the
 * hot registers only, with the effect vgic_dist_access / vgic_redist_access have on them
 * (GICD ISENABLER/ICENABLER<n> and IPRIORITYR<n> stores of SPIs, TYPER and IIDR loads; GICR
 * ISENABLER0/ICENABLER0 stores without a timer PPI), in a straight line. False, with
 * nothing changed, for anything else: the caller takes the general path. The general
 * functions do not call these (one inlined copy, in the trap path); the unit test and the
 * fuzzer send word accesses here first, as trap_dabt does. */
extern bool vgic_dist_word(struct vgic *g, u64 off, bool write, u32 *val);
extern bool vgic_redist_word(struct vgic *g, u64 off, bool write, u32 *val);
/* Trapped write to ICC_SGI1R_EL1 by vCPU vcpu. An SGI to another vCPU is posted: its target
 * is marked dirty and its CPU kicked; the model has it once that CPU flushes (or anyone
 * calls vgic_drain_sgis). */
void vgic_sgi1r(struct vgic *g, u32 vcpu, u64 val);
/* Lock held: moves vCPU vcpu's posted SGIs into the model; inject: on its own CPU, straight
 * into a list register when one is free or finished with. */
void vgic_drain_sgis(struct vgic *g, u32 vcpu, bool inject);

/* Device side: edge (pulse) or level input of an SPI or of a vCPU's PPI. */
void vgic_raise(struct vgic *g, u32 vcpu, u32 intid);
void vgic_set_level(struct vgic *g, u32 vcpu, u32 intid, bool level);
/* Edge/latch of an SPI from another VM's CPU (a channel doorbell), as vgic_raise but
 * without taking the lock: the SPI is posted, its target vCPU marked dirty and its CPU
 * kicked; that CPU puts it in the model (and usually straight into a list register) on
 * its way back into the guest. An intid that is not an SPI is ignored. */
void vgic_raise_spi(struct vgic *g, u32 intid);
/* A physical HW-linked interrupt arrived for this vCPU (timer PPI, pass-through SPI). */
void vgic_hw_irq(struct vgic *g, u32 vcpu, u32 intid);

/* On the vCPU's physical CPU: fold back what the guest did to its LRs (lazily: the vGIC
 * MMIO and vgic_flush call it), refill the LRs before entry when the vCPU is dirty. */
void vgic_sync(struct vgic *g, u32 vcpu);
void vgic_flush_work(struct vgic *g, struct vgic_cpu *c, u32 vcpu);
/* Inline: on every guest entry, and usually there is nothing to do. */
static inline void vgic_flush(struct vgic *g, u32 vcpu)
{
	if (vcpu < g->vcpu_count) {
		struct vgic_cpu *c = g->cpus[vcpu];

		if (__atomic_load_n(&c->dirty, __ATOMIC_ACQUIRE) || c->overflow) {
			vgic_flush_work(g, c, vcpu);
		}
	}
}
/* The interrupt fast path, on vcpu's own CPU in its trap: private interrupt intid of vcpu
 * (a HW-linked timer PPI with set = VGIC_IRQ_HW, or an SGI with src = the sender's bit)
 * becomes pending and goes straight into a list register (a free one, or its own that the
 * guest has finished with), nothing else to do. False, with nothing changed, when anything
 * needs the general path (vgic_hw_irq, vgic_sgi1r): disabled, active, a refill due, no
 * free LR. */
extern bool vgic_lr_fast(struct vgic *g, u32 vcpu, u32 intid, u8 set, u16 src);
/* Maintenance interrupt (INTID 25) on the vCPU's physical CPU. */
void vgic_maintenance(struct vgic *g, u32 vcpu);
/* Clears LRs and deactivates HW interrupts left active; on the vCPU's CPU (reset/stop). */
void vgic_vcpu_quiesce(struct vgic *g, u32 vcpu);
/* Shared CPUs (core/sched.c). here: the vCPU's state was just restored on its CPU (its timer
 * PPIs' physical enables are set as the model has them) or is about to be saved. */
void vgic_vcpu_here(struct vgic *g, u32 vcpu, bool here);
/* Something may have become deliverable to the vCPU since its LRs were last filled. */
bool vgic_vcpu_woken(const struct vgic *g, u32 vcpu);
/* On its CPU: it has an interrupt to take (a pending LR, or a refill due): WFI returns. */
bool vgic_vcpu_pending(struct vgic *g, u32 vcpu);
/*
 * Snapshots (vgic_snap.c, docs/SNAPSHOT.md "vGIC"): a vCPU's redistributor and private
 * interrupts (VGIC_SNAP_CPU_SIZE bytes) and the distributor and SPIs (VGIC_SNAP_DIST_SIZE),
 * folded model only (list registers are rebuilt). get: into a vGIC just reset, from a
 * hostile stream: 0, or -1 with *why (nothing changed by a refused dist; a refused cpu part
 * leaves that vCPU's state as it was).
 */
void vgic_snap_cpu_put(struct vgic *g, u32 vcpu, u8 *out);
void vgic_snap_dist_put(struct vgic *g, u8 *out);
int vgic_snap_cpu_get(struct vgic *g, u32 vcpu, const u8 *in, const char **why);
int vgic_snap_dist_get(struct vgic *g, const u8 *in, const char **why);

/* Its timer PPIs (VGIC_TIMER_PPIS bits) the guest has enabled. */
u32 vgic_timer_ppis_enabled(const struct vgic *g, u32 vcpu);

#endif
