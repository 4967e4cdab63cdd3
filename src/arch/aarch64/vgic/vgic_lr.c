/* SPDX-License-Identifier: MIT */
/*
 * Emulated GICv3, list-register side (GICv3 arch spec IHI0069 4.1 interrupt life
 * cycle, 11 virtual interrupts, 12.4 ICH_* registers); runs on the vCPU's own
 * physical CPU. vgic_sync() folds the guest's acknowledge and deactivate
 * transitions back into the model after an exit; vgic_flush() brings the LRs of
 * interrupts whose model changed ('want' bitmaps) up to date and fills free LRs
 * with the highest-priority deliverable interrupts before entry.
 */
#include "vgic_int.h"
#include "arch.h"
#include "lib.h"
#include "trace.h"

#define LR_STATE(v)    ((v)&ICH_LR_STATE_MASK)
#define LR_PRIO(v)     ((u8)((v) >> ICH_LR_PRIO_SHIFT))
#define VGIC_SPI_WORDS (VGIC_MAX_SPIS / 32)
#define ICH_MISR_EOI   BIT(0) /* 12.4.8: some LR had an EOI maintenance event */

/* Highest-priority deliverable interrupts found by one flush, best first. */
struct cand_list {
	u32 n, cap;
	bool overflow;
	u16 intid[VGIC_MAX_LRS];
	u8 prio[VGIC_MAX_LRS];
};

/* The LR fields besides the state (12.4.6): INTID, priority, group, HW link or EOI. */
static inline u64 lr_fields(u32 intid, const struct vgic_irq *irq)
{
	u64 v = intid | ((u64)irq->prio << ICH_LR_PRIO_SHIFT) | ICH_LR_GROUP1;

	if (irq->flags & VGIC_IRQ_HW) {
		v |= ICH_LR_HW | (((u64)intid << ICH_LR_PINTID_SHIFT) & ICH_LR_PINTID_MASK);
	} else if (!(irq->flags & VGIC_IRQ_EDGE) &&
		   (irq->flags & (VGIC_IRQ_LEVEL | VGIC_IRQ_ACTIVE))) {
		/* Level-sensitive: maintenance on deactivation (12.4.6 EOI) only when there may
		 * be a pending state to re-evaluate then: the line is high, or the model holds a
		 * latched pending that an active-only LR does not carry. A latched pending
		 * (vgic_raise, ISPENDR: a channel doorbell) with the line low is all in the LR:
		 * once the guest has handled it nothing is left, and no maintenance interrupt
		 * (an exit per doorbell) is taken. Any later change (line up, new latch) goes
		 * through vgic_irq_changed -> flush_irq, which rewrites the LR with this bit
		 * recomputed, or folds it first if the guest has finished with it. */
		v |= ICH_LR_EOI;
	}
	return v;
}

/* The LR value the model asks for (12.4.6), or 0 for "not in an LR". */
static u64 lr_value(const struct vgic *g, u32 vcpu, u32 intid, const struct vgic_irq *irq)
{
	bool hw = (irq->flags & VGIC_IRQ_HW) != 0;
	bool edge = (irq->flags & VGIC_IRQ_EDGE) != 0;
	bool p = vgic_irq_pending(irq) && (irq->flags & VGIC_IRQ_ENABLED) &&
		 (g->ctlr & GICD_CTLR_EN_GRP1) && vgic_irq_owner(irq, vcpu, intid) == vcpu;
	u64 v;

	if (irq->flags & VGIC_IRQ_ACTIVE) {
		/* HW: the pending state lives in the physical GIC, never active+pending. Level:
		 * re-evaluated at the EOI maintenance event instead. */
		v = (p && edge && !hw) ? (ICH_LR_ACTIVE | ICH_LR_PENDING) : ICH_LR_ACTIVE;
	} else if (p) {
		v = ICH_LR_PENDING;
	} else {
		return 0;
	}
	return v | lr_fields(intid, irq);
}

