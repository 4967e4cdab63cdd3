/* SPDX-License-Identifier: MIT */
/*
 * A vCPU in and out of its CPU's hardware, for CPUs shared by several vCPUs (core/sched.c).
 * struct arch_vcpu (arch_types.h) is everything a guest can observe; after arch_vcpu_save
 * nothing of the guest is live on the CPU: both EL1 timers are off, its hardware-linked timer
 * interrupts are not active physically, the virtual CPU interface is disabled. The next
 * vCPU's arch_vcpu_restore overwrites every register the previous one could read, so no
 * guest sees another's registers, FP state, timers, list registers or debug state.
 * A static CPU never calls these: its vCPU's state stays in the hardware (vcpu.c).
 */
#include "arch_cpu.h"
#include "gdb.h"
#include "lib.h"
#include "gicv3.h"
#include "layout.h"
#include "sysreg.h"
#include "vgic.h"

#define TIMER_PPIS     (BIT(INTID_VTIMER) | BIT(INTID_PTIMER))
#define CNT_CTL_ENABLE BIT(0)
#define CNT_CTL_IMASK  BIT(1)
#define OSLSR_OSLK     BIT(1)
#define MDCR_TDA       BIT(9)  /* trap debug registers (breakpoints, MDSCR, DCC, ...) */
#define MDCR_TDOSA     BIT(10) /* trap the OS lock and power-down registers */
#define ICH_VTR_PRE(v) ((u32)((v) >> 29) & 7) /* 12.4.9: priority bits - 1 */
#define ICH_VMCR_EL2   S3_4_C12_C11_7
#define ICH_HCR_EL2    S3_4_C12_C11_0
#define ICH_VTR_EL2    S3_4_C12_C11_1

/* Implemented list registers and active-priority registers (ICH_VTR_EL2, fixed for the
 * CPU's life; read once, so a switch pays no ID register read or count call). */
static u32 gicv_lrs, gicv_aprs;

static void gicv_counts(void)
{
	u32 pre;

	if (gicv_lrs) {
		return;
	}
	pre = ICH_VTR_PRE(sysreg_read(ICH_VTR_EL2)) + 1;
	gicv_aprs = pre >= 7 ? 4 : (pre == 6 ? 2 : 1); /* ICH_AP<n>R<m>: 1 << (PREbits - 5) */
	gicv_lrs = MIN(arch_gic_lr_count(), ARCH_MAX_LRS);
}

static void el1_save(struct arch_el1 *e)
{
	e->sctlr = sysreg_read(sctlr_el1);
	e->ttbr0 = sysreg_read(ttbr0_el1);
	e->ttbr1 = sysreg_read(ttbr1_el1);
	e->tcr = sysreg_read(tcr_el1);
	e->mair = sysreg_read(mair_el1);
	e->amair = sysreg_read(amair_el1);
	e->vbar = sysreg_read(vbar_el1);
	e->contextidr = sysreg_read(contextidr_el1);
	e->tpidr_el0 = sysreg_read(tpidr_el0);
	e->tpidrro_el0 = sysreg_read(tpidrro_el0);
	e->tpidr_el1 = sysreg_read(tpidr_el1);
	e->sp_el0 = sysreg_read(sp_el0);
	e->sp_el1 = sysreg_read(sp_el1);
	e->elr_el1 = sysreg_read(elr_el1);
	e->spsr_el1 = sysreg_read(spsr_el1);
	e->esr = sysreg_read(esr_el1);
	e->far = sysreg_read(far_el1);
	e->afsr0 = sysreg_read(afsr0_el1);
	e->afsr1 = sysreg_read(afsr1_el1);
	e->par = sysreg_read(par_el1);
	e->cpacr = sysreg_read(cpacr_el1);
	e->csselr = sysreg_read(csselr_el1);
	e->cntkctl = sysreg_read(cntkctl_el1);
	e->hcr = sysreg_read(hcr_el2);
	/* VTTBR_EL2 and VMPIDR_EL2 (like CNTVOFF_EL2): EL2-only, the guest cannot change them;
	 * recorded when the vCPU starts (arch_vcpu_share), restored, never saved. */
}

