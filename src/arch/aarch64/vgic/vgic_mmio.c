/* SPDX-License-Identifier: MIT */
/*
 * GICv3 distributor and redistributor registers of the emulated GIC (IHI0069
 * 12.8 GICD_*, 12.10/12.11 GICR_*). Affinity routing is always on and security
 * disabled (DS = 1), so INTIDs 0-31 live in each vCPU's redistributor SGI_base
 * frame and their distributor copies are RAZ/WI. Every value comes from the
 * guest: offsets, widths and INTIDs are range-checked, and anything unknown or
 * of the wrong width is RAZ/WI. Only pass-through SPIs reach the physical GIC.
 */
#include "vgic_int.h"
#include "arch.h"
#include "layout.h"

/* Distributor (12.8). */
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IIDR	0x0008
#define GICD_TYPER2	0x000c
#define GICD_STATUSR	0x0010
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICPENDR	0x0280
#define GICD_ISACTIVER	0x0300
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR	0x0800
#define GICD_ICFGR	0x0c00
#define GICD_IGRPMODR	0x0d00
#define GICD_NSACR	0x0e00
#define GICD_SGIR	0x0f00
#define GICD_IROUTER	0x6000 /* + 8n, n >= 32 */
#define GICD_PIDR2	0xffe8

/* Redistributor RD_base frame (12.11) and SGI_base frame (12.10) at +64 KiB. */
#define GICR_CTLR      0x0000
#define GICR_IIDR      0x0004
#define GICR_TYPER     0x0008
#define GICR_STATUSR   0x0010
#define GICR_WAKER     0x0014
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_PIDR2     0xffe8
#define GICR_SGI_FRAME 0x10000
#define GICR_FRAMES    0x20000

#define GICR_TYPER_LAST BIT(4)
#define GICR_WAKER_PS	BIT(1)
#define GICR_WAKER_CA	BIT(2)

/* 'T' product, revision 1; no JEP106 implementer claimed. */
#define VGIC_IIDR  ((0x54U << 24) | (1U << 12))
#define VGIC_PIDR2 0x3bU /* ArchRev 3 = GICv3 */
/* Component ID registers (CoreSight layout) after the PIDRs. */
#define ID_CIDR0 0xfff0

enum bitop { OP_GROUP, OP_SENABLE, OP_CENABLE, OP_SPEND, OP_CPEND, OP_SACTIVE, OP_CACTIVE };

/* After a register write changed irq: vgic_irq_changed(), which has nothing to do (no CPU
 * must look) unless the interrupt is in an LR, has deferred work, or may be deliverable,
 * i.e. is latched pending or has its line high. That test first, inline: the common
 * writes (enable, priority, configuration of an idle interrupt) stop here. */
static inline void reg_changed(struct vgic *g, u32 vcpu, u32 intid, struct vgic_irq *irq)
{
	if ((irq->flags & (VGIC_IRQ_IN_LR | VGIC_IRQ_PENDING | VGIC_IRQ_LEVEL)) || irq->ops) {
		vgic_irq_changed(g, vcpu, intid, irq);
	}
}

/* IGROUPR/ISENABLER/.../ICACTIVER: one bit per INTID, 32 INTIDs from base, read by vCPU
 * self. Pending and active state held in another vCPU's LR is as of that vCPU's last fold:
 * it is asked to fold again, so a guest polling it (e.g. waiting for an SPI to go
 * inactive) sees the change promptly. */