static void lr_free(struct vgic_cpu *c, u32 i, struct vgic_irq *irq)
{
	c->lr_used &= ~(1U << i);
	c->lr_val[i] = 0;
	if (irq) {
		irq->flags &= (u8) ~(VGIC_IRQ_IN_LR | VGIC_IRQ_NEWEDGE);
		irq->lr = VGIC_NO_LR;
	}
}

/* An interrupt that goes into a list register as pending: counted, and traced. */
static inline void lr_injected(struct vgic_cpu *c, u32 vcpu, u32 intid)
{
	c->injected++;
	trace_event(TRACE_INJECT, 0, TRACE_NO_VM, (u8)vcpu, intid);
}

static void lr_put(struct vgic_cpu *c, u32 vcpu, u32 i, u32 intid, struct vgic_irq *irq, u64 v)
{
	if (v & ICH_LR_PENDING) {
		lr_injected(c, vcpu, intid);
	}
	arch_gic_lr_write(i, v);
	c->lr_val[i] = v;
	c->lr_intid[i] = intid;
	c->lr_used |= 1U << i;
	irq->flags = (u8)((irq->flags | VGIC_IRQ_IN_LR) & ~VGIC_IRQ_NEWEDGE);
	irq->lr = (u8)i;
	irq->lr_vcpu = (u8)vcpu;
}

/* The guest's transitions of one LR from state was to is (4.1.1 state machine). */
static inline void lr_fold_state(struct vgic_irq *irq, u64 was, u64 is)
{
	if ((was & ICH_LR_PENDING) && !(is & ICH_LR_PENDING)) {
		/* Acknowledged: consumes the latch, unless an edge came after we wrote the LR. */
		if (!(irq->flags & VGIC_IRQ_NEWEDGE)) {
			irq->flags &= (u8)~VGIC_IRQ_PENDING;
			irq->sgi_src = 0;
		}
	}
	if ((was & ICH_LR_ACTIVE) && !(is & ICH_LR_ACTIVE)) {
		irq->flags &= (u8)~VGIC_IRQ_ACTIVE; /* deactivated */
	} else if (!(was & ICH_LR_ACTIVE) && (is & ICH_LR_ACTIVE)) {
		irq->flags |= VGIC_IRQ_ACTIVE;
	}
	irq->flags &= (u8)~VGIC_IRQ_NEWEDGE;
}

/* Applies what the guest did to LR i since it was written. */
static void lr_fold(struct vgic *g, struct vgic_cpu *c, u32 vcpu, u32 i, u64 now)
{
	u32 intid = c->lr_intid[i];
	struct vgic_irq *irq = vgic_irq_get(g, vcpu, intid);
	u64 is = LR_STATE(now);

	if (!irq) {
		arch_gic_lr_write(i, 0);
		lr_free(c, i, NULL);
		return;
	}
	lr_fold_state(irq, LR_STATE(c->lr_val[i]), is);
	if (!is) {
		/* Also clears an EOI maintenance condition (ICH_EISR_EL2) on this LR. */
		arch_gic_lr_write(i, 0);
		lr_free(c, i, irq);
		vgic_irq_changed(g, vcpu, intid, irq);
	} else {
		c->lr_val[i] = (c->lr_val[i] & ~ICH_LR_STATE_MASK) | is;
	}
}

/* Reads back the LRs in use; returns those whose state the guest changed (values in now). */
static u32 lr_readback(const struct vgic_cpu *c, u64 *now)
{
	u32 elrsr, changed = 0;

	if (!c->lr_used) {
		return 0;
	}
	elrsr = arch_gic_elrsr();
	for (u32 m = c->lr_used; m; m &= m - 1) {
		u32 i = vgic_lowest_bit(m);

		now[i] = (elrsr & (1U << i)) ? 0 : arch_gic_lr_read(i);
		if (LR_STATE(now[i]) != LR_STATE(c->lr_val[i])) {
			changed |= 1U << i;
		}
	}
	return changed;
}

