/* SPDX-License-Identifier: MIT */
/*
 * Direct interrupts (docs/CONFIG.md "Direct interrupts"): a VM with one vCPU
 * that owns its whole CPU takes that CPU's physical Group-1 interrupts itself,
 * with no exit to EL2 on its virtual timer or its SGIs.
 *
 * While the guest runs (GICv3 arch spec IHI0069, 4.6 and 12.1; Arm ARM D1.3.5):
 * - HCR_EL2.IMO = 0: physical IRQs are taken at EL1 and the guest's ICC_IAR1_EL1,
 *   ICC_EOIR1_EL1, ICC_HPPIR1_EL1, ICC_BPR1_EL1, ICC_AP1R<n>_EL1, ICC_IGRPEN1_EL1
 *   are the physical registers of this CPU interface.
 * - HCR_EL2.FMO = 1: physical FIQs go to EL2, and the hypervisor's own interrupts
 *   on this CPU (SGI 0 kick, maintenance PPI 25, CNTHP PPI 26) are Group 0 in its
 *   redistributor, so they arrive as FIQ (with GICD_CTLR.DS = 1 Group 0 is always
 *   FIQ) whatever the guest's PSTATE, and only ICC_IAR0_EL1 can acknowledge them.
 *   With FMO = 1 the guest's Group-0 registers (IAR0, EOIR0, HPPIR0, BPR0, AP0R,
 *   IGRPEN0) and the common ones (ICC_PMR_EL1, ICC_CTLR_EL1, ICC_DIR_EL1,
 *   ICC_RPR_EL1: virtual when IMO or FMO is 1) are the virtual ICV_* registers:
 *   the guest can neither see nor acknowledge nor mask the hypervisor's interrupts.
 * - The SGI generation registers trap to EL2 when IMO or FMO is 1: the guest's
 *   ICC_SGI1R_EL1 is emulated here, self-SGIs only, SGI 0 reserved.
 * - Because ICC_DIR_EL1 is virtual, the physical ICC_CTLR_EL1.EOImode is 0 on this
 *   CPU: the guest's EOIR1 drops priority and deactivates. The hypervisor's ack
 *   path here (EOIR0) does both as well and never writes ICC_DIR_EL1.
 * - The guest's priorities are mirrored as (prio >> 1) | 0x80 and the hypervisor's
 *   are DIRECT_HYP_PRIO (< 0x80): the group priority of a Group-1 interrupt keeps
 *   bit 7 for every ICC_BPR1_EL1 value, so a Group-0 interrupt always preempts
 *   whatever the guest has active.
 * Everything is put back when the vCPU parks for good (direct_exit), so the CPU is
 * in its boot state for a restart.
 */
#include "sched_loop.h"
#include "direct.h"
#include "arch.h"
#include "gicv3.h"
#include "layout.h"
#include "sysreg.h"

#define GICR_CTLR	 0x0000
#define GICR_CTLR_RWP	 BIT(3)
#define SGI_FRAME	 0x10000
#define GICR_IGROUPR0	 0x0080
#define GICR_ISENABLER0	 0x0100
#define GICR_ICENABLER0	 0x0180
#define GICR_ISPENDR0	 0x0200
#define GICR_ICPENDR0	 0x0280
#define GICR_ISACTIVER0	 0x0300
#define GICR_ICACTIVER0	 0x0380
#define GICR_IPRIORITYR0 0x0400

/* The guest's private interrupts: SGIs 1-15 and the virtual and physical timer PPIs. */
#define GUEST_MASK ((u32)(0xfffeU | BIT(INTID_VTIMER) | BIT(INTID_PTIMER)))
/* The hypervisor's private interrupts, Group 0 while the guest owns Group 1. */
#define HYP_MASK	((u32)(BIT(INTID_HYP_IPI) | BIT(INTID_MAINT) | BIT(INTID_HYP_TIMER)))
#define DIRECT_HYP_PRIO 0x40U
#define PRIO_DEFAULT	0xa0U /* gic_cpu_init's value */
#define PRIO_HYP_IPI	0x80U

#define ICC_CTLR_EOIMODE BIT(1)

static bool direct_on[CONFIG_MAX_PCPUS];

_Static_assert((GUEST_MASK & HYP_MASK) == 0, "guest and hypervisor INTIDs are disjoint");

static inline u32 rd32(paddr_t a)
{
	return *(volatile u32 *)a;
}

static inline void wr32(paddr_t a, u32 v)
{
	*(volatile u32 *)a = v;
}

static inline void wr8(paddr_t a, u8 v)
{
	*(volatile u8 *)a = v;
}

/* 12.11.2 GICR_CTLR.RWP: clearing enables takes effect once RWP reads 0. */
static void gicr_wait_rwp(paddr_t rd)
{
	while (rd32(rd + GICR_CTLR) & GICR_CTLR_RWP) {
	}
}

bool direct_active(void)
{
	u32 cpu = arch_cpu_current();

	return cpu < CONFIG_MAX_PCPUS && direct_on[cpu];
}

