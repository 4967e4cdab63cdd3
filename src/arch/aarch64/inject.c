/* SPDX-License-Identifier: MIT */
/*
 * Injecting synchronous exceptions into a guest's EL1 (Arm ARM D1.10.2,
 * "Exception entry"): the same register updates hardware makes, performed on
 * the vCPU's own CPU where its EL1 registers live.
 */
#include "guest_calls.h"
#include "arch_cpu.h"
#include "sysreg.h"

static void inject_sync(struct vcpu *vc, u64 esr, u64 far, bool has_far)
{
	u64 spsr = vc->regs.spsr;
	u64 vbar = sysreg_read(vbar_el1);
	u64 offset;

	if (spsr & PSR_RW32) {
		offset = 0x600; /* from AArch32 EL0 */
	} else if ((spsr & PSR_MODE_MASK) == PSR_MODE_EL0T) {
		offset = 0x400; /* lower EL, AArch64 */
	} else if ((spsr & PSR_MODE_MASK) == PSR_MODE_EL1H) {
		offset = 0x200; /* current EL with SP_EL1 */
	} else {
		offset = 0x000; /* current EL with SP_EL0 */
	}
	if (vc->regs.elr == vbar + offset) {
		/* It faulted on the very vector it would be sent to: it has lost control and
		 * would loop here for ever. Stop the VM (health policies act on this). */
		guest_crashed(vc);
		return;
	}
	sysreg_write(elr_el1, vc->regs.elr);
	sysreg_write(spsr_el1, spsr);
	sysreg_write(esr_el1, esr);
	if (has_far) {
		sysreg_write(far_el1, far);
	}
	vc->regs.elr = vbar + offset;
	vc->regs.spsr = PSR_MODE_EL1H | PSR_DAIF;
}

static bool from_el0(const struct vcpu *vc)
{
	return (vc->regs.spsr & PSR_MODE_MASK) == PSR_MODE_EL0T || (vc->regs.spsr & PSR_RW32);
}

void inject_undef(struct vcpu *vc)
{
	/* EC 0 (unknown reason): what an UNDEFINED instruction gives on hardware. */
	inject_sync(vc, ESR_IL, 0, false);
}

void inject_dabt(struct vcpu *vc, u64 far, bool write)
{
	u64 ec = from_el0(vc) ? EC_DABT_LOW : EC_DABT_CUR;
	u64 esr = ec << ESR_EC_SHIFT | ESR_IL | FSC_SEA | (write ? ISS_DABT_WNR : 0);

	inject_sync(vc, esr, far, true);
}

void inject_iabt(struct vcpu *vc, u64 far)
{
	u64 ec = from_el0(vc) ? EC_IABT_LOW : EC_IABT_CUR;

	inject_sync(vc, ec << ESR_EC_SHIFT | ESR_IL | FSC_SEA, far, true);
}
