/* SPDX-License-Identifier: MIT */
/*
 * Emulated GICv3: the interrupt state model, its inputs (devices, HW-linked
 * interrupts, SGIs) and routing (GICv3 arch spec IHI0069: 4.1 interrupt life
 * cycle, 12.9.22 GICD_IROUTER, 12.2.23 ICC_SGI1R_EL1). Register emulation is in
 * vgic_mmio.c, the list registers (vgic_sync/vgic_flush) in vgic_lr.c.
 *
 * Flow: anything that changes an interrupt calls vgic_irq_changed(), which sets
 * the interrupt's bit in the 'want' bitmaps of the vCPU(s) concerned, marks them
 * dirty and, for a vCPU on another physical CPU, queues a kick (sent after the
 * lock is dropped). On its own CPU, vgic_sync() folds the guest's acknowledge and
 * deactivate transitions back from the LRs, lazily: before the vCPU's own vGIC MMIO
 * and inside vgic_flush(), which runs before entry only for a dirty vCPU and looks
 * only at 'want' interrupts. A HW PPI or self-SGI arriving on the vCPU's own CPU
 * goes straight into a list register (vgic_lr_inject), so the hot paths (timer,
 * self-IPI, hypercalls, most MMIO) never fold or flush.
 */
#include "vgic_int.h"
#include "arch.h"
#include "lib.h"

#define GICR_WAKER_PS BIT(1)
#define GICR_WAKER_CA BIT(2)
#define HW_PRIO_FLOOR 0xa0 /* hypervisor IPI is 0x80: guests never outrank it */

void vgic_kick(struct vgic *g, u32 kick)
{
	for (; kick; kick &= kick - 1) {
		arch_cpu_kick(g->cpus[vgic_lowest_bit(kick)]->pcpu);
	}
}

struct vgic_irq *vgic_irq_get(struct vgic *g, u32 vcpu, u32 intid)
{
	if (intid < VGIC_NR_PRIVATE) {
		return vcpu < g->vcpu_count ? &g->cpus[vcpu]->priv[intid] : NULL;
	}
	if (intid < VGIC_NR_IRQS) {
		return &g->spi[intid - VGIC_NR_PRIVATE];
	}
	return NULL;
}

u8 vgic_hw_prio(u8 prio)
{
	return prio < HW_PRIO_FLOOR ? HW_PRIO_FLOOR : prio;
}

void vgic_request_fold(struct vgic *g, u32 vcpu, u32 intid)
{
	struct vgic_cpu *c = g->cpus[vcpu];

	/* The want bit too: a dirty vCPU with nothing wanted, raised or overflowing has only
	 * posted SGIs to take, which vectors.S's kick path does without folding. */
	vgic_want_set(c, intid);
	__atomic_store_n(&c->dirty, true, __ATOMIC_RELEASE);
	if (c->pcpu != arch_cpu_current()) {
		g->kick |= 1U << vcpu;
	}
}

static void mark(struct vgic *g, u32 vcpu, u32 intid)
{
	vgic_request_fold(g, vcpu, intid);
}

void vgic_irq_changed(struct vgic *g, u32 vcpu, u32 intid, struct vgic_irq *irq)
{
	u32 owner = vgic_irq_owner(irq, vcpu, intid);

	if (owner >= g->vcpu_count) {
		return;
	}
	if (!(irq->flags & VGIC_IRQ_IN_LR) && !irq->ops && !vgic_irq_deliverable(g, irq)) {
		return; /* nothing for any CPU to do; it is looked at when it becomes deliverable */
	}
	if ((irq->flags & VGIC_IRQ_IN_LR) && irq->lr_vcpu != owner &&
	    irq->lr_vcpu < g->vcpu_count) {
		mark(g, irq->lr_vcpu, intid); /* SPI re-routed while in another vCPU's LR */
	}
	mark(g, owner, intid);
}