static u32 bits_read(struct vgic *g, u32 vcpu, u32 self, u32 base, enum bitop op)
{
	u32 v = 0;

	if (op == OP_GROUP) {
		return base < VGIC_NR_IRQS ? ~0U : 0; /* RAO: every interrupt is Group 1 */
	}
	for (u32 k = 0; k < 32; k++) {
		const struct vgic_irq *irq = vgic_irq_get(g, vcpu, base + k);
		bool set;

		if (!irq) {
			break;
		}
		if (op == OP_SENABLE || op == OP_CENABLE) {
			set = (irq->flags & VGIC_IRQ_ENABLED) != 0;
		} else {
			set = (op == OP_SPEND || op == OP_CPEND)
				  ? vgic_irq_pending(irq)
				  : (irq->flags & VGIC_IRQ_ACTIVE) != 0;
			/* A disabled timer PPI is pending in the physical GIC while its line is
			 * high. */
			if ((op == OP_SPEND || op == OP_CPEND) && base == 0 && !set &&
			    (VGIC_TIMER_PPIS & (1U << k)) && !(irq->flags & VGIC_IRQ_ENABLED)) {
				set = arch_gic_ppi_pending(g->cpus[vcpu]->pcpu, k);
			}
			if ((irq->flags & VGIC_IRQ_IN_LR) && irq->lr_vcpu != self &&
			    irq->lr_vcpu < g->vcpu_count) {
				vgic_request_fold(g, irq->lr_vcpu, base + k);
			}
		}
		v |= (u32)set << k;
	}
	return v;
}

static inline void bit_write(struct vgic *g, u32 vcpu, u32 intid, struct vgic_irq *irq,
			     enum bitop op)
{
	bool spi_hw = intid >= VGIC_NR_PRIVATE && (irq->flags & VGIC_IRQ_HW);
	u8 before = irq->flags;

	switch (op) {
	case OP_SENABLE:
		irq->flags |= VGIC_IRQ_ENABLED;
		break;
	case OP_CENABLE:
		irq->flags &= (u8)~VGIC_IRQ_ENABLED;
		break;
	case OP_SPEND:
		vgic_irq_pend(irq);
		break;
	case OP_CPEND:
		/* A level input that is still high keeps it pending (4.1.2). */
		irq->flags &= (u8) ~(VGIC_IRQ_PENDING | VGIC_IRQ_NEWEDGE);
		irq->sgi_src = 0;
		break;
	case OP_SACTIVE:
		irq->flags |= VGIC_IRQ_ACTIVE;
		break;
	case OP_CACTIVE:
		irq->flags &= (u8)~VGIC_IRQ_ACTIVE;
		break;
	default:
		return; /* IGROUPR: WI */
	}
	if (spi_hw && ((before ^ irq->flags) & VGIC_IRQ_ENABLED)) {
		arch_gic_irq_enable(intid, (irq->flags & VGIC_IRQ_ENABLED) != 0);
	}
	/* A HW interrupt the guest drops without deactivating it: the physical one is
	 * still active and must be deactivated, on the CPU that holds its LR. */
	if ((irq->flags & VGIC_IRQ_HW) && (before & (VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE)) &&
	    !(irq->flags & (VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE))) {
		irq->ops |= VGIC_OP_DEACT;
	}
	if (before != irq->flags || irq->ops) {
		vgic_irq_changed(g, vcpu, intid, irq);
	}
}

/* A timer PPI of vCPU vcpu enabled or disabled: the physical one follows. A latched
 * pending state the guest has not acknowledged is dropped on disable and the physical
 * interrupt (acknowledged at EL2 when it was latched) deactivated by the vCPU's CPU
 * (VGIC_OP_DEACT): from then on the physical GIC holds it pending exactly while the
 * timer's output is high, and re-enabling delivers it only if it still is. */
static void timer_ppi_enable(struct vgic *g, u32 vcpu, u32 intid, struct vgic_irq *irq)
{
	bool on = (irq->flags & VGIC_IRQ_ENABLED) != 0;

	if (!on && (irq->flags & (VGIC_IRQ_HW | VGIC_IRQ_PENDING | VGIC_IRQ_ACTIVE)) ==
		       (VGIC_IRQ_HW | VGIC_IRQ_PENDING)) {
		irq->flags &= (u8) ~(VGIC_IRQ_PENDING | VGIC_IRQ_NEWEDGE);
		irq->ops |= VGIC_OP_DEACT;
	}
	if (!g->cpus[vcpu]->away) { /* else applied when it is back on its CPU */
		arch_gic_ppi_enable(g->cpus[vcpu]->pcpu, intid, on);
	}
}

