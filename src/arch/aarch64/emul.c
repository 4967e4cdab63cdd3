/* SPDX-License-Identifier: MIT */
/*
 * Trapped system register accesses (ESR EC 0x18, Arm ARM D17.2.37 ISS
 * encoding): GIC SGI generation, ID registers (sanitised so guests never see
 * features the hypervisor does not context-switch or partition: SVE, SME,
 * pointer authentication, MTE, AMU, SPE, trace, RAS), debug and PMU registers
 * (RAZ/WI: not partitioned between VMs), set/way cache maintenance.
 * Anything else is UNDEFINED for the guest, as on hardware without it.
 */
#include "arch_cpu.h"
#include "direct.h"
#include "sysreg.h"
#include "vgic.h"

#define SR(op0, op1, crn, crm, op2)                                                          \
	(((u32)(op0) << 20) | ((u32)(op2) << 17) | ((u32)(op1) << 14) | ((u32)(crn) << 10) | \
	 ((u32)(crm) << 1))
#define SR_MASK 0x3ffc1eU /* Op0, Op2, Op1, CRn, CRm */

#define SR_ICC_SGI1R  SR(3, 0, 12, 11, 5)
#define SR_ICC_ASGI1R SR(3, 0, 12, 11, 6)
#define SR_ICC_SGI0R  SR(3, 0, 12, 11, 7)
#define SR_ACTLR_EL1  SR(3, 0, 1, 0, 1)

static u64 field_clear(u64 v, u32 shift)
{
	return v & ~(0xfULL << shift);
}

static u64 id_aa64pfr0(void)
{
	u64 v = sysreg_read(id_aa64pfr0_el1);

	v = field_clear(v, 32); /* SVE */
	v = field_clear(v, 28); /* RAS */
	v = field_clear(v, 40); /* MPAM */
	v = field_clear(v, 44); /* AMU */
	v = field_clear(v, 8);	/* EL2: guests get no nested virtualisation */
	return v;
}

static u64 id_aa64pfr1(void)
{
	u64 v = sysreg_read(id_aa64pfr1_el1);

	v = field_clear(v, 8);	/* MTE */
	v = field_clear(v, 24); /* SME */
	v = field_clear(v, 28); /* RNDR_trap */
	v = field_clear(v, 32); /* CSV2_frac left? clear conservatively only what we trap */
	return v & 0xffffffffULL;
}

static u64 id_aa64isar1(void)
{
	u64 v = sysreg_read(id_aa64isar1_el1);

	v = field_clear(v, 4);	/* APA */
	v = field_clear(v, 8);	/* API */
	v = field_clear(v, 24); /* GPA */
	v = field_clear(v, 28); /* GPI */
	return v;
}

static u64 id_aa64isar2(void)
{
	u64 v = sysreg_read(S3_0_C0_C6_2);

	v = field_clear(v, 8);	/* GPA3 */
	v = field_clear(v, 12); /* APA3 */
	return v;
}

static u64 id_aa64dfr0(void)
{
	u64 v = sysreg_read(id_aa64dfr0_el1);

	/* PMU, SPE, trace, TRBE, BRBE are not given to guests: report them absent. */
	v = field_clear(v, 8);	/* PMUVer */
	v = field_clear(v, 32); /* PMSVer */
	v = field_clear(v, 4);	/* TraceVer */
	v = field_clear(v, 44); /* TraceBuffer */
	v = field_clear(v, 52); /* BRBE */
	return v;
}

/* Group-3 ID registers: Op0 = 3, Op1 = 0, CRn = 0, CRm = 1..7. */
static bool id_reg_read(u32 key, u64 *val)
{
	u32 crm = (key >> 1) & 0xf;
	u32 op2 = (key >> 17) & 7;

	switch (key) {
	case SR(3, 0, 0, 4, 0):
		*val = id_aa64pfr0();
		return true;
	case SR(3, 0, 0, 4, 1):
		*val = id_aa64pfr1();
		return true;
	case SR(3, 0, 0, 4, 4): /* ID_AA64ZFR0: no SVE */
	case SR(3, 0, 0, 4, 5): /* ID_AA64SMFR0: no SME */
		*val = 0;
		return true;
	case SR(3, 0, 0, 5, 0):
		*val = id_aa64dfr0();
		return true;
	case SR(3, 0, 0, 5, 1):
		*val = sysreg_read(id_aa64dfr1_el1);
		return true;
	case SR(3, 0, 0, 6, 0):
		*val = sysreg_read(id_aa64isar0_el1);
		return true;
	case SR(3, 0, 0, 6, 1):
		*val = id_aa64isar1();
		return true;
	case SR(3, 0, 0, 6, 2):
		*val = id_aa64isar2();
		return true;
	case SR(3, 0, 0, 7, 0):
		*val = sysreg_read(id_aa64mmfr0_el1);
		return true;
	case SR(3, 0, 0, 7, 1):
		*val = sysreg_read(id_aa64mmfr1_el1);
		return true;
	case SR(3, 0, 0, 7, 2):
		*val = sysreg_read(id_aa64mmfr2_el1);
		return true;
	default:
		break;
	}
	/* AArch32 ID registers and the unallocated group-3 space read as zero. */
	if (crm >= 1 && crm <= 7 && op2 <= 7) {
		*val = 0;
		return true;
	}
	return false;
}