void vgic_irq_restored(struct vgic *g, u32 vcpu, u32 intid, struct vgic_irq *irq)
{
	u32 owner = vgic_irq_owner(irq, vcpu, intid);

	if ((irq->flags & VGIC_IRQ_ACTIVE) && owner < g->vcpu_count) {
		mark(g, owner, intid);
		return;
	}
	vgic_irq_changed(g, vcpu, intid, irq);
}

static void changed_all(struct vgic *g)
{
	for (u32 v = 0; v < g->vcpu_count; v++) {
		for (u32 i = 0; i < VGIC_NR_PRIVATE; i++) {
			vgic_irq_changed(g, v, i, &g->cpus[v]->priv[i]);
		}
	}
	for (u32 i = 0; i < VGIC_MAX_SPIS; i++) {
		vgic_irq_changed(g, 0, VGIC_NR_PRIVATE + i, &g->spi[i]);
	}
}

void vgic_ctlr_write(struct vgic *g, u32 val)
{
	u32 old = g->ctlr;

	g->ctlr = val & (GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1);
	if ((old ^ g->ctlr) & GICD_CTLR_EN_GRP1) {
		changed_all(g);
	}
}

/* IROUTER (12.9.22): Aff0 selects the vCPU. IRM = 1 (1 of N, not offered: GICD_TYPER.No1N)
 * or an affinity naming no vCPU of this VM deliver to vCPU 0, so no SPI is ever lost. */
static u32 route_target(const struct vgic *g, u64 route)
{
	u32 aff0 = (u32)(route & 0xff);

	if ((route & BIT(31)) || ((route >> 8) & 0xffff) || ((route >> 32) & 0xff)) {
		return 0;
	}
	return aff0 < g->vcpu_count ? aff0 : 0;
}

void vgic_spi_route(struct vgic *g, u32 intid, u64 route)
{
	struct vgic_irq *irq;
	u32 n = intid - VGIC_NR_PRIVATE;

	if (intid < VGIC_NR_PRIVATE || n >= VGIC_MAX_SPIS || !g->vcpu_count) {
		return;
	}
	irq = &g->spi[n];
	g->spi_route[n] = route & (0xff00000000ULL | BIT(31) | 0xffffffULL);
	/* A poster (vgic_raise_spi) posts, then reads the target to kick; this stores the
	 * target, then looks for posts. Both sides sequentially consistent (store-buffer
	 * pattern): either the poster sees the new target, or this drain sees the post and
	 * vgic_irq_changed() hands it to the new target. None is left with a vCPU that may
	 * never run again (one being taken offline is re-routed first). */
	__atomic_store_n(&irq->target, (u8)route_target(g, route), __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&g->raised_words, __ATOMIC_SEQ_CST)) {
		vgic_drain(g, VGIC_MAX_VCPUS);
	}
	if (irq->flags & VGIC_IRQ_HW) {
		arch_gic_irq_route(intid, g->cpus[irq->target]->pcpu);
	}
	vgic_irq_changed(g, 0, intid, irq);
}

_Static_assert(__builtin_offsetof(struct vgic, lock) == 0, "vgic_init skips the lock at the start");

void vgic_create(struct vgic *g, struct vgic_cpu *cpus, u32 vcpu_count, const u32 *pcpus)
{
	spin_init(&g->lock);
	vgic_init(g, cpus, vcpu_count, pcpus);
}

