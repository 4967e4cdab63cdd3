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

#include "config.h"
#include "spinlock.h"
#include "types.h"

#define VGIC_NR_PRIVATE 32
#define VGIC_MAX_SPIS	256 /* INTIDs 32 .. 287 */
#define VGIC_MAX_LRS	16
#define VGIC_MAX_VCPUS	CONFIG_MAX_VCPUS /* one vGIC CPU per vCPU a config may give a VM */
_Static_assert(CONFIG_MAX_INTID + 1 - VGIC_NR_PRIVATE == VGIC_MAX_SPIS,
	       "the config accepts exactly the SPIs the vGIC models");

/* Per-interrupt flags. */
#define VGIC_IRQ_ENABLED 0x01
#define VGIC_IRQ_PENDING 0x02 /* latched pending (edge, or set by ISPENDR/SGI) */
#define VGIC_IRQ_LEVEL	 0x04 /* input line high (level-sensitive sources) */
#define VGIC_IRQ_ACTIVE	 0x08
#define VGIC_IRQ_EDGE	 0x10 /* ICFGR: edge-triggered */
#define VGIC_IRQ_HW	 0x20 /* linked to the physical INTID of the same number */
#define VGIC_IRQ_IN_LR	 0x40
#define VGIC_IRQ_NEWEDGE 0x80 /* an edge arrived while in an LR: survives the guest's ack */

/* vgic_irq.ops: work for the CPU that owns the interrupt's list register. */
#define VGIC_OP_DEACT 0x01 /* deactivate the physical interrupt (HW, dropped by the guest) */

#define VGIC_NO_LR 0xff

/* The virtual (27) and EL1 physical (30) timer PPIs: level-sensitive, hardware-linked to
 * the same INTID of the vCPU's own CPU. Their enable is mirrored to that CPU's
 * redistributor, so while the guest has one disabled the physical GIC holds its pending
 * state, which then follows the timer's output as on hardware. */
#define VGIC_TIMER_PPIS ((1U << 27) | (1U << 30))

struct vgic_irq {
	u8 flags;
	u8 prio;
	u8 target;   /* SPIs: vCPU index from GICD_IROUTER */
	u8 lr;	     /* list register holding it, or VGIC_NO_LR */
	u16 sgi_src; /* SGIs: bitmap of source vCPUs still to deliver */
	u8 lr_vcpu;  /* vCPU whose list register holds it (valid with VGIC_IRQ_IN_LR) */
	u8 ops;	     /* VGIC_OP_* */
};

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIVATE];
	u32 vcpu_id;
	u32 pcpu; /* physical CPU that runs this vCPU */
	u32 waker;
	u32 ctlr;
	bool dirty; /* state changed: LRs must be refilled before entering the guest */
	/* Its CPU is shared and another vCPU is there now: its list registers and timer PPI
	 * enables are saved (arch_vcpu_save), not in the hardware. Kept by vgic_init. */
	bool away;
	u32 lr_intid[VGIC_MAX_LRS];
	/* Owned by the vCPU's physical CPU (list register bookkeeping). */
	u32 lr_used;		  /* bit n: LR n holds lr_intid[n] */
	u64 lr_val[VGIC_MAX_LRS]; /* value last written to / read back from LR n */
	bool overflow;		  /* deliverable interrupts did not fit: ICH_HCR_EL2.UIE wanted */
	bool uie;		  /* UIE as last written */
	/* Under vgic.lock: interrupts flush must look at (private, SPIs routed here). */
	u32 want_priv;
	u32 want_spi[VGIC_MAX_SPIS / 32];
	u32 want_spi_words; /* bit w: want_spi[w] != 0 (flush skips empty words) */
	/* Interrupts put into this vCPU's list registers as pending by C (`stats`: injected,
	 * with vectors.S's timer injections: vcpu.irq_slow). Owned by its CPU, like the LRs. */
	u64 injected;
	/* SGIs from the VM's other vCPUs, posted without the lock (vgic_sgi1r): bit n of
	 * posted_sgis says posted_src[n] (source vCPUs) may be non-zero. Its CPU moves them
	 * into the model, usually straight into a list register, in its flush. */
	u32 posted_sgis;
	u16 posted_src[16];
};

struct vgic {
	spinlock_t lock;
	u32 ctlr;
	u32 vcpu_count;
	struct vgic_cpu *cpus[VGIC_MAX_VCPUS];
	struct vgic_irq spi[VGIC_MAX_SPIS];
	u64 spi_route[VGIC_MAX_SPIS]; /* GICD_IROUTER as written */
	u32 kick;		      /* vCPUs to kick once the lock is released */
	/* SPIs raised by vgic_raise_spi() without the lock, not yet in the model: bit n of
	 * raised[w] is SPI 32 + 32w + n; bit w of raised_words: raised[w] may be non-zero.
	 * Whoever next takes the lock moves them into the model (vgic_drain, vgic_int.h). */
	u32 raised[VGIC_MAX_SPIS / 32];
	u32 raised_words;
};

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
#define VGIC_SNAP_CPU_SIZE  (8U + 4U * VGIC_NR_PRIVATE)
#define VGIC_SNAP_DIST_SIZE (8U + 10U * VGIC_MAX_SPIS)
void vgic_snap_cpu_put(struct vgic *g, u32 vcpu, u8 *out);
void vgic_snap_dist_put(struct vgic *g, u8 *out);
int vgic_snap_cpu_get(struct vgic *g, u32 vcpu, const u8 *in, const char **why);
int vgic_snap_dist_get(struct vgic *g, const u8 *in, const char **why);

/* Its timer PPIs (VGIC_TIMER_PPIS bits) the guest has enabled. */
u32 vgic_timer_ppis_enabled(const struct vgic *g, u32 vcpu);

#endif