/* Under the lock: folds the LRs lr_readback() found changed. */
static void lr_fold_changed(struct vgic *g, struct vgic_cpu *c, u32 vcpu, u32 changed,
			    const u64 *now)
{
	for (u32 m = changed; m; m &= m - 1) {
		lr_fold(g, c, vcpu, vgic_lowest_bit(m), now[vgic_lowest_bit(m)]);
	}
	if (c->overflow && (changed & ~c->lr_used)) {
		__atomic_store_n(&c->dirty, true, __ATOMIC_RELEASE); /* room to refill */
	}
}

/*
 * Folding is lazy: it is needed before the model is read or changed on the guest's behalf
 * (vGIC MMIO), before the LRs are refilled (vgic_flush) and before they are dropped
 * (quiesce). Until then an LR the guest has finished with just stays allocated; its
 * interrupt keeps VGIC_IRQ_IN_LR, so any change to it marks this vCPU dirty.
 */
void vgic_sync(struct vgic *g, u32 vcpu)
{
	struct vgic_cpu *c;
	u64 now[VGIC_MAX_LRS];
	u32 changed;

	if (vcpu >= g->vcpu_count) {
		return;
	}
	c = g->cpus[vcpu];
	changed = lr_readback(c, now);
	if (!changed) {
		return;
	}
	vgic_lock(g);
	lr_fold_changed(g, c, vcpu, changed, now);
	vgic_unlock(g);
}

bool vgic_lr_inject(struct vgic *g, u32 vcpu, u32 intid, struct vgic_irq *irq)
{
	struct vgic_cpu *c = g->cpus[vcpu];
	u32 i, nlr;

	if (c->pcpu != arch_cpu_current() || irq->ops || c->overflow) {
		return false; /* another CPU's LRs, deferred deactivation, or a queue to respect */
	}
	/* Deliverable (vgic_irq_deliverable, bar the LR it may still hold): pending,
	 * enabled, not active, Group 1 enabled, and this vCPU's. */
	if (irq->flags & VGIC_IRQ_IN_LR) {
		i = irq->lr;
		/* IN_LR with lr_vcpu == vcpu means LR i of this vCPU holds it (lr_put). */
		if (irq->lr_vcpu != vcpu || i >= VGIC_MAX_LRS || !(arch_gic_elrsr() & (1U << i))) {
			return false; /* still live in the LR: vgic_flush merges the new state */
		}
		/* The guest has acknowledged and deactivated it: fold that first (as vgic_sync
		 * would with the LR read back empty), then reuse the LR as it is. */
		lr_fold_state(irq, LR_STATE(c->lr_val[i]), 0);
		bool ok = (irq->flags & (VGIC_IRQ_ENABLED | VGIC_IRQ_ACTIVE)) == VGIC_IRQ_ENABLED &&
			  (g->ctlr & GICD_CTLR_EN_GRP1) && vgic_irq_pending(irq) &&
			  vgic_irq_owner(irq, vcpu, intid) == vcpu;
		if (!ok) {
			arch_gic_lr_write(i, 0); /* as lr_fold leaves a freed LR */
			lr_free(c, i, irq);
			return false;
		}
		c->lr_val[i] = ICH_LR_PENDING | lr_fields(intid, irq);
		arch_gic_lr_write(i, c->lr_val[i]);
		lr_injected(c, vcpu, intid);
		return true;
	}
	if (vgic_irq_owner(irq, vcpu, intid) != vcpu || !vgic_irq_deliverable(g, irq)) {
		return false;
	}
	nlr = arch_gic_lr_count();
	nlr = nlr < VGIC_MAX_LRS ? nlr : VGIC_MAX_LRS;
	i = ~c->lr_used & ((1U << nlr) - 1);
	if (!i) {
		return false; /* no free LR (or only ones not folded yet): the full path */
	}
	/* Deliverable means pending and not active: exactly what lr_value() gives. */
	lr_put(c, vcpu, vgic_lowest_bit(i), intid, irq, ICH_LR_PENDING | lr_fields(intid, irq));
	return true;
}