/* ISENABLER/ICENABLER (on: set), the common writes: only the enable bit changes. irqs: the
 * 32 interrupts from base (vCPU vcpu's private ones for base 0). */
static inline __attribute__((always_inline)) void
enable_write(struct vgic *g, u32 vcpu, u32 base, struct vgic_irq *irqs, bool on, u32 val)
{
	for (; val; val &= val - 1) {
		u32 k = (u32)__builtin_ctz(val);
		struct vgic_irq *irq = &irqs[k];
		u8 before = irq->flags;

		irq->flags =
		    on ? (u8)(before | VGIC_IRQ_ENABLED) : (u8)(before & ~VGIC_IRQ_ENABLED);
		if (irq->flags == before && !irq->ops) {
			continue;
		}
		if (base + k >= VGIC_NR_PRIVATE && (irq->flags & VGIC_IRQ_HW) &&
		    irq->flags != before) {
			arch_gic_irq_enable(base + k, on);
		} else if (base == 0 && (VGIC_TIMER_PPIS & (1U << k)) && irq->flags != before) {
			timer_ppi_enable(g, vcpu, k, irq);
		}
		reg_changed(g, vcpu, base + k, irq);
	}
}

/* base: 0 (vCPU vcpu's SGIs and PPIs) or an SPI block that exists (32 .. 256). */
static void bits_write(struct vgic *g, u32 vcpu, u32 base, enum bitop op, u32 val)
{
	struct vgic_irq *irqs =
	    base < VGIC_NR_PRIVATE ? g->cpus[vcpu]->priv : &g->spi[base - VGIC_NR_PRIVATE];

	if (op == OP_GROUP) {
		return; /* IGROUPR: WI */
	}
	if (op == OP_SENABLE || op == OP_CENABLE) {
		enable_write(g, vcpu, base, irqs, op == OP_SENABLE, val);
		return;
	}
	for (; val; val &= val - 1) {
		u32 k = (u32)__builtin_ctz(val);

		bit_write(g, vcpu, base + k, &irqs[k], op);
	}
}

/* IPRIORITYR: one byte per INTID, byte or word access (12.9.18). */
static u64 prio_read(struct vgic *g, u32 vcpu, u32 intid, u32 size)
{
	u64 v = 0;

	for (u32 k = 0; k < size; k++) {
		const struct vgic_irq *irq = vgic_irq_get(g, vcpu, intid + k);

		if (irq) {
			v |= (u64)irq->prio << (8 * k);
		}
	}
	return v;
}

_Static_assert(VGIC_NR_IRQS % 4 == 0, "an IPRIORITYR word is all in or all out of range");

/* The interrupts intid .. intid + size - 1 (irq[]) got a new priority and one of them is not
 * idle and virtual only: the physical priority of pass-through SPIs, and the CPUs that must
 * look again. */
static void prio_changed(struct vgic *g, u32 vcpu, u32 intid, u32 size, struct vgic_irq *irq)
{
	for (u32 k = 0; k < size; k++) {
		if (intid + k >= VGIC_NR_PRIVATE && (irq[k].flags & VGIC_IRQ_HW)) {
			arch_gic_irq_priority(intid + k, vgic_hw_prio(irq[k].prio));
		}
		reg_changed(g, vcpu, intid + k, &irq[k]);
	}
}

/* What a new priority makes prio_changed() look at. */
static inline u32 prio_busy(const struct vgic_irq *irq)
{
	return (irq->flags & (VGIC_IRQ_HW | VGIC_IRQ_IN_LR | VGIC_IRQ_PENDING | VGIC_IRQ_LEVEL)) |
	       irq->ops;
}