void vgic_init(struct vgic *g, struct vgic_cpu *cpus, u32 vcpu_count, const u32 *pcpus)
{
	/* Everything but the lock: a lock is initialised once, when nothing can reach it
	 * (vgic_create); re-initialising one that another CPU holds corrupts it. Held here
	 * so that a caller who broke the lifecycle protocol serialises instead of racing. */
	spin_lock(&g->lock);
	memset((u8 *)g + sizeof(g->lock), 0, sizeof(*g) - sizeof(g->lock));
	if (!cpus) {
		vcpu_count = 0;
	}
	g->vcpu_count = MIN(vcpu_count, (u32)VGIC_MAX_VCPUS);
	for (u32 v = 0; v < g->vcpu_count; v++) {
		struct vgic_cpu *c = &cpus[v];
		bool away = c->away;	    /* the scheduler's, not the model's */
		u64 injected = c->injected; /* a statistic since boot */

		memset(c, 0, sizeof(*c));
		c->away = away;
		c->injected = injected;
		c->vcpu_id = v;
		c->pcpu = pcpus ? pcpus[v] : v;
		c->waker = GICR_WAKER_PS | GICR_WAKER_CA; /* asleep until the guest wakes it */
		for (u32 i = 0; i < VGIC_NR_PRIVATE; i++) {
			c->priv[i].lr = VGIC_NO_LR;
			/* SGIs are always edge-triggered (GICR_ICFGR0 is read-only). */
			c->priv[i].flags = i < 16 ? VGIC_IRQ_EDGE : 0;
		}
		g->cpus[v] = c;
	}
	for (u32 i = 0; i < VGIC_MAX_SPIS; i++) {
		g->spi[i].lr = VGIC_NO_LR;
	}
	spin_unlock(&g->lock);
}

void vgic_assign_hw_spi(struct vgic *g, u32 intid)
{
	struct vgic_irq *irq;

	if (intid < VGIC_NR_PRIVATE || intid >= VGIC_NR_IRQS || !g->vcpu_count) {
		return;
	}
	vgic_lock(g);
	irq = &g->spi[intid - VGIC_NR_PRIVATE];
	irq->flags |= VGIC_IRQ_HW;
	/* The physical side follows the model: disabled until the guest enables it. */
	arch_gic_irq_enable(intid, (irq->flags & VGIC_IRQ_ENABLED) != 0);
	arch_gic_irq_priority(intid, vgic_hw_prio(irq->prio));
	arch_gic_irq_route(intid, g->cpus[irq->target]->pcpu);
	vgic_unlock(g);
}

/* ---- device side ---- */

void vgic_raise(struct vgic *g, u32 vcpu, u32 intid)
{
	struct vgic_irq *irq;

	vgic_lock(g);
	irq = vgic_irq_get(g, vcpu, intid);
	if (irq) {
		vgic_irq_pend(irq);
		vgic_irq_changed(g, vcpu, intid, irq);
	}
	vgic_unlock(g);
}

void vgic_raise_spi(struct vgic *g, u32 intid)
{
	u32 n = intid - VGIC_NR_PRIVATE, t;
	struct vgic_cpu *c;

	if (intid < VGIC_NR_PRIVATE || n >= VGIC_MAX_SPIS || !g->vcpu_count) {
		return;
	}
	/* Post the SPI: its word first, then the summary bit, with release so that a drain
	 * which sees the summary bit (acquire) also sees the word's bit. */
	__atomic_fetch_or(&g->raised[n / 32], 1U << (n % 32), __ATOMIC_RELAXED);
	__atomic_fetch_or(&g->raised_words, 1U << (n / 32), __ATOMIC_SEQ_CST);
	/* The target as last routed, read without the lock. Sequentially consistent with
	 * the post above and with vgic_spi_route's store-then-drain: a concurrent re-route
	 * either is seen here or drains this post itself. A stale target that is kicked
	 * anyway drains every posted SPI and hands each to its owner (vgic_irq_changed).
	 * Release on dirty: the flush that reads it with acquire (vgic_flush) sees the
	 * posted bits. */
	t = __atomic_load_n(&g->spi[n].target, __ATOMIC_SEQ_CST);
	c = g->cpus[t < g->vcpu_count ? t : 0];
	__atomic_store_n(&c->dirty, true, __ATOMIC_RELEASE);
	if (c->pcpu != arch_cpu_current()) {
		arch_cpu_kick(c->pcpu); /* dsb first: the posted bits and dirty are visible */
	}
}