/* Inlined into both callers (trap_irq across files, by LTO; vgic_sgi1r): a call would cost
 * the fast path its spills. */
__attribute__((always_inline)) inline bool vgic_lr_fast(struct vgic *g, u32 vcpu, u32 intid, u8 set,
							u16 src)
{
	struct vgic_cpu *c = g->cpus[vcpu];
	struct vgic_irq *irq = &c->priv[intid % VGIC_NR_PRIVATE];
	u32 nlr, free, i;
	u8 f;
	u64 v;

	/* Dirty: a refill is due (its kick is on its way); overflow: a queue to respect. */
	if (c->overflow || __atomic_load_n(&c->dirty, __ATOMIC_RELAXED)) {
		return false;
	}
	spin_lock(&g->lock); /* no kick can result: spin_unlock, not vgic_unlock */
	f = irq->flags;
	if ((f & (VGIC_IRQ_ENABLED | VGIC_IRQ_ACTIVE)) != VGIC_IRQ_ENABLED || irq->ops ||
	    !(g->ctlr & GICD_CTLR_EN_GRP1)) {
		goto general;
	}
	if (f & VGIC_IRQ_IN_LR) {
		/* Its LR from last time, which the guest has acknowledged and deactivated (the
		 * fold vgic_lr_inject does, without the state machine: not active, pending
		 * again): the acknowledge consumed the old latch unless an edge came after. */
		i = irq->lr;
		if (irq->lr_vcpu != vcpu || i >= VGIC_MAX_LRS || !(arch_gic_elrsr() & (1U << i))) {
			goto general;
		}
		if (!(f & VGIC_IRQ_NEWEDGE) && (c->lr_val[i] & ICH_LR_PENDING)) {
			irq->sgi_src = 0;
		}
	} else {
		nlr = arch_gic_lr_count();
		free = ~c->lr_used & (nlr < VGIC_MAX_LRS ? (1U << nlr) - 1 : 0xffffU);
		if (!free) {
			goto general;
		}
		i = vgic_lowest_bit(free);
		c->lr_used |= 1U << i;
		c->lr_intid[i] = intid;
		irq->lr = (u8)i;
		irq->lr_vcpu = (u8)vcpu;
	}
	irq->flags = (u8)((f | set | VGIC_IRQ_PENDING | VGIC_IRQ_IN_LR) & ~VGIC_IRQ_NEWEDGE);
	irq->sgi_src |= src;
	v = ICH_LR_PENDING | lr_fields(intid, irq);
	c->lr_val[i] = v;
	arch_gic_lr_write(i, v);
	lr_injected(c, vcpu, intid);
	spin_unlock(&g->lock);
	return true;
general:
	spin_unlock(&g->lock);
	return false;
}

static void cand_insert(struct cand_list *l, u8 prio, u32 intid)
{
	u32 k;

	if (l->n == l->cap) {
		l->overflow = true;
		if (!l->n || prio >= l->prio[l->n - 1]) {
			return;
		}
		l->n--; /* the worst one waits */
	}
	/* Lower value = higher priority; equal priorities keep INTID order. */
	for (k = l->n; k > 0 && l->prio[k - 1] > prio; k--) {
		l->prio[k] = l->prio[k - 1];
		l->intid[k] = l->intid[k - 1];
	}
	l->prio[k] = prio;
	l->intid[k] = (u16)intid;
	l->n++;
}

/* Brings one 'want' interrupt's LR up to date; lists it if it still needs an LR. */
static void flush_irq(struct vgic *g, struct vgic_cpu *c, u32 vcpu, u32 intid, struct vgic_irq *irq,
		      struct cand_list *l)
{
	u32 owner = vgic_irq_owner(irq, vcpu, intid);