static void prio_write(struct vgic *g, u32 vcpu, u32 intid, u32 size, u64 val)
{
	/* Naturally aligned and at most 4 bytes: intid .. intid + size - 1 are all private
	 * or all SPIs, and all exist or none does (VGIC_NR_IRQS is a multiple of 4). */
	struct vgic_irq *irq = vgic_irq_get(g, vcpu, intid);
	u32 busy = 0;

	if (!irq) {
		return;
	}
	for (u32 k = 0; k < size; k++) {
		irq[k].prio = (u8)(val >> (8 * k));
		busy |= prio_busy(&irq[k]);
	}
	if (busy) {
		prio_changed(g, vcpu, intid, size, irq);
	}
}

/* The hot case of prio_write: a word store to IPRIORITYR<n>, n >= 8, SPIs 32 + spi ..
 * 32 + spi + 3 (spi a multiple of 4 below VGIC_MAX_SPIS), straight-line. */
static inline __attribute__((always_inline)) void prio_word_spi(struct vgic *g, u32 spi, u32 val)
{
	struct vgic_irq *irq = &g->spi[spi];
	u32 busy;

	irq[0].prio = (u8)val;
	irq[1].prio = (u8)(val >> 8);
	irq[2].prio = (u8)(val >> 16);
	irq[3].prio = (u8)(val >> 24);
	busy = prio_busy(&irq[0]) | prio_busy(&irq[1]) | prio_busy(&irq[2]) | prio_busy(&irq[3]);
	if (busy) {
		prio_changed(g, 0, VGIC_NR_PRIVATE + spi, 4, irq); /* the usual case: idle */
	}
}

/* ICFGR<n>: two bits per INTID from 16n, bit 1 of each = edge-triggered (12.9.9). */
static u32 cfg_read(struct vgic *g, u32 vcpu, u32 base)
{
	u32 v = 0;

	for (u32 k = 0; k < 16; k++) {
		const struct vgic_irq *irq = vgic_irq_get(g, vcpu, base + k);

		if (irq && (irq->flags & VGIC_IRQ_EDGE)) {
			v |= 2U << (2 * k);
		}
	}
	return v;
}

static void cfg_write(struct vgic *g, u32 vcpu, u32 base, u32 val)
{
	for (u32 k = 0; k < 16; k++) {
		struct vgic_irq *irq = vgic_irq_get(g, vcpu, base + k);

		if (!irq || base + k < 16) {
			continue; /* SGIs are always edge */
		}
		if (val & (2U << (2 * k))) {
			irq->flags |= VGIC_IRQ_EDGE;
		} else {
			irq->flags &= (u8)~VGIC_IRQ_EDGE;
		}
		reg_changed(g, vcpu, base + k, irq);
	}
}

/* IGROUPR .. ICACTIVER (0x080 .. 0x3ff): 0x80 bytes each, in enum bitop order. */
static enum bitop bitop_of(u32 off)
{
	return (enum bitop)((off >> 7) - 1);
}

static bool size_aligned(u64 off, u32 size)
{
	return (size == 1 || size == 2 || size == 4 || size == 8) && !(off & (size - 1));
}

static u32 dist_typer(const struct vgic *g)
{
	u32 cpus = g->vcpu_count ? g->vcpu_count - 1 : 0;

	/* ITLinesNumber, CPUNumber, IDbits = 9 (10 INTID bits), No1N; no LPIs, MBIS, security. */
	return (VGIC_NR_IRQS / 32 - 1) | (cpus << 5) | (9U << 19) | (1U << 25);
}

static u32 id_reg(u32 off)
{
	static const u8 cidr[4] = {0x0d, 0xf0, 0x05, 0xb1};

	if (off == GICD_PIDR2) {
		return VGIC_PIDR2;
	}
	if (off >= ID_CIDR0) {
		return cidr[(off - ID_CIDR0) / 4];
	}
	return 0;
}

/* Distributor registers other than IROUTER, IPRIORITYR and the bit-per-INTID blocks; size
 * is 1 or 4. */