void vgic_drain(struct vgic *g, u32 vcpu)
{
	/* Summary first, then each word (the reverse of the poster's order): a bit posted
	 * meanwhile is either taken now or left with its summary bit set for the next one. */
	u32 words = __atomic_exchange_n(&g->raised_words, 0, __ATOMIC_ACQUIRE);

	for (; words; words &= words - 1) {
		u32 w = vgic_lowest_bit(words);
		u32 m =
		    __atomic_exchange_n(&g->raised[w % (VGIC_MAX_SPIS / 32)], 0, __ATOMIC_ACQUIRE);

		for (; m; m &= m - 1) {
			u32 n = (w % (VGIC_MAX_SPIS / 32)) * 32 + vgic_lowest_bit(m);
			u32 intid = VGIC_NR_PRIVATE + n;
			struct vgic_irq *irq = &g->spi[n];

			vgic_irq_pend(irq);
			/* Its own vCPU on this CPU: usually straight into a (free or finished) LR,
			 * with no pass over the 'want' bitmaps. */
			if (irq->target != vcpu || !vgic_lr_inject(g, vcpu, intid, irq)) {
				vgic_irq_changed(g, vcpu, intid, irq);
			}
		}
	}
}

void vgic_set_level(struct vgic *g, u32 vcpu, u32 intid, bool level)
{
	struct vgic_irq *irq;

	/* An SPI whose line is already at that level (the common case: a vPL011 reports its
	 * line after every access) needs no lock: the answer is the one the lock would give,
	 * as if this came just before any change another CPU is making (that one is made
	 * under the lock and wins either way). Only set_level changes the LEVEL bit. */
	if (intid >= VGIC_NR_PRIVATE && intid < VGIC_NR_IRQS &&
	    ((__atomic_load_n(&g->spi[intid - VGIC_NR_PRIVATE].flags, __ATOMIC_RELAXED) &
	      VGIC_IRQ_LEVEL) != 0) == level) {
		return;
	}
	vgic_lock(g);
	irq = intid >= 16 ? vgic_irq_get(g, vcpu, intid) : NULL; /* SGIs have no line */
	if (irq && ((irq->flags & VGIC_IRQ_LEVEL) != 0) != level) {
		if (level) {
			irq->flags |= VGIC_IRQ_LEVEL;
			if (irq->flags & VGIC_IRQ_EDGE) {
				vgic_irq_pend(irq); /* rising edge */
			}
		} else {
			irq->flags &= (u8)~VGIC_IRQ_LEVEL;
		}
		vgic_irq_changed(g, vcpu, intid, irq);
	}
	vgic_unlock(g);
}

void vgic_hw_irq(struct vgic *g, u32 vcpu, u32 intid)
{
	struct vgic_irq *irq = NULL;

	vgic_lock(g);
	if (intid >= 16 && intid < VGIC_NR_PRIVATE) {
		irq = vgic_irq_get(g, vcpu, intid);
		if (irq) {
			irq->flags |= VGIC_IRQ_HW; /* e.g. the virtual timer PPI */
			vgic_irq_pend(irq);
			/* A PPI arrives on its running vCPU's CPU: usually straight to an LR. */
			if (!vgic_lr_inject(g, vcpu, intid, irq)) {
				vgic_irq_changed(g, vcpu, intid, irq);
			}
			vgic_unlock(g);
			return;
		}
	} else if (intid >= VGIC_NR_PRIVATE && intid < VGIC_NR_IRQS &&
		   (g->spi[intid - VGIC_NR_PRIVATE].flags & VGIC_IRQ_HW)) {
		irq = &g->spi[intid - VGIC_NR_PRIVATE];
	}
	if (irq) {
		vgic_irq_pend(irq);
		vgic_irq_changed(g, vcpu, intid, irq);
	}
	vgic_unlock(g);
	if (!irq && intid >= 16 && intid < 1020) {
		/* Nobody will deactivate it through an LR: do not leave it stuck active. */
		arch_gic_irq_deactivate(intid);
	}
}

