/* SPDX-License-Identifier: MIT */
/*
 * The vGIC's part of a snapshot (docs/SNAPSHOT.md "vGIC"): the interrupt model, not the
 * list registers. A capture runs after the vCPUs' CPUs folded their list registers back
 * (vgic_sync), so the model holds everything the guest did; a restore loads the model into
 * a vGIC just reset (vgic_init) and the first flush puts into list registers what is
 * pending or active. Every value from a stream is checked: unknown flags, a hardware link
 * other than a timer PPI's, a route or SGI source naming no vCPU of the VM are refused.
 */
#include "vgic_int.h"
#include "lib.h"

#define SNAP_FLAGS   (VGIC_IRQ_ENABLED | VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE)
#define WAKER_ASLEEP 0x6U /* GICR_WAKER.ProcessorSleep | ChildrenAsleep */

void vgic_snap_cpu_put(struct vgic *g, u32 vcpu, u8 *out)
{
	const struct vgic_cpu *c = g->cpus[vcpu];

	vgic_lock(g);
	vgic_drain_sgis(g, vcpu, false); /* posted SGIs into the model */
	le32_store(out, c->waker);
	le32_store(out + 4, 0);
	for (u32 i = 0; i < VGIC_NR_PRIVATE; i++) {
		const struct vgic_irq *irq = &c->priv[i];
		u8 *r = out + 8 + 4 * i;

		r[0] = irq->flags & (SNAP_FLAGS | VGIC_IRQ_HW);
		r[1] = irq->prio;
		r[2] = (u8)irq->sgi_src;
		r[3] = (u8)(irq->sgi_src >> 8);
	}
	vgic_unlock(g);
}

void vgic_snap_dist_put(struct vgic *g, u8 *out)
{
	vgic_lock(g);
	vgic_drain(g, VGIC_MAX_VCPUS); /* posted doorbells into the model */
	le32_store(out, g->ctlr);
	le32_store(out + 4, g->vcpu_count);
	for (u32 n = 0; n < VGIC_MAX_SPIS; n++) {
		u8 *r = out + 8 + 10 * n;

		r[0] = g->spi[n].flags & (SNAP_FLAGS | VGIC_IRQ_EDGE);
		r[1] = g->spi[n].prio;
		le64_store(r + 2, g->spi_route[n]);
	}
	vgic_unlock(g);
}

int vgic_snap_cpu_get(struct vgic *g, u32 vcpu, const u8 *in, const char **why)
{
	struct vgic_cpu *c;
	u32 waker = le32_load(in);
	u16 all = (u16)((1U << g->vcpu_count) - 1);

	if (vcpu >= g->vcpu_count || (waker != 0 && waker != WAKER_ASLEEP) || le32_load(in + 4)) {
		*why = "redistributor state out of range";
		return -1;
	}
	for (u32 i = 0; i < VGIC_NR_PRIVATE; i++) {
		const u8 *r = in + 8 + 4 * i;
		u8 hw = (VGIC_TIMER_PPIS & (1U << i)) ? VGIC_IRQ_HW : 0;
		u16 src = le16_load(r + 2);

		if ((r[0] & ~(SNAP_FLAGS | hw)) || (src & ~all) || (i >= 16 && src)) {
			*why = "private interrupt state out of range";
			return -1;
		}
	}
	c = g->cpus[vcpu];
	vgic_lock(g);
	c->waker = waker;
	for (u32 i = 0; i < VGIC_NR_PRIVATE; i++) {
		const u8 *r = in + 8 + 4 * i;
		struct vgic_irq *irq = &c->priv[i];

		/* A timer PPI's pending and active states are the physical timer's: its line
		 * re-asserts while the restored timer condition holds, and an interrupt the guest
		 * was handling only needs its active priority (ICH_AP1R, in the vCPU state). A
		 * hardware link without the physical active state would block the timer. */
		irq->flags =
		    (u8)((irq->flags & VGIC_IRQ_EDGE) |
			 ((VGIC_TIMER_PPIS & (1U << i)) ? (r[0] & VGIC_IRQ_ENABLED) : r[0]));
		irq->prio = r[1];
		irq->sgi_src = le16_load(r + 2);
		vgic_irq_restored(g, vcpu, i, irq);
	}
	vgic_unlock(g);
	return 0;
}

int vgic_snap_dist_get(struct vgic *g, const u8 *in, const char **why)
{
	u32 ctlr = le32_load(in);

	if (ctlr & ~(GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1) || le32_load(in + 4) != g->vcpu_count) {
		*why = "distributor state out of range";
		return -1;
	}
	for (u32 n = 0; n < VGIC_MAX_SPIS; n++) {
		if (in[8 + 10 * n] & ~(SNAP_FLAGS | VGIC_IRQ_EDGE)) {
			*why = "SPI state out of range";
			return -1;
		}
	}
	vgic_lock(g);
	vgic_ctlr_write(g, ctlr);
	for (u32 n = 0; n < VGIC_MAX_SPIS; n++) {
		const u8 *r = in + 8 + 10 * n;

		g->spi[n].flags = (u8)((g->spi[n].flags & VGIC_IRQ_HW) | r[0]);
		g->spi[n].prio = r[1];
		/* The target comes from the route, as for a guest's IROUTER write: always a vCPU
		 * of this VM. */
		vgic_spi_route(g, VGIC_NR_PRIVATE + n, le64_load(r + 2));
		/* Pending or active: its owner's first flush puts it into a list register. */
		vgic_irq_restored(g, 0, VGIC_NR_PRIVATE + n, &g->spi[n]);
	}
	vgic_unlock(g);
	return 0;
}