static void dist_reg(struct vgic *g, u32 off, u32 size, bool write, u64 *val)
{
	u32 w = (u32)*val;

	if (size != 4) {
		return;
	}
	if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
		u32 intid = (off - GICD_ICFGR) / 4 * 16;

		if (intid >= VGIC_NR_PRIVATE && write) {
			cfg_write(g, 0, intid, w);
		} else if (intid >= VGIC_NR_PRIVATE) {
			*val = cfg_read(g, 0, intid);
		}
		return;
	}
	switch (off) {
	case GICD_CTLR:
		if (write) {
			vgic_ctlr_write(g, w);
		} else {
			*val = g->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS; /* RWP = 0 */
		}
		break;
	case GICD_TYPER:
		if (!write) {
			*val = dist_typer(g);
		}
		break;
	case GICD_IIDR:
		if (!write) {
			*val = VGIC_IIDR;
		}
		break;
	default:
		/* TYPER2, STATUSR, ITARGETSR (ARE), IGRPMODR, NSACR, SGIR, ...: RAZ/WI. */
		if (!write && off >= 0xffd0) {
			*val = id_reg(off);
		}
		break;
	}
}

/* The accessing vCPU's own LRs are folded first (vgic_lr.c folds lazily), so it reads
 * back what it acknowledged and its writes apply to the current state. */
static inline void sync_own(struct vgic *g, u32 vcpu)
{
	if (vcpu < g->vcpu_count && g->cpus[vcpu]->lr_used &&
	    g->cpus[vcpu]->pcpu == arch_cpu_current()) {
		vgic_sync(g, vcpu);
	}
}

/* Does an access at off (distributor layout; priv: a redistributor's SGI_base frame) read
 * or act on state the guest may have changed in its LRs since the last fold? Pending and
 * active registers, and disabling a timer PPI (timer_ppi_enable drops a latched pending).
 * Nothing else (enables, priorities, configuration, routing, IDs) depends on it: a write
 * lands in the model, and the flush vgic_irq_changed() asks for folds the LRs first. */
static inline bool lr_state_access(u64 off, bool write, u64 val, bool priv)
{
	if (off >= GICD_ISPENDR && off < GICD_IPRIORITYR) {
		return true;
	}
	return priv && write && off == GICD_ICENABLER && (val & VGIC_TIMER_PPIS);
}

__attribute__((always_inline)) inline bool vgic_dist_word(struct vgic *g, u64 off, bool write,
							  u32 *val)
{
	if (off & 3) {
		return false;
	}
	if (!write) {
		/* Constant for the VM's life (TYPER: its vCPU count): no lock. */
		if (off != GICD_TYPER && off != GICD_IIDR) {
			return false;
		}
		*val = off == GICD_TYPER ? dist_typer(g) : VGIC_IIDR;
		return true;
	}
	if ((off & ~0x80ULL) - (GICD_ISENABLER + 4) < (VGIC_NR_IRQS - VGIC_NR_PRIVATE) / 8) {
		/* The hottest: ISENABLER<n>/ICENABLER<n> (n >= 1, 0x80 apart), SPIs only. */
		u32 base = (u32)(off & 0x7f) * 8;

		vgic_lock(g);
		enable_write(g, 0, base, &g->spi[base - VGIC_NR_PRIVATE], off < GICD_ICENABLER,
			     *val);
		vgic_unlock(g);
		return true;
	}
	if (off - (GICD_IPRIORITYR + VGIC_NR_PRIVATE) < VGIC_NR_IRQS - VGIC_NR_PRIVATE) {
		/* IPRIORITYR<n> word stores, SPIs (n >= 8): the priority setup of a driver. */
		vgic_lock(g);
		prio_word_spi(g, (u32)off - GICD_IPRIORITYR - VGIC_NR_PRIVATE, *val);
		vgic_unlock(g);
		return true;
	}
	return false;
}