	if (irq->flags & VGIC_IRQ_IN_LR) {
		u64 v;

		if (irq->lr_vcpu != vcpu || irq->lr >= VGIC_MAX_LRS) {
			vgic_want_clear(c, intid); /* in another vCPU's LR: that CPU handles it */
			return;
		}
		v = lr_value(g, vcpu, intid, irq);
		irq->flags &= (u8)~VGIC_IRQ_NEWEDGE; /* the LR now reflects every edge so far */
		if (v != c->lr_val[irq->lr]) {
			arch_gic_lr_write(irq->lr, v);
			if (v) {
				c->lr_val[irq->lr] = v;
			} else {
				lr_free(c, irq->lr, irq);
				if (owner != vcpu) {
					vgic_irq_changed(g, vcpu, intid, irq);
				}
			}
		}
	}
	if ((irq->ops & VGIC_OP_DEACT) && !(irq->flags & VGIC_IRQ_IN_LR)) {
		irq->ops &= (u8)~VGIC_OP_DEACT;
		arch_gic_irq_deactivate(intid);
	}
	if (owner == vcpu && vgic_irq_deliverable(g, irq)) {
		cand_insert(l, irq->prio, intid); /* keeps its want bit until placed */
	} else {
		vgic_want_clear(c, intid);
	}
}

/* A pending-only LR of lower priority than prio, to give up for it; -1 if none. */
static int lr_victim(const struct vgic_cpu *c, u8 prio)
{
	int best = -1;
	u8 worst = prio;

	for (u32 m = c->lr_used; m; m &= m - 1) {
		u32 i = vgic_lowest_bit(m);

		if (LR_STATE(c->lr_val[i]) == ICH_LR_PENDING && LR_PRIO(c->lr_val[i]) > worst) {
			worst = LR_PRIO(c->lr_val[i]);
			best = (int)i;
		}
	}
	return best;
}

static void lr_fill(struct vgic *g, struct vgic_cpu *c, u32 vcpu, struct cand_list *l, u32 nlr)
{
	u32 free = ~c->lr_used & (nlr >= 32 ? ~0U : (1U << nlr) - 1);
	bool overflow = l->overflow;

	for (u32 k = 0; k < l->n; k++) {
		struct vgic_irq *irq = vgic_irq_get(g, vcpu, l->intid[k]);
		u32 i;

		if (!irq) {
			continue;
		}
		if (free) {
			i = vgic_lowest_bit(free);
			free &= free - 1;
		} else {
			int victim = lr_victim(c, l->prio[k]);
			struct vgic_irq *out;

			overflow = true;
			if (victim < 0) {
				break; /* the rest are no better */
			}
			i = (u32)victim;
			out = vgic_irq_get(g, vcpu, c->lr_intid[i]);
			lr_free(c, i, out);
			vgic_want_set(c, c->lr_intid[i]); /* still pending in the model */
		}
		lr_put(c, vcpu, i, l->intid[k], irq, lr_value(g, vcpu, l->intid[k], irq));
		vgic_want_clear(c, l->intid[k]);
	}
	c->overflow = overflow;
}