/* ICC_AP1R<n>_EL1 count from ICC_CTLR_EL1.PRIbits (12.2.6): 1, 2 or 4 registers. */
static void ap1r_clear(void)
{
	u32 pribits = (u32)((sysreg_read(S3_0_C12_C12_4) >> 8) & 7) + 1;

	sysreg_write(S3_0_C12_C9_0, 0);
	if (pribits >= 6) {
		sysreg_write(S3_0_C12_C9_1, 0);
	}
	if (pribits >= 7) {
		sysreg_write(S3_0_C12_C9_2, 0);
		sysreg_write(S3_0_C12_C9_3, 0);
	}
}

/* The guest's private interrupts: off, not pending, not active. */
static void guest_irqs_clear(paddr_t sgi)
{
	wr32(sgi + GICR_ICENABLER0, GUEST_MASK);
	gicr_wait_rwp(sgi - SGI_FRAME);
	wr32(sgi + GICR_ICPENDR0, GUEST_MASK);
	wr32(sgi + GICR_ICACTIVER0, GUEST_MASK);
}

void direct_enter(struct vcpu *vc)
{
	u32 cpu = arch_cpu_current();
	paddr_t rd = gic_redist(cpu);
	paddr_t sgi = rd + SGI_FRAME;

	if (!rd || cpu != vc->pcpu || cpu >= CONFIG_MAX_PCPUS) {
		return; /* not this vCPU's CPU: stays a normal vCPU */
	}
	guest_irqs_clear(sgi);
	for (u32 i = 0; i < 32; i++) {
		if (HYP_MASK & BIT(i)) {
			wr8(sgi + GICR_IPRIORITYR0 + i, DIRECT_HYP_PRIO);
		} else if (GUEST_MASK & BIT(i)) {
			wr8(sgi + GICR_IPRIORITYR0 + i, (u8)((PRIO_DEFAULT >> 1) | 0x80));
		}
	}
	wr32(sgi + GICR_IGROUPR0, ~HYP_MASK);
	dsb(sy);
	/* Physical CPU interface for the guest: EOIR1 also deactivates (DIR is virtual),
	 * no stale active priorities, Group 1 off until the guest enables it. */
	sysreg_write(S3_0_C12_C12_4, sysreg_read(S3_0_C12_C12_4) & ~ICC_CTLR_EOIMODE);
	ap1r_clear();
	sysreg_write(S3_0_C12_C12_3, 0); /* ICC_BPR1_EL1 */
	sysreg_write(S3_0_C12_C12_7, 0); /* ICC_IGRPEN1_EL1 */
	sysreg_write(S3_0_C12_C12_6, 1); /* ICC_IGRPEN0_EL1: the hypervisor's */
	/* No list registers in use: the virtual interface only backs the common ICV_*
	 * registers (PMR, CTLR, ...), and raises no maintenance interrupt. */
	sysreg_write(S3_4_C12_C11_0, 0); /* ICH_HCR_EL2 */
	sysreg_write(hcr_el2, (sysreg_read(hcr_el2) & ~HCR_IMO) | HCR_FMO);
	isb();
	direct_on[cpu] = true;
}

void direct_exit(struct vcpu *vc)
{
	u32 cpu = arch_cpu_current();
	paddr_t rd = gic_redist(cpu);
	paddr_t sgi = rd + SGI_FRAME;

	if (cpu >= CONFIG_MAX_PCPUS || !direct_on[cpu] || cpu != vc->pcpu || !rd) {
		return;
	}
	direct_on[cpu] = false;
	guest_irqs_clear(sgi);
	/* Back to gic_cpu_init's configuration. */
	wr32(sgi + GICR_IGROUPR0, 0xffffffffU);
	for (u32 i = 0; i < 32; i++) {
		wr8(sgi + GICR_IPRIORITYR0 + i, i == INTID_HYP_IPI ? PRIO_HYP_IPI : PRIO_DEFAULT);
	}
	dsb(sy); /* the timer PPIs stay off: vgic_vcpu_quiesce enables them as the model says */
	ap1r_clear(); /* whatever the guest left active or wrote there */
	sysreg_write(S3_0_C12_C12_3, 0);
	sysreg_write(S3_0_C12_C12_7, 1);
	sysreg_write(S3_0_C12_C12_4, sysreg_read(S3_0_C12_C12_4) | ICC_CTLR_EOIMODE);
	sysreg_write(S3_4_C12_C11_0, ICH_HCR_EN);
	sysreg_write(hcr_el2, sysreg_read(hcr_el2) | HCR_IMO | HCR_FMO);
	isb();
}

/* Group 0 on this CPU holds only the hypervisor's SGI 0 and PPIs 25/26. EOImode is 0,
 * so EOIR0 drops priority and deactivates; ICC_DIR_EL1 is never used here. */
