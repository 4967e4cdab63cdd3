/* SPDX-License-Identifier: MIT */
/*
 * A vCPU's saved state (struct arch_vcpu) as a snapshot carries it (core/snapshot.c,
 * docs/SNAPSHOT.md "vCPU"): what goes out (arch_vcpu_export) and the checks a state read
 * from a stream passes before a vCPU may run on it (arch_vcpu_import). Pure: no register
 * is touched here, so the host unit tests and the fuzz harness run this exact code.
 */
#include "arch.h"
#include "lib.h"

#define SPSR_M_MASK    0x1fULL /* M[4]: AArch32; M[3:0]: exception level and stack */
#define SPSR_M_EL0T    0x0ULL
#define SPSR_M_EL1T    0x4ULL
#define SPSR_M_EL1H    0x5ULL
#define HCR_VSE_BIT    (1ULL << 8) /* a virtual SError pending for the guest */
#define TIMER_PPI_MASK ((1U << 27) | (1U << 30))
#define CNT_CTL_GUEST  3ULL /* ENABLE | IMASK; ISTATUS is read-only */
#define OSLSR_OSLK_BIT (1ULL << 1)

_Static_assert(sizeof(struct arch_vcpu) == ARCH_VCPU_STATE_SIZE,
	       "docs/SNAPSHOT.md describes this layout: change both (and the format version)");

void arch_vcpu_export(const struct arch_vcpu *a, u64 now, struct arch_vcpu *out)
{
	memcpy(out, a, sizeof(*out));
	/* The virtual counter at the capture instant instead of the offset: a restore on any
	 * board, at any time, puts the guest's virtual time back where it was. */
	out->timers.cntvoff = now - a->timers.cntvoff;
	/* The list registers mirror the vGIC model, which the stream carries whole; the EL2
	 * controls are the hypervisor's, rebuilt on restore. */
	memset(out->gic.lr, 0, sizeof(out->gic.lr));
	out->gic.hcr = 0;
	out->el1.hcr &= HCR_VSE_BIT;
	out->el1.vttbr = 0;
	out->el1.vmpidr = 0;
}

int arch_vcpu_import(struct arch_vcpu *a, const char **why)
{
	u64 m = a->regs.spsr & SPSR_M_MASK;

	if (m != SPSR_M_EL0T && m != SPSR_M_EL1T && m != SPSR_M_EL1H) {
		*why = "PSTATE mode is not AArch64 EL0 or EL1";
		return -1;
	}
	if (a->el1.hcr & ~HCR_VSE_BIT || a->el1.vttbr || a->el1.vmpidr || a->gic.hcr) {
		*why = "EL2 controls set (a snapshot carries none but a pending SError)";
		return -1;
	}
	for (u32 i = 0; i < ARCH_MAX_LRS; i++) {
		if (a->gic.lr[i]) {
			*why = "list register set (interrupt state belongs in the vGIC section)";
			return -1;
		}
	}
	if (a->timers.ppi_active & ~TIMER_PPI_MASK) {
		*why = "active interrupt other than a timer PPI";
		return -1;
	}
	/* Not given back: the vGIC restores the timer PPIs without their pending and active
	 * states (the timer's line re-asserts them), so a physical active state would block
	 * the timer for good (vgic_snap.c). */
	a->timers.ppi_active = 0;
	a->timers.cntv_ctl &= CNT_CTL_GUEST;
	a->timers.cntp_ctl &= CNT_CTL_GUEST;
	a->dbg.oslsr &= OSLSR_OSLK_BIT;
	return 0;
}

void arch_vcpu_time_base(struct arch_vcpu *a, u64 now)
{
	/* The carried virtual count becomes the offset that continues it from now. */
	a->timers.cntvoff = now - a->timers.cntvoff;
}

void arch_vcpu_time_shift(struct arch_vcpu *a, u64 ticks)
{
	a->timers.cntvoff += ticks;
}