/* vgic_flush (vgic.h) found this vCPU dirty, or waiting for room in its LRs. */
void vgic_flush_work(struct vgic *g, struct vgic_cpu *c, u32 vcpu)
{
	struct cand_list l;
	u64 now[VGIC_MAX_LRS];
	u32 nlr, changed;

	nlr = arch_gic_lr_count();
	nlr = nlr < VGIC_MAX_LRS ? nlr : VGIC_MAX_LRS;
	l.n = 0;
	l.cap = nlr;
	l.overflow = false;
	/* Not vgic_lock(): posted SPIs (a doorbell, the usual reason for this flush) are
	 * drained with this vCPU named, so one for it goes straight into an LR, reusing the
	 * LR it had if the guest has finished with it. Then read back what is left. */
	spin_lock(&g->lock);
	if (__atomic_load_n(&g->raised_words, __ATOMIC_RELAXED)) {
		vgic_drain(g, vcpu);
	}
	/* Posted SGIs likewise, first: one reuses its LR from last time, so the read-back
	 * below finds nothing to fold (the usual cross-vCPU IPI). */
	if (__atomic_load_n(&c->posted_sgis, __ATOMIC_RELAXED)) {
		vgic_drain_sgis(g, vcpu, true);
	}
	changed = lr_readback(c, now);
	lr_fold_changed(g, c, vcpu, changed, now);
	if (!__atomic_load_n(&c->dirty, __ATOMIC_RELAXED)) {
		vgic_unlock(g); /* overflow, but nothing was freed */
		return;
	}
	__atomic_store_n(&c->dirty, false, __ATOMIC_RELAXED);
	/* A post that came after the drains above set dirty before this store cleared it: look
	 * again, after a full barrier. A poster writes its bits, then dirty (release), so a post
	 * this second look misses leaves dirty set for the next flush (Arm's "R" shape, which
	 * the barriers on both sides forbid). Without it such an SGI or doorbell waited for an
	 * unrelated flush: a lost IPI (smp2's ping ring under load). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&g->raised_words, __ATOMIC_RELAXED)) {
		vgic_drain(g, vcpu);
	}
	if (__atomic_load_n(&c->posted_sgis, __ATOMIC_RELAXED)) {
		vgic_drain_sgis(g, vcpu, true);
	}
	for (u32 m = c->want_priv; m; m &= m - 1) {
		u32 n = vgic_lowest_bit(m);
		flush_irq(g, c, vcpu, n, &c->priv[n], &l);
	}
	for (u32 ws = c->want_spi_words; ws; ws &= ws - 1) {
		u32 w = vgic_lowest_bit(ws);

		for (u32 m = c->want_spi[w]; m; m &= m - 1) {
			u32 n = w * 32 + vgic_lowest_bit(m);
			flush_irq(g, c, vcpu, VGIC_NR_PRIVATE + n, &g->spi[n], &l);
		}
	}
	lr_fill(g, c, vcpu, &l, nlr);
	if (c->overflow != c->uie) {
		/* 12.4.3: underflow maintenance interrupt once at most one LR is in use. */
		u64 hcr = arch_gic_hcr_read();
		arch_gic_hcr_write(c->overflow ? (hcr | ICH_HCR_UIE) : (hcr & ~ICH_HCR_UIE));
		c->uie = c->overflow;
	}
	vgic_unlock(g);
}

void vgic_maintenance(struct vgic *g, u32 vcpu)
{
	struct vgic_cpu *c;
	u64 hcr;

	if (vcpu >= g->vcpu_count) {
		return;
	}
	c = g->cpus[vcpu];
	/* EOI events (level-sensitive LRs the guest deactivated): fold them now. The
	 * maintenance interrupt is level (12.4.8 ICH_MISR_EL2): while ICH_EISR_EL2 names an
	 * LR it stays asserted, and the exit's interrupt loop would take it again and again
	 * until vgic_flush cleared the LR. Folding writes those LRs to 0, which deasserts it. */
	if (arch_gic_misr() & ICH_MISR_EOI) {
		vgic_sync(g, vcpu);
	}
	/* Underflow: stop it firing, refill on entry. */
	hcr = arch_gic_hcr_read();
	if (hcr & (ICH_HCR_UIE | ICH_HCR_NPIE)) {
		arch_gic_hcr_write(hcr & ~(ICH_HCR_UIE | ICH_HCR_NPIE));
	}
	c->uie = false;
	__atomic_store_n(&c->dirty, true, __ATOMIC_RELEASE);
}

/* A HW interrupt the guest will not deactivate any more: deactivate it physically. */
static void hw_release(struct vgic_irq *irq, u32 intid)
{
	if ((irq->flags & VGIC_IRQ_HW) &&
	    ((irq->flags & (VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE)) || (irq->ops & VGIC_OP_DEACT))) {
		arch_gic_irq_deactivate(intid);
		irq->flags &= (u8) ~(VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE);
	}
	irq->ops &= (u8)~VGIC_OP_DEACT;
}