bool vgic_dist_access(struct vgic *g, u32 vcpu, u64 off, u32 size, bool write, u64 *val)
{
	/* Nothing in the distributor is banked per vCPU with ARE; vcpu is the accessor. */
	if (off >= GUEST_GICD_SIZE) {
		return false;
	}
	if (!write) {
		*val = 0;
	}
	if (!size_aligned(off, size) || size == 2) {
		return true;
	}
	if (lr_state_access(off, write, *val, false)) {
		sync_own(g, vcpu);
	}
	vgic_lock(g);
	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		/* The hot ones: one bit per INTID, 32 per 4-byte register. Register 0 covers
		 * SGIs and PPIs: banked in the redistributors (ARE), RAZ/WI here. */
		u32 base = (u32)(off & 0x7f) * 8;
		enum bitop op = bitop_of((u32)off);

		if (size != 4 || base < VGIC_NR_PRIVATE || base >= VGIC_NR_IRQS) {
			/* RAZ/WI */
		} else if (write) {
			bits_write(g, 0, base, op, (u32)*val);
		} else {
			*val = bits_read(g, 0, vcpu, base, op);
		}
	} else if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		/* One byte per INTID, byte or word access (12.9.18); 0-31 RAZ/WI here (ARE). */
		u32 intid = (u32)off - GICD_IPRIORITYR;

		if (size <= 4 && intid >= VGIC_NR_PRIVATE && write) {
			prio_write(g, 0, intid, size, *val);
		} else if (size <= 4 && intid >= VGIC_NR_PRIVATE) {
			*val = prio_read(g, 0, intid, size);
		}
	} else if (off < GICD_IROUTER) {
		if (size <= 4) {
			dist_reg(g, (u32)off, size, write, val);
		}
	} else if (off >= GICD_IROUTER + 8 * VGIC_NR_PRIVATE &&
		   off < GICD_IROUTER + 8ULL * VGIC_NR_IRQS && size >= 4) {
		/* IROUTER<n>: 64-bit, or either 32-bit half (12.9.22). */
		u32 n = (u32)(off - GICD_IROUTER) / 8 - VGIC_NR_PRIVATE;
		u32 shift = (off & 4) ? 32 : 0;
		u64 mask = size == 8 ? ~0ULL : 0xffffffffULL << shift;

		if (write) {
			vgic_spi_route(g, VGIC_NR_PRIVATE + n,
				       (g->spi_route[n] & ~mask) | ((*val << shift) & mask));
		} else {
			*val = (g->spi_route[n] & mask) >> shift;
		}
	} else if (size <= 4 && off >= 0xffd0) {
		dist_reg(g, (u32)off, size, write, val); /* ID registers */
	}
	vgic_unlock(g);
	return true;
}

static u64 redist_typer(const struct vgic *g, u32 r)
{
	u64 v = ((u64)r << 32) | ((u64)r << 8); /* Affinity 0.0.0.r, Processor_Number r */

	return r + 1 == g->vcpu_count ? (v | GICR_TYPER_LAST) : v;
}

static void rd_reg(struct vgic *g, u32 r, u32 off, u32 size, bool write, u64 *val)
{
	struct vgic_cpu *c = g->cpus[r];

	/* GICR_TYPER: 64-bit, or either 32-bit half; read-only. */
	if ((off == GICR_TYPER && size >= 4) || (off == GICR_TYPER + 4 && size == 4)) {
		u64 t = redist_typer(g, r);

		if (!write) {
			*val = size == 8 ? t : (u32)(t >> (8 * (off - GICR_TYPER)));
		}
		return;
	}
	if (size != 4) {
		return; /* PROPBASER/PENDBASER and the rest: RAZ/WI (no LPIs) */
	}
	switch (off) {
	case GICR_IIDR:
		if (!write) {
			*val = VGIC_IIDR;
		}
		break;
	case GICR_WAKER:
		/* ChildrenAsleep follows ProcessorSleep at once (12.11.42). */
		if (write) {
			c->waker = (*val & GICR_WAKER_PS) ? (GICR_WAKER_PS | GICR_WAKER_CA) : 0;
		} else {
			*val = c->waker;
		}
		break;
	default:
		/* CTLR (no LPIs: EnableLPIs RAZ/WI, RWP = 0), STATUSR, ...: RAZ/WI. */
		if (!write && off >= 0xffd0) {
			*val = id_reg(off);
		}
		break;
	}
}