/* SGI intid from vCPU src to vCPU t of the same VM (the sender's own trap: no access
 * section), without the lock: source, then summary bit, then dirty (release: the flush that
 * reads it with acquire sees the posts), then its CPU kicked. A vGIC reset clears the
 * posts with the rest (vgic_init, every vCPU parked), so none reaches the new run. */
static void sgi_post(struct vgic *g, u32 t, u32 intid, u32 src)
{
	struct vgic_cpu *c = g->cpus[t];

	__atomic_fetch_or(&c->posted_src[intid], (u16)(1U << src), __ATOMIC_RELAXED);
	__atomic_fetch_or(&c->posted_sgis, 1U << intid, __ATOMIC_RELEASE);
	__atomic_store_n(&c->dirty, true, __ATOMIC_RELEASE);
	if (c->pcpu != arch_cpu_current()) {
		arch_cpu_kick(c->pcpu); /* dsb first: the posts and dirty are visible */
	}
}

/* ICC_SGI1R_EL1 (12.2.23): TargetList [15:0], Aff1 [23:16], INTID [27:24], Aff2 [39:32],
 * IRM [40], RS [47:44], Aff3 [55:48]. vCPU n has affinity 0.0.0.n. */
void vgic_sgi1r(struct vgic *g, u32 vcpu, u64 val)
{
	u32 intid = (u32)(val >> 24) & 0xf;
	u32 targets = 0;

	if (vcpu >= g->vcpu_count) {
		return;
	}
	if (val & BIT(40)) {
		targets = ((1U << g->vcpu_count) - 1) & ~(1U << vcpu);
	} else if (!((val >> 16) & 0xff) && !((val >> 32) & 0xff) && !((val >> 48) & 0xff) &&
		   !((val >> 44) & 0xf)) {
		/* RS must be 0 (GICD_TYPER.RSS = 0); targets beyond our vCPUs are ignored. */
		targets = (u32)(val & 0xffff) & ((1U << g->vcpu_count) - 1);
	}
	if (!targets) {
		return;
	}
	/* A self-SGI on the sender's own CPU (always, from its trap): usually straight into
	 * an LR without the general path (vgic_lr_fast). */
	if (targets == 1U << vcpu && g->cpus[vcpu]->pcpu == arch_cpu_current() &&
	    vgic_lr_fast(g, vcpu, intid, 0, (u16)(1U << vcpu))) {
		return;
	}
	for (u32 m = targets & ~(1U << vcpu); m; m &= m - 1) {
		sgi_post(g, vgic_lowest_bit(m), intid, vcpu);
	}
	if (targets & (1U << vcpu)) {
		struct vgic_irq *irq = &g->cpus[vcpu]->priv[intid];

		vgic_lock(g);
		vgic_irq_pend(irq);
		irq->sgi_src |= (u16)(1U << vcpu);
		if (!vgic_lr_inject(g, vcpu, intid, irq)) {
			vgic_irq_changed(g, vcpu, intid, irq);
		}
		vgic_unlock(g);
	}
}

void vgic_drain_sgis(struct vgic *g, u32 vcpu, bool inject)
{
	struct vgic_cpu *c = g->cpus[vcpu];
	/* Summary first, then each source word (the reverse of sgi_post's order). A source
	 * taken here whose summary bit was set again meanwhile leaves that bit with no
	 * source: skipped next time, so no SGI is delivered twice. */
	u32 m = __atomic_exchange_n(&c->posted_sgis, 0, __ATOMIC_ACQUIRE);

	for (; m; m &= m - 1) {
		u32 intid = vgic_lowest_bit(m);
		u16 src = __atomic_exchange_n(&c->posted_src[intid], 0, __ATOMIC_ACQUIRE);
		struct vgic_irq *irq = &c->priv[intid];

		if (!src) {
			continue;
		}
		vgic_irq_pend(irq);
		irq->sgi_src |= src;
		if (!inject || !vgic_lr_inject(g, vcpu, intid, irq)) {
			vgic_irq_changed(g, vcpu, intid, irq);
		}
	}
}