static void el1_restore(const struct arch_el1 *e)
{
	sysreg_write(sctlr_el1, e->sctlr);
	sysreg_write(ttbr0_el1, e->ttbr0);
	sysreg_write(ttbr1_el1, e->ttbr1);
	sysreg_write(tcr_el1, e->tcr);
	sysreg_write(mair_el1, e->mair);
	sysreg_write(amair_el1, e->amair);
	sysreg_write(vbar_el1, e->vbar);
	sysreg_write(contextidr_el1, e->contextidr);
	sysreg_write(tpidr_el0, e->tpidr_el0);
	sysreg_write(tpidrro_el0, e->tpidrro_el0);
	sysreg_write(tpidr_el1, e->tpidr_el1);
	sysreg_write(sp_el0, e->sp_el0);
	sysreg_write(sp_el1, e->sp_el1);
	sysreg_write(elr_el1, e->elr_el1);
	sysreg_write(spsr_el1, e->spsr_el1);
	sysreg_write(esr_el1, e->esr);
	sysreg_write(far_el1, e->far);
	sysreg_write(afsr0_el1, e->afsr0);
	sysreg_write(afsr1_el1, e->afsr1);
	sysreg_write(par_el1, e->par);
	sysreg_write(cpacr_el1, e->cpacr);
	sysreg_write(csselr_el1, e->csselr);
	sysreg_write(cntkctl_el1, e->cntkctl);
	sysreg_write(hcr_el2, e->hcr);
	sysreg_write(vttbr_el2, e->vttbr);
	sysreg_write(vmpidr_el2, e->vmpidr);
}

/* q0-q31 as 64 doublewords, then FPCR and FPSR (struct arch_fp). */
static void fp_save(struct arch_fp *f)
{
	u64 *q = f->q;

	__asm__ volatile(".arch_extension fp\n.arch_extension simd\n"
			 "stp q0, q1, [%0, #0]\n stp q2, q3, [%0, #32]\n"
			 "stp q4, q5, [%0, #64]\n stp q6, q7, [%0, #96]\n"
			 "stp q8, q9, [%0, #128]\n stp q10, q11, [%0, #160]\n"
			 "stp q12, q13, [%0, #192]\n stp q14, q15, [%0, #224]\n"
			 "stp q16, q17, [%0, #256]\n stp q18, q19, [%0, #288]\n"
			 "stp q20, q21, [%0, #320]\n stp q22, q23, [%0, #352]\n"
			 "stp q24, q25, [%0, #384]\n stp q26, q27, [%0, #416]\n"
			 "stp q28, q29, [%0, #448]\n stp q30, q31, [%0, #480]\n"
			 :
			 : "r"(q)
			 : "memory");
	f->fpcr = sysreg_read(fpcr);
	f->fpsr = sysreg_read(fpsr);
}

static void fp_restore(const struct arch_fp *f)
{
	const u64 *q = f->q;

	__asm__ volatile(".arch_extension fp\n.arch_extension simd\n"
			 "ldp q0, q1, [%0, #0]\n ldp q2, q3, [%0, #32]\n"
			 "ldp q4, q5, [%0, #64]\n ldp q6, q7, [%0, #96]\n"
			 "ldp q8, q9, [%0, #128]\n ldp q10, q11, [%0, #160]\n"
			 "ldp q12, q13, [%0, #192]\n ldp q14, q15, [%0, #224]\n"
			 "ldp q16, q17, [%0, #256]\n ldp q18, q19, [%0, #288]\n"
			 "ldp q20, q21, [%0, #320]\n ldp q22, q23, [%0, #352]\n"
			 "ldp q24, q25, [%0, #384]\n ldp q26, q27, [%0, #416]\n"
			 "ldp q28, q29, [%0, #448]\n ldp q30, q31, [%0, #480]\n"
			 :
			 : "r"(q)
			 : "memory");
	sysreg_write(fpcr, f->fpcr);
	sysreg_write(fpsr, f->fpsr);
}