void vgic_vcpu_quiesce(struct vgic *g, u32 vcpu)
{
	struct vgic_cpu *c;
	u64 hcr;

	if (vcpu >= g->vcpu_count) {
		return;
	}
	c = g->cpus[vcpu];
	vgic_sync(g, vcpu); /* what the guest finished is not pending or active any more */
	vgic_lock(g);
	for (u32 m = c->lr_used; m; m &= m - 1) {
		u32 i = vgic_lowest_bit(m);
		struct vgic_irq *irq = vgic_irq_get(g, vcpu, c->lr_intid[i]);

		arch_gic_lr_write(i, 0);
		lr_free(c, i, irq);
		if (irq) {
			/* The CPU interface is reset: its active states go with it. What is still
			 * pending is delivered again when the vCPU next runs. */
			hw_release(irq, c->lr_intid[i]);
			irq->flags &= (u8)~VGIC_IRQ_ACTIVE;
			vgic_irq_changed(g, vcpu, c->lr_intid[i], irq);
		}
	}
	for (u32 i = 16; i < VGIC_NR_PRIVATE; i++) {
		hw_release(&c->priv[i], i);
		if (VGIC_TIMER_PPIS & (1U << i)) {
			/* Physical enable as the model has it (the model outlives a CPU_OFF). */
			arch_gic_ppi_enable(c->pcpu, i, (c->priv[i].flags & VGIC_IRQ_ENABLED) != 0);
		}
	}
	for (u32 n = 0; n < VGIC_MAX_SPIS; n++) {
		if (g->spi[n].target == vcpu && !(g->spi[n].flags & VGIC_IRQ_IN_LR)) {
			hw_release(&g->spi[n], VGIC_NR_PRIVATE + n);
		}
	}
	hcr = arch_gic_hcr_read();
	arch_gic_hcr_write(hcr & ~(ICH_HCR_UIE | ICH_HCR_NPIE));
	c->uie = false;
	c->overflow = false;
	__atomic_store_n(&c->dirty, true, __ATOMIC_RELEASE);
	vgic_unlock(g);
}

void vgic_vcpu_here(struct vgic *g, u32 vcpu, bool here)
{
	struct vgic_cpu *c;

	if (vcpu >= g->vcpu_count) {
		return;
	}
	c = g->cpus[vcpu];
	c->away = !here;
	if (here) {
		u32 on = vgic_timer_ppis_enabled(g, vcpu);

		arch_gic_ppi_enables(c->pcpu, on, VGIC_TIMER_PPIS & ~on);
	}
}

bool vgic_vcpu_woken(const struct vgic *g, u32 vcpu)
{
	return vcpu < g->vcpu_count && __atomic_load_n(&g->cpus[vcpu]->dirty, __ATOMIC_ACQUIRE);
}

bool vgic_vcpu_pending(struct vgic *g, u32 vcpu)
{
	const struct vgic_cpu *c;
	u32 elrsr;

	if (vcpu >= g->vcpu_count) {
		return false;
	}
	c = g->cpus[vcpu];
	if (__atomic_load_n(&c->dirty, __ATOMIC_ACQUIRE) || c->overflow) {
		return true;
	}
	elrsr = c->lr_used ? arch_gic_elrsr() : 0;
	for (u32 m = c->lr_used & ~elrsr; m; m &= m - 1) {
		if (arch_gic_lr_read(vgic_lowest_bit(m)) & ICH_LR_PENDING) {
			return true;
		}
	}
	return false;
}

u32 vgic_timer_ppis_enabled(const struct vgic *g, u32 vcpu)
{
	u32 on = 0;

	if (vcpu >= g->vcpu_count) {
		return 0;
	}
	for (u32 m = VGIC_TIMER_PPIS; m; m &= m - 1) {
		u32 i = vgic_lowest_bit(m);

		if (g->cpus[vcpu]->priv[i].flags & VGIC_IRQ_ENABLED) {
			on |= 1U << i;
		}
	}
	return on;
}