bool direct_poll(void)
{
	struct cpu *c = cpu_this();

	if (c->id >= CONFIG_MAX_PCPUS || !direct_on[c->id]) {
		return false;
	}
	for (;;) {
		u32 intid = (u32)sysreg_read(S3_0_C12_C8_0) & 0xffffff; /* ICC_IAR0_EL1 */

		if (intid >= 1020) {
			break;
		}
		dsb(sy);
		c->irq_count++;
		sysreg_write(S3_0_C12_C8_1, intid); /* ICC_EOIR0_EL1 */
		isb();
		if (intid == INTID_HYP_TIMER) {
			sched_hyp_timer(c); /* core's: health deadlines (one vCPU, no policy) */
		}
		/* INTID_HYP_IPI: requests are looked at on the way out. INTID_MAINT cannot
		 * fire (ICH_HCR_EL2.En = 0). */
	}
	return true;
}

u64 trap_fiq(struct vcpu *vc);
u64 trap_irq(struct vcpu *vc);

/* Lower-EL FIQ (vectors.S). Returns 1 if the vCPU must not resume. */
u64 trap_fiq(struct vcpu *vc)
{
	struct cpu *c = cpu_this();

	if (!direct_poll()) {
		return trap_irq(vc); /* no Group 0 outside direct mode: treat as an IRQ poll */
	}
	vc->irq_count++;
	vc->irq_slow++;
	if (__atomic_load_n(&c->requests, __ATOMIC_ACQUIRE)) {
		sched_handle_requests(c);
	}
	return vm_vcpu_runnable(vc) ? 0 : 1;
}

/*
 * ICC_SGI1R_EL1 (12.2.22): the VM has one vCPU (virtual MPIDR 0), so only a write
 * that targets Aff3.Aff2.Aff1 = 0, RS = 0, TargetList bit 0 (or nothing else) is a
 * self-SGI; IRM = 1 means "all others": none. SGI 0 is the hypervisor's kick.
 */
bool direct_sgi1r(struct vcpu *vc, u64 val)
{
	u32 intid = (u32)(val >> 24) & 0xf;
	paddr_t rd;

	if (!direct_active()) {
		return false;
	}
	if ((val & BIT(40)) || (val & (0xffULL << 48)) || (val & (0xffULL << 32)) ||
	    (val & (0xfULL << 44)) || (val & (0xffULL << 16)) || !(val & 1) || intid == 0) {
		return true;
	}
	rd = gic_redist(vc->pcpu);
	if (rd && vc->pcpu == arch_cpu_current()) {
		dsb(sy);
		wr32(rd + SGI_FRAME + GICR_ISPENDR0, BIT(intid));
	}
	return true;
}

/* arch_gic_direct_redist_write on a direct-interrupts CPU, its own. */
static __attribute__((noinline)) void direct_redist_write(u32 pcpu, u32 off, u32 size, u64 val)
{
	paddr_t sgi = gic_redist(pcpu) + SGI_FRAME;
	u32 bits = (u32)val & GUEST_MASK;

	if (off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR0 + 32 && (size == 1 || size == 4) &&
	    off % size == 0) {
		for (u32 k = 0; k < size; k++) {
			u32 intid = off - GICR_IPRIORITYR0 + k;
			u8 prio = (u8)(val >> (8 * k));

			if (GUEST_MASK & BIT(intid)) {
				wr8(sgi + GICR_IPRIORITYR0 + intid, (u8)((prio >> 1) | 0x80));
			}
		}
		return;
	}
	if (size != 4 || !bits) {
		return;
	}
	switch (off) {
	case GICR_ISENABLER0:
	case GICR_ISPENDR0:
	case GICR_ICPENDR0:
	case GICR_ISACTIVER0:
	case GICR_ICACTIVER0:
		wr32(sgi + off, bits);
		break;
	case GICR_ICENABLER0:
		wr32(sgi + off, bits);
		gicr_wait_rwp(sgi - SGI_FRAME);
		break;
	default:
		break; /* IGROUPR0 (all Group 1), ICFGR (SGIs edge, the timer level): fixed */
	}
}

/* A guest write to its redistributor's SGI_base frame (already applied to the vGIC
 * model, which answers the guest's reads): the same bits for the guest's own
 * interrupts go to the physical redistributor of its CPU. Values from the guest. Only the
 * test here, small enough for LTO to inline into the vGIC's redistributor writes (every
 * VM's, direct or not): the work is direct_redist_write's. */
void arch_gic_direct_redist_write(u32 pcpu, u32 off, u32 size, u64 val)
{
	if (pcpu < CONFIG_MAX_PCPUS && direct_on[pcpu] && pcpu == arch_cpu_current()) {
		direct_redist_write(pcpu, off, size, val);
	}
}

/* The idle WFI must not be woken, again and again, by the guest's own pending
 * interrupts while its vCPU is paused: Group 1 is off around it. */
u64 direct_idle_mask(void)
{
	u64 saved;

	if (!direct_active()) {
		return 0;
	}
	saved = sysreg_read(S3_0_C12_C12_7);
	sysreg_write(S3_0_C12_C12_7, 0);
	isb();
	return saved | BIT(63);
}

void direct_idle_unmask(u64 saved)
{
	if (saved & BIT(63)) {
		sysreg_write(S3_0_C12_C12_7, saved & 1);
		isb();
	}
}
