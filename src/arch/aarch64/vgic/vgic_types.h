/* SPDX-License-Identifier: MIT */
/*
 * The vGIC's data types only (struct vgic and its parts), for arch_types.h: core embeds a
 * VM's interrupt-controller state by value but calls it only through irqchip.h. Keeping the
 * vgic_* functions out of this header makes a direct call from core or vdev fail to compile
 * (-Werror=implicit-function-declaration). The model itself is described in vgic.h.
 */
#ifndef TESSERA_VGIC_TYPES_H
#define TESSERA_VGIC_TYPES_H

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

/* Sizes of a snapshot's vGIC parts (vgic.h, vgic_snap.c): a vCPU's redistributor and
 * private interrupts, and the distributor with its SPIs. */
#define VGIC_SNAP_CPU_SIZE  (8U + 4U * VGIC_NR_PRIVATE)
#define VGIC_SNAP_DIST_SIZE (8U + 10U * VGIC_MAX_SPIS)

#endif