static bool debug_or_pmu(u32 key)
{
	u32 op0 = (key >> 20) & 3;
	u32 crn = (key >> 10) & 0xf;
	u32 op1 = (key >> 14) & 7;

	if (op0 == 2) {
		return true; /* debug registers (MDSCR, DBGB*, OSLAR, ...) */
	}
	/* PMU: PMCR_EL0.. in CRn 9 (op1 3), PMINTEN/PMMIR in CRn 9 op1 0, PMEV* in CRn 14 with
	 * CRm 8..15. CRn 14 CRm 0..3 are the generic timer's (CNTP_*, CNTV_*): not trapped. */
	return op0 == 3 && ((crn == 9 && (op1 == 3 || op1 == 0)) ||
			    (crn == 14 && op1 == 3 && ((key >> 1) & 0xf) >= 8));
}

void sysreg_trap(struct vcpu *vc, u64 esr)
{
	u32 iss = (u32)(esr & 0x1ffffff);
	u32 key = iss & SR_MASK;
	u32 rt = (iss >> 5) & 0x1f;
	bool read = iss & 1;
	u64 val = 0;

	/* Branches that do the same (ignore, or read as zero) stay apart: each cites its reason. */
	if (((key >> 20) & 3) == 2 && arch_vcpu_debug_touch(vc)) {
		return; /* lazy debug switch: the registers are live now, retry the access */
	}
	// NOLINTBEGIN(bugprone-branch-clone)
	if (!read && key == SR_ICC_SGI1R) {
		/* direct-interrupts VM: a physical self-SGI (direct.c). */
		if (!vc->vm->cfg->direct_interrupts || !direct_sgi1r(vc, vcpu_get_x(vc, rt))) {
			vgic_sgi1r(&vc->vm->irqchip.vgic, vc->id, vcpu_get_x(vc, rt));
		}
	} else if (!read && (key == SR_ICC_ASGI1R || key == SR_ICC_SGI0R)) {
		/* Group 0 / alternate SGIs: everything is Group 1 in our vGIC; ignored. */
	} else if (read && ((key >> 20) & 3) == 3 && ((key >> 14) & 7) == 0 &&
		   ((key >> 10) & 0xf) == 0 && id_reg_read(key, &val)) {
		vcpu_set_x(vc, rt, val);
	} else if (((key >> 20) & 3) == 1) {
		/* DC ISW/CSW/CISW (set/way, trapped by HCR_EL2.TSW): a no-op is safe for
		 * isolation; a VM has no business cleaning caches by set/way. */
	} else if (key == SR_ACTLR_EL1) {
		/* Trapped by HCR_EL2.TACR: implementation-defined controls are not the
		 * guest's to change; reads as zero, writes ignored. */
		if (read) {
			vcpu_set_x(vc, rt, 0);
		}
	} else if (arch_gdb_guest_sysreg(vc, key, rt, read)) {
		/* A debugger owns the debug registers: the guest's own, kept aside. */
	} else if (debug_or_pmu(key)) {
		if (read) {
			vcpu_set_x(vc, rt, 0);
		}
	} else {
		inject_undef(vc);
		return;
	}
	// NOLINTEND(bugprone-branch-clone)
	vc->regs.elr += 4;
}

/* An ICC_SGI1R_EL1 write of value val on the partial save: the SGI needs neither the rest
 * of the registers nor the exit work, since another CPU that wants this one to look again
 * kicks it and that interrupt is taken right after the ERET. The sender's own vGIC is
 * refilled here if the SGI made it dirty (a self-SGI that found no free LR). Returns 1 to
 * fall back to trap_sync (a direct-interrupts VM, or tracing on), nothing done. */
static u64 sgi1r_fast(struct vcpu *vc, u64 val)
{
	if (vc->vm->cfg->direct_interrupts || vc->trace) {
		return 1; /* vc->trace: tracing, trap_sync records it */
	}
	vc->exits[VEXIT_SYSREG]++; /* a trap: vcpu_traps() */
	vgic_sgi1r(&vc->vm->irqchip.vgic, vc->id, val);
	vgic_flush(&vc->vm->irqchip.vgic, vc->id);
	sysreg_write(elr_el2, sysreg_read(elr_el2) + 4);
	return 0;
}

/*
 * Fast path of a trapped ICC_SGI1R_EL1 write, called from vectors.S with only x0-x18/x30
 * saved (an SGI names its value register; x19-x29 are not in the vCPU, so those go the
 * general way). vectors.S answers a self-SGI itself when it can (sgi_entry) and calls
 * trap_sgi1r_fast for one to other vCPUs; this takes what is left. Returns 1 to fall back
 * to trap_sync, nothing done.
 */
u64 trap_sysreg_fast(struct vcpu *vc)
{
	u32 iss = (u32)(sysreg_read(esr_el2) & 0x1ffffff);
	u32 rt = (iss >> 5) & 0x1f;

	if ((iss & (SR_MASK | 1U)) != SR_ICC_SGI1R || (rt > 18 && rt < 30)) {
		return 1;
	}
	return sgi1r_fast(vc, vcpu_get_x(vc, rt));
}

/* vectors.S's sgi_entry: an ICC_SGI1R_EL1 write whose value (val, read from any register
 * before the save) targets anything but the writer alone. */
u64 trap_sgi1r_fast(struct vcpu *vc, u64 val)
{
	return sgi1r_fast(vc, val);
}