_Static_assert(sizeof(((struct arch_fp *)0)->q) == 512, "q0-q31");

/* Both timers stopped after the save: a switched-out vCPU must not interrupt this CPU; its
 * deadline wakes it through the hypervisor timer instead (core/sched.c). A hardware-linked
 * timer interrupt the guest has active stays active for it alone: taken off the physical
 * GIC here, put back on restore, so the next vCPU's timer PPI is not blocked by it. */
static void timers_save(struct arch_timers *t)
{
	t->cntv_ctl = sysreg_read(cntv_ctl_el0);
	t->cntv_cval = sysreg_read(cntv_cval_el0);
	t->cntp_ctl = sysreg_read(cntp_ctl_el0);
	t->cntp_cval = sysreg_read(cntp_cval_el0);
	sysreg_write(cntv_ctl_el0, 0);
	sysreg_write(cntp_ctl_el0, 0);
	isb();
	t->ppi_active = gic_ppi_active_take(TIMER_PPIS);
}

static void timers_restore(const struct arch_timers *t)
{
	gic_ppi_active_give(t->ppi_active);
	sysreg_write(cntvoff_el2, t->cntvoff);
	sysreg_write(cntv_cval_el0, t->cntv_cval);
	sysreg_write(cntp_cval_el0, t->cntp_cval);
	sysreg_write(cntv_ctl_el0, t->cntv_ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK));
	sysreg_write(cntp_ctl_el0, t->cntp_ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK));
}

