/* SPDX-License-Identifier: MIT */
/* Internals shared by vgic.c (state model, delivery) and vgic_mmio.c (registers). */
#ifndef TESSERA_VGIC_INT_H
#define TESSERA_VGIC_INT_H

#include "arch_gic.h" /* the GICv3 windows and ICH_* fields: the Arm layer's */
#include "vgic.h"

/* GICD_CTLR with DS = 1 (IHI0069 12.9.4). */
#define GICD_CTLR_EN_GRP0 BIT(0)
#define GICD_CTLR_EN_GRP1 BIT(1)
#define GICD_CTLR_ARE	  BIT(4)
#define GICD_CTLR_DS	  BIT(6)

#define VGIC_NR_IRQS (VGIC_NR_PRIVATE + VGIC_MAX_SPIS)

/* Kicks the physical CPUs of the vCPUs in the bitmap kick. */
void vgic_kick(struct vgic *g, u32 kick);

/* Under the lock: moves the SPIs posted by vgic_raise_spi() into the model. vcpu: the
 * vCPU whose list registers this CPU holds (its own, on the way into the guest), so an
 * SPI targeting it may go straight into an LR; VGIC_MAX_VCPUS for none.
 * Posted SPIs are drained by the flush of the vCPU they were posted to (which the poster
 * marked dirty and kicked) and when an SPI is re-routed (vgic_spi_route); other lock
 * holders leave them posted, as a device's edge still on its way to the distributor:
 * the hot paths (timer, SGIs, MMIO) pay nothing for them, and pend is an OR that
 * commutes with whatever they change meanwhile. */
void vgic_drain(struct vgic *g, u32 vcpu);

static inline void vgic_lock(struct vgic *g)
{
	spin_lock(&g->lock);
}

/* Releases the lock, then kicks the physical CPUs of vCPUs whose state changed. */
static inline void vgic_unlock(struct vgic *g)
{
	/* g is never NULL here (vgic_lock(g) used it). clang-analyzer wrongly ties a NULL
	 * vgic_irq_get() result, an address inside *g, to g itself (vgic_raise). */
	u32 kick = g->kick; // NOLINT(clang-analyzer-core.NullDereference)

	g->kick = 0;
	spin_unlock(&g->lock);
	if (kick) {
		vgic_kick(g, kick);
	}
}

/* The interrupt: private ones of vCPU vcpu, or an SPI; NULL when out of range. */
struct vgic_irq *vgic_irq_get(struct vgic *g, u32 vcpu, u32 intid);
/* After any change to irq (private to vcpu, or an SPI): tell the CPUs that must look. */
void vgic_irq_changed(struct vgic *g, u32 vcpu, u32 intid, struct vgic_irq *irq);
/* An interrupt just loaded from a snapshot (vgic_snap.c): as vgic_irq_changed, and one that
 * was active at the capture is marked too, so the first flush puts it back into a list
 * register (active; for a level one with its deactivation maintenance) where the guest's
 * EOI finds it. vgic_irq_changed skips an active interrupt that is in no list register
 * (not deliverable): restored so, it would stay active in the model forever, and a level
 * interrupt the guest was handling at the capture would never be delivered again. */
void vgic_irq_restored(struct vgic *g, u32 vcpu, u32 intid, struct vgic_irq *irq);
/* Makes vCPU vcpu fold its LRs and refill them (vgic_flush) before it next enters the
 * guest, kicking its CPU if that is another one: another vCPU reads the state of intid,
 * which it may hold (or intid changed). Sets intid's want bit: every reason for a dirty
 * vCPU but posted SGIs, posted SPIs and an LR overflow is in its want bitmaps. */
void vgic_request_fold(struct vgic *g, u32 vcpu, u32 intid);
/* GICD_CTLR write (EnableGrp0/1). */
void vgic_ctlr_write(struct vgic *g, u32 val);
/* GICD_IROUTER<intid> write: new target, physical routing for pass-through SPIs. */
void vgic_spi_route(struct vgic *g, u32 intid, u64 route);
/* Physical priority for a pass-through SPI (see vgic.c). */
u8 vgic_hw_prio(u8 prio);

/* Pending as the GIC sees it: latched, or a level-sensitive input that is high. */
static inline bool vgic_irq_pending(const struct vgic_irq *irq)
{
	return (irq->flags & VGIC_IRQ_PENDING) ||
	       (irq->flags & (VGIC_IRQ_LEVEL | VGIC_IRQ_EDGE)) == VGIC_IRQ_LEVEL;
}

/* Latches pending (edge, ISPENDR, SGI, HW). In an LR, remember that this edge came
 * after the LR was written, so the guest's acknowledge does not consume it. */
static inline void vgic_irq_pend(struct vgic_irq *irq)
{
	irq->flags |= VGIC_IRQ_PENDING;
	if (irq->flags & VGIC_IRQ_IN_LR) {
		irq->flags |= VGIC_IRQ_NEWEDGE;
	}
}

static inline u32 vgic_lowest_bit(u32 m)
{
	return (u32)__builtin_ctz(m);
}

static inline u32 vgic_irq_owner(const struct vgic_irq *irq, u32 vcpu, u32 intid)
{
	return intid < VGIC_NR_PRIVATE ? vcpu : irq->target;
}

/* Could go into a free LR now (4.1.1: pending, enabled, group enabled, not active). */
static inline bool vgic_irq_deliverable(const struct vgic *g, const struct vgic_irq *irq)
{
	return !(irq->flags & (VGIC_IRQ_IN_LR | VGIC_IRQ_ACTIVE)) &&
	       (irq->flags & VGIC_IRQ_ENABLED) && (g->ctlr & GICD_CTLR_EN_GRP1) &&
	       vgic_irq_pending(irq);
}

static inline void vgic_want_set(struct vgic_cpu *c, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE) {
		c->want_priv |= 1U << intid;
	} else {
		u32 n = intid - VGIC_NR_PRIVATE;
		c->want_spi[n / 32] |= 1U << (n % 32);
		c->want_spi_words |= 1U << (n / 32);
	}
}

static inline void vgic_want_clear(struct vgic_cpu *c, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE) {
		c->want_priv &= ~(1U << intid);
	} else {
		u32 n = intid - VGIC_NR_PRIVATE;
		c->want_spi[n / 32] &= ~(1U << (n % 32));
		if (!c->want_spi[n / 32]) {
			c->want_spi_words &= ~(1U << (n / 32));
		}
	}
}

/* Under the lock, on the physical CPU of vCPU vcpu (the owner of irq, just made pending):
 * writes irq straight into a list register when that is all delivery needs, reusing the
 * LR it left if the guest has finished with it. False: use vgic_irq_changed() (vgic_lr.c). */
bool vgic_lr_inject(struct vgic *g, u32 vcpu, u32 intid, struct vgic_irq *irq);

#endif