static void sgi_reg(struct vgic *g, u32 self, u32 r, u32 off, u32 size, bool write, u64 *val)
{
	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		/* Only register 0 of each block exists here (SGIs and PPIs). */
		if (size != 4 || (off & 0x7f)) {
			return;
		}
		if (write) {
			bits_write(g, r, 0, bitop_of(off), (u32)*val);
		} else {
			*val = bits_read(g, r, self, 0, bitop_of(off));
		}
		return;
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + VGIC_NR_PRIVATE) {
		if (write) {
			prio_write(g, r, off - GICD_IPRIORITYR, size, *val);
		} else {
			*val = prio_read(g, r, off - GICD_IPRIORITYR, size);
		}
		return;
	}
	if (size == 4 && (off == GICD_ICFGR || off == GICD_ICFGR + 4)) {
		u32 base = (off - GICD_ICFGR) * 4; /* ICFGR0: SGIs (read-only), ICFGR1: PPIs */

		if (write) {
			cfg_write(g, r, base, (u32)*val);
		} else {
			*val = cfg_read(g, r, base);
		}
	}
	/* IGRPMODR0, NSACR and the rest: RAZ/WI. */
}

__attribute__((always_inline)) inline bool vgic_redist_word(struct vgic *g, u64 off, bool write,
							    u32 *val)
{
	u32 r, in;

	if (!write || (off & 3) || off >= (u64)g->vcpu_count * GICR_FRAMES) {
		return false;
	}
	r = (u32)(off / GICR_FRAMES);
	in = (u32)(off % GICR_FRAMES);
	if (((in - GICR_SGI_FRAME) & ~0x80U) != GICD_ISENABLER || (*val & VGIC_TIMER_PPIS)) {
		return false;
	}
	/* The hottest: ISENABLER0/ICENABLER0 of SGIs and non-timer PPIs (a timer PPI's disable
	 * may drop state held in an LR: the general path). */
	vgic_lock(g);
	enable_write(g, r, 0, g->cpus[r]->priv, in == GICR_SGI_FRAME + GICD_ISENABLER, *val);
	vgic_unlock(g);
	arch_gic_direct_redist_write(g->cpus[r]->pcpu, in - GICR_SGI_FRAME, 4, *val);
	return true;
}

bool vgic_redist_access(struct vgic *g, u32 vcpu, u64 off, u32 size, bool write, u64 *val)
{
	u32 r, in;

	/* Any vCPU may access any redistributor; vcpu is the accessor. */
	if (off >= (u64)g->vcpu_count * GICR_FRAMES) {
		return false;
	}
	if (!write) {
		*val = 0;
	}
	if (!size_aligned(off, size) || size == 2) {
		return true;
	}
	r = (u32)(off / GICR_FRAMES);
	in = (u32)(off % GICR_FRAMES);
	if (in >= GICR_SGI_FRAME && lr_state_access(in - GICR_SGI_FRAME, write, *val, true)) {
		sync_own(g, vcpu);
	}
	vgic_lock(g);
	if (in < GICR_SGI_FRAME) {
		rd_reg(g, r, in, size, write, val);
	} else if (size <= 4) {
		if (__atomic_load_n(&g->cpus[r]->posted_sgis, __ATOMIC_RELAXED)) {
			vgic_drain_sgis(g, r, false); /* its pending SGIs, posted ones too */
		}
		sgi_reg(g, vcpu, r, in - GICR_SGI_FRAME, size, write, val);
	}
	vgic_unlock(g);
	if (write && in >= GICR_SGI_FRAME && size <= 4) {
		arch_gic_direct_redist_write(g->cpus[r]->pcpu, in - GICR_SGI_FRAME, size, *val);
	}
	return true;
}