#define APR_SAVE(n)                                             \
	case (n) + 1:                                           \
		g->ap0r[n] = (u32)sysreg_read(S3_4_C12_C8_##n); \
		g->ap1r[n] = (u32)sysreg_read(S3_4_C12_C9_##n); \
		__attribute__((fallthrough))
#define APR_RESTORE(n)                                     \
	case (n) + 1:                                      \
		sysreg_write(S3_4_C12_C8_##n, g->ap0r[n]); \
		sysreg_write(S3_4_C12_C9_##n, g->ap1r[n]); \
		__attribute__((fallthrough))

/* ICH_LR<n>_EL2: n 0-7 are S3_4_C12_C12_<n>, 8-15 are S3_4_C12_C13_<n - 8>. Unrolled, from
 * the highest implemented down (no call and no jump table per register). */
#define LR_SAVE(n, crm, op2)                                    \
	case (n) + 1:                                           \
		g->lr[n] = sysreg_read(S3_4_C12_##crm##_##op2); \
		__attribute__((fallthrough))
#define LR_RESTORE(n, crm, op2)                                 \
	case (n) + 1:                                           \
		sysreg_write(S3_4_C12_##crm##_##op2, g->lr[n]); \
		__attribute__((fallthrough))
#define LR_ALL(m)      \
	m(15, C13, 7); \
	m(14, C13, 6); \
	m(13, C13, 5); \
	m(12, C13, 4); \
	m(11, C13, 3); \
	m(10, C13, 2); \
	m(9, C13, 1);  \
	m(8, C13, 0);  \
	m(7, C12, 7);  \
	m(6, C12, 6);  \
	m(5, C12, 5);  \
	m(4, C12, 4);  \
	m(3, C12, 3);  \
	m(2, C12, 2);  \
	m(1, C12, 1);  \
	m(0, C12, 0)

/* The virtual CPU interface is left disabled (ICH_HCR_EL2.En = 0): no maintenance interrupt
 * for a vCPU that is not here. */
static void gicv_save(struct arch_gicv *g)
{
	gicv_counts();
	g->hcr = (u32)sysreg_read(ICH_HCR_EL2);
	sysreg_write(ICH_HCR_EL2, 0);
	g->vmcr = (u32)sysreg_read(ICH_VMCR_EL2);
	switch (gicv_lrs) {
		LR_ALL(LR_SAVE);
	default:
		break;
	}
	switch (gicv_aprs) {
		APR_SAVE(3);
		APR_SAVE(2);
		APR_SAVE(1);
		APR_SAVE(0);
	default:
		break;
	}
}

static void gicv_restore(const struct arch_gicv *g)
{
	gicv_counts();
	switch (gicv_lrs) {
		LR_ALL(LR_RESTORE);
	default:
		break;
	}
	switch (gicv_aprs) {
		APR_RESTORE(3);
		APR_RESTORE(2);
		APR_RESTORE(1);
		APR_RESTORE(0);
	default:
		break;
	}
	sysreg_write(ICH_VMCR_EL2, g->vmcr);
	sysreg_write(ICH_HCR_EL2, g->hcr);
}

#define DBG_SAVE(n)                                               \
	case n:                                                   \
		d->bvr[n] = sysreg_read(dbgbvr##n##_el1);         \
		d->bcr[n] = sysreg_read(dbgbcr##n##_el1);         \
		if ((n) < wrps) {                                 \
			d->wvr[n] = sysreg_read(dbgwvr##n##_el1); \
			d->wcr[n] = sysreg_read(dbgwcr##n##_el1); \
		}                                                 \
		__attribute__((fallthrough))
#define DBG_RESTORE(n)                                            \
	case n:                                                   \
		sysreg_write(dbgbvr##n##_el1, d->bvr[n]);         \
		sysreg_write(dbgbcr##n##_el1, d->bcr[n]);         \
		if ((n) < wrps) {                                 \
			sysreg_write(dbgwvr##n##_el1, d->wvr[n]); \
			sysreg_write(dbgwcr##n##_el1, d->wcr[n]); \
		}                                                 \
		__attribute__((fallthrough))

/* Implemented breakpoints and watchpoints (ID_AA64DFR0_EL1.BRPs/WRPs, minus one). */
static void dbg_counts(u32 *brps, u32 *wrps)
{
	u64 dfr0 = sysreg_read(id_aa64dfr0_el1);

	*brps = (u32)((dfr0 >> 12) & 0xf);
	*wrps = (u32)((dfr0 >> 20) & 0xf) + 1;
}

static void debug_save(struct arch_debug *d)
{
	u32 brps, wrps;

	dbg_counts(&brps, &wrps);
	d->mdscr = sysreg_read(mdscr_el1);
	d->mdccint = sysreg_read(mdccint_el1);
	d->oslsr = sysreg_read(oslsr_el1);
	switch (brps) {
		DBG_SAVE(15);
		DBG_SAVE(14);
		DBG_SAVE(13);
		DBG_SAVE(12);
		DBG_SAVE(11);
		DBG_SAVE(10);
		DBG_SAVE(9);
		DBG_SAVE(8);
		DBG_SAVE(7);
		DBG_SAVE(6);
		DBG_SAVE(5);
		DBG_SAVE(4);
		DBG_SAVE(3);
		DBG_SAVE(2);
		DBG_SAVE(1);
		DBG_SAVE(0);
	default:
		break;
	}
}

static void debug_restore(const struct arch_debug *d)
{
	u32 brps, wrps;

	dbg_counts(&brps, &wrps);
	switch (brps) {
		DBG_RESTORE(15);
		DBG_RESTORE(14);
		DBG_RESTORE(13);
		DBG_RESTORE(12);
		DBG_RESTORE(11);
		DBG_RESTORE(10);
		DBG_RESTORE(9);
		DBG_RESTORE(8);
		DBG_RESTORE(7);
		DBG_RESTORE(6);
		DBG_RESTORE(5);
		DBG_RESTORE(4);
		DBG_RESTORE(3);
		DBG_RESTORE(2);
		DBG_RESTORE(1);
		DBG_RESTORE(0);
	default:
		break;
	}
	sysreg_write(mdccint_el1, d->mdccint);
	sysreg_write(oslar_el1, (d->oslsr & OSLSR_OSLK) ? 1 : 0);
	sysreg_write(mdscr_el1, d->mdscr);
}

/*
 * Lazy debug switch. Few guests ever touch the self-hosted debug registers (about 130
 * instructions a switch to move), so a vCPU's are switched only once it has: until then
 * they hold their reset values and its accesses trap (MDCR_EL2.TDA/TDOSA), the first one
 * making them live (arch_vcpu_debug_touch). Per CPU, dbg_hw_live says whether the
 * hardware holds a live guest's values (traps off) or the reset values (traps on), so a
 * vCPU whose debug state is not live always finds the reset values, never another's.
 */
static bool dbg_hw_live[CONFIG_MAX_PCPUS];

static void debug_trap(bool on)
{
	u64 m = sysreg_read(mdcr_el2);

	sysreg_write(mdcr_el2, on ? m | MDCR_TDA | MDCR_TDOSA : m & ~(MDCR_TDA | MDCR_TDOSA));
}

static void debug_switch_in(const struct arch_debug *d)
{
	u32 cpu = arch_cpu_current();

	if (cpu >= CONFIG_MAX_PCPUS) {
		return;
	}
	if (d->live) {
		debug_restore(d);
		if (!dbg_hw_live[cpu]) {
			debug_trap(false);
			dbg_hw_live[cpu] = true;
		}
	} else if (dbg_hw_live[cpu]) {
		arch_debug_reset();
		debug_trap(true);
		dbg_hw_live[cpu] = false;
	}
}

#if TESSERA_FEAT_SCHED /* without shared CPUs the debug registers are never trapped */
bool arch_vcpu_debug_touch(struct vcpu *vc)
{
	u32 cpu = arch_cpu_current();

	/* Only the lazy switch sets the traps (a static CPU never does). */
	if (vc->arch.dbg.live || cpu >= CONFIG_MAX_PCPUS || !(sysreg_read(mdcr_el2) & MDCR_TDA)) {
		return false;
	}
	vc->arch.dbg.live = 1;
	dbg_hw_live[cpu] = true;
	debug_trap(false);
	isb();
	return true;
}
#endif

void arch_vcpu_save(struct vcpu *vc)
{
	struct arch_vcpu *a = &vc->arch;

	timers_save(&a->timers);
	gicv_save(&a->gic);
	el1_save(&a->el1);
	if (a->dbg.live) {
		debug_save(&a->dbg);
	}
	fp_save(&a->fp);
}

void arch_vcpu_restore(struct vcpu *vc)
{
	const struct arch_vcpu *a = &vc->arch;

	el1_restore(&a->el1);
	debug_switch_in(&a->dbg);
	fp_restore(&a->fp);
	gicv_restore(&a->gic);
	timers_restore(&a->timers);
	arch_gdb_route_lazy(vc); /* debug exceptions to EL2 iff a debugger holds its VM */
	isb();
}

void arch_vcpu_adopt(struct vcpu *vc, const struct arch_vcpu *a)
{
	struct arch_vcpu *d = &vc->arch;
	u64 hcr = sysreg_read(hcr_el2), vttbr = sysreg_read(vttbr_el2);
	u64 vmpidr = sysreg_read(vmpidr_el2);
	u32 ich_hcr = (u32)sysreg_read(ICH_HCR_EL2);

	memcpy(d, a, sizeof(*d));
	/* This run's EL2 controls (arch_vcpu_start set them), plus a pending virtual SError. */
	d->el1.hcr = hcr | (a->el1.hcr & HCR_VSE);
	d->el1.vttbr = vttbr;
	d->el1.vmpidr = vmpidr;
	d->gic.hcr = ich_hcr;
	/* d->timers.cntvoff: the offset arch_vcpu_time_base made of the carried count. */
	d->dbg.live = 1; /* the stream's debug registers are loaded, whatever its flag said */
	arch_vcpu_restore(vc);
}

void arch_vcpu_share(struct vcpu *vc)
{
	struct arch_gicv zero = {0};

	/* The EL1 reset (arch_vcpu_start) left what it does not reset: the list registers
	 * and upper active-priority registers of the vCPU that was here before. */
	zero.hcr = (u32)sysreg_read(ICH_HCR_EL2);
	zero.vmcr = (u32)sysreg_read(ICH_VMCR_EL2);
	gicv_restore(&zero);
	/* What the guest cannot change is recorded once, not saved on every switch. */
	vc->arch.el1.vttbr = sysreg_read(vttbr_el2);
	vc->arch.el1.vmpidr = sysreg_read(vmpidr_el2);
	vc->arch.timers.cntvoff = sysreg_read(cntvoff_el2);
	/* Its debug registers are at reset values (arch_vcpu_start): trapped until touched. */
	vc->arch.dbg.live = 0;
	if (arch_cpu_current() < CONFIG_MAX_PCPUS) {
		dbg_hw_live[arch_cpu_current()] = false;
	}
	debug_trap(true);
	/* WFI blocks, WFE yields the vCPU (traps.c); only on a shared CPU. */
	sysreg_write(hcr_el2, sysreg_read(hcr_el2) | HCR_TWI | HCR_TWE);
	isb();
}

/* The counter value at which a saved timer asserts an interrupt the guest has not masked
 * (CNTV compares CNTVCT = CNTPCT - CNTVOFF), or 0. */
static u64 timer_at(u64 ctl, u64 cval, u64 off)
{
	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE ? cval + off : 0;
}

u64 arch_vcpu_timer_deadline(const struct vcpu *vc, u32 timer_irqs)
{
	const struct arch_timers *t = &vc->arch.timers;
	u64 v =
	    (timer_irqs & BIT(INTID_VTIMER)) ? timer_at(t->cntv_ctl, t->cntv_cval, t->cntvoff) : 0;
	u64 p = (timer_irqs & BIT(INTID_PTIMER)) ? timer_at(t->cntp_ctl, t->cntp_cval, 0) : 0;

	if (!v || (p && p < v)) {
		return p;
	}
	return v;
}

u64 arch_vcpu_live_timer_deadline(u32 timer_irqs)
{
	u64 v = (timer_irqs & BIT(INTID_VTIMER))
		    ? timer_at(sysreg_read(cntv_ctl_el0), sysreg_read(cntv_cval_el0),
			       sysreg_read(cntvoff_el2))
		    : 0;
	u64 p = (timer_irqs & BIT(INTID_PTIMER))
		    ? timer_at(sysreg_read(cntp_ctl_el0), sysreg_read(cntp_cval_el0), 0)
		    : 0;

	return !v || (p && p < v) ? p : v;
}

void arch_vcpu_wait_until(u64 t)
{
	u64 hctl, hcval;
	bool backstop;

	/* A timer PPI the guest keeps active never signals: the hypervisor timer ends the
	 * wait at t at the latest, then gets its own deadline back. */
	hctl = sysreg_read(cnthp_ctl_el2);
	hcval = sysreg_read(cnthp_cval_el2);
	backstop = (hctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) != CNT_CTL_ENABLE || hcval > t;
	if (backstop) {
		arch_hyp_timer_set(t);
	}
	dsb(sy);
	wfi(); /* any pending physical interrupt ends it, masked or not */
	if (backstop) {
		sysreg_write(cnthp_cval_el2, hcval);
		sysreg_write(cnthp_ctl_el2, hctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK));
		isb();
	}
}

bool arch_irq_pending(void)
{
	return gic_irq_pending();
}

void arch_tlb_flush_guest_s1(void)
{
	/* Another vCPU of the same VM (same VMID) ran here: its stage-1 entries are not
	 * this vCPU's (two PEs may use one ASID for different tables). */
	__asm__ volatile("dsb ishst\n tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
}
